"""Central-difference gradients."""

import numpy as np


def numerical_gradient(f, x, h=1e-5):
    """(f(x + h e_i) - f(x - h e_i)) / 2h for every index i of x; x is left unchanged."""

    def f_at(index, delta):
        old = x[index]
        x[index] = old + delta
        try:
            return float(f(x))
        finally:
            x[index] = old

    grad = np.empty(np.shape(x), dtype=np.float64)
    for index in np.ndindex(grad.shape):
        grad[index] = (f_at(index, h) - f_at(index, -h)) / (2 * h)
    return grad


def relative_error(a, b):
    """max |a - b| / max(1e-8, |a| + |b|)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))
