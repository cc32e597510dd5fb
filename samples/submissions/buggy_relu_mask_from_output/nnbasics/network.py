"""Part 6: a feed-forward network."""

import numpy as np

from .layers import activation_backward, activation_forward, dense_backward, dense_forward
from .losses import binary_cross_entropy, binary_cross_entropy_grad

XOR_PARAMS = [
    (np.array([[-5.0, 5.0], [5.0, -5.0]]), np.array([-3.0, -3.0])),
    (np.array([[2.0, 2.0]]), np.array([-1.0])),
]


def forward(X, params, activations):
    """Run X through every layer; keep the caches for backward."""
    A = np.asarray(X, dtype=float)
    caches = []
    for (W, b), name in zip(params, activations, strict=True):
        Z, dense_cache = dense_forward(A, W, b)
        A, act_cache = activation_forward(Z, name)
        caches.append((dense_cache, act_cache))
    return A, caches


def backward(dY_hat, caches):
    """Backpropagate dY_hat through all layers; returns [(dW, db), ...]."""
    grads = []
    dA = np.asarray(dY_hat, dtype=float)
    for dense_cache, act_cache in reversed(caches):
        dZ = activation_backward(dA, act_cache)
        dA, dW, db = dense_backward(dZ, dense_cache)
        grads.append((dW, db))
    grads.reverse()
    return grads


def loss_and_grads(X, y, params, activations):
    """Loss of the network on (X, y) and the gradient for every layer."""
    Y_hat, caches = forward(X, params, activations)
    y = np.asarray(y, dtype=float)
    loss = binary_cross_entropy(Y_hat[:, 0], y)
    dY_hat = binary_cross_entropy_grad(Y_hat[:, 0], y).reshape(-1, 1)
    grads = backward(dY_hat, caches)
    return loss, grads


def collapse_linear(weights):
    """Multiply the weight matrices together: Wn ... W2 W1."""
    result = np.asarray(weights[0], dtype=float)
    for W in weights[1:]:
        result = np.asarray(W, dtype=float) @ result
    return result
