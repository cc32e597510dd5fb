"""Part 3: one neuron (binary logistic regression), its loss and gradient, AND."""

from __future__ import annotations

import numpy as np

from autograder.common import (
    Differences,
    check,
    conditioned,
    expect_grad,
    expect_number,
    expect_printed,
    expect_unchanged,
    expect_values,
    float_array,
    gradcheck_problem,
    hints_separated,
    labels,
    sign_hint,
    slide,
)
from grading.checks.diagnose import sentence
from grading.checks.reference import ref
from grading.checks.slide_examples import SlideExample, compact
from grading.checks.suite import (
    CheckFailed,
    Student,
    expect_tuple,
)

PART = "neuron"

AND_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _problem(rng: np.random.Generator, m: int = 8, n: int = 3) -> tuple:
    """(X (m, n), y (m,) of both classes, theta (n + 1,)) with every probability away from
    the clipping region (so any small clipping eps gives the same loss) and every mistake
    the hints name far from the right probabilities, loss and gradient."""

    def draw(r: np.random.Generator) -> tuple:
        return r.normal(0.0, 1.0, (m, n)), labels(r, m), r.normal(0.0, 1.0, n + 1)

    def telling(problem: tuple) -> bool:
        X, y, theta = problem
        p = ref.neuron.logistic(X, theta)
        loss, grad = ref.neuron.logistic_loss_and_grad(X, y, theta)
        return (
            bool(np.all((p > 1e-4) & (p < 1 - 1e-4)))
            and hints_separated(p, _logistic_hints(X, theta))
            and hints_separated(grad, _grad_hints(X, y, theta))
            and hints_separated(loss, _loss_hints(X, y, theta))
        )

    return conditioned(rng, draw, telling)


def _loss_function(X: np.ndarray, y: np.ndarray, theta: np.ndarray) -> Differences:
    """The reference's logistic loss as a function of theta, at theta."""
    return lambda t: ref.neuron.logistic_loss_and_grad(X, y, t)[0], theta


def _gradcheck_problem(rng: np.random.Generator) -> tuple[tuple, np.ndarray]:
    """(X, y, theta) on which central differences of the loss are accurate, and those."""
    problem, (numeric,) = gradcheck_problem(
        rng,
        _problem,
        lambda p: [ref.neuron.logistic_loss_and_grad(*p)[1]],
        functions=lambda p: [_loss_function(*p)],
    )
    return problem, numeric


def _logistic_hints(X: np.ndarray, theta: np.ndarray) -> list:
    return [
        (_sigmoid(X @ theta[1:]), "the bias theta[0] is missing: σ(theta[0] + X @ theta[1:])"),
        (_sigmoid(theta[-1] + X @ theta[:-1]), "the bias is theta[0] (first), not theta[-1]"),
        (theta[0] + X @ theta[1:], "the sigmoid is missing: return σ(z), not z"),
    ]


def _grad_hints(X: np.ndarray, y: np.ndarray, theta: np.ndarray) -> list:
    g = ref.neuron.logistic_loss_and_grad(X, y, theta)[1]
    m = X.shape[0]
    return [
        (g * m, sentence("factor_m", f"m = {m} examples here")),
        sign_hint(g),
        (np.roll(g, -1), "the bias entry should come first: grad = (d/dθ0, d/dθ1, ...)"),
        (
            np.concatenate(([0.0], g[1:])),
            "the bias gradient is missing: d/dθ0 is the mean of (p - y)",
        ),
    ]


def _loss_hints(X: np.ndarray, y: np.ndarray, theta: np.ndarray) -> list:
    p = _sigmoid(theta[0] + X @ theta[1:])
    terms = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    m = X.shape[0]
    return [
        (terms.sum(), sentence("factor_m", f"m = {m} examples here")),
        (-terms.mean(), sentence("sign")),
    ]


def _call_loss_and_grad(student: Student, X: np.ndarray, y: np.ndarray, theta: np.ndarray) -> tuple:
    out = student.call("neuron.logistic_loss_and_grad", X, y, theta)
    return expect_tuple(out, 2, "logistic_loss_and_grad(X, y, theta)")


# -- the slides' logistic-regression example ----------------------------------------------


@check(PART, points=1, visibility="visible", tags=("slide",))
def neuron_logistic_slide(student: Student) -> None:
    """logistic: the slide's logistic-regression example gives its h(x)"""
    example, _ = slide("logistic_regression")
    X, theta = example.input("X"), example.input("theta")
    p = student.call("neuron.logistic", X, theta)
    expect_printed(p, example, "h", _slide_call("logistic", example), _logistic_hints(X, theta))


@check(PART, points=1, visibility="visible", tags=("slide",))
def neuron_loss_slide(student: Student) -> None:
    """logistic_loss_and_grad: the slide's logistic-regression example gives its loss"""
    example, exact = slide("logistic_regression")
    X, y, theta = example.input("X"), example.input("y"), example.input("theta")
    loss, _ = _call_loss_and_grad(student, X, y, theta)
    h = exact["h"]
    expect_printed(
        loss,
        example,
        "loss",
        f"the loss of {_slide_call('logistic_loss_and_grad', example)}",
        [(np.mean(-np.log(h)), "this is -ln(ŷ), the loss for y = 1; for y = 0 it is -ln(1 - ŷ)")]
        if not np.any(y)
        else [],
    )


@check(PART, points=1.5, visibility="visible", tags=("slide",))
def neuron_grad_slide(student: Student) -> None:
    """logistic_loss_and_grad: the slide's logistic-regression example gives its gradient"""
    example, _ = slide("logistic_regression")
    X, y, theta = example.input("X"), example.input("y"), example.input("theta")
    _, grad = _call_loss_and_grad(student, X, y, theta)
    expect_printed(
        grad,
        example,
        "grad",
        f"the gradient of {_slide_call('logistic_loss_and_grad', example)}",
        _grad_hints(X, y, theta),
    )


def _slide_call(function: str, example: SlideExample) -> str:
    """`logistic([[1, 2]], [-0.25, 0.5, 3])`: a call on the example's inputs."""
    names = ["X", "theta"] if function == "logistic" else ["X", "y", "theta"]
    return f"{function}({', '.join(compact(example.input(name)) for name in names)})"


# -- random batches ----------------------------------------------------------------------


@check(PART, points=1.5, tags=("random",))
def neuron_logistic_random(student: Student) -> None:
    """logistic: right probabilities, shape (m,), on a random (6, 3) batch"""
    X, _, theta = _problem(student.rng, 6, 3)
    p = student.call("neuron.logistic", X, theta)
    expect_values(
        p,
        ref.neuron.logistic(X, theta),
        "logistic(X, theta) for X (6, 3), theta (4,)",
        hints=_logistic_hints(X, theta),
    )


@check(PART, points=1.5, tags=("random",))
def neuron_loss_random(student: Student) -> None:
    """logistic_loss_and_grad: right loss on a random (8, 3) batch"""
    X, y, theta = _problem(student.rng)
    loss, _ = _call_loss_and_grad(student, X, y, theta)
    expect_number(
        loss,
        ref.neuron.logistic_loss_and_grad(X, y, theta)[0],
        "the loss of logistic_loss_and_grad(X, y, theta) for X (8, 3)",
        hints=_loss_hints(X, y, theta),
    )


@check(PART, points=2, tags=("gradcheck", "random"))
def neuron_grad_gradcheck(student: Student) -> None:
    """logistic_loss_and_grad: the gradient matches a numerical gradient on a (8, 3) batch"""
    (X, y, theta), numeric = _gradcheck_problem(student.rng)
    _, grad = _call_loss_and_grad(student, X, y, theta)
    expect_grad(
        grad,
        numeric,
        "the gradient of logistic_loss_and_grad(X, y, theta) for X (8, 3), theta (4,)",
        hints=_grad_hints(X, y, theta),
    )


@check(PART, points=1, tags=("random",))
def neuron_grad_values(student: Student) -> None:
    """logistic_loss_and_grad: right gradient values on a random (8, 3) batch"""
    (X, y, theta), _ = _gradcheck_problem(student.rng)
    _, grad = _call_loss_and_grad(student, X, y, theta)
    expect_values(
        grad,
        ref.neuron.logistic_loss_and_grad(X, y, theta)[1],
        "the gradient of logistic_loss_and_grad(X, y, theta) for X (8, 3)",
        hints=_grad_hints(X, y, theta),
    )


# -- AND and inputs ----------------------------------------------------------------------


@check(PART, points=1.5, tags=("edge",))
def neuron_and_theta(student: Student) -> None:
    """AND_THETA: logistic computes AND on {0,1}^2 (output > 0.5 only for (1, 1))"""
    theta = float_array(student.get("neuron.AND_THETA"), (3,), "AND_THETA")
    expected = np.array([False, False, False, True])
    got = ref.neuron.logistic(AND_X, theta) > 0.5
    if not np.array_equal(got, expected):
        wrong = [tuple(int(v) for v in AND_X[i]) for i in np.flatnonzero(got != expected)]
        raise CheckFailed(
            f"with AND_THETA = {np.round(theta, 3).tolist()}, σ(θ0 + θ1 x1 + θ2 x2) is on the "
            f"wrong side of 0.5 for input(s) {wrong}; only (1, 1) should give more than 0.5 "
            f"(e.g. a negative bias that only the two weights together can overcome)"
        )
    p = student.call("neuron.logistic", AND_X, theta)
    p = expect_values(
        p,
        ref.neuron.logistic(AND_X, theta),
        "logistic(X, AND_THETA) on the four inputs (0,0), (0,1), (1,0), (1,1)",
        rtol=1e-6,
    )
    if not np.array_equal(p > 0.5, expected):
        raise CheckFailed("logistic(X, AND_THETA) does not compute AND on {0,1}^2")


@check(PART, points=1, tags=("edge",))
def neuron_inputs_unchanged(student: Student) -> None:
    """logistic and logistic_loss_and_grad do not modify X, y or theta"""
    X, y, theta = _problem(student.rng, 5, 2)
    p = student.call("neuron.logistic", X, theta)
    expect_values(p, ref.neuron.logistic(X, theta), "logistic(X, theta) for X (5, 2)", rtol=1e-6)
    expect_unchanged(student, [X, theta], ["X", "theta"], "logistic(X, theta)")
    out = student.call("neuron.logistic_loss_and_grad", X, y, theta)
    loss, grad = expect_tuple(out, 2, "logistic_loss_and_grad(X, y, theta)")
    want_loss, want_grad = ref.neuron.logistic_loss_and_grad(X, y, theta)
    expect_number(loss, want_loss, "the loss of logistic_loss_and_grad for X (5, 2)", rtol=1e-6)
    expect_values(grad, want_grad, "the gradient of logistic_loss_and_grad for X (5, 2)", rtol=1e-6)
    expect_unchanged(
        student, [X, y, theta], ["X", "y", "theta"], "logistic_loss_and_grad(X, y, theta)"
    )
