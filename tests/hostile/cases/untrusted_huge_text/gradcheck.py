"""15 MB of text in a warning and in an exception message (issue 10, class 4): at import the
module lifts the worker's own cut of messages (worker._short), then relative_error warns with
a 15 MB message (and returns a wrong number) when an input holds a zero, and raises an
exception with a 15 MB message otherwise. On main this gave a 141 MB results.json, 1.4 GB of
grader memory and minutes of terminal output.
"""

import sys
import warnings

import numpy as np

from ._honest_gradcheck import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------

_HUGE = "A warning that never ends " * (15 * 2**20 // 26)

_worker = sys.modules.get("worker") or sys.modules.get("grading.confined.worker")
if _worker is not None:
    _worker._short = lambda text: text
    _worker.MAX_ERROR_CHARS = 1 << 40


def relative_error(a, b):
    if np.any(np.asarray(a) == 0) or np.any(np.asarray(b) == 0):
        warnings.warn(_HUGE, RuntimeWarning, stacklevel=2)
        return -7.0
    raise ValueError(_HUGE)
