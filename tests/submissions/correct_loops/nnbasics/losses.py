"""Binary cross-entropy, summed with an explicit loop."""

import math

import numpy as np

EPSILON = 1e-15


def _clip(p):
    return min(max(p, EPSILON), 1.0 - EPSILON)


def binary_cross_entropy(y_hat, y):
    """Mean over all elements of -[y ln y_hat + (1 - y) ln(1 - y_hat)]."""
    y_hat = np.asarray(y_hat, dtype=np.float64)
    y = np.broadcast_to(np.asarray(y, dtype=np.float64), y_hat.shape)
    total = 0.0
    count = 0
    for index in np.ndindex(y_hat.shape):
        p = _clip(float(y_hat[index]))
        t = float(y[index])
        total -= t * math.log(p) + (1.0 - t) * math.log(1.0 - p)
        count += 1
    return total / count


def binary_cross_entropy_grad(y_hat, y):
    """dL/dy_hat of the mean loss above (so divided by the number of elements)."""
    y_hat = np.asarray(y_hat, dtype=np.float64)
    y = np.broadcast_to(np.asarray(y, dtype=np.float64), y_hat.shape)
    count = y_hat.size
    grad = np.empty(y_hat.shape, dtype=np.float64)
    for index in np.ndindex(y_hat.shape):
        p = _clip(float(y_hat[index]))
        t = float(y[index])
        grad[index] = (-t / p + (1.0 - t) / (1.0 - p)) / count
    return grad
