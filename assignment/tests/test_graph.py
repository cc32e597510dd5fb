"""Part 4: backpropagation on a computational graph (lecture 7b, 'Backward differentiation')."""

import numpy as np
import pytest
from nnbasics.graph import Value

pytestmark = pytest.mark.part(4, "graph")


def test_slide_example(slides):
    # 7b, 'Backward differentiation': L = (x + y) z.
    ex = slides["backward_differentiation"]
    x, y, z = (Value(float(ex.inputs[name])) for name in ("x", "y", "z"))
    q = x + y
    L = q * z
    want = {name: float(value) for name, value in ex.printed.items()}
    assert x.grad == 0.0 and L.grad == 0.0, (
        f"every grad should be 0.0 until backward runs, got x.grad = {x.grad}, L.grad = {L.grad}"
    )
    assert L.data == want["L"], f"L = (x + y) z = {want['L']:g}, got L.data = {L.data}"
    L.backward()
    assert L.grad == 1.0, f"backward should set L.grad = 1, got {L.grad}"
    assert q.grad == want["dL_dq"], f"dL/dq = z = {want['dL_dq']:g}, got q.grad = {q.grad}"
    assert z.grad == want["dL_dz"], f"dL/dz = q = {want['dL_dz']:g}, got z.grad = {z.grad}"
    assert x.grad == want["dL_dx"], (
        f"dL/dx = dL/dq * dq/dx = {want['dL_dx']:g}, got x.grad = {x.grad}"
    )
    assert y.grad == want["dL_dy"], (
        f"dL/dy = dL/dq * dq/dy = {want['dL_dy']:g}, got y.grad = {y.grad}"
    )


def test_slide_logistic_example(slides):
    # The slide's logistic regression as a graph: the same loss and gradient as Part 3.
    ex = slides["logistic_regression"]
    x, label = ex.inputs["X"][0], float(ex.inputs["y"][0])
    thetas = [Value(float(t)) for t in ex.inputs["theta"]]
    z = thetas[0]
    for theta, x_j in zip(thetas[1:], x):
        z = z + theta * float(x_j)
    p = z.sigmoid()
    loss = -(label * p.log() + (1 - label) * (1 - p).log())
    assert ex.matches(loss.data, "loss"), (
        f"the slide's loss is {ex.printed['loss']:.4f}, got {loss.data:.4f}"
    )
    loss.backward()
    grads = [t.grad for t in thetas]
    assert ex.matches(grads, "grad"), (
        f"the slide's gradient is {ex.printed['grad']}, got {np.round(grads, 4)}"
    )


def test_numbers_on_either_side():
    a = Value(3.0)
    out = 2 * a + 1 - a * 4 + (5 - a) - (a - 1)
    # 6 + 1 - 12 + 2 - 2 = -5; d/da = 2 - 4 - 1 - 1 = -4
    assert out.data == -5.0, f"2a + 1 - 4a + (5 - a) - (a - 1) at a = 3 is -5, got {out.data}"
    out.backward()
    assert a.grad == -4.0, f"its derivative is 2 - 4 - 1 - 1 = -4, got a.grad = {a.grad}"


def test_reused_node_accumulates():
    x = Value(3.0)
    y = x * x
    y.backward()
    assert x.grad == 6.0, (
        f"d(x*x)/dx = 2x = 6 at x = 3, got {x.grad} (use += in _backward: x is used twice)"
    )


def test_methods_at_zero():
    for name, data, grad in [("sigmoid", 0.5, 0.25), ("tanh", 0.0, 1.0), ("exp", 1.0, 1.0)]:
        x = Value(0.0)
        out = getattr(x, name)()
        out.backward()
        assert abs(out.data - data) < 1e-12, f"{name}(0) should be {data}, got {out.data}"
        assert abs(x.grad - grad) < 1e-12, f"d {name}/dx at 0 should be {grad}, got {x.grad}"
    x = Value(1.0)
    out = x.log()
    out.backward()
    assert out.data == 0.0 and x.grad == 1.0, (
        f"log(1) = 0 with derivative 1/1 = 1, got {out.data} and {x.grad}"
    )
    x = Value(-2.0)
    out = x.relu()
    out.backward()
    assert out.data == 0.0 and x.grad == 0.0, (
        f"relu(-2) = 0 with derivative 0, got {out.data} and {x.grad}"
    )
