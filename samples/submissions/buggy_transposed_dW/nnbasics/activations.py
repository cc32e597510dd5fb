"""Part 1: activation functions and their derivatives."""

import numpy as np


def sigmoid(z):
    """Logistic sigmoid 1 / (1 + e^-z), computed so that it never overflows."""
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    pos = z >= 0
    # for z >= 0, e^-z <= 1; for z < 0 use e^z / (1 + e^z) instead
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def sigmoid_grad(z):
    """Derivative of the sigmoid: s(1 - s)."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z):
    """Hyperbolic tangent."""
    return np.tanh(np.asarray(z, dtype=float))


def tanh_grad(z):
    """Derivative of tanh: 1 - tanh^2."""
    t = np.tanh(np.asarray(z, dtype=float))
    return 1.0 - t**2


def relu(z):
    """max(0, z)."""
    return np.maximum(0.0, np.asarray(z, dtype=float))


def relu_grad(z):
    """1 where z > 0 and 0 elsewhere (we pick 0 at z = 0)."""
    return (np.asarray(z, dtype=float) > 0).astype(float)
