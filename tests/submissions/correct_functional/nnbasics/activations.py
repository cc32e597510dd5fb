"""Activation functions as pure numpy expressions."""

import functools

import numpy as np


def _float_in(func):
    """Call `func` on z as a float64 array; give back a numpy scalar for scalar input."""

    @functools.wraps(func)
    def wrapper(z):
        out = func(np.asarray(z, dtype=np.float64))
        return out[()] if np.ndim(out) == 0 else out

    return wrapper


@_float_in
def sigmoid(z):
    """1 / (1 + e^-z) = exp(-log(1 + e^-z)), stable for any z."""
    return np.exp(-np.logaddexp(0.0, -z))


@_float_in
def sigmoid_grad(z):
    """sigma(z) * (1 - sigma(z)) = sigma(z) * sigma(-z)."""
    return sigmoid(z) * sigmoid(-z)


@_float_in
def tanh(z):
    """Elementwise tanh."""
    return np.tanh(z)


@_float_in
def tanh_grad(z):
    """1 - tanh(z)^2."""
    return 1.0 - np.tanh(z) ** 2


@_float_in
def relu(z):
    """max(0, z)."""
    return np.where(z > 0, z, 0.0)


@_float_in
def relu_grad(z):
    """1.0 where z > 0, else 0.0."""
    return np.where(z > 0, 1.0, 0.0)
