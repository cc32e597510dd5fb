"""Multi-layer network: forward, backward, loss."""

import numpy as np

from .layers import activation_backward, activation_forward, dense_backward, dense_forward
from .losses import binary_cross_entropy, binary_cross_entropy_grad

# theta, b_theta, lambda, b_lambda from the XOR slide
XOR_PARAMS = [
    (np.array([[-5.0, 5.0], [5.0, -5.0]]), np.array([-3.0, -3.0])),
    (np.array([[2.0, 2.0]]), np.array([-1.0])),
]


def forward(X, params, activations):
    """Forward pass through all layers."""
    caches = []
    A = X
    for i in range(len(params)):
        W, b = params[i]
        Z, c1 = dense_forward(A, W, b)
        A, c2 = activation_forward(Z, activations[i])
        caches.append((c1, c2))
    return A, caches


def backward(dY_hat, caches):
    """Backward pass: gradients (dW, db) for each layer, first layer first."""
    grads = [None] * len(caches)
    dA = dY_hat
    for i in reversed(range(len(caches))):
        c1, c2 = caches[i]
        dZ = activation_backward(dA, c2)
        dA, dW, db = dense_backward(dZ, c1)
        grads[i] = (dW, db)
    return grads


def loss_and_grads(X, y, params, activations):
    """Mean BCE of the single sigmoid output and the gradients."""
    Y_hat, caches = forward(X, params, activations)
    y_hat = Y_hat[:, 0]
    loss = binary_cross_entropy(y_hat, y)
    dY_hat = np.zeros_like(Y_hat)
    dY_hat[:, 0] = binary_cross_entropy_grad(y_hat, y)
    return loss, backward(dY_hat, caches)


def collapse_linear(weights):
    """W_n @ ... @ W_1."""
    W = weights[0]
    for W_next in weights[1:]:
        W = W_next @ W
    return np.array(W, dtype=np.float64)
