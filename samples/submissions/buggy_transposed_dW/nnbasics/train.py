"""Part 8: training with gradient descent."""

import numpy as np

from .network import forward, loss_and_grads


def init_params(layer_sizes, seed=0):
    """Random weights scaled by 1/sqrt(n_in), zero biases."""
    rng = np.random.default_rng(seed)
    params = []
    for i in range(len(layer_sizes) - 1):
        n_in, n_out = layer_sizes[i], layer_sizes[i + 1]
        W = rng.standard_normal((n_out, n_in)) / np.sqrt(n_in)
        b = np.zeros(n_out)
        params.append((W, b))
    return params


def predict(X, params, activations):
    """Class labels (0 or 1) from the network's output."""
    Y_hat, _ = forward(X, params, activations)
    return (Y_hat[:, 0] > 0.5).astype(int)


def train(X, y, layer_sizes, activations, learning_rate=0.5, epochs=5000, seed=0):
    """Full-batch gradient descent; returns the final params and the loss history."""
    params = init_params(layer_sizes, seed)
    losses = np.zeros(epochs)
    for epoch in range(epochs):
        loss, grads = loss_and_grads(X, y, params, activations)
        losses[epoch] = loss
        params = [
            (W - learning_rate * dW, b - learning_rate * db)
            for (W, b), (dW, db) in zip(params, grads, strict=True)
        ]
    return params, losses
