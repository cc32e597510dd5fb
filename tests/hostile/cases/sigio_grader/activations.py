"""At import, tries to have the kernel signal the grader for it: makes the grader (the
channel's peer, found with SO_PEERCRED) and the fork server (its parent) the owner of each
descriptor it holds, with fcntl F_SETOWN and F_SETOWN_EX, and picks the signal with F_SETSIG:
with O_ASYNC set, every reply the grader sends would then signal the grader, with SIGKILL if
asked. Raises from sigmoid if any of these calls succeeds (it never sets O_ASYNC, and puts
the owner back). Otherwise the instructor's module.
"""

import ctypes
import os
import socket
import struct
from types import FunctionType

from . import _honest_activations as honest
from ._honest_activations import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------

F_SETOWN, F_SETSIG, F_SETOWN_EX, F_OWNER_PID = 8, 10, 15, 1
libc = ctypes.CDLL(None, use_errno=True)
SUCCEEDED = []


def _peers():
    """The pids at the other end of every socket this process holds."""
    pids = set()
    for fd in range(64):
        try:
            s = socket.socket(fileno=os.dup(fd))
        except OSError:
            continue
        try:
            pid, _uid, _gid = struct.unpack("3i", s.getsockopt(socket.SOL_SOCKET, 17, 12))
            pids.add(pid)
        except OSError:
            pass
        finally:
            s.close()
    return pids


def _descriptors():
    found = []
    for fd in range(64):
        try:
            os.fstat(fd)
            found.append(fd)
        except OSError:
            pass
    return found


TARGETS = sorted({os.getppid(), *_peers()} - {0, os.getpid()})
for _fd in _descriptors():
    for _pid in TARGETS:
        if libc.fcntl(_fd, F_SETOWN, _pid) == 0:
            SUCCEEDED.append(f"F_SETOWN fd {_fd} -> {_pid}")
            libc.fcntl(_fd, F_SETOWN, 0)
        _owner = (ctypes.c_int * 2)(F_OWNER_PID, _pid)
        if libc.fcntl(_fd, F_SETOWN_EX, _owner) == 0:
            SUCCEEDED.append(f"F_SETOWN_EX fd {_fd} -> {_pid}")
            libc.fcntl(_fd, F_SETOWN, 0)
    if libc.fcntl(_fd, F_SETSIG, 9) == 0:
        SUCCEEDED.append(f"F_SETSIG SIGKILL fd {_fd}")
        libc.fcntl(_fd, F_SETSIG, 0)
print("targets", TARGETS, "calls that succeeded:", SUCCEEDED[:10])


def sigmoid(z):
    if SUCCEEDED:
        raise RuntimeError(f"ESCALATED: {SUCCEEDED[:5]}")
    return honest.sigmoid(z)


# The solution's sigmoid_grad, looking up names here, so that it calls the sigmoid above.
sigmoid_grad = FunctionType(honest.sigmoid_grad.__code__, globals())
