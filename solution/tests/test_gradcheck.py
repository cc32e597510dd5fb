"""Part 7: numerical gradient checking (lecture 7b)."""

import numpy as np
import pytest
from nnbasics.gradcheck import numerical_gradient, relative_error

pytestmark = pytest.mark.part(7, "gradcheck")


def test_gradient_of_sum_of_squares():
    x = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -1.5]])
    before = x.copy()
    grad = numerical_gradient(lambda v: np.sum(v**2), x)
    assert np.shape(grad) == (2, 3), (
        f"the gradient should be shaped like x (2, 3), got {np.shape(grad)}"
    )
    assert np.allclose(grad, 2 * x, atol=1e-6), (
        f"the gradient of sum(x**2) is 2x = {(2 * x).ravel()}, got {np.ravel(grad)}"
    )
    assert np.array_equal(x, before), "numerical_gradient should put back every x[i] it changed"


def test_slide_logistic_gradient(slides):
    # The slide's logistic regression: the gradient of its loss with respect to theta.
    ex = slides["logistic_regression"]
    X, y = ex.inputs["X"], ex.inputs["y"]

    def loss(theta):
        p = 1.0 / (1.0 + np.exp(-(theta[0] + X @ theta[1:])))
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

    grad = numerical_gradient(loss, ex.inputs["theta"].copy())
    assert ex.matches(grad, "grad"), (
        f"the slide's gradient is {ex.printed['grad']}, got {np.round(grad, 4)}"
    )


def test_relative_error():
    a = np.array([1.0, 2.0])
    assert relative_error(a, a.copy()) == 0.0, "equal arrays have relative error 0"
    err = relative_error(np.array([1.0, 2.0]), np.array([3.0, 2.0]))
    assert abs(err - 0.5) < 1e-12, (
        f"|1 - 3| / (|1| + |3|) = 0.5 is the largest element, so the error is 0.5; got {err}"
    )
    err = relative_error(np.zeros(3), np.zeros(3))
    assert err == 0.0, f"two zero arrays have error 0 (the max(1e-8, ...) avoids 0/0), got {err}"
