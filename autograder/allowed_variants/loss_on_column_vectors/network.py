"""Allowed variant: loss_and_grads takes the loss of Y_hat (m, 1) against y reshaped to (m, 1),
  so the loss's gradient needs no reshape.
Allowed by: losses.py: binary_cross_entropy takes "y_hat: array of any shape" and returns "the
  mean over all elements", which is the same for (m,) and (m, 1).

Part 6: a feed-forward network of dense + activation layers (lectures 7a and 7b).

A network is described by `params`, a list of (W, b) pairs, one per layer, with W of
shape (n_out, n_in) and b of shape (n_out,), and by `activations`, a list of names
("sigmoid", "tanh", "relu", "linear"), one per layer. Layer i computes
A_i = g_i(A_{i-1} @ W_i.T + b_i), starting from A_0 = X of shape (m, n_0).
"""

import numpy as np

from .layers import activation_backward, activation_forward, dense_backward, dense_forward
from .losses import binary_cross_entropy, binary_cross_entropy_grad


def forward(X, params, activations):
    """Forward pass through every layer.

    Inputs:
    - X: (m, n_0) inputs
    - params: list of L pairs (W, b), W (n_i, n_{i-1}), b (n_i,)
    - activations: list of L activation names, one per layer

    Returns a tuple of:
    - Y_hat: (m, n_L) output of the last layer
    - caches: list of L caches, one per layer (e.g. the pair (dense_cache,
      activation_cache)); only your backward reads them
    """
    if len(params) != len(activations):
        raise ValueError(f"{len(params)} layers of params but {len(activations)} activation names")
    A = np.asarray(X, dtype=np.float64)
    caches = []
    for (W, b), name in zip(params, activations, strict=True):
        Z, dense_cache = dense_forward(A, W, b)
        A, activation_cache = activation_forward(Z, name)
        caches.append((dense_cache, activation_cache))
    return A, caches


def backward(dY_hat, caches):
    """Backward pass through every layer, from the last to the first.

    Inputs:
    - dY_hat: (m, n_L) d loss / d Y_hat
    - caches: the list returned by forward

    Returns:
    - grads: list of L pairs (dW, db) in the order of params (first layer first),
      each shaped like its (W, b)
    """
    dA = np.asarray(dY_hat, dtype=np.float64)
    grads = []
    for dense_cache, activation_cache in reversed(caches):
        dZ = activation_backward(dA, activation_cache)
        dA, dW, db = dense_backward(dZ, dense_cache)
        grads.append((dW, db))
    grads.reverse()
    return grads


def loss_and_grads(X, y, params, activations):
    """Mean binary cross-entropy of a network with one sigmoid output unit, and its grads.

    Inputs:
    - X: (m, n_0) inputs
    - y: (m,) labels 0 or 1
    - params, activations: as for forward; the last layer has one unit (n_L = 1)

    Returns a tuple of:
    - loss: float, binary_cross_entropy(Y_hat[:, 0], y)
    - grads: list of (dW, db) pairs as backward returns them
    """
    Y_hat, caches = forward(X, params, activations)
    Y = np.asarray(y, dtype=np.float64).reshape(-1, 1)
    loss = binary_cross_entropy(Y_hat, Y)
    return loss, backward(binary_cross_entropy_grad(Y_hat, Y), caches)


XOR_PARAMS = [
    (np.array([[-5.0, 5.0], [5.0, -5.0]]), np.array([-3.0, -3.0])),
    (np.array([[2.0, 2.0]]), np.array([-1.0])),
]
"""The slide's XOR network (7a, 'Alternative notation'), [(theta, b_theta),
(lambda, b_lambda)]: the example "xor_network" of slide_examples.toml (its inputs; the
activations are listed there too). Each W is a float array of shape (n_out, n_in),
each b of shape (n_out,)."""


def collapse_linear(weights):
    """The single matrix a network without non-linearities (and biases) reduces to.

    Inputs:
    - weights: list of matrices [W1, ..., Wn], Wi of shape (n_i, n_{i-1})

    Returns:
    - W: (n_n, n_0) the product Wn @ ... @ W2 @ W1 (7a, 'Are non-linearities essential?'),
      so that X @ W.T equals the network's output with all activations "linear"
    """
    if len(weights) == 0:
        raise ValueError("collapse_linear needs at least one matrix")
    W = np.array(weights[0], dtype=np.float64)
    for W_next in weights[1:]:
        W = np.asarray(W_next, dtype=np.float64) @ W
    return W
