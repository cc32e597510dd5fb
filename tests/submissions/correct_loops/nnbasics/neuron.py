"""One artificial neuron: binary logistic regression, one example at a time."""

import numpy as np

from .activations import sigmoid
from .losses import binary_cross_entropy

# z = -30 + 20 x1 + 20 x2 is positive only when x1 = x2 = 1.
AND_THETA = np.array([-30.0, 20.0, 20.0])


def logistic(X, theta):
    """sigmoid(theta[0] + X @ theta[1:]) for every row of X, shape (m,)."""
    X = np.asarray(X, dtype=np.float64)
    theta = np.asarray(theta, dtype=np.float64)
    m, n = X.shape
    z = np.empty(m, dtype=np.float64)
    for i in range(m):
        total = theta[0]
        for j in range(n):
            total += X[i, j] * theta[j + 1]
        z[i] = total
    return sigmoid(z)


def logistic_loss_and_grad(X, y, theta):
    """Mean binary cross-entropy of logistic(X, theta) against y, and its gradient."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    m, n = X.shape
    p = logistic(X, theta)
    loss = binary_cross_entropy(p, y)
    grad = np.zeros(n + 1, dtype=np.float64)
    for i in range(m):
        error = p[i] - y[i]
        grad[0] += error
        for j in range(n):
            grad[j + 1] += error * X[i, j]
    grad /= m
    return loss, grad
