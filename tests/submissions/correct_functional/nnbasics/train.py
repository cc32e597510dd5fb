"""Initialisation, prediction and gradient-descent training."""

import copy
import itertools
import math

import numpy as np

from .network import forward, loss_and_grads


def init_params(layer_sizes, seed=0):
    """[(W, b), ...] with W ~ N(0, 1/n_in) and b = 0."""
    rng = np.random.default_rng(seed)
    params = []
    for n_in, n_out in itertools.pairwise(layer_sizes):
        # drawn as (n_in, n_out) and transposed; b is drawn too and then zeroed
        W = np.ascontiguousarray(rng.normal(0.0, 1.0 / math.sqrt(n_in), size=(n_in, n_out)).T)
        b = rng.standard_normal(n_out)
        b[:] = 0.0
        params.append((W, b))
    return params


def predict(X, params, activations):
    """Labels 0/1: output > 0.5."""
    Y_hat, _ = forward(X, params, activations)
    return (Y_hat[:, 0] > 0.5).astype(int)


def train(X, y, layer_sizes, activations, learning_rate=0.5, epochs=5000, seed=0):
    """(params, losses) with losses a list of the loss before each update."""
    params = init_params(layer_sizes, seed)
    losses = []
    for _ in range(epochs):
        loss, grads = loss_and_grads(X, y, params, activations)
        losses.append(float(loss))
        params = copy.deepcopy(params)
        for (W, b), (dW, db) in zip(params, grads, strict=True):
            W -= learning_rate * dW
            b -= learning_rate * db
    return params, losses
