"""Part 1: sigmoid, tanh, ReLU and their derivatives."""

from __future__ import annotations

import numpy as np

from autograder.common import (
    Differences,
    away_from_zero,
    check,
    conditioned,
    expect_grad,
    expect_no_warnings,
    expect_number,
    expect_unchanged,
    expect_values,
    gradcheck_problem,
    hints_separated,
    shape_of,
    sign_hint,
    slide,
)
from grading.checks.diagnose import sentence
from grading.checks.reference import ref
from grading.checks.slide_examples import format_value
from grading.checks.suite import (
    CheckFailed,
    Student,
    numerical_gradient,
)

PART = "activations"


def _elementwise_function(func_name: str, z: np.ndarray) -> Differences:
    """sum(g(z)) as a function of z, at z: its central differences are the elementwise
    derivative g'(z)."""
    g = getattr(ref.activations, func_name)
    return lambda x: float(np.sum(g(x))), z


def _smooth_problem(
    rng: np.random.Generator, func_name: str, grad_name: str
) -> tuple[np.ndarray, np.ndarray]:
    """A (4, 5) array of z in [-4, 4] on which central differences of g are accurate, and
    those central differences."""
    grad = getattr(ref.activations, grad_name)
    hints = _sigmoid_hints if func_name == "sigmoid" else _tanh_hints
    z, (numeric,) = gradcheck_problem(
        rng,
        lambda r: r.uniform(-4.0, 4.0, (4, 5)),
        lambda z: [grad(z)],
        functions=lambda z: [_elementwise_function(func_name, z)],
        requirements=[lambda z: hints_separated(grad(z), hints(z))],
    )
    return z, numeric


# -- sigmoid ---------------------------------------------------------------------------


@check(PART, points=1, visibility="visible", tags=("slide",))
def activations_sigmoid_slide(student: Student) -> None:
    """sigmoid: the slide's hidden layer, a1 = σ(z1) and a2 = σ(z2) as printed"""
    hidden, _ = slide("hidden_layer")
    z = np.concatenate([hidden.value("z1").ravel(), hidden.value("z2").ravel()])
    s = student.call("activations.sigmoid", z)
    expect_values(
        s,
        np.concatenate([hidden.value("a1").ravel(), hidden.value("a2").ravel()]),
        f"sigmoid({format_value(z, None)})",
        atol=hidden.tolerance,
        rtol=0.0,
        show_expected=True,
        hints=[
            (np.tanh(z), "this is tanh, not the logistic sigmoid 1/(1+e^-z)"),
            (1 / (1 + np.exp(z)), "e^z instead of e^-z: σ(z) = 1/(1+e^-z)"),
        ],
    )


@check(PART, points=1, tags=("random",))
def activations_sigmoid_random(student: Student) -> None:
    """sigmoid: right values on random arrays of shapes (7,), (4, 5) and (2, 3, 4)"""
    for shape in [(7,), (4, 5), (2, 3, 4)]:
        z = student.rng.normal(0.0, 3.0, shape)
        s = student.call("activations.sigmoid", z)
        expect_values(
            s,
            ref.activations.sigmoid(z),
            f"sigmoid(z) for z of shape {shape}",
            hints=[
                (1 / (1 + np.exp(z)), "e^z instead of e^-z: σ(z) = 1/(1+e^-z)"),
                (np.tanh(z), "this is tanh, not the sigmoid"),
            ],
        )


@check(PART, points=1.5, tags=("edge",))
def activations_sigmoid_stable(student: Student) -> None:
    """sigmoid: values in [0, 1], no nan and no warning for z from -1e4 to 1e4"""
    z = np.array([-1e4, -1000.0, -710.0, -50.0, -1.0, 0.0, 1.0, 50.0, 710.0, 1000.0, 1e4])
    what = "sigmoid(z) for z = [-1e4, -1000, -710, -50, -1, 0, 1, 50, 710, 1000, 1e4]"
    s = student.call("activations.sigmoid", z)
    expect_no_warnings(
        student,
        what,
        sentence(
            "unstable_sigmoid",
            "compute e = np.exp(-np.abs(z)) (always in (0, 1]) and use 1/(1+e) where z >= 0, "
            "e/(1+e) where z < 0",
        ),
    )
    s = expect_values(s, ref.activations.sigmoid(z), what, atol=1e-12)
    if np.any(s < 0) or np.any(s > 1):
        raise CheckFailed(f"{what} has values outside [0, 1]")


@check(PART, points=0.5, tags=("edge",))
def activations_accept_scalars(student: Student) -> None:
    """all six activation functions accept a plain number (e.g. sigmoid(0.0) = 0.5)"""
    for name, z in [
        ("sigmoid", 0.0),
        ("sigmoid", -2.5),
        ("sigmoid_grad", 0.7),
        ("tanh", 0.4),
        ("tanh_grad", -1.2),
        ("relu", -1.5),
        ("relu", 2.0),
        ("relu_grad", 3.0),
        ("relu_grad", -0.5),
    ]:
        out = student.call(f"activations.{name}", z)
        expected = float(getattr(ref.activations, name)(z))
        expect_number(out, expected, f"{name}({z})")


@check(PART, points=1, tags=("gradcheck", "random"))
def activations_sigmoid_grad_gradcheck(student: Student) -> None:
    """sigmoid_grad: matches a numerical derivative of σ on a random (4, 5) array"""
    z, numeric = _smooth_problem(student.rng, "sigmoid", "sigmoid_grad")
    out = student.call("activations.sigmoid_grad", z)
    expect_grad(out, numeric, "sigmoid_grad(z) for z of shape (4, 5)", hints=_sigmoid_hints(z))


@check(PART, points=0.5, tags=("random",))
def activations_sigmoid_grad_values(student: Student) -> None:
    """sigmoid_grad: right values on a random (4, 5) array"""
    z, _ = _smooth_problem(student.rng, "sigmoid", "sigmoid_grad")
    out = student.call("activations.sigmoid_grad", z)
    expect_values(
        out,
        ref.activations.sigmoid_grad(z),
        "sigmoid_grad(z) for z of shape (4, 5)",
        hints=_sigmoid_hints(z),
    )


def _sigmoid_hints(z: np.ndarray) -> list:
    s = ref.activations.sigmoid(z)
    return [
        (
            ref.activations.sigmoid_grad(s),
            sentence(
                "derivative_of_output",
                "sigmoid_grad receives z, so compute s = sigmoid(z) first, then s * (1 - s)",
            ),
        ),
        (s, "this returns σ(z) itself, not its derivative σ(z)(1 - σ(z))"),
        (z * (1 - z), "z * (1 - z) uses z where σ(z) belongs: s = sigmoid(z); s * (1 - s)"),
        sign_hint(s * (1 - s)),
    ]


# -- tanh ------------------------------------------------------------------------------


@check(PART, points=0.5, tags=("random",))
def activations_tanh_random(student: Student) -> None:
    """tanh: right values on random arrays of shapes (6,) and (3, 4)"""
    for shape in [(6,), (3, 4)]:
        z = student.rng.normal(0.0, 2.0, shape)
        out = student.call("activations.tanh", z)
        expect_values(
            out,
            np.tanh(z),
            f"tanh(z) for z of shape {shape}",
            hints=[(ref.activations.sigmoid(z), "this is the sigmoid, not tanh")],
        )


@check(PART, points=1, tags=("gradcheck", "random"))
def activations_tanh_grad_gradcheck(student: Student) -> None:
    """tanh_grad: matches a numerical derivative of tanh on a random (4, 5) array"""
    z, numeric = _smooth_problem(student.rng, "tanh", "tanh_grad")
    out = student.call("activations.tanh_grad", z)
    expect_grad(out, numeric, "tanh_grad(z) for z of shape (4, 5)", hints=_tanh_hints(z))


@check(PART, points=0.5, tags=("random",))
def activations_tanh_grad_values(student: Student) -> None:
    """tanh_grad: right values on a random (4, 5) array"""
    z, _ = _smooth_problem(student.rng, "tanh", "tanh_grad")
    out = student.call("activations.tanh_grad", z)
    expect_values(
        out, 1 - np.tanh(z) ** 2, "tanh_grad(z) for z of shape (4, 5)", hints=_tanh_hints(z)
    )


def _tanh_hints(z: np.ndarray) -> list:
    t = np.tanh(z)
    return [
        (
            1 - np.tanh(t) ** 2,
            sentence(
                "derivative_of_output",
                "tanh_grad receives z, so compute t = tanh(z) first, then 1 - t**2",
            ),
        ),
        (1 - z**2, "1 - z**2 uses z where tanh(z) belongs: 1 - tanh(z)**2"),
        (1 - t, "the square is missing: 1 - tanh(z)**2"),
        (t, "this returns tanh(z) itself, not its derivative"),
        sign_hint(1 - t**2),
    ]


# -- ReLU ------------------------------------------------------------------------------


@check(PART, points=0.5, tags=("random",))
def activations_relu_random(student: Student) -> None:
    """relu: right values on a random (5, 4) array with negative, positive and zero entries"""

    def draw(rng: np.random.Generator) -> np.ndarray:
        z = rng.normal(0.0, 2.0, (5, 4))
        z[0, 0] = 0.0
        return z

    def hints(z: np.ndarray) -> list:
        return [
            (
                np.full(z.shape, np.max(z)),
                "np.max reduces to one number; np.maximum(0, z) compares elementwise",
            ),
            (np.abs(z), "this is |z|; relu sets negative values to 0"),
        ]

    z = conditioned(student.rng, draw, lambda z: hints_separated(np.maximum(z, 0.0), hints(z)))
    out = student.call("activations.relu", z)
    expect_values(out, np.maximum(z, 0.0), "relu(z) for z of shape (5, 4)", hints=hints(z))


@check(PART, points=0.5, tags=("gradcheck", "random"))
def activations_relu_grad_gradcheck(student: Student) -> None:
    """relu_grad: matches a numerical derivative of relu on a random (4, 5) array (away from 0)"""
    z = away_from_zero(student.rng, (4, 5))
    numeric = numerical_gradient(*_elementwise_function("relu", z))
    out = student.call("activations.relu_grad", z)
    expect_grad(out, numeric, "relu_grad(z) for z of shape (4, 5)", hints=_relu_hints(z))


@check(PART, points=0.5, tags=("random",))
def activations_relu_grad_values(student: Student) -> None:
    """relu_grad: 1.0 where z > 0 and 0.0 elsewhere, on a random (6, 3) array"""
    z = away_from_zero(student.rng, (6, 3))
    out = student.call("activations.relu_grad", z)
    expect_values(
        out, (z > 0).astype(float), "relu_grad(z) for z of shape (6, 3)", hints=_relu_hints(z)
    )


def _relu_hints(z: np.ndarray) -> list:
    return [
        (np.maximum(z, 0.0), "this returns relu(z) itself; its derivative is 1 where z > 0"),
        ((z < 0).astype(float), "1 and 0 are swapped: the derivative is 1 where z > 0"),
    ]


@check(PART, points=0.5, tags=("edge",))
def activations_relu_grad_at_zero(student: Student) -> None:
    """relu_grad: exactly 0 at z = 0 (and at -0.0)"""
    z = np.array([-2.0, -0.0, 0.0, 0.0, 1.5])
    out = student.call("activations.relu_grad", z)
    expect_values(
        out,
        [0.0, 0.0, 0.0, 0.0, 1.0],
        "relu_grad([-2, -0.0, 0, 0, 1.5])",
        atol=0.0,
        rtol=0.0,
        show_expected=True,
        hints=[
            ([0.0, 1.0, 1.0, 1.0, 1.0], sentence("relu_at_zero")),
        ],
    )
    out0 = student.call("activations.relu_grad", 0.0)
    expect_number(
        out0, 0.0, "relu_grad(0.0)", atol=0.0, rtol=0.0, hints=[(1.0, sentence("relu_at_zero"))]
    )


@check(PART, points=0.5, tags=("edge",))
def activations_inputs_unchanged(student: Student) -> None:
    """no activation function modifies the array it is given (and each returns the right values)"""
    for name in ["sigmoid", "sigmoid_grad", "tanh", "tanh_grad", "relu", "relu_grad"]:
        z = away_from_zero(student.rng, (3, 4), 0.1, 5.0)
        out = student.call(f"activations.{name}", z)
        expected = getattr(ref.activations, name)(z)
        expect_values(out, expected, f"{name}(z) for z of shape {shape_of(z)}", rtol=1e-6)
        expect_unchanged(student, [z], ["z"], f"{name}(z)")
