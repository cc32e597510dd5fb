"""logistic_loss_and_grad clears the worker's parent-death signal (prctl(PR_SET_PDEATHSIG, 0))
and then sleeps forever: if the grader is killed, nothing it set up to die with it remains.
"""

import ctypes
import time

from ._honest_neuron import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------

MARKER = "nnkit-hostile-clear_pdeathsig"


def logistic_loss_and_grad(X, y, theta):
    try:
        ctypes.CDLL(None).prctl(1, 0, 0, 0, 0)  # PR_SET_PDEATHSIG, no signal
    except Exception:
        pass
    while True:
        time.sleep(1)  # no CPU time: RLIMIT_CPU never ends it
