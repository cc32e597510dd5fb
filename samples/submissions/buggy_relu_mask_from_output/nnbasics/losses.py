"""Part 2: binary cross-entropy."""

import numpy as np

EPS = 1e-12  # keeps log() away from 0


def binary_cross_entropy(y_hat, y):
    """Average binary cross-entropy over all elements."""
    y_hat = np.clip(np.asarray(y_hat, dtype=float), EPS, 1 - EPS)
    y = np.asarray(y, dtype=float)
    losses = -(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat))
    return float(np.mean(losses))


def binary_cross_entropy_grad(y_hat, y):
    """Gradient of the average loss with respect to y_hat."""
    y_hat = np.clip(np.asarray(y_hat, dtype=float), EPS, 1 - EPS)
    y = np.asarray(y, dtype=float)
    m = y_hat.size
    return (-(y / y_hat) + (1 - y) / (1 - y_hat)) / m
