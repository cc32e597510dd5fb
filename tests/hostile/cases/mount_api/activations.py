"""At import, uses the new mount API through ctypes to make the worker's read-only import
folders writable and plant a .pth file there (which every later Python start would run):
mount_setattr(attr_clr=MOUNT_ATTR_RDONLY) on each import folder, then a write; a remount
with the old mount(2); open_tree(OPEN_TREE_CLONE) with move_mount; fsopen/fsmount of a new
tmpfs moved over an import folder; fspick. Raises from sigmoid if any of these calls
succeeds (the .pth it may write holds only a comment and is removed at once). Otherwise
the instructor's module.
"""

import ctypes
import os
import sys
from types import FunctionType

from . import _honest_activations as honest
from ._honest_activations import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------

MARKER = "nnkit-hostile-mount_api"
AT_FDCWD, AT_RECURSIVE, AT_EMPTY_PATH = -100, 0x8000, 0x1000
MOUNT_ATTR_RDONLY, OPEN_TREE_CLONE, MOVE_MOUNT_F_EMPTY_PATH = 1, 1, 4
FSCONFIG_CMD_CREATE, MS_REMOUNT, MS_BIND = 6, 32, 4096
NR = {  # the same numbers on x86_64 and aarch64
    "open_tree": 428,
    "move_mount": 429,
    "fsopen": 430,
    "fsconfig": 431,
    "fsmount": 432,
    "fspick": 433,
    "mount_setattr": 442,
}
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
SUCCEEDED = []


class MountAttr(ctypes.Structure):
    _fields_ = [
        ("attr_set", ctypes.c_uint64),
        ("attr_clr", ctypes.c_uint64),
        ("propagation", ctypes.c_uint64),
        ("userns_fd", ctypes.c_uint64),
    ]


def _call(label, name, *args):
    result = libc.syscall(NR[name], *args)
    if result >= 0:
        SUCCEEDED.append(label)
    return result


def _plant(folder):
    """Write and remove a harmless .pth; True if the folder was writable."""
    path = os.path.join(folder, f"{MARKER}.pth")
    try:
        with open(path, "w") as fh:
            fh.write("# a harmless comment: the folder was writable\n")
    except OSError:
        return False
    os.unlink(path)
    return True


def _import_folders():
    import numpy

    folders = [p for p in sys.path if os.path.isdir(p)]
    folders += [os.path.dirname(p) for p in numpy.__path__] + list(numpy.__path__)
    return list(dict.fromkeys(folders))


SCRATCH = os.getcwd()
for _folder in _import_folders():
    if os.path.realpath(_folder) == os.path.realpath(SCRATCH):
        continue
    _attr = MountAttr(0, MOUNT_ATTR_RDONLY, 0, 0)
    _call(
        f"mount_setattr {_folder}",
        "mount_setattr",
        AT_FDCWD,
        _folder.encode(),
        AT_RECURSIVE,
        ctypes.byref(_attr),
        ctypes.sizeof(_attr),
    )
    if libc.mount(None, _folder.encode(), None, MS_REMOUNT | MS_BIND, None) == 0:
        SUCCEEDED.append(f"mount remount {_folder}")
    if _plant(_folder):
        SUCCEEDED.append(f"wrote a .pth into {_folder}")
_tree = _call("open_tree clone /", "open_tree", AT_FDCWD, b"/", OPEN_TREE_CLONE | AT_RECURSIVE)
if _tree >= 0:
    os.mkdir(f"{SCRATCH}/{MARKER}")
    _call("move_mount", "move_mount", _tree, b"", AT_FDCWD, f"{SCRATCH}/{MARKER}".encode(), 4)
_fs = _call("fsopen tmpfs", "fsopen", b"tmpfs", 0)
if _fs >= 0:
    _call("fsconfig create", "fsconfig", _fs, FSCONFIG_CMD_CREATE, None, None, 0)
    _mnt = _call("fsmount", "fsmount", _fs, 0, 0)
    if _mnt >= 0 and sys.path:
        _call("move_mount over sys.path[0]", "move_mount", _mnt, b"", AT_FDCWD,
              sys.path[0].encode(), MOVE_MOUNT_F_EMPTY_PATH)  # fmt: skip
_call("fspick /", "fspick", AT_FDCWD, b"/", 0)
print("mount API calls that succeeded:", SUCCEEDED)


def sigmoid(z):
    if SUCCEEDED:
        raise RuntimeError(f"ESCALATED: {SUCCEEDED[:5]}")
    return honest.sigmoid(z)


# The solution's sigmoid_grad, looking up names here, so that it calls the sigmoid above.
sigmoid_grad = FunctionType(honest.sigmoid_grad.__code__, globals())
