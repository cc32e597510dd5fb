"""init_params tries to write a 10 GB file (in its working folder and in /tmp, /var/tmp, /dev/shm)
and a sparse one by truncate, then answers correctly.
"""

import os
from types import FunctionType

from . import _honest_train as honest
from ._honest_train import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------

MARKER = "nnkit-hostile-huge_file"
WRITTEN = []


def _fill(path):
    try:
        with open(path, "wb") as fh:
            block = b"\0" * (1 << 20)
            for _ in range(10 * 1024):
                fh.write(block)
    except Exception:
        pass
    try:
        with open(path + ".sparse", "wb") as fh:
            fh.truncate(10 * 1024**3)
    except Exception:
        pass


def init_params(layer_sizes, seed=0):
    if not WRITTEN:
        WRITTEN.append(True)
        for folder in (".", "/tmp", "/var/tmp", "/dev/shm"):
            _fill(os.path.join(folder, f"{MARKER}.marker"))
    return honest.init_params(layer_sizes, seed)


# The solution's train, but looking up names here, so that it calls the init_params above
# (as it did when this module was a full copy of the solution).
train = FunctionType(honest.train.__code__, globals(), None, honest.train.__defaults__)
