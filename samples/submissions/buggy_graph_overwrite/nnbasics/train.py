"""Training a small network with gradient descent."""

import numpy as np

from .network import forward, loss_and_grads


def init_params(layer_sizes, seed=0):
    """Weights ~ N(0, 1/n_in), biases 0."""
    rng = np.random.default_rng(seed)
    params = []
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:], strict=True):
        W = rng.normal(0.0, np.sqrt(1.0 / n_in), size=(n_out, n_in))
        params.append((W, np.zeros(n_out)))
    return params


def predict(X, params, activations):
    """0/1 predictions."""
    Y_hat, _ = forward(X, params, activations)
    return np.where(Y_hat[:, 0] > 0.5, 1, 0)


def train(X, y, layer_sizes, activations, learning_rate=0.5, epochs=5000, seed=0):
    """Gradient descent on the whole batch; returns params and the loss of every epoch."""
    params = init_params(layer_sizes, seed)
    losses = []
    for _ in range(epochs):
        loss, grads = loss_and_grads(X, y, params, activations)
        losses.append(loss)
        new_params = []
        for (W, b), (dW, db) in zip(params, grads, strict=True):
            new_params.append((W - learning_rate * dW, b - learning_rate * db))
        params = new_params
    return params, np.array(losses)
