"""Part 5: dense layer and activation layer, forward and backward."""

import numpy as np

from . import activations

FORWARD = {
    "sigmoid": activations.sigmoid,
    "tanh": activations.tanh,
    "relu": activations.relu,
    "linear": lambda z: z.copy(),
}


def dense_forward(A_prev, W, b):
    """Z = A_prev W^T + b."""
    A_prev = np.asarray(A_prev, dtype=float)
    W = np.asarray(W, dtype=float)
    b = np.asarray(b, dtype=float)
    Z = A_prev @ W.T + b
    cache = (A_prev, W, b)
    return Z, cache


def dense_backward(dZ, cache):
    """Gradients of the dense layer: dA_prev, dW, db."""
    A_prev, W, b = cache
    dA_prev = dZ @ W
    dW = dZ.T @ A_prev
    db = np.sum(dZ, axis=0)
    return dA_prev, dW, db


def activation_forward(Z, name):
    """Apply the activation called `name` to Z."""
    if name not in FORWARD:
        raise ValueError(f"unknown activation: {name}")
    Z = np.asarray(Z, dtype=float)
    A = FORWARD[name](Z)
    cache = (Z, name)
    return A, cache


def activation_backward(dA, cache):
    """dZ = dA * g'(Z)."""
    Z, name = cache
    dA = np.asarray(dA, dtype=float)
    if name == "sigmoid":
        dZ = dA * activations.sigmoid_grad(Z)
    elif name == "tanh":
        dZ = dA * activations.tanh_grad(Z)
    elif name == "relu":
        dZ = dA.copy()
        dZ[Z <= 0] = 0.0
    else:  # linear
        dZ = dA.copy()
    return dZ
