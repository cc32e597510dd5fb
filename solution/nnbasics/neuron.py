"""Part 3: one artificial neuron, i.e. binary logistic regression (lectures 7a and 7b).

The neuron computes h(x) = sigma(theta_0 + theta_1 x_1 + ... + theta_n x_n), the
probability that x belongs to the positive class. theta[0] is the bias.
"""

import numpy as np

from .activations import sigmoid
from .losses import binary_cross_entropy


def logistic(X, theta):
    """Forward pass of one neuron on a batch.

    Inputs:
    - X: (m, n) inputs, one row per example
    - theta: (n + 1,) weights, theta[0] the bias, theta[1:] one weight per feature

    Returns:
    - p: (m,) probabilities sigma(theta[0] + X @ theta[1:])
    """
    # STUB: # Hint: z = theta[0] + X @ theta[1:] has shape (m,); then apply your sigmoid.
    # STUB: raise NotImplementedError("Part 3 (neuron): implement logistic")
    # BEGIN SOLUTION
    X = np.asarray(X, dtype=np.float64)
    theta = np.asarray(theta, dtype=np.float64)
    return sigmoid(theta[0] + X @ theta[1:])
    # END SOLUTION


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
    # STUB: # Hint: d loss / d z = (p - y) / m per example (7b, 'Backpropagation again'); the
    # STUB: # bias gets their sum, theta[1:] a matrix product of X with dz; bias first in grad.
    # STUB: raise NotImplementedError("Part 3 (neuron): implement logistic_loss_and_grad")
    # BEGIN SOLUTION
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    m = X.shape[0]
    p = logistic(X, theta)
    loss = binary_cross_entropy(p, y)
    dz = (p - y) / m  # (m,)
    grad = np.concatenate(([dz.sum()], X.T @ dz))
    return loss, grad
    # END SOLUTION


# STUB: AND_THETA = NotImplemented  # TODO (Part 3): weights for which logistic computes AND
# BEGIN SOLUTION
AND_THETA = np.array([-30.0, 20.0, 20.0])
# END SOLUTION
"""(3,) weights (bias first) for which logistic outputs > 0.5 exactly for the input (1, 1)."""
