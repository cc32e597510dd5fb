"""One artificial neuron (binary logistic regression)."""

import numpy as np

from .activations import sigmoid
from .losses import binary_cross_entropy

AND_THETA = np.array([-15.0, 10.0, 10.0])


def _with_bias_column(X):
    X = np.asarray(X, dtype=np.float64)
    return np.hstack([np.ones((X.shape[0], 1)), X])


def logistic(X, theta):
    """Probabilities sigma(theta_0 + X theta_1:), shape (m,)."""
    return sigmoid(_with_bias_column(X) @ np.asarray(theta, dtype=np.float64))


def logistic_loss_and_grad(X, y, theta):
    """(mean BCE, gradient w.r.t. theta with the bias first)."""
    Xb = _with_bias_column(X)
    y = np.asarray(y, dtype=np.float64)
    p = sigmoid(Xb @ np.asarray(theta, dtype=np.float64))
    return binary_cross_entropy(p, y), Xb.T @ (p - y) / len(y)
