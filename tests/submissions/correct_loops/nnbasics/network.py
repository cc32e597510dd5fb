"""A feed-forward network built from the layers, one layer at a time."""

import numpy as np

from .layers import activation_backward, activation_forward, dense_backward, dense_forward
from .losses import binary_cross_entropy, binary_cross_entropy_grad

# The slide's XOR network: hidden units compute "x1 and not x2" and "x2 and not x1".
XOR_PARAMS = [
    (np.array([[-5.0, 5.0], [5.0, -5.0]]), np.array([-3.0, -3.0])),
    (np.array([[2.0, 2.0]]), np.array([-1.0])),
]


def forward(X, params, activations):
    """(Y_hat, caches) after every layer of the network."""
    A = np.asarray(X, dtype=np.float64)
    caches = []
    for layer in range(len(params)):
        W, b = params[layer]
        Z, dense_cache = dense_forward(A, W, b)
        A, activation_cache = activation_forward(Z, activations[layer])
        caches.append((dense_cache, activation_cache))
    return A, caches


def backward(dY_hat, caches):
    """[(dW, db), ...] for every layer, in the order of params."""
    grads = [None] * len(caches)
    dA = np.asarray(dY_hat, dtype=np.float64)
    for layer in range(len(caches) - 1, -1, -1):
        dense_cache, activation_cache = caches[layer]
        dZ = activation_backward(dA, activation_cache)
        dA, dW, db = dense_backward(dZ, dense_cache)
        grads[layer] = (dW, db)
    return grads


def loss_and_grads(X, y, params, activations):
    """Mean binary cross-entropy of the network's single output, and its gradients."""
    Y_hat, caches = forward(X, params, activations)
    y = np.asarray(y, dtype=np.float64)
    m = Y_hat.shape[0]
    y_hat = np.empty(m, dtype=np.float64)
    for i in range(m):
        y_hat[i] = Y_hat[i, 0]
    loss = binary_cross_entropy(y_hat, y)
    dy_hat = binary_cross_entropy_grad(y_hat, y)
    dY_hat = np.zeros_like(Y_hat)
    for i in range(m):
        dY_hat[i, 0] = dy_hat[i]
    return loss, backward(dY_hat, caches)


def collapse_linear(weights):
    """The single matrix Wn ... W1 of a network with no non-linearities and no biases."""
    product = np.array(weights[0], dtype=np.float64)
    for W in weights[1:]:
        product = np.asarray(W, dtype=np.float64) @ product
    return product
