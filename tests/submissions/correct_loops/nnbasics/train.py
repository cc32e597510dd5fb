"""Initialising, predicting and training with full-batch gradient descent."""

import math

import numpy as np

from .network import forward, loss_and_grads


def init_params(layer_sizes, seed=0):
    """[(W, b), ...]: W ~ N(0, 1) / sqrt(n_in) drawn one weight at a time, b zeros."""
    rng = np.random.default_rng(seed)
    params = []
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:], strict=True):
        W = np.empty((n_out, n_in), dtype=np.float64)
        for k in range(n_out):
            for j in range(n_in):
                W[k, j] = rng.standard_normal() / math.sqrt(n_in)
        params.append((W, np.zeros(n_out, dtype=np.float64)))
    return params


def predict(X, params, activations):
    """0/1 labels: the network's single output thresholded at 0.5."""
    Y_hat, _ = forward(X, params, activations)
    labels = np.zeros(Y_hat.shape[0], dtype=np.int64)
    for i in range(Y_hat.shape[0]):
        if Y_hat[i, 0] > 0.5:
            labels[i] = 1
    return labels


def train(X, y, layer_sizes, activations, learning_rate=0.5, epochs=5000, seed=0):
    """(params, losses): gradient descent from init_params, loss recorded before each step."""
    params = init_params(layer_sizes, seed)
    losses = np.zeros(epochs, dtype=np.float64)
    for epoch in range(epochs):
        loss, grads = loss_and_grads(X, y, params, activations)
        losses[epoch] = loss
        new_params = []
        for (W, b), (dW, db) in zip(params, grads, strict=True):
            new_params.append((W - learning_rate * dW, b - learning_rate * db))
        params = new_params
    return params, losses
