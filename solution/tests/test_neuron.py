"""Part 3: one neuron, binary logistic regression (lecture 7a; 7b, 'Backpropagation again')."""

import numpy as np
import pytest
from nnbasics.neuron import AND_THETA, logistic, logistic_loss_and_grad

pytestmark = pytest.mark.part(3, "neuron")


def test_slide_forward_pass(slides):
    ex = slides["logistic_regression"]
    X, theta = ex.inputs["X"], ex.inputs["theta"]
    p = logistic(X, theta)
    assert np.shape(p) == (len(X),), (
        f"logistic should return shape (m,) = ({len(X)},), got {np.shape(p)}"
    )
    assert ex.matches(p, "h"), (
        f"the slide's h(x) for theta = {theta} is {ex.printed['h']}, got {np.round(p, 4)} "
        "(theta[0] is the bias, theta[1:] the weights)"
    )


def test_slide_loss_and_grad(slides):
    ex = slides["logistic_regression"]
    loss, grad = logistic_loss_and_grad(ex.inputs["X"], ex.inputs["y"], ex.inputs["theta"])
    assert ex.matches(loss, "loss"), f"the slide's loss is {ex.printed['loss']:.4f}, got {loss:.4f}"
    assert np.shape(grad) == np.shape(ex.inputs["theta"]), (
        f"grad should have the shape of theta, {np.shape(ex.inputs['theta'])}, got {np.shape(grad)}"
    )
    assert ex.matches(grad, "grad"), (
        f"the slide's gradient is {ex.printed['grad']} (bias first), got {np.round(grad, 4)}"
    )


def test_output_shape_and_zero_weights():
    X = np.arange(10.0).reshape(5, 2)
    p = logistic(X, np.zeros(3))
    assert np.shape(p) == (5,), f"for X of shape (5, 2) logistic should return (5,), got {p.shape}"
    assert np.allclose(p, 0.5, rtol=1e-7, atol=1e-10), (
        f"with theta = 0 every probability is sigma(0) = 0.5, got {p}"
    )


def test_and_theta_computes_and():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    theta = np.asarray(AND_THETA, dtype=np.float64)
    assert theta.shape == (3,), f"AND_THETA should have shape (3,) (bias first), got {theta.shape}"
    p = logistic(X, theta)
    got = (np.asarray(p) > 0.5).astype(int)
    assert list(got) == [0, 0, 0, 1], (
        f"AND is 1 only for (1, 1): on inputs (0,0), (0,1), (1,0), (1,1) logistic(X, AND_THETA) "
        f"should be > 0.5 only for the last one; got probabilities {np.round(p, 3)}"
    )
