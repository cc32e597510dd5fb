"""Part 4: backpropagation on a computational graph (lecture 7b, 'Backward differentiation')."""

import numpy as np
import pytest
from nnbasics.graph import Value

pytestmark = pytest.mark.part(4, "graph")


def test_slide_example():
    # 7b: L = (x + y) z with x = -2, y = 5, z = -4.
    x, y, z = Value(-2.0), Value(5.0), Value(-4.0)
    q = x + y
    L = q * z
    assert x.grad == 0.0 and L.grad == 0.0, (
        f"every grad should be 0.0 until backward runs, got x.grad = {x.grad}, L.grad = {L.grad}"
    )
    assert L.data == -12.0, f"L = (x + y) z = 3 * -4 = -12, got L.data = {L.data}"
    L.backward()
    assert L.grad == 1.0, f"backward should set L.grad = 1, got {L.grad}"
    assert q.grad == -4.0, f"dL/dq = z = -4, got q.grad = {q.grad}"
    assert z.grad == 3.0, f"dL/dz = q = 3, got z.grad = {z.grad}"
    assert x.grad == -4.0, f"dL/dx = dL/dq * dq/dx = -4 * 1 = -4, got x.grad = {x.grad}"
    assert y.grad == -4.0, f"dL/dy = dL/dq * dq/dy = -4 * 1 = -4, got y.grad = {y.grad}"


def test_slide_logistic_example():
    # 7b, 'Backpropagation again', as a graph: x = (1, 1), y = 0,
    # theta = (-0.1, 0.5, -0.3), loss = -ln(1 - sigma(theta^T x)) = 0.7444, grads 0.5250.
    t0, t1, t2 = Value(-0.1), Value(0.5), Value(-0.3)
    z = t0 + t1 * 1.0 + t2 * 1.0
    loss = -((1 - z.sigmoid()).log())
    assert abs(loss.data - 0.7444) < 5e-5, f"the slide's loss is 0.7444, got {loss.data:.4f}"
    loss.backward()
    grads = [t0.grad, t1.grad, t2.grad]
    assert np.allclose(grads, 0.5250, atol=5e-5), (
        f"the slide's gradient is 0.5250 for every theta, got {np.round(grads, 4)}"
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
