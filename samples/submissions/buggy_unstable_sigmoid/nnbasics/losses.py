"""Cross-entropy loss."""

import numpy as np


def binary_cross_entropy(y_hat, y):
    """L = -mean(y log(y_hat) + (1 - y) log(1 - y_hat))."""
    eps = 1e-10
    y_hat = np.clip(y_hat, eps, 1 - eps)
    return float(-np.mean(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat)))


def binary_cross_entropy_grad(y_hat, y):
    """dL/dy_hat = (y_hat - y) / (y_hat (1 - y_hat)) / N."""
    eps = 1e-10
    y_hat = np.clip(y_hat, eps, 1 - eps)
    return (y_hat - y) / (y_hat * (1 - y_hat)) / np.size(y_hat)
