"""Part 6: a feed-forward network (lecture 7a, XOR and linear layers; 7b, hidden layer)."""

import numpy as np
import pytest
from nnbasics.network import XOR_PARAMS, backward, collapse_linear, forward, loss_and_grads

pytestmark = pytest.mark.part(6, "network")

# 7b, 'Backpropagation with a hidden layer': no biases, sigmoid on both layers.
X = np.array([[1.0, 1.0]])
Y = np.array([1.0])
SLIDE_PARAMS = [
    (np.array([[0.45, 0.05], [-0.38, 0.74]]), np.zeros(2)),
    (np.array([[-0.13, 0.95]]), np.zeros(1)),
]
SIGMOIDS = ["sigmoid", "sigmoid"]


def test_slide_forward():
    Y_hat, caches = forward(X, SLIDE_PARAMS, SIGMOIDS)
    assert np.shape(Y_hat) == (1, 1), (
        f"Y_hat should have shape (m, 1) = (1, 1), got {np.shape(Y_hat)}"
    )
    assert len(caches) == 2, f"forward should return one cache per layer (2), got {len(caches)}"
    assert abs(Y_hat[0, 0] - 0.62) < 0.005, f"the slide's a2 = 0.62, got {Y_hat[0, 0]:.2f}"


def test_slide_gradients():
    _, grads = loss_and_grads(X, Y, SLIDE_PARAMS, SIGMOIDS)
    assert len(grads) == 2, (
        f"one (dW, db) pair per layer, first layer first: expected 2, got {len(grads)}"
    )
    (dTheta1, db1), (dTheta2, db2) = grads
    shapes = [np.shape(g) for g in (dTheta1, db1, dTheta2, db2)]
    assert shapes == [(2, 2), (2,), (1, 2), (1,)], (
        "each gradient should be shaped like its parameter, (2, 2), (2,), (1, 2), (1,); "
        f"got {shapes}"
    )
    # The slide multiplies rounded numbers (-0.38 * 0.59 = -0.22); exactly it is -0.2254.
    assert np.allclose(dTheta2, [[-0.24, -0.22]], atol=0.006), (
        f"the slide's dLoss/dtheta2 = (-0.24, -0.22), got {np.round(dTheta2, 2)}"
    )
    assert np.allclose(dTheta1, [[0.01, 0.01], [-0.09, -0.09]], atol=0.005), (
        f"the slide's dLoss/dtheta1 = [[0.01, 0.01], [-0.09, -0.09]], got {np.round(dTheta1, 2)}"
    )
    assert abs(db2[0] - (-0.38)) < 0.005, f"db2 = dLoss/dz2 = -0.38 on the slide, got {db2[0]:.2f}"
    assert np.allclose(db1, [0.01, -0.09], atol=0.005), (
        f"db1 = dLoss/dz1 = (0.01, -0.09) on the slide, got {np.round(db1, 2)}"
    )


def test_backward_from_slide_dloss_da2():
    Y_hat, caches = forward(X, SLIDE_PARAMS, SIGMOIDS)
    grads = backward(-1.0 / Y_hat, caches)  # dLoss/da2 = -1/a2 = -1.62
    assert np.allclose(grads[1][0], [[-0.24, -0.22]], atol=0.006), (
        f"from dLoss/da2 = -1.62, backward should give dLoss/dtheta2 = (-0.24, -0.22), "
        f"got {np.round(grads[1][0], 2)} (is the list in the order of params?)"
    )


def test_xor_params_truth_table():
    assert len(XOR_PARAMS) == 2, (
        f"XOR_PARAMS should be [(W1, b1), (W2, b2)] from the slide, got {len(XOR_PARAMS)} layers"
    )
    shapes = [(np.shape(W), np.shape(b)) for W, b in XOR_PARAMS]
    assert shapes == [((2, 2), (2,)), ((1, 2), (1,))], (
        f"W1, b1, W2, b2 should have shapes (2, 2), (2,), (1, 2), (1,); got {shapes}"
    )
    X_all = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    Y_hat, _ = forward(X_all, XOR_PARAMS, SIGMOIDS)
    got = (np.asarray(Y_hat)[:, 0] > 0.5).astype(int)
    assert list(got) == [0, 1, 1, 0], (
        f"XOR of (0,0), (0,1), (1,0), (1,1) is 0, 1, 1, 0; the network gives {list(got)} "
        f"(outputs {np.round(Y_hat[:, 0], 3)})"
    )


def test_collapse_linear():
    W1 = np.array([[1.0, 2.0], [0.0, 1.0], [3.0, -1.0]])  # (3, 2)
    W2 = np.array([[1.0, -1.0, 2.0]])  # (1, 3)
    W = collapse_linear([W1, W2])
    assert np.shape(W) == (1, 2), f"W2 @ W1 has shape (1, 2), got {np.shape(W)}"
    assert np.allclose(W, W2 @ W1), (
        f"collapse_linear([W1, W2]) should be W2 @ W1 = {W2 @ W1}, got {W} (order matters)"
    )
    X_some = np.array([[1.0, 0.5], [-2.0, 3.0]])
    params = [(W1, np.zeros(3)), (W2, np.zeros(1))]
    Y_hat, _ = forward(X_some, params, ["linear", "linear"])
    assert np.allclose(Y_hat, X_some @ W.T), (
        "a network with only linear layers and no biases should equal the single layer "
        "X @ collapse_linear(...).T"
    )
