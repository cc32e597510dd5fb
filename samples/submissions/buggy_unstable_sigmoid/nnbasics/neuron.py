"""A single neuron (logistic regression)."""

import numpy as np

from .activations import sigmoid
from .losses import binary_cross_entropy

AND_THETA = np.array([-10.0, 7.0, 7.0])


def logistic(X, theta):
    """sigma(theta_0 + X @ theta_1..n)."""
    return sigmoid(theta[0] + np.dot(X, theta[1:]))


def logistic_loss_and_grad(X, y, theta):
    """Returns (loss, grad) for logistic regression."""
    m = len(y)
    y_hat = logistic(X, theta)
    loss = binary_cross_entropy(y_hat, y)
    dz = (y_hat - y) / m
    grad_b = np.sum(dz)
    grad_w = np.dot(X.T, dz)
    return loss, np.concatenate(([grad_b], grad_w))
