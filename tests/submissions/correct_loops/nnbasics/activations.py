"""Activation functions, computed one element at a time."""

import math

import numpy as np


def _map(func, z):
    """Apply the scalar function `func` to every element of `z` (any shape, scalars too)."""
    z = np.asarray(z, dtype=np.float64)
    out = np.empty(z.shape, dtype=np.float64)
    for index in np.ndindex(z.shape):
        out[index] = func(float(z[index]))
    if out.ndim == 0:
        return np.float64(out[()])
    return out


def _sigmoid_scalar(v):
    # Branch on the sign so that math.exp never sees a large positive argument.
    if v >= 0:
        return 1.0 / (1.0 + math.exp(-v))
    e = math.exp(v)
    return e / (1.0 + e)


def _sigmoid_grad_scalar(v):
    s = _sigmoid_scalar(v)
    return s * (1.0 - s)


def _tanh_grad_scalar(v):
    t = math.tanh(v)
    return 1.0 - t * t


def _relu_scalar(v):
    return v if v > 0 else 0.0


def _relu_grad_scalar(v):
    return 1.0 if v > 0 else 0.0


def sigmoid(z):
    """1 / (1 + e^-z), elementwise and without overflow."""
    return _map(_sigmoid_scalar, z)


def sigmoid_grad(z):
    """sigmoid(z) * (1 - sigmoid(z)), elementwise."""
    return _map(_sigmoid_grad_scalar, z)


def tanh(z):
    """tanh(z), elementwise."""
    return _map(math.tanh, z)


def tanh_grad(z):
    """1 - tanh(z)^2, elementwise."""
    return _map(_tanh_grad_scalar, z)


def relu(z):
    """max(0, z), elementwise."""
    return _map(_relu_scalar, z)


def relu_grad(z):
    """1 where z > 0, else 0 (also 0 at z = 0)."""
    return _map(_relu_grad_scalar, z)
