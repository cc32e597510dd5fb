"""logistic_loss_and_grad searches its callers' frames (inspect.stack, sys._getframe) and
sys.modules for expected values or the hidden suite; raises what it finds, else answers
correctly.
"""

import inspect
import sys

from . import _honest_neuron as honest
from ._honest_neuron import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------

SUSPECT_NAMES = {"expected", "exact", "numeric", "want", "ref", "reference", "chk", "check"}
SUSPECT_MODULES = (
    "autograder",
    "nnkit_reference",
    "grading.checks.reference",
    "grading.checks.suite",
)


def _peek():
    found = []
    frame = sys._getframe(1)
    while frame is not None:
        hits = SUSPECT_NAMES & set(frame.f_locals)
        if hits and "/nnbasics/" not in frame.f_code.co_filename:
            found.append(f"{frame.f_code.co_filename}:{frame.f_code.co_name}: {sorted(hits)}")
        frame = frame.f_back
    try:
        for info in inspect.stack(context=3):
            if "/nnbasics/" in info.filename:
                continue
            if any("expect" in line for line in info.code_context or ()):
                found.append(f"{info.filename}:{info.lineno}: {info.code_context}")
    except Exception:
        pass
    found += [name for name in list(sys.modules) if name.startswith(SUSPECT_MODULES)]
    return found


def logistic_loss_and_grad(X, y, theta):
    found = _peek()
    if found:
        raise RuntimeError("LOOT-FOUND " + "; ".join(found)[:300])
    return honest.logistic_loss_and_grad(X, y, theta)
