"""Allowed variant: the gradient goes through binary_cross_entropy_grad and sigmoid's derivative
  (the clipped loss's own gradient) instead of (p - y) / m; logistic adds a column of ones.
Allowed by: neuron.py: "The grader checks grad only where every probability is at least 1e-6
  away from 0 and 1, so the loss's clipping never applies".

Part 3: one artificial neuron, i.e. binary logistic regression (lectures 7a and 7b).

The neuron computes h(x) = sigma(theta_0 + theta_1 x_1 + ... + theta_n x_n), the
probability that x belongs to the positive class. theta[0] is the bias.
"""

import numpy as np

from .activations import sigmoid
from .losses import binary_cross_entropy, binary_cross_entropy_grad


def logistic(X, theta):
    """Forward pass of one neuron on a batch.

    Inputs:
    - X: (m, n) inputs, one row per example
    - theta: (n + 1,) weights, theta[0] the bias, theta[1:] one weight per feature

    Returns:
    - p: (m,) probabilities sigma(theta[0] + X @ theta[1:])
    """
    X = np.asarray(X, dtype=np.float64)
    ones = np.ones((X.shape[0], 1))
    return sigmoid(np.hstack([ones, X]) @ np.asarray(theta, dtype=np.float64))


def logistic_loss_and_grad(X, y, theta):
    """Mean binary cross-entropy of the neuron and its gradient with respect to theta.

    Inputs:
    - X: (m, n) inputs
    - y: (m,) labels 0 or 1
    - theta: (n + 1,) weights, bias first

    Returns a tuple of:
    - loss: one number, binary_cross_entropy(logistic(X, theta), y)
    - grad: (n + 1,) d loss / d theta, bias first

    The grader checks grad only where every probability is at least 1e-6 away from 0 and
    1, so the loss's clipping never applies and d loss / d z = (p - y) / m per example.

    Slide check: the example "logistic_regression" of slide_examples.toml (its inputs X,
    y, theta and the loss and grad the slides print); tests/test_neuron.py runs it.
    """
    X = np.asarray(X, dtype=np.float64)
    X1 = np.hstack([np.ones((X.shape[0], 1)), X])
    p = logistic(X, theta)
    dz = binary_cross_entropy_grad(p, y) * p * (1.0 - p)
    return binary_cross_entropy(p, y), X1.T @ dz


AND_THETA = np.array([-30.0, 20.0, 20.0])
"""(3,) weights (bias first) for which logistic outputs > 0.5 exactly for the input (1, 1)."""
