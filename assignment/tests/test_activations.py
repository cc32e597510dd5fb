"""Part 1: activation functions (lecture 7a, 'Activation functions')."""

import numpy as np
import pytest
from nnbasics.activations import relu, relu_grad, sigmoid, sigmoid_grad, tanh, tanh_grad

pytestmark = pytest.mark.part(1, "activations")

FUNCTIONS = [sigmoid, sigmoid_grad, tanh, tanh_grad, relu, relu_grad]


def test_sigmoid_at_zero_is_one_half():
    assert np.isclose(sigmoid(0.0), 0.5), f"sigmoid(0) should be 0.5, got {sigmoid(0.0)}"
    assert np.isclose(sigmoid_grad(0.0), 0.25), (
        f"sigmoid_grad(0) should be 0.5 * (1 - 0.5) = 0.25, got {sigmoid_grad(0.0)}"
    )


def test_sigmoid_is_symmetric():
    z = np.array([-3.0, -1.0, 0.5, 2.0])
    total = sigmoid(z) + sigmoid(-z)
    assert np.allclose(total, 1.0, rtol=1e-7, atol=1e-10), (
        f"sigmoid(z) + sigmoid(-z) should be 1 for every z, got {total} for z = {z}"
    )


def test_tanh_at_zero():
    assert np.isclose(tanh(0.0), 0.0), f"tanh(0) should be 0, got {tanh(0.0)}"
    assert np.isclose(tanh_grad(0.0), 1.0), f"tanh_grad(0) should be 1, got {tanh_grad(0.0)}"


def test_relu_slide_formula():
    z = np.array([-2.0, 0.0, 3.0])
    assert np.allclose(relu(z), [0.0, 0.0, 3.0], rtol=1e-7, atol=1e-10), (
        f"relu should be max(0, z) elementwise: for z = {z} expected [0, 0, 3], got {relu(z)}"
    )
    assert np.allclose(relu_grad(z), [0.0, 0.0, 1.0]), (
        f"relu_grad should be 1 where z > 0 and 0 elsewhere (also at z = 0): for z = {z} "
        f"expected [0, 0, 1], got {relu_grad(z)}"
    )


@pytest.mark.parametrize("func", FUNCTIONS, ids=lambda f: f.__name__)
def test_keeps_shape_and_is_float64(func):
    z = np.linspace(-2.0, 2.0, 12).reshape(3, 4)
    out = np.asarray(func(z))
    assert out.shape == (3, 4), (
        f"{func.__name__} works elementwise: a (3, 4) input should give a (3, 4) output, "
        f"got shape {out.shape}"
    )
    assert out.dtype == np.float64, f"{func.__name__} should return float64, got {out.dtype}"


@pytest.mark.parametrize("func", FUNCTIONS, ids=lambda f: f.__name__)
def test_does_not_modify_its_input(func):
    z = np.array([[-1.5, 0.0, 2.0]])
    before = z.copy()
    func(z)
    assert np.array_equal(z, before), f"{func.__name__} changed its input array (no in-place ops)"
