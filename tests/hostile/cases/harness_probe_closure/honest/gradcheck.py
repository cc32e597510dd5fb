"""The honest counterpart of harness_probe_closure: numerical_gradient by forward differences,
without the attack."""

import numpy as np

from ._honest_gradcheck import *  # noqa: F403


def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros_like(x, dtype=float)
    fx = f(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        grad[i] = (f(x) - fx) / h
        x[i] = old
    return grad
