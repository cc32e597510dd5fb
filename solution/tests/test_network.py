"""Part 6: a feed-forward network (lecture 7a, XOR and linear layers; 7b, hidden layer)."""

import numpy as np
import pytest
from nnbasics.network import XOR_PARAMS, backward, collapse_linear, forward, loss_and_grads

pytestmark = pytest.mark.part(6, "network")

SIGMOIDS = ["sigmoid", "sigmoid"]


def _hidden_layer(ex):
    """The slide's hidden-layer example as X, Y and params [(W1, b1), (W2, b2)]."""
    params = [(ex.inputs["theta1"], ex.inputs["b1"]), (ex.inputs["theta2"], ex.inputs["b2"])]
    return ex.inputs["x"], ex.inputs["y"].ravel(), params


def test_slide_forward(slides):
    ex = slides["hidden_layer"]
    X, _, params = _hidden_layer(ex)
    Y_hat, caches = forward(X, params, SIGMOIDS)
    assert np.shape(Y_hat) == (1, 1), (
        f"Y_hat should have shape (m, 1) = (1, 1), got {np.shape(Y_hat)}"
    )
    assert len(caches) == 2, f"forward should return one cache per layer (2), got {len(caches)}"
    assert ex.matches(Y_hat, "a2"), (
        f"the slide's a2 = {ex.printed['a2'][0, 0]:.2f}, got {Y_hat[0, 0]:.2f}"
    )


def test_slide_gradients(slides):
    ex = slides["hidden_layer"]
    _, grads = loss_and_grads(*_hidden_layer(ex), SIGMOIDS)
    assert len(grads) == 2, (
        f"one (dW, db) pair per layer, first layer first: expected 2, got {len(grads)}"
    )
    (dTheta1, db1), (dTheta2, db2) = grads
    shapes = [np.shape(g) for g in (dTheta1, db1, dTheta2, db2)]
    assert shapes == [(2, 2), (2,), (1, 2), (1,)], (
        "each gradient should be shaped like its parameter, (2, 2), (2,), (1, 2), (1,); "
        f"got {shapes}"
    )
    assert ex.matches(dTheta2, "dloss_dtheta2"), (
        f"the slide's dLoss/dtheta2 = {ex.printed['dloss_dtheta2']}, got {np.round(dTheta2, 2)}"
    )
    assert ex.matches(dTheta1, "dloss_dtheta1"), (
        f"the slide's dLoss/dtheta1 = {ex.printed['dloss_dtheta1'].tolist()}, "
        f"got {np.round(dTheta1, 2).tolist()}"
    )
    assert ex.matches(db2[np.newaxis], "dloss_dz2"), (
        f"db2 = dLoss/dz2 = {ex.printed['dloss_dz2'][0]} on the slide, got {np.round(db2, 2)}"
    )
    assert ex.matches(db1[np.newaxis], "dloss_dz1"), (
        f"db1 = dLoss/dz1 = {ex.printed['dloss_dz1'][0]} on the slide, got {np.round(db1, 2)}"
    )


def test_backward_from_slide_dloss_da2(slides):
    ex = slides["hidden_layer"]
    X, Y, params = _hidden_layer(ex)
    Y_hat, caches = forward(X, params, SIGMOIDS)
    grads = backward(-Y / Y_hat, caches)  # dLoss/da2 = -1/a2 for y = 1
    assert ex.matches(grads[1][0], "dloss_dtheta2"), (
        f"from dLoss/da2 = {ex.printed['dloss_da2'][0, 0]}, backward should give "
        f"dLoss/dtheta2 = {ex.printed['dloss_dtheta2']}, got {np.round(grads[1][0], 2)} "
        "(is the list in the order of params?)"
    )


def test_xor_params_truth_table(slides):
    ex = slides["xor_network"]
    assert len(XOR_PARAMS) == 2, (
        f"XOR_PARAMS should be [(W1, b1), (W2, b2)] from the slide, got {len(XOR_PARAMS)} layers"
    )
    shapes = [(np.shape(W), np.shape(b)) for W, b in XOR_PARAMS]
    assert shapes == [((2, 2), (2,)), ((1, 2), (1,))], (
        f"W1, b1, W2, b2 should have shapes (2, 2), (2,), (1, 2), (1,); got {shapes}"
    )
    X_all = ex.inputs["X"]
    Y_hat, _ = forward(X_all, XOR_PARAMS, SIGMOIDS)
    got = (np.asarray(Y_hat)[:, 0] > 0.5).astype(int)
    want = ex.printed["labels"].astype(int).tolist()
    assert list(got) == want, (
        f"XOR of {X_all.astype(int).tolist()} is {want}; the network gives {list(got)} "
        f"(outputs {np.round(Y_hat[:, 0], 3)})"
    )


def test_collapse_linear():
    W1 = np.array([[1.0, 2.0], [0.0, 1.0], [3.0, -1.0]])  # (3, 2)
    W2 = np.array([[1.0, -1.0, 2.0]])  # (1, 3)
    W = collapse_linear([W1, W2])
    assert np.shape(W) == (1, 2), f"W2 @ W1 has shape (1, 2), got {np.shape(W)}"
    assert np.allclose(W, W2 @ W1, rtol=1e-7, atol=1e-10), (
        f"collapse_linear([W1, W2]) should be W2 @ W1 = {W2 @ W1}, got {W} (order matters)"
    )
    X_some = np.array([[1.0, 0.5], [-2.0, 3.0]])
    params = [(W1, np.zeros(3)), (W2, np.zeros(1))]
    Y_hat, _ = forward(X_some, params, ["linear", "linear"])
    assert np.allclose(Y_hat, X_some @ W.T, rtol=1e-7, atol=1e-10), (
        "a network with only linear layers and no biases should equal the single layer "
        "X @ collapse_linear(...).T"
    )
