"""logistic returns an object whose __eq__, __array__, __float__ and even __class__ lie."""

import numpy as np

from ._honest_neuron import *  # noqa: F403

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


# Only this logistic lies: logistic_loss_and_grad, from the honest copy, calls the honest one.
def logistic(X, theta):
    liar = _Liar()
    liar.shape, liar.size = (np.shape(X)[0],), np.shape(X)[0]
    return liar
