"""Layers: dense (affine) and activation."""

import numpy as np

from .activations import relu, relu_grad, sigmoid, sigmoid_grad, tanh, tanh_grad


def dense_forward(A_prev, W, b):
    """Z = A_prev @ W.T + b; cache = (A_prev, W)."""
    A_prev = np.asarray(A_prev, dtype=np.float64)
    W = np.asarray(W, dtype=np.float64)
    Z = np.dot(A_prev, W.T) + b
    return Z, (A_prev, W)


def dense_backward(dZ, cache):
    """Returns dA_prev, dW, db."""
    A_prev, W = cache
    dA_prev = np.dot(dZ, W)
    dW = np.dot(dZ.T, A_prev)
    db = dZ.sum(axis=0)
    return dA_prev, dW, db


def activation_forward(Z, name):
    """A = g(Z) for g = sigmoid, tanh, relu or linear (identity)."""
    if name == "sigmoid":
        A = sigmoid(Z)
    elif name == "tanh":
        A = tanh(Z)
    elif name == "relu":
        A = relu(Z)
    elif name == "linear":
        A = np.array(Z, dtype=np.float64)
    else:
        raise ValueError("activation must be sigmoid, tanh, relu or linear, not " + repr(name))
    return A, (Z, name)


def activation_backward(dA, cache):
    """dZ = dA * g'(Z)."""
    Z, name = cache
    if name == "sigmoid":
        return dA * sigmoid_grad(Z)
    if name == "tanh":
        return dA * tanh_grad(Z)
    if name == "relu":
        return dA * relu_grad(Z)
    return dA * 1.0
