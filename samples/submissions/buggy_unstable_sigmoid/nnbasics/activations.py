"""Activation functions."""

import numpy as np


def sigmoid(z):
    """sigma(z) = 1 / (1 + exp(-z))."""
    z = np.asarray(z, dtype=np.float64)
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_grad(z):
    """sigma'(z) = sigma(z) * (1 - sigma(z))."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z):
    """tanh(z)."""
    return np.tanh(np.asarray(z, dtype=np.float64))


def tanh_grad(z):
    """tanh'(z) = 1 - tanh(z)**2."""
    return 1.0 - tanh(z) ** 2


def relu(z):
    """ReLU(z) = max(0, z)."""
    z = np.asarray(z, dtype=np.float64)
    return np.where(z > 0, z, 0.0)


def relu_grad(z):
    """ReLU'(z): 1 if z > 0 else 0."""
    z = np.asarray(z, dtype=np.float64)
    return np.where(z > 0, 1.0, 0.0)
