"""relative_error allocates and touches 10 GB (numpy blocks, a bytearray, a list)."""

import numpy as np

from . import _honest_gradcheck as honest
from ._honest_gradcheck import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------

HOARD = []


def relative_error(a, b):
    for _ in range(100):
        block = np.ones(100_000_000 // 8)  # 100 MB, touched
        HOARD.append(block)
    HOARD.append(bytearray(10 * 1024**3))
    return honest.relative_error(a, b)
