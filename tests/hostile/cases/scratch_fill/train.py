"""init_params fills the disk: files of 4 MiB in its working folder and in /tmp, /var/tmp and
/dev/shm, up to 80 MiB each; if more than 64 MiB (the scratch cap) went anywhere, it answers
wrongly, so that an uncapped scratch costs points.
"""

import os
from types import FunctionType

from . import _honest_train as honest
from ._honest_train import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------

MARKER = "nnkit-hostile-scratch_fill"
WRITTEN = []
BLOCK = b"\1" * (4 << 20)


def _fill(folder):
    total = 0
    for i in range(20):
        try:
            with open(os.path.join(folder, f"{MARKER}.{i}"), "wb") as fh:
                fh.write(BLOCK)
                fh.flush()
                os.fsync(fh.fileno())
            total += len(BLOCK)
        except Exception:
            break
    for i in range(20):  # give the grader's disk back either way
        try:
            os.unlink(os.path.join(folder, f"{MARKER}.{i}"))
        except Exception:
            break
    return total


def init_params(layer_sizes, seed=0):
    if not WRITTEN:
        WRITTEN.append(max(_fill(f) for f in (".", "/tmp", "/var/tmp", "/dev/shm")))
    params = honest.init_params(layer_sizes, seed)
    if WRITTEN[0] > 64 << 20:
        return [(W + 1.0, b) for W, b in params]
    return params


train = FunctionType(honest.train.__code__, globals(), None, honest.train.__defaults__)
