"""Part 2: binary cross-entropy (lecture 7b, 'Cross-entropy loss function')."""

import math

import numpy as np
import pytest
from nnbasics.losses import binary_cross_entropy, binary_cross_entropy_grad

pytestmark = pytest.mark.part(2, "losses")


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def test_slide_logistic_loss(slides):
    # The slide's logistic regression: y_hat = sigma(theta^T x).
    ex = slides["logistic_regression"]
    X, y, theta = ex.inputs["X"], ex.inputs["y"], ex.inputs["theta"]
    y_hat = _sigmoid(theta[0] + X @ theta[1:])
    loss = binary_cross_entropy(y_hat, y)
    assert np.isscalar(loss) or np.ndim(loss) == 0, (
        f"binary_cross_entropy should return one number, got {type(loss).__name__} "
        f"of shape {np.shape(loss)}"
    )
    assert ex.matches(loss, "loss"), (
        f"for y_hat = {np.round(y_hat, 4)} and y = {y} the slide's loss is "
        f"{ex.printed['loss']:.4f}, got {loss:.4f}"
    )


def test_slide_hidden_layer_dloss_da2(slides):
    # The slide's hidden layer: y = 1 and a2 = sigma(z2), so dLoss/da2 = -1/a2.
    ex = slides["hidden_layer"]
    a1 = _sigmoid(ex.inputs["x"] @ ex.inputs["theta1"].T)
    a2 = _sigmoid(a1 @ ex.inputs["theta2"].T)
    grad = binary_cross_entropy_grad(a2, ex.inputs["y"])
    assert np.shape(grad) == (1, 1), (
        f"the gradient should be shaped like y_hat, (1, 1), got {np.shape(grad)}"
    )
    assert ex.matches(grad, "dloss_da2"), (
        f"for y = 1 and y_hat = a2 = {a2[0, 0]:.2f} the slide's dLoss/da2 is -1/a2 = "
        f"{ex.printed['dloss_da2'][0, 0]:.2f}, got {float(grad[0, 0]):.2f}"
    )


def test_mean_over_elements():
    # y_hat = 0.5 everywhere: each element costs ln 2, and so does the mean.
    y_hat = np.full((4, 1), 0.5)
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    loss = binary_cross_entropy(y_hat, y)
    assert abs(loss - math.log(2)) < 1e-9, (
        f"with y_hat = 0.5 everywhere the mean loss is ln 2 = 0.6931, got {loss:.4f} "
        "(a sum instead of a mean gives 4 ln 2)"
    )
    grad = binary_cross_entropy_grad(y_hat, y)
    expected = np.array([[0.5], [-0.5], [-0.5], [0.5]])  # +-(1/0.5) / m with m = 4
    assert np.shape(grad) == (4, 1), f"grad should be shaped like y_hat (4, 1), got {grad.shape}"
    assert np.allclose(grad, expected, rtol=1e-7, atol=1e-10), (
        f"grad should be -(y/y_hat - (1-y)/(1-y_hat)) / m with m = 4, i.e. {expected.ravel()}, "
        f"got {np.ravel(grad)} (did you forget the 1/m of the mean?)"
    )


def test_does_not_modify_inputs():
    y_hat = np.array([0.2, 0.9, 0.6])
    y = np.array([0.0, 1.0, 1.0])
    before = (y_hat.copy(), y.copy())
    binary_cross_entropy(y_hat, y)
    binary_cross_entropy_grad(y_hat, y)
    assert np.array_equal(y_hat, before[0]) and np.array_equal(y, before[1]), (
        "the loss functions changed their input arrays (clip into a new array instead)"
    )
