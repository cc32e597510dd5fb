"""Gradient checking with finite differences."""

import numpy as np


def numerical_gradient(f, x, h=1e-5):
    """Numerical gradient of f at x by central differences."""
    grad = np.zeros(x.shape)
    it = np.nditer(x, flags=["multi_index"])
    while not it.finished:
        i = it.multi_index
        x_i = x[i]
        x[i] = x_i + h
        fxph = f(x)
        x[i] = x_i - h
        fxmh = f(x)
        grad[i] = (fxph - fxmh) / (2 * h)
        x[i] = x_i
        it.iternext()
    return grad


def relative_error(a, b):
    """max(|a - b| / max(1e-8, |a| + |b|))."""
    return np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))
