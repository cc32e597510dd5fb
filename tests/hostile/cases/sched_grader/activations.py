"""At import, tries to slow down the grader and the fork server for the rest of their lives:
finds the grader's pid from the channel socket's peer (SO_PEERCRED) and the fork server's as
its parent, then calls sched_setscheduler(SCHED_IDLE), sched_setparam, sched_setattr,
ioprio_set(IOPRIO_CLASS_IDLE), setpriority(19) and sched_setaffinity on each. Raises from
sigmoid if any call succeeds (and tries to undo it). Otherwise the instructor's module.
"""

import ctypes
import os
import socket
import struct
from types import FunctionType

from . import _honest_activations as honest
from ._honest_activations import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------

SCHED_OTHER, SCHED_IDLE, IOPRIO_WHO_PROCESS, IOPRIO_CLASS_IDLE = 0, 5, 1, 3
NR = {
    "x86_64": {"sched_setattr": 314, "ioprio_set": 251},
    "aarch64": {"sched_setattr": 274, "ioprio_set": 30},
}.get(os.uname().machine, {})
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
SUCCEEDED = []


class SchedAttr(ctypes.Structure):
    _fields_ = [
        ("size", ctypes.c_uint32),
        ("sched_policy", ctypes.c_uint32),
        ("sched_flags", ctypes.c_uint64),
        ("sched_nice", ctypes.c_int32),
        ("sched_priority", ctypes.c_uint32),
        ("sched_runtime", ctypes.c_uint64),
        ("sched_deadline", ctypes.c_uint64),
        ("sched_period", ctypes.c_uint64),
    ]


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


def _try(label, call, undo=None):
    try:
        result = call()
    except OSError:
        return
    if result is None or result >= 0:
        SUCCEEDED.append(label)
        if undo is not None:
            try:
                undo()
            except OSError:
                pass


TARGETS = sorted({os.getppid(), *_peers()} - {0, os.getpid()})
for _pid in TARGETS:
    _try(
        f"sched_setscheduler {_pid}",
        lambda p=_pid: libc.sched_setscheduler(p, SCHED_IDLE, ctypes.byref(ctypes.c_int(0))),
        lambda p=_pid: libc.sched_setscheduler(p, SCHED_OTHER, ctypes.byref(ctypes.c_int(0))),
    )
    _try(
        f"sched_setparam {_pid}",
        lambda p=_pid: libc.sched_setparam(p, ctypes.byref(ctypes.c_int(0))),
    )
    if NR:
        _attr = SchedAttr(ctypes.sizeof(SchedAttr), SCHED_IDLE, 0, 0, 0, 0, 0, 0)
        _normal = SchedAttr(ctypes.sizeof(SchedAttr), SCHED_OTHER, 0, 0, 0, 0, 0, 0)
        _try(
            f"sched_setattr {_pid}",
            lambda p=_pid, a=_attr: libc.syscall(NR["sched_setattr"], p, ctypes.byref(a), 0),
            lambda p=_pid, a=_normal: libc.syscall(NR["sched_setattr"], p, ctypes.byref(a), 0),
        )
        _try(
            f"ioprio_set {_pid}",
            lambda p=_pid: libc.syscall(
                NR["ioprio_set"], IOPRIO_WHO_PROCESS, p, IOPRIO_CLASS_IDLE << 13
            ),
            lambda p=_pid: libc.syscall(NR["ioprio_set"], IOPRIO_WHO_PROCESS, p, 0),
        )
    _try(f"setpriority {_pid}", lambda p=_pid: os.setpriority(os.PRIO_PROCESS, p, 19))
    _try(f"sched_setaffinity {_pid}", lambda p=_pid: os.sched_setaffinity(p, {0}))
print("targets", TARGETS, "calls that succeeded:", SUCCEEDED)


def sigmoid(z):
    if SUCCEEDED:
        raise RuntimeError(f"ESCALATED: {SUCCEEDED[:5]} (targets {TARGETS})")
    return honest.sigmoid(z)


# The solution's sigmoid_grad, looking up names here, so that it calls the sigmoid above.
sigmoid_grad = FunctionType(honest.sigmoid_grad.__code__, globals())
