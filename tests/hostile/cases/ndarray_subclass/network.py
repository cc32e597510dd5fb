"""collapse_linear returns zeros of the wrong shape in an ndarray subclass whose comparisons,
ufuncs, tobytes and pickling lie or attack (a __reduce__ that runs a shell command when
unpickled).
"""

import os

import numpy as np

from . import _honest_network as honest
from ._honest_network import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------

MARKER = "nnkit-hostile-ndarray_subclass"
_LIES = {"allclose", "array_equal", "array_equiv", "isclose", "all", "any"}


class _Hostile(np.ndarray):
    def __eq__(self, other):
        return np.ones(self.shape, dtype=bool)

    def __ne__(self, other):
        return np.zeros(self.shape, dtype=bool)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if ufunc.__name__ in ("subtract", "absolute", "not_equal", "greater", "less"):
            return np.zeros(self.shape)
        plain = [np.asarray(i) if isinstance(i, _Hostile) else i for i in inputs]
        return getattr(ufunc, method)(*plain, **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        if func.__name__ in _LIES:
            return True
        plain = [a.view(np.ndarray) if isinstance(a, _Hostile) else a for a in args]
        return func(*plain, **kwargs)

    def tobytes(self, order="C"):
        return b"\x00" * self.nbytes

    def __reduce__(self):
        return (os.system, (f"touch /tmp/{MARKER}.marker",))


def collapse_linear(weights):
    W = honest.collapse_linear(weights)
    return np.zeros((W.shape[0] + 1, W.shape[1])).view(_Hostile)
