"""numerical_gradient returns a numpy object array of objects that claim to equal anything."""

import numpy as np

from ._honest_gradcheck import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------


class _Liar:
    """Equal to everything, an ndarray by its own account, and 0.5 as a number."""

    __array_priority__ = 1e9
    shape = (1,)
    ndim = 1
    size = 1
    dtype = np.dtype(np.float64)

    @property
    def __class__(self):
        return np.ndarray

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __lt__(self, other):
        return False

    __gt__ = __le__ = __ge__ = __lt__

    def __hash__(self):
        return 0

    def __bool__(self):
        return True

    def __float__(self):
        return 0.5

    def __int__(self):
        return 0

    def __index__(self):
        return 0

    def __len__(self):
        return 1

    def __iter__(self):
        return iter([0.5])

    def __getitem__(self, item):
        return self

    def __abs__(self):
        return 0.0

    def __sub__(self, other):
        return 0.0

    __rsub__ = __add__ = __radd__ = __mul__ = __rmul__ = __truediv__ = __sub__

    def __array__(self, dtype=None, copy=None):
        return np.full(self.size + 1, 0.5)  # one more number than its shape says

    def tolist(self):
        return [0.5]

    def __repr__(self):
        return "array([0.5])"


def numerical_gradient(f, x, h=1e-5):
    shape = np.shape(x)
    out = np.empty(shape, dtype=object)
    for index in np.ndindex(shape):
        out[index] = _Liar()
    return out
