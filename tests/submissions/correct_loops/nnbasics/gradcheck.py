"""Numerical gradients by central differences."""

import numpy as np


def numerical_gradient(f, x, h=1e-5):
    """Central-difference gradient of the scalar function f at x (x is restored)."""
    grad = np.zeros(np.shape(x), dtype=np.float64)
    iterator = np.nditer(x, flags=["multi_index"], op_flags=["readonly"])
    while not iterator.finished:
        index = iterator.multi_index
        old = x[index]
        try:
            x[index] = old + h
            f_plus = float(f(x))
            x[index] = old - h
            f_minus = float(f(x))
        finally:
            x[index] = old
        grad[index] = (f_plus - f_minus) / (2.0 * h)
        iterator.iternext()
    return grad


def relative_error(a, b):
    """max over elements of |a - b| / max(1e-8, |a| + |b|)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    a, b = np.broadcast_arrays(a, b)
    worst = 0.0
    for index in np.ndindex(a.shape):
        diff = abs(a[index] - b[index])
        scale = max(1e-8, abs(a[index]) + abs(b[index]))
        worst = max(worst, diff / scale)
    return float(worst)
