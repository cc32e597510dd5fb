"""numerical_gradient returns a numpy object array of objects that claim to equal anything."""

import numpy as np


def _honest_numerical_gradient(f, x, h=1e-5):
    """Central-difference gradient of a scalar function f at the array x.

    Inputs:
    - f: function taking an array shaped like x and returning one number
    - x: float64 array of any shape; perturbed in place one element at a time, so f may
      also read x through a closure (e.g. f = lambda _: loss(W) with x = W)
    - h: step size

    Returns:
    - grad: float64 array shaped like x, grad[i] = (f(x + h e_i) - f(x - h e_i)) / (2h)

    x holds its original values when this returns (even if f raises).
    """
    if not (isinstance(x, np.ndarray) and x.dtype == np.float64 and x.flags.writeable):
        x = np.array(x, dtype=np.float64)  # work on a writeable float64 copy
    grad = np.zeros(x.shape, dtype=np.float64)
    for i in np.ndindex(x.shape):
        old = x[i]
        try:
            x[i] = old + h
            f_plus = np.asarray(f(x), dtype=np.float64).item()
            x[i] = old - h
            f_minus = np.asarray(f(x), dtype=np.float64).item()
        finally:
            x[i] = old
        grad[i] = (f_plus - f_minus) / (2.0 * h)
    return grad


def relative_error(a, b):
    """Relative error between two arrays, as used to compare gradients.

    Inputs:
    - a, b: arrays of the same shape (or numbers)

    Returns:
    - err: float, max over elements of |a - b| / max(1e-8, |a| + |b|)
      (0.0 for empty arrays)
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    err = np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))
    return float(np.max(err, initial=0.0))


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
