"""Part 7: numerical gradients by central differences, and the relative error.

numerical_gradient is probed with f(x) = sum(a*x**3 + b*x**2 + c*x), whose exact gradient
is 3a x² + 2b x + c. f stays in the grader (a `Probe`): each time the student's code calls
it, the worker asks the grader for f(x), so the coefficients never exist in the worker and
the grader sees every point f is evaluated at (x ± h e_i for central differences). With
a of a few units and x in [0.5, 2], central differences (h = 1e-5) are exact to about
1e-10 relative, while forward differences are off by about 1e-5 relative: the tolerance
1e-7 separates them with a wide margin on both sides.
"""

from __future__ import annotations

import numpy as np

from autograder.common import (
    check,
    conditioned,
    expect_no_warnings,
    expect_number,
    expect_unchanged,
    separated,
)
from grading.checks import diagnose
from grading.checks.diagnose import sentence
from grading.checks.suite import (
    CheckFailed,
    Student,
    expect_array,
    numerical_gradient,
    relative_error,
)
from grading.confined.wire import Probe

PART = "gradcheck"
CENTRAL_TOL = 1e-7


def _cubic(rng: np.random.Generator, shape: tuple[int, ...]) -> tuple:
    """(probe, x, exact gradient, the same f); f stays here: the worker asks for f(x)."""
    a = rng.uniform(2.0, 5.0, shape)
    b = rng.uniform(0.5, 1.0, shape)
    c = rng.uniform(0.5, 1.0, shape)
    x = rng.uniform(0.5, 2.0, shape)

    def f(v: np.ndarray) -> float:
        return float(np.sum(a * v**3 + b * v**2 + c * v))

    return Probe("cubic", f, shape), x, 3 * a * x**2 + 2 * b * x + c, f


def _expect_central_points(probe: Probe, x: np.ndarray, h: float, what: str) -> None:
    """The grader's record of where f was evaluated must hold x + h e_i and x - h e_i for
    every element i (what central differences evaluate, however they are written)."""
    n = x.size
    steps = np.concatenate([np.eye(n), -np.eye(n)]) * h  # (2n, n): +h e_i, then -h e_i
    targets = x.reshape(1, n) + steps
    points = np.array([p.reshape(n) for p in probe.points]).reshape(-1, n)
    distance = np.abs(points[:, None, :] - targets[None, :, :]).max(axis=2, initial=0.0)
    found = (distance <= 1e-6 * h).any(axis=0)  # (2n,)
    index = list(np.ndindex(x.shape))
    missing = [(1.0 if k < n else -1.0, index[k % n]) for k in np.flatnonzero(~found)]
    if missing:
        sign, i = missing[0]
        evaluated_at_x = any(np.array_equal(p, x) for p in probe.points)
        mistake = sentence("forward_difference") if evaluated_at_x else ""
        raise CheckFailed(
            diagnose.compose(
                f"{what} never evaluated f at x {'+' if sign > 0 else '-'} h at index "
                f"{diagnose.fmt_index(i)} ({len(missing)} of {2 * x.size} points of the "
                f"central differences are missing; f was called {len(probe.points)} times)",
                mistake,
            )
        )


def _hints(f, x: np.ndarray, h: float = 1e-5) -> list[tuple[np.ndarray, str]]:
    forward = np.zeros_like(x)
    backward = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up = x.copy()
        up[i] += h
        down = x.copy()
        down[i] -= h
        forward[i] = (f(up) - f(x)) / h
        backward[i] = (f(x) - f(down)) / h
    central = numerical_gradient(f, x, h)
    return [
        (forward, sentence("forward_difference")),
        (backward, sentence("forward_difference", "(f(x) - f(x-h)) / h is one-sided too")),
        (central * 2, "the central difference should be divided by 2h, not by h"),
        (central / 2, "the central difference should be divided by 2h, not by 4h"),
        (-central, sentence("sign", "(f(x+h) - f(x-h)) / (2h)")),
    ]


def _expect_accurate(got: object, exact: np.ndarray, f, x: np.ndarray, what: str) -> None:
    arr = expect_array(got, x.shape, what)
    summary = diagnose.nonfinite_message(arr, what)
    err = relative_error(arr, exact)
    if summary is None and err > CENTRAL_TOL:
        diff = np.abs(arr - exact)
        worst = np.unravel_index(int(np.argmax(diff)), diff.shape)
        summary = (
            f"{what} has relative error {err:.2g} against the exact gradient (central "
            f"differences reach about 1e-10; should be below {CENTRAL_TOL:g}); the largest "
            f"difference is {float(diff[worst]):.3g} at index {diagnose.fmt_index(worst)}"
        )
    if summary:
        mistake = ""
        for wrong, explanation in _hints(f, x):
            if np.all(np.isfinite(arr)) and np.allclose(arr, wrong, rtol=1e-6, atol=1e-12):
                mistake = explanation
                break
        raise CheckFailed(
            diagnose.compose(
                summary, mistake, got=arr, expected=exact, show=diagnose.show_expected()
            )
        )


@check(PART, points=3, tags=("gradcheck", "random"))
def gradcheck_numerical_gradient_central(student: Student) -> None:
    """numerical_gradient: central-difference accuracy on a cubic over a (3, 4) array"""
    probe, x, exact, f = _cubic(student.rng, (3, 4))
    got = student.call("gradcheck.numerical_gradient", probe, x)
    what = "numerical_gradient(f, x) for a cubic f and x (3, 4)"
    _expect_accurate(got, exact, f, x, what)
    _expect_central_points(probe, x, 1e-5, what)


@check(PART, points=1.5, tags=("edge",))
def gradcheck_numerical_gradient_restores_x(student: Student) -> None:
    """numerical_gradient: x holds its original values when it returns"""
    probe, x, exact, f = _cubic(student.rng, (2, 3))
    got = student.call("gradcheck.numerical_gradient", probe, x)
    expect_array(got, x.shape, "numerical_gradient(f, x) for x (2, 3)")
    after = student.last.args_after
    if len(after) < 2 or not isinstance(after[1], np.ndarray) or after[1].shape != x.shape:
        raise CheckFailed("numerical_gradient(f, x) replaced or reshaped the caller's x")
    diff = np.abs(after[1] - x)
    change = float(np.max(diff))
    if not change <= 1e-12 * float(np.max(np.abs(x))):
        worst = diagnose.fmt_index(np.unravel_index(int(np.argmax(diff)), diff.shape))
        raise CheckFailed(
            diagnose.compose(
                f"numerical_gradient(f, x) for x (2, 3) left x changed: the largest change is "
                f"{change:.3g} at index {worst}",
                sentence("x_not_restored"),
            )
        )
    _expect_accurate(got, exact, f, x, "numerical_gradient(f, x) for a cubic f and x (2, 3)")


@check(PART, points=1, tags=("random",))
def gradcheck_numerical_gradient_uses_h(student: Student) -> None:
    """numerical_gradient: uses the step h it is given (h = 0.01)"""
    probe, x, _, f = _cubic(student.rng, (4,))
    got = student.call("gradcheck.numerical_gradient", probe, x, h=0.01)
    expected = numerical_gradient(f, x, h=0.01)
    arr = expect_array(got, x.shape, "numerical_gradient(f, x, h=0.01) for x (4,)")
    _expect_central_points(probe, x, 0.01, "numerical_gradient(f, x, h=0.01) for x (4,)")
    err = relative_error(arr, expected)
    if err > 1e-8:
        raise CheckFailed(
            f"numerical_gradient(f, x, h=0.01) differs from central differences with step "
            f"0.01 (relative error {err:.2g}): use the h argument, not a fixed step"
        )


@check(PART, points=1.5, tags=("random",))
def gradcheck_numerical_gradient_any_shape(student: Student) -> None:
    """numerical_gradient: works on x of shapes (3,) and (2, 1, 3)"""
    for shape in [(3,), (2, 1, 3)]:
        probe, x, exact, f = _cubic(student.rng, shape)
        got = student.call("gradcheck.numerical_gradient", probe, x)
        _expect_accurate(got, exact, f, x, f"numerical_gradient(f, x) for x of shape {shape}")


@check(PART, points=1.5, tags=("values",))
def gradcheck_relative_error_values(student: Student) -> None:
    """relative_error: max over elements of |a-b| / (|a|+|b|) on known values"""
    cases = [
        ([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], 0.0),
        ([[1.0, 2.0], [3.0, 4.0]], [[1.0, 2.0], [3.0, 5.0]], 1 / 9),
        ([100.0, 1.0], [101.0, 2.0], 1 / 3),
        ([1.0, -2.0], [-1.0, -2.0], 1.0),
        ([0.5, 4.0, -3.0], [0.25, 4.0, -3.0], 1 / 3),
        ([-1.0, 2.0], [-3.0, 2.0], 0.5),
        ([2.0, -6.0], [1.0, -2.0], 0.5),
    ]
    for a, b, expected in cases:
        a, b = np.array(a), np.array(b)
        what = f"relative_error({a.tolist()}, {b.tolist()})"
        got = student.call("gradcheck.relative_error", a, b)
        hints = []
        if a.size > 1:
            glob = np.max(np.abs(a - b)) / max(1e-8, np.max(np.abs(a) + np.abs(b)))
            hints.append(
                (
                    glob,
                    "the maximum is taken of the numerator and of the denominator "
                    "separately; divide elementwise, then take the max",
                )
            )
        expect_number(got, expected, what, rtol=1e-9, atol=1e-12, show_expected=True, hints=hints)


@check(PART, points=1, tags=("edge",))
def gradcheck_relative_error_floor(student: Student) -> None:
    """relative_error: the 1e-8 floor in the denominator (0 vs 0 gives 0, no nan, no warning)"""
    cases = [
        ([0.0, 0.0], [0.0, 0.0], 0.0),
        ([1e-9], [3e-9], 0.2),
        ([0.0], [5e-9], 0.5),
        ([1e-9, 0.5], [-1e-9, 0.5], 0.2),
    ]
    for a, b, expected in cases:
        a, b = np.array(a), np.array(b)
        what = f"relative_error({a.tolist()}, {b.tolist()})"
        got = student.call("gradcheck.relative_error", a, b)
        expect_no_warnings(student, what, ": the denominator must be max(1e-8, |a| + |b|)")
        expect_number(got, expected, what, rtol=1e-9, atol=1e-12, show_expected=True)


def _relative_problem(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """a, b (3, 4) close to each other, |a| >= 0.5: far from the 1e-8 floor (which
    gradcheck_relative_error_floor checks)."""
    a = rng.uniform(0.5, 3.0, (3, 4)) * rng.choice([-1.0, 1.0], (3, 4))
    return a, a + rng.normal(0, 1e-3, (3, 4))


def _relative_telling(p: tuple[np.ndarray, np.ndarray]) -> bool:
    """The usual mistakes (the max taken of numerator and denominator apart, a - b without
    its absolute value) are far from the right relative error of `p`."""
    a, b = p
    total = np.abs(a) + np.abs(b)
    return separated(
        relative_error(a, b),
        [np.max(np.abs(a - b)) / np.max(total), np.max((a - b) / total)],
    )


@check(PART, points=0.5, tags=("edge",))
def gradcheck_relative_error_inputs_unchanged(student: Student) -> None:
    """relative_error: does not modify a or b"""
    a, b = conditioned(student.rng, _relative_problem, _relative_telling)
    got = student.call("gradcheck.relative_error", a, b)
    expect_number(got, relative_error(a, b), "relative_error(a, b) for (3, 4) arrays", rtol=1e-6)
    expect_unchanged(student, [a, b], ["a", "b"], "relative_error(a, b)")
