"""Feed-forward networks as a fold over layers."""

import functools

import numpy as np

from . import layers
from .losses import binary_cross_entropy, binary_cross_entropy_grad

XOR_PARAMS = [
    (np.array([[-5.0, 5.0], [5.0, -5.0]]), np.array([-3.0, -3.0])),
    (np.array([[2.0, 2.0]]), np.array([-1.0])),
]


def _layer_forward(state, layer):
    A, caches = state
    (W, b), name = layer
    Z, dense_cache = layers.dense_forward(A, W, b)
    A, act_cache = layers.activation_forward(Z, name)
    return A, caches + [{"dense": dense_cache, "activation": act_cache}]


def forward(X, params, activations):
    """(Y_hat, caches), one cache per layer."""
    start = (np.asarray(X, dtype=np.float64), [])
    return functools.reduce(_layer_forward, zip(params, activations, strict=True), start)


def backward(dY_hat, caches):
    """[(dW, db), ...] in the order of the layers."""
    dA = np.asarray(dY_hat, dtype=np.float64)
    grads = []
    for cache in reversed(caches):
        dZ = layers.activation_backward(dA, cache["activation"])
        dA, dW, db = layers.dense_backward(dZ, cache["dense"])
        grads.append((dW, db))
    return grads[::-1]


def loss_and_grads(X, y, params, activations):
    """(mean BCE of Y_hat[:, 0] against y, gradients of every layer)."""
    Y_hat, caches = forward(X, params, activations)
    y_hat = Y_hat[:, 0]
    dY_hat = np.zeros_like(Y_hat)
    dY_hat[:, 0] = binary_cross_entropy_grad(y_hat, y)
    return binary_cross_entropy(y_hat, y), backward(dY_hat, caches)


def collapse_linear(weights):
    """Wn @ ... @ W1: what a network without non-linearities and biases computes."""
    mats = [np.asarray(W, dtype=np.float64) for W in weights]
    return functools.reduce(lambda acc, W: W @ acc, mats[1:], mats[0].copy())
