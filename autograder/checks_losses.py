"""Part 2: the mean binary cross-entropy and its gradient."""

from __future__ import annotations

import numpy as np

from autograder.common import (
    check,
    expect_grad,
    expect_no_warnings,
    expect_number,
    expect_printed,
    expect_unchanged,
    expect_values,
    sign_hint,
    slide,
)
from grading.checks import diagnose
from grading.checks.diagnose import sentence
from grading.checks.reference import ref
from grading.checks.slide_examples import format_value
from grading.checks.suite import (
    CheckFailed,
    Student,
    expect_array,
    expect_float,
    numerical_gradient,
)

PART = "losses"


def _problem(rng: np.random.Generator, shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Predictions in [0.05, 0.95] (no clipping involved) and 0/1 labels."""
    y_hat = rng.uniform(0.05, 0.95, shape)
    y = rng.integers(0, 2, shape).astype(np.float64)
    return y_hat, y


def _loss_hints(y_hat: np.ndarray, y: np.ndarray) -> list:
    terms = -(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat))
    hints = [
        (
            np.sum(terms),
            sentence("factor_m", f"here m is the number of elements, {y_hat.size}"),
        ),
        (-np.mean(terms), sentence("sign", "the loss is -[y ln ŷ + (1-y) ln(1-ŷ)]")),
        (np.mean(-y * np.log(y_hat)), "the (1 - y) ln(1 - ŷ) term is missing"),
    ]
    if y_hat.ndim == 2:
        hints.insert(
            1,
            (
                np.sum(terms) / y_hat.shape[0],
                "this divides by the number of rows only; the mean is over all elements",
            ),
        )
    return hints


def _grad_hints(y_hat: np.ndarray, y: np.ndarray) -> list:
    g = -(y / y_hat - (1 - y) / (1 - y_hat))
    hints = [
        (g, sentence("factor_m", f"here m is the number of elements, {y_hat.size}")),
        sign_hint(g / y_hat.size),
        (-y / y_hat / y_hat.size, "the derivative of the (1 - y) ln(1 - ŷ) term is missing"),
    ]
    if y_hat.ndim == 2:
        hints.insert(
            1,
            (
                g / y_hat.shape[0],
                f"this divides by the number of rows ({y_hat.shape[0]}); the mean is "
                f"over all {y_hat.size} elements",
            ),
        )
    return hints


@check(PART, points=1.5, visibility="visible", tags=("slide",))
def losses_bce_slide(student: Student) -> None:
    """binary_cross_entropy: the loss of the slide's logistic-regression example"""
    example, exact = slide("logistic_regression")
    y_hat, y = exact["h"], example.input("y")
    loss = student.call("losses.binary_cross_entropy", y_hat, y)
    expect_printed(
        loss,
        example,
        "loss",
        f"binary_cross_entropy([{y_hat[0]:.4f}], {format_value(y, None)}) = -ln(1 - ŷ)",
        hints=_loss_hints(y_hat, y),
    )


@check(PART, points=1, visibility="visible", tags=("slide",))
def losses_bce_grad_slide(student: Student) -> None:
    """binary_cross_entropy_grad: dLoss/da2 of the slide's hidden-layer example"""
    example, exact = slide("hidden_layer")
    a2, y = exact["a2"], example.input("y")
    grad = student.call("losses.binary_cross_entropy_grad", a2, y)
    expect_printed(
        grad,
        example,
        "dloss_da2",
        f"binary_cross_entropy_grad([[{a2[0, 0]:.4f}]], {y.tolist()}) = -1/ŷ",
        hints=_grad_hints(a2, y),
    )


@check(PART, points=1.5, tags=("random",))
def losses_bce_random(student: Student) -> None:
    """binary_cross_entropy: right value on random batches of shapes (7,) and (4, 3)"""
    for shape in [(7,), (4, 3)]:
        y_hat, y = _problem(student.rng, shape)
        loss = student.call("losses.binary_cross_entropy", y_hat, y)
        expect_number(
            loss,
            ref.losses.binary_cross_entropy(y_hat, y),
            f"binary_cross_entropy(y_hat, y) for shape {shape}",
            hints=_loss_hints(y_hat, y),
        )


@check(PART, points=1.5, tags=("edge",))
def losses_bce_at_zero_and_one(student: Student) -> None:
    """binary_cross_entropy: finite, without any warning, when ŷ is exactly 0 or 1"""
    advice = sentence("log_of_zero")
    cases = [
        (
            "perfect predictions ŷ = [0, 1, 1, 0] for y = [0, 1, 1, 0]",
            np.array([0.0, 1.0, 1.0, 0.0]),
            np.array([0.0, 1.0, 1.0, 0.0]),
        ),
        (
            "confidently wrong predictions ŷ = [1, 0] for y = [0, 1]",
            np.array([1.0, 0.0]),
            np.array([0.0, 1.0]),
        ),
        ("ŷ = [0, 0.5, 1] for y = [1, 1, 1]", np.array([0.0, 0.5, 1.0]), np.array([1.0, 1.0, 1.0])),
    ]
    for label, y_hat, y in cases:
        what = f"binary_cross_entropy with {label}"
        loss = student.call("losses.binary_cross_entropy", y_hat, y)
        expect_no_warnings(student, what, advice)
        value = expect_float(loss, what)
        if not np.isfinite(value):
            raise CheckFailed(diagnose.compose(f"{what} is {value}", advice))
        if value < 0:
            raise CheckFailed(f"{what} is negative ({value:.3g}); a cross-entropy is >= 0")
        if label.startswith("perfect") and value > 1e-3:
            raise CheckFailed(f"{what} should be about 0, got {value:.3g}")
        if label.startswith("confidently") and value < 2.0:
            raise CheckFailed(
                f"{what} should be large (far above ln 2 = 0.69), got {value:.3g}; "
                f"clip with a tiny eps such as 1e-12"
            )


@check(PART, points=1, tags=("edge",))
def losses_bce_grad_at_zero_and_one(student: Student) -> None:
    """binary_cross_entropy_grad: finite, without any warning, when ŷ is exactly 0 or 1"""
    y_hat = np.array([0.0, 1.0, 1.0, 0.0, 0.5])
    y = np.array([0.0, 1.0, 0.0, 1.0, 1.0])
    what = "binary_cross_entropy_grad(y_hat, y) for ŷ = [0, 1, 1, 0, 0.5], y = [0, 1, 0, 1, 1]"
    grad = student.call("losses.binary_cross_entropy_grad", y_hat, y)
    expect_no_warnings(student, what, sentence("log_of_zero", "clip y_hat in the gradient too"))
    grad = expect_array(grad, (5,), what)
    summary = diagnose.nonfinite_message(grad, what)
    if summary:
        raise CheckFailed(diagnose.compose(summary, sentence("log_of_zero")))
    # right where the prediction is right: -y/ŷ/N = -1/5 at ŷ = 1, (1-y)/(1-ŷ)/N = 1/5 at ŷ = 0
    right = np.array([0.2, -0.2, -0.4])
    mean = sentence("factor_m", f"here m is the number of elements, {y_hat.size}")
    expect_values(
        grad,
        right,
        f"entries 0, 1 and 4 of {what}",
        rtol=1e-6,
        entries=[0, 1, 4],
        hints=[(right * y_hat.size, mean), sign_hint(right)],
    )
    if not (grad[2] > 2.0 and grad[3] < -2.0):
        raise CheckFailed(
            f"{what}: the confidently wrong entries 2 and 3 should be large, positive for "
            f"ŷ = 1, y = 0 and negative for ŷ = 0, y = 1 (clip with a tiny eps such as 1e-12); "
            f"got {grad[2]:.3g} and {grad[3]:.3g}"
        )


@check(PART, points=1.5, tags=("gradcheck", "random"))
def losses_bce_grad_gradcheck(student: Student) -> None:
    """binary_cross_entropy_grad: matches a numerical gradient on a random (4, 3) batch"""
    y_hat, y = _problem(student.rng, (4, 3))
    numeric = numerical_gradient(lambda p: ref.losses.binary_cross_entropy(p, y), y_hat)
    grad = student.call("losses.binary_cross_entropy_grad", y_hat, y)
    expect_grad(
        grad,
        numeric,
        "binary_cross_entropy_grad(y_hat, y) for shape (4, 3)",
        hints=_grad_hints(y_hat, y),
    )


@check(PART, points=1.5, tags=("random",))
def losses_bce_grad_values(student: Student) -> None:
    """binary_cross_entropy_grad: right values on random batches of shapes (6,) and (4, 3)"""
    for shape in [(6,), (4, 3)]:
        y_hat, y = _problem(student.rng, shape)
        grad = student.call("losses.binary_cross_entropy_grad", y_hat, y)
        expect_values(
            grad,
            ref.losses.binary_cross_entropy_grad(y_hat, y),
            f"binary_cross_entropy_grad(y_hat, y) for shape {shape}",
            hints=_grad_hints(y_hat, y),
        )


@check(PART, points=0.5, tags=("edge",))
def losses_inputs_unchanged(student: Student) -> None:
    """binary_cross_entropy and its gradient do not modify y_hat or y (even when clipping)"""
    y_hat = np.array([0.0, 0.3, 1.0, 0.8, 0.6])
    y = np.array([0.0, 0.0, 1.0, 1.0, 0.0])
    loss = student.call("losses.binary_cross_entropy", y_hat, y)
    expect_float(loss, "binary_cross_entropy(y_hat, y) for shape (5,)")
    expect_unchanged(student, [y_hat, y], ["y_hat", "y"], "binary_cross_entropy(y_hat, y)")
    grad = student.call("losses.binary_cross_entropy_grad", y_hat, y)
    expect_array(grad, (5,), "binary_cross_entropy_grad(y_hat, y) for shape (5,)")
    expect_unchanged(student, [y_hat, y], ["y_hat", "y"], "binary_cross_entropy_grad(y_hat, y)")
