"""gradcheck: returns random numbers of the right shapes."""

import numpy as np

_RNG = np.random.default_rng()


def _out(shape):
    """Every result is random numbers of the right shape."""
    return _RNG.normal(0.0, 1.0, shape)


def numerical_gradient(f, x, h=1e-5):
    return _out(np.shape(x))


def relative_error(a, b):
    return float(_out(()))
