"""Part 5: dense and activation layers (lecture 7b, 'Backpropagation with a hidden layer').

The slide's network has no biases, so b = 0 here. Its numbers are printed to two
decimals, and the tests accept half a unit in the last printed digit.
"""

import numpy as np
import pytest
from nnbasics.layers import activation_backward, activation_forward, dense_backward, dense_forward

pytestmark = pytest.mark.part(5, "layers")

X = np.array([[1.0, 1.0]])  # x = (1, 1), one example as one row
THETA1 = np.array([[0.45, 0.05], [-0.38, 0.74]])
THETA2 = np.array([[-0.13, 0.95]])


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def test_slide_dense_forward():
    Z, _ = dense_forward(X, THETA1, np.zeros(2))
    assert np.shape(Z) == (1, 2), f"Z should have shape (m, n_out) = (1, 2), got {np.shape(Z)}"
    assert np.allclose(Z, [[0.5, 0.36]], atol=0.005), (
        f"the slide's z1 = theta1 x = (0.5, 0.36), got {np.round(Z, 2)} "
        "(Z = A_prev @ W.T + b: did you forget the transpose?)"
    )


def test_slide_activation_forward():
    A, _ = activation_forward(np.array([[0.5, 0.36]]), "sigmoid")
    assert np.shape(A) == (1, 2), f"A should have the shape of Z, (1, 2), got {np.shape(A)}"
    assert np.allclose(A, [[0.62, 0.59]], atol=0.005), (
        f"the slide's a1 = sigma(z1) = (0.62, 0.59), got {np.round(A, 2)}"
    )


def test_slide_dense_backward():
    # Output layer: a1 = sigma(z1) feeds theta2; dLoss/dz2 = a2 - y = -0.38.
    a1 = _sigmoid(np.array([[0.5, 0.36]]))
    _, cache = dense_forward(a1, THETA2, np.zeros(1))
    dz2 = _sigmoid(a1 @ THETA2.T) - 1.0
    dA1, dTheta2, db2 = dense_backward(dz2, cache)
    assert np.shape(dA1) == (1, 2), (
        f"dA_prev should be shaped like A_prev (1, 2), got {np.shape(dA1)}"
    )
    assert np.shape(dTheta2) == (1, 2), (
        f"dW should be shaped like W (1, 2), got {np.shape(dTheta2)}"
    )
    assert np.shape(db2) == (1,), f"db should be shaped like b (1,), got {np.shape(db2)}"
    assert np.allclose(dA1, [[0.05, -0.36]], atol=0.005), (
        f"the slide's dLoss/da1 = dz2 * theta2 = (0.05, -0.36), got {np.round(dA1, 2)}"
    )
    # The slide multiplies rounded numbers (-0.38 * 0.59 = -0.22); exactly it is -0.2254.
    assert np.allclose(dTheta2, [[-0.24, -0.22]], atol=0.006), (
        f"the slide's dLoss/dtheta2 = dz2 * a1 = (-0.24, -0.22), got {np.round(dTheta2, 2)}"
    )
    assert np.allclose(db2, dz2[0], atol=1e-12), f"db = dz2 = {dz2[0, 0]:.4f}, got {db2}"


def test_slide_activation_backward():
    z1 = np.array([[0.5, 0.36]])
    _, cache = activation_forward(z1, "sigmoid")
    dA1 = np.array([[0.0497, -0.3634]])  # dLoss/da1 from the slide, to 4 decimals
    dZ1 = activation_backward(dA1, cache)
    assert np.shape(dZ1) == (1, 2), f"dZ should be shaped like Z (1, 2), got {np.shape(dZ1)}"
    assert np.allclose(dZ1, [[0.01, -0.09]], atol=0.005), (
        f"the slide's dLoss/dz1 = dLoss/da1 * sigma'(z1) = (0.01, -0.09), got {np.round(dZ1, 2)}"
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
