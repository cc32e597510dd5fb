"""Dense and activation layers, looping over the examples of a batch."""

from dataclasses import dataclass

import numpy as np

from . import activations

ACTIVATIONS = {
    "sigmoid": (activations.sigmoid, activations.sigmoid_grad),
    "tanh": (activations.tanh, activations.tanh_grad),
    "relu": (activations.relu, activations.relu_grad),
}


@dataclass
class DenseCache:
    """What dense_backward needs from the forward pass."""

    A_prev: np.ndarray
    W: np.ndarray


@dataclass
class ActivationCache:
    """What activation_backward needs from the forward pass."""

    Z: np.ndarray
    name: str


def _check_name(name):
    if name not in ("sigmoid", "tanh", "relu", "linear"):
        raise ValueError(f"unknown activation {name!r}")


def dense_forward(A_prev, W, b):
    """Z = A_prev @ W.T + b, computed one row (example) at a time."""
    A_prev = np.array(A_prev, dtype=np.float64)
    W = np.array(W, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    m = A_prev.shape[0]
    n_out = W.shape[0]
    Z = np.empty((m, n_out), dtype=np.float64)
    for i in range(m):
        Z[i] = W @ A_prev[i] + b
    return Z, DenseCache(A_prev, W)


def dense_backward(dZ, cache):
    """(dA_prev, dW, db), summing the contribution of each example."""
    dZ = np.asarray(dZ, dtype=np.float64)
    A_prev, W = cache.A_prev, cache.W
    dA_prev = np.empty_like(A_prev)
    dW = np.zeros_like(W)
    db = np.zeros(W.shape[0], dtype=np.float64)
    for i in range(dZ.shape[0]):
        dA_prev[i] = W.T @ dZ[i]
        dW += np.outer(dZ[i], A_prev[i])
        db += dZ[i]
    return dA_prev, dW, db


def activation_forward(Z, name):
    """(A, cache) with A the activation `name` applied to Z."""
    _check_name(name)
    Z = np.array(Z, dtype=np.float64)
    if name == "linear":
        A = Z.copy()
    else:
        forward, _ = ACTIVATIONS[name]
        A = forward(Z)
    return A, ActivationCache(Z, name)


def activation_backward(dA, cache):
    """dZ = dA * g'(Z), element by element."""
    dA = np.asarray(dA, dtype=np.float64)
    Z, name = cache.Z, cache.name
    if name == "linear":
        return dA.copy()
    _, derivative = ACTIVATIONS[name]
    slope = derivative(Z)
    dZ = np.empty_like(dA)
    for index in np.ndindex(dA.shape):
        dZ[index] = dA[index] * slope[index]
    return dZ
