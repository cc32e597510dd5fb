"""Part 7: numerical gradient checking."""

import numpy as np


def numerical_gradient(f, x, h=1e-5):
    """Estimate df/dx with central differences, one element at a time."""
    grad = np.zeros_like(x, dtype=float)
    for idx in np.ndindex(x.shape):
        old_value = x[idx]
        x[idx] = old_value + h
        f_plus = f(x)
        x[idx] = old_value - h
        f_minus = f(x)
        x[idx] = old_value  # put it back!
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(a, b):
    """Largest elementwise relative error between a and b."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))
