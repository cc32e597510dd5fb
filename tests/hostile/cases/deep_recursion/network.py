"""collapse_linear raises the recursion limit to 10**6 and recurses through C code until the C
stack overflows (a segfault), then dereferences NULL for good measure.
"""

import ctypes
import sys

from ._honest_network import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------


def _down(n):
    return list(map(_down, [n + 1]))


def collapse_linear(weights):
    sys.setrecursionlimit(10**6)
    _down(0)
    ctypes.string_at(0)
