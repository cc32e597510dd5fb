"""Part 5: dense and activation layers (lecture 7b, 'Backpropagation with a hidden layer').

The slide's network has no biases, so b = 0 here. Its numbers are printed to two
decimals, and the tests accept half a unit in the last printed digit.
"""

import numpy as np
import pytest
from nnbasics.layers import activation_backward, activation_forward, dense_backward, dense_forward

pytestmark = pytest.mark.part(5, "layers")


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _slide_forward(ex):
    """The slide's z1, a1, z2 and a2, unrounded (one example as one row)."""
    z1 = ex.inputs["x"] @ ex.inputs["theta1"].T
    a1 = _sigmoid(z1)
    z2 = a1 @ ex.inputs["theta2"].T
    return z1, a1, z2, _sigmoid(z2)


def test_slide_dense_forward(slides):
    ex = slides["hidden_layer"]
    Z, _ = dense_forward(ex.inputs["x"], ex.inputs["theta1"], ex.inputs["b1"])
    assert np.shape(Z) == (1, 2), f"Z should have shape (m, n_out) = (1, 2), got {np.shape(Z)}"
    assert ex.matches(Z, "z1"), (
        f"the slide's z1 = theta1 x = {ex.printed['z1']}, got {np.round(Z, 2)} "
        "(Z = A_prev @ W.T + b: did you forget the transpose?)"
    )


def test_slide_activation_forward(slides):
    ex = slides["hidden_layer"]
    z1, _, _, _ = _slide_forward(ex)
    A, _ = activation_forward(z1, "sigmoid")
    assert np.shape(A) == (1, 2), f"A should have the shape of Z, (1, 2), got {np.shape(A)}"
    assert ex.matches(A, "a1"), (
        f"the slide's a1 = sigma(z1) = {ex.printed['a1']}, got {np.round(A, 2)}"
    )


def test_slide_dense_backward(slides):
    # Output layer: a1 feeds theta2; dLoss/dz2 = a2 - y.
    ex = slides["hidden_layer"]
    _, a1, _, a2 = _slide_forward(ex)
    _, cache = dense_forward(a1, ex.inputs["theta2"], ex.inputs["b2"])
    dz2 = a2 - ex.inputs["y"]
    dA1, dTheta2, db2 = dense_backward(dz2, cache)
    assert np.shape(dA1) == (1, 2), (
        f"dA_prev should be shaped like A_prev (1, 2), got {np.shape(dA1)}"
    )
    assert np.shape(dTheta2) == (1, 2), (
        f"dW should be shaped like W (1, 2), got {np.shape(dTheta2)}"
    )
    assert np.shape(db2) == (1,), f"db should be shaped like b (1,), got {np.shape(db2)}"
    assert ex.matches(dA1, "dloss_da1"), (
        f"the slide's dLoss/da1 = dz2 * theta2 = {ex.printed['dloss_da1']}, got {np.round(dA1, 2)}"
    )
    # The slide multiplies rounded numbers, so this one is allowed a little more.
    assert ex.matches(dTheta2, "dloss_dtheta2"), (
        f"the slide's dLoss/dtheta2 = dz2 * a1 = {ex.printed['dloss_dtheta2']}, "
        f"got {np.round(dTheta2, 2)}"
    )
    assert np.allclose(db2, dz2[0], atol=1e-12), f"db = dz2 = {dz2[0, 0]:.4f}, got {db2}"


def test_slide_activation_backward(slides):
    ex = slides["hidden_layer"]
    z1, a1, _, a2 = _slide_forward(ex)
    _, cache = activation_forward(z1, "sigmoid")
    dA1 = (a2 - ex.inputs["y"]) @ ex.inputs["theta2"]  # dLoss/da1, unrounded
    dZ1 = activation_backward(dA1, cache)
    assert np.shape(dZ1) == (1, 2), f"dZ should be shaped like Z (1, 2), got {np.shape(dZ1)}"
    assert ex.matches(dZ1, "dloss_dz1"), (
        f"the slide's dLoss/dz1 = dLoss/da1 * sigma'(z1) = {ex.printed['dloss_dz1']}, "
        f"got {np.round(dZ1, 2)}"
    )


def test_batch_shapes():
    rng = np.random.default_rng(0)
    A_prev, W, b = rng.normal(size=(3, 4)), rng.normal(size=(2, 4)), rng.normal(size=2)
    Z, cache = dense_forward(A_prev, W, b)
    assert np.shape(Z) == (3, 2), (
        f"m = 3 examples, n_in = 4, n_out = 2: Z should have shape (3, 2), got {np.shape(Z)}"
    )
    dA_prev, dW, db = dense_backward(np.ones((3, 2)), cache)
    shapes = (np.shape(dA_prev), np.shape(dW), np.shape(db))
    assert shapes == ((3, 4), (2, 4), (2,)), (
        f"dA_prev, dW, db should have shapes (3, 4), (2, 4), (2,), got {shapes}"
    )
    for name in ["sigmoid", "tanh", "relu", "linear"]:
        A, cache = activation_forward(Z, name)
        dZ = activation_backward(np.ones((3, 2)), cache)
        assert np.shape(A) == (3, 2) and np.shape(dZ) == (3, 2), (
            f"{name}: A and dZ should have the shape of Z (3, 2), got {np.shape(A)}, {np.shape(dZ)}"
        )


def test_unknown_activation_raises_value_error():
    with pytest.raises(ValueError):
        activation_forward(np.zeros((1, 2)), "softmax")
