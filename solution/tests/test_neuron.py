"""Part 3: one neuron, binary logistic regression (lecture 7a; 7b, 'Backpropagation again')."""

import numpy as np
import pytest
from nnbasics.neuron import AND_THETA, logistic, logistic_loss_and_grad

pytestmark = pytest.mark.part(3, "neuron")

# 7b, 'Backpropagation again': x = (1, 1), y = 0, theta = (-0.1, 0.5, -0.3)
X_SLIDE = np.array([[1.0, 1.0]])
Y_SLIDE = np.array([0.0])
THETA_SLIDE = np.array([-0.1, 0.5, -0.3])


def test_slide_forward_pass():
    p = logistic(X_SLIDE, THETA_SLIDE)
    assert np.shape(p) == (1,), f"logistic should return shape (m,) = (1,), got {np.shape(p)}"
    assert abs(p[0] - 0.5250) < 5e-5, (
        f"sigma(-0.1 + 0.5 - 0.3) = sigma(0.1) = 0.5250, got {p[0]:.4f} "
        "(theta[0] is the bias, theta[1:] the weights)"
    )


def test_slide_loss_and_grad():
    loss, grad = logistic_loss_and_grad(X_SLIDE, Y_SLIDE, THETA_SLIDE)
    assert abs(loss - 0.7444) < 5e-5, f"the slide's loss is 0.7444, got {loss:.4f}"
    assert np.shape(grad) == (3,), f"grad should have the shape of theta, (3,), got {grad.shape}"
    assert np.allclose(grad, 0.5250, atol=5e-5), (
        f"the slide's gradient is 0.5250 in every entry (bias first), got {np.round(grad, 4)}"
    )


def test_output_shape_and_zero_weights():
    X = np.arange(10.0).reshape(5, 2)
    p = logistic(X, np.zeros(3))
    assert np.shape(p) == (5,), f"for X of shape (5, 2) logistic should return (5,), got {p.shape}"
    assert np.allclose(p, 0.5), f"with theta = 0 every probability is sigma(0) = 0.5, got {p}"


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
