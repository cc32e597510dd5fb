"""At import, tries the system calls a deny-list forgets: new namespaces of every kind
(unshare user, mount, IPC, UTS, cgroup, PID, time, network), personality, userfaultfd, kcmp
against its parent, System V shared memory, message queues and semaphores and a POSIX
message queue (all of which outlive the worker), sockets (INET, INET6, UNIX, NETLINK),
memfd_create, inotify, and a bare seccomp(2) call. Raises from sigmoid if any succeeds
(and removes what it made). Otherwise the instructor's module.
"""

import ctypes
import os
import socket
from types import FunctionType

from . import _honest_activations as honest
from ._honest_activations import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------

MARKER = "nnkit-hostile-syscall_zoo"
NR = {
    "x86_64": {"kcmp": 312, "userfaultfd": 323, "seccomp": 317},
    "aarch64": {"kcmp": 272, "userfaultfd": 282, "seccomp": 277},
}.get(os.uname().machine, {})
NAMESPACES = {
    "user": 0x10000000,
    "mount": 0x00020000,
    "ipc": 0x08000000,
    "uts": 0x04000000,
    "cgroup": 0x02000000,
    "pid": 0x20000000,
    "time": 0x00000080,
    "net": 0x40000000,
}
IPC_PRIVATE, IPC_CREAT, IPC_RMID = 0, 0o1000, 0
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
SUCCEEDED = []


def _ok(label, result, undo=None):
    if result is not None and result >= 0:
        SUCCEEDED.append(label)
        if undo is not None:
            undo(result)


for _name, _flag in NAMESPACES.items():
    _ok(f"unshare {_name}", libc.unshare(_flag))
_ok("personality ADDR_NO_RANDOMIZE", libc.personality(0x0040000))
if NR:
    _ok("userfaultfd", libc.syscall(NR["userfaultfd"], os.O_CLOEXEC), os.close)
    _ok("kcmp", libc.syscall(NR["kcmp"], os.getpid(), os.getppid(), 0, 0, 0))
    _ok("seccomp get action", libc.syscall(NR["seccomp"], 2, 0, ctypes.byref(ctypes.c_uint(0))))
_ok("shmget", libc.shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0o600),
    lambda i: libc.shmctl(i, IPC_RMID, None))  # fmt: skip
_ok("msgget", libc.msgget(IPC_PRIVATE, IPC_CREAT | 0o600),
    lambda i: libc.msgctl(i, IPC_RMID, None))  # fmt: skip
_ok("semget", libc.semget(IPC_PRIVATE, 1, IPC_CREAT | 0o600),
    lambda i: libc.semctl(i, 0, IPC_RMID))  # fmt: skip
try:
    _mq_open = libc.mq_open
except AttributeError:
    _mq_open = None
if _mq_open is not None:
    _mq_open.restype = ctypes.c_int
    _queue = f"/{MARKER}".encode()
    _ok("mq_open", _mq_open(_queue, os.O_CREAT | os.O_RDWR, 0o600, None),
        lambda q: (os.close(q), libc.mq_unlink(_queue)))  # fmt: skip
for _family, _kind in (
    (socket.AF_INET, socket.SOCK_STREAM),
    (socket.AF_INET6, socket.SOCK_DGRAM),
    (socket.AF_UNIX, socket.SOCK_STREAM),
    (socket.AF_NETLINK, socket.SOCK_RAW),
):
    try:
        socket.socket(_family, _kind).close()
        SUCCEEDED.append(f"socket {_family.name}")
    except OSError:
        pass
_ok("memfd_create", libc.memfd_create(MARKER.encode(), 0), os.close)
_ok("inotify_init1", libc.inotify_init1(0), os.close)
print("system calls that succeeded:", SUCCEEDED)


def sigmoid(z):
    if SUCCEEDED:
        raise RuntimeError(f"ESCALATED: {SUCCEEDED[:8]}")
    return honest.sigmoid(z)


# The solution's sigmoid_grad, looking up names here, so that it calls the sigmoid above.
sigmoid_grad = FunctionType(honest.sigmoid_grad.__code__, globals())
