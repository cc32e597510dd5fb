"""relative_error scans gc.get_objects() for the grader's arrays, checks and reference solution;
raises what it finds, else answers correctly.
"""

import gc

import numpy as np

from . import _honest_gradcheck as honest
from ._honest_gradcheck import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------

SUSPECT_TYPES = {"CheckResult", "GradeReport", "Check", "RemoteStudent", "_Reference"}
SUSPECT_MODULES = (
    "autograder",
    "nnkit_reference",
    "grading.checks.reference",
    "grading.checks.suite",
)


def _scan(args):
    found, arrays = [], 0
    for obj in gc.get_objects():
        kind = type(obj)
        if kind is np.ndarray:
            arrays += 1
        elif kind.__name__ in SUSPECT_TYPES:
            found.append(kind.__name__)
        elif callable(obj) and str(getattr(obj, "__module__", "")).startswith(SUSPECT_MODULES):
            found.append(f"{obj.__module__}.{getattr(obj, '__name__', '?')}")
        elif isinstance(obj, dict) and "expected" in obj:
            found.append("a dict holding 'expected'")
    return found, arrays


def relative_error(a, b):
    found, arrays = _scan((a, b))
    if found:
        raise RuntimeError("LOOT-FOUND " + "; ".join(sorted(set(found)))[:300])
    return honest.relative_error(a, b)
