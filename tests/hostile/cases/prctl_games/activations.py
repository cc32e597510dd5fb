"""At import, uses prctl to outlive or open up the worker: clears its parent-death signal
(PR_SET_PDEATHSIG 0, so that it would survive a killed grader), makes itself dumpable and
lets any process trace it (PR_SET_DUMPABLE, PR_SET_PTRACER_ANY), becomes a child subreaper,
sets keep-capabilities and securebits, and drops a capability from its bounding set. Raises
from sigmoid if any call succeeds. Otherwise the instructor's module.
"""

import ctypes
from types import FunctionType

from . import _honest_activations as honest
from ._honest_activations import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------

PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_KEEPCAPS, PR_CAPBSET_DROP = 1, 4, 8, 24
PR_SET_SECUREBITS, PR_SET_CHILD_SUBREAPER, PR_SET_PTRACER = 28, 36, 0x59616D61
PR_SET_PTRACER_ANY = 0xFFFFFFFFFFFFFFFF
libc = ctypes.CDLL(None, use_errno=True)
libc.prctl.argtypes = [ctypes.c_int] + [ctypes.c_ulong] * 4
SUCCEEDED = []

for _label, _option, _value in (
    ("PR_SET_PDEATHSIG 0", PR_SET_PDEATHSIG, 0),
    ("PR_SET_DUMPABLE 1", PR_SET_DUMPABLE, 1),
    ("PR_SET_PTRACER_ANY", PR_SET_PTRACER, PR_SET_PTRACER_ANY),
    ("PR_SET_CHILD_SUBREAPER", PR_SET_CHILD_SUBREAPER, 1),
    ("PR_SET_KEEPCAPS", PR_SET_KEEPCAPS, 1),
    ("PR_SET_SECUREBITS", PR_SET_SECUREBITS, 0),
    ("PR_CAPBSET_DROP", PR_CAPBSET_DROP, 0),
):
    if libc.prctl(_option, _value, 0, 0, 0) == 0:
        SUCCEEDED.append(_label)
if "PR_SET_PDEATHSIG 0" in SUCCEEDED:
    libc.prctl(PR_SET_PDEATHSIG, 9, 0, 0, 0)  # put it back: this case only shows the hole
print("prctl calls that succeeded:", SUCCEEDED)


def sigmoid(z):
    if SUCCEEDED:
        raise RuntimeError(f"ESCALATED: {SUCCEEDED}")
    return honest.sigmoid(z)


# The solution's sigmoid_grad, looking up names here, so that it calls the sigmoid above.
sigmoid_grad = FunctionType(honest.sigmoid_grad.__code__, globals())
