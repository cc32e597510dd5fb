"""Part 3: a single neuron = logistic regression."""

import numpy as np

from .activations import sigmoid
from .losses import binary_cross_entropy

# only x1 = x2 = 1 gives a positive z: -5 + 3.5 + 3.5 = 2
AND_THETA = np.array([-5.0, 3.5, 3.5])


def logistic(X, theta):
    """P(y = 1 | x) for each row of X."""
    X = np.asarray(X, dtype=float)
    theta = np.asarray(theta, dtype=float)
    z = theta[0] + X @ theta[1:]
    return sigmoid(z)


def logistic_loss_and_grad(X, y, theta):
    """Mean cross-entropy loss and its gradient (bias first)."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    m = X.shape[0]
    p = logistic(X, theta)
    loss = binary_cross_entropy(p, y)
    error = p - y  # dL/dz for sigmoid + cross-entropy, times m
    grad = np.empty(X.shape[1] + 1)
    grad[0] = np.sum(error) / m
    grad[1:] = X.T @ error / m
    return loss, grad
