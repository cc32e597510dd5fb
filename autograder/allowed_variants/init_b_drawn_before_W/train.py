"""Allowed variant: each layer draws its b from the generator before its W, at scale 0 (so b is
  zeros, some of them -0.0), which shifts every later draw.
Allowed by: train.py: W drawn "in any order" and "b (n_i,) zeros" (-0.0 == 0).

Part 8: initialise, predict and train with gradient descent (lecture 7b).

Training repeats: a forward pass to compute the loss, a backward pass for its gradient
with respect to every W and b, and a step against the gradient,
    W <- W - learning_rate * dW,   b <- b - learning_rate * db.
The grader trains XOR with [2, 4, 1], tanh then sigmoid, learning_rate=4.0 and epochs=150
on 5 seeds, and expects 100% training accuracy on at least 3 of them.
"""

import numpy as np

from .network import forward, loss_and_grads


def init_params(layer_sizes, seed=0):
    """Random initial parameters for a network with the given layer sizes.

    Inputs:
    - layer_sizes: list of L + 1 ints [n_0, n_1, ..., n_L], e.g. [2, 4, 1]
    - seed: int, seed of np.random.default_rng; the same seed gives the same params, and
      another seed other weights

    Returns:
    - params: list of L pairs (W, b) with W (n_i, n_{i-1}) drawn from the generator with
      mean 0 and a spread (standard deviation) of about 1, in any distribution (standard
      normal, uniform on [-1, 1] or [-sqrt(3), sqrt(3)], ...) and in any order, then
      divided by sqrt(n_{i-1}); b (n_i,) zeros; all float64. The grader accepts
      std(W) * sqrt(n_{i-1}) from 0.3 to 1.5.
    """
    rng = np.random.default_rng(seed)
    params = []
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:], strict=True):
        b = rng.standard_normal(n_out) * 0.0
        W = rng.standard_normal((n_out, n_in)) / np.sqrt(n_in)
        params.append((W, b))
    return params


def predict(X, params, activations):
    """Class labels from a network whose last layer has one output unit.

    Inputs:
    - X: (m, n_0) inputs
    - params, activations: as for network.forward

    Returns:
    - labels: (m,) array of 0 and 1 (int or float, both are fine): 1 where the output
      Y_hat[:, 0] is above 0.5
    """
    Y_hat, _ = forward(X, params, activations)
    return (Y_hat[:, 0] > 0.5).astype(np.int64)


def train(X, y, layer_sizes, activations, learning_rate=0.5, epochs=5000, seed=0):
    """Full-batch gradient descent on the mean binary cross-entropy.

    Inputs:
    - X: (m, n_0) inputs
    - y: (m,) labels 0 or 1
    - layer_sizes: [n_0, ..., n_L] with n_L = 1 (one sigmoid output unit)
    - activations: list of L activation names, the last one "sigmoid"
    - learning_rate: step size of gradient descent
    - epochs: number of updates (each uses the whole batch)
    - seed: passed to init_params

    Returns a tuple of:
    - params: list of (W, b) pairs after training
    - losses: (epochs,) float64, losses[t] the loss BEFORE update t (so losses[0] is
      the loss of init_params(layer_sizes, seed))
    """
    if len(layer_sizes) != len(activations) + 1:
        raise ValueError(
            f"{len(layer_sizes)} layer sizes need {len(layer_sizes) - 1} activation names, "
            f"got {len(activations)}"
        )
    params = init_params(layer_sizes, seed)
    losses = np.zeros(epochs, dtype=np.float64)
    for epoch in range(epochs):
        loss, grads = loss_and_grads(X, y, params, activations)
        losses[epoch] = loss
        params = [
            (W - learning_rate * dW, b - learning_rate * db)
            for (W, b), (dW, db) in zip(params, grads, strict=True)
        ]
    return params, losses
