"""Helpers shared by the hidden checks (no checks live here).

- tolerances: how close a result must be, per kind of check;
- `expect_values` / `expect_grad`: `expect_close` / `expect_gradient` with the array
  checks first and a hint about the likely mistake appended to the failure message;
- `expect_unchanged`: the student's function left its array arguments as they were;
- `expect_no_warnings`: the last call raised no warning;
- `conditioned`: draw random inputs on which the grader's central differences are
  accurate with a wide margin, so that a correct submission can never fail by bad luck.

Expected arrays are never printed (except for slide examples, `show_expected=True`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from grading.suite import (
    CheckFailed,
    Student,
    describe,
    expect_array,
    expect_close,
    expect_float,
    expect_gradient,
    expect_tuple,
    relative_error,
)
from grading.wire import Handle

GRAD_TOL = 1e-6
"""Largest relative error (DESIGN.md's definition) of an analytic gradient against the
grader's float64 central differences (h = 1e-5). Correct code scores about 1e-9 here (on
inputs drawn by `conditioned`); every mistake we know of scores above 1e-3."""

RTOL = 1e-7
ATOL = 1e-10
"""Tolerances of fixed-value checks against the reference solution on the same inputs:
any correct way of writing the formula agrees to about 1e-15."""

SLIDE_ATOL = 0.005
"""The slides print two decimals: a value is right when it rounds to the printed one."""

Hint = tuple[Any, str]
"""(what a typical mistake would return, the sentence that explains that mistake)."""


def shape_of(x: Any) -> str:
    """`(5, 3)` for messages."""
    return str(tuple(np.shape(x)))


def float_array(x: Any, shape: tuple[int, ...] | None, what: str) -> np.ndarray:
    """A student's array-like (array, list, tuple of numbers) as float64 of `shape`."""
    if isinstance(x, np.ndarray):
        return expect_array(x, shape, what)
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise CheckFailed(f"{what} should be an array of numbers, got {describe(x)}") from None
    return expect_array(arr, shape, what)


def likely_mistake(actual: Any, hints: Sequence[Hint]) -> str:
    """The explanation of the first hint whose wrong answer `actual` matches, or ''."""
    try:
        a = np.asarray(actual, dtype=np.float64)
    except (TypeError, ValueError):
        return ""
    if not np.all(np.isfinite(a)):
        return ""
    for wrong, explanation in hints:
        w = np.asarray(wrong, dtype=np.float64)
        if w.shape == a.shape and np.allclose(a, w, rtol=1e-5, atol=1e-9):
            return explanation
    return ""


def _with_hint(exc: CheckFailed, actual: Any, hints: Sequence[Hint]) -> CheckFailed:
    hint = likely_mistake(actual, hints)
    return CheckFailed(f"{exc.message}. Likely mistake: {hint}") if hint else exc


def expect_values(
    actual: Any,
    expected: Any,
    what: str,
    *,
    hints: Sequence[Hint] = (),
    atol: float = ATOL,
    rtol: float = RTOL,
    show_expected: bool = False,
) -> np.ndarray:
    """`actual` must be an array shaped like `expected` and match it elementwise."""
    expected = np.asarray(expected, dtype=np.float64)
    try:
        arr = expect_array(actual, expected.shape, what)
        expect_close(arr, expected, what, atol=atol, rtol=rtol, show_expected=show_expected)
    except CheckFailed as exc:
        raise _with_hint(exc, actual, hints) from None
    return arr


def expect_number(
    actual: Any,
    expected: float,
    what: str,
    *,
    hints: Sequence[Hint] = (),
    atol: float = ATOL,
    rtol: float = RTOL,
    show_expected: bool = False,
) -> float:
    """`actual` must be one number (float, numpy scalar, 0-d array) close to `expected`."""
    value = expect_float(actual, what)
    try:
        expect_close(value, expected, what, atol=atol, rtol=rtol, show_expected=show_expected)
    except CheckFailed as exc:
        raise _with_hint(exc, value, hints) from None
    return value


def expect_grad(
    actual: Any,
    numeric: np.ndarray,
    what: str,
    *,
    hints: Sequence[Hint] = (),
    tol: float = GRAD_TOL,
) -> np.ndarray:
    """`actual` must be an array shaped like `numeric` that passes the gradient check."""
    try:
        arr = expect_array(actual, numeric.shape, what)
        expect_gradient(arr, numeric, what, tol)
    except CheckFailed as exc:
        raise _with_hint(exc, actual, hints) from None
    return arr


def sign_hint(expected: Any) -> Hint:
    return (-np.asarray(expected, dtype=np.float64), "the sign is flipped")


def expect_pair_list(value: Any, n: int, what: str) -> list[tuple[Any, Any]]:
    """A list (or tuple) of `n` pairs such as params or grads: [(W, b), ...]."""
    if not isinstance(value, (list, tuple)) or len(value) != n:
        raise CheckFailed(
            f"{what} should be a list of {n} (W, b) pairs, one per layer, got {describe(value)}"
        )
    return [expect_tuple(item, 2, f"{what}[{i}] (a (W, b) pair)") for i, item in enumerate(value)]


def expect_params(value: Any, shapes: Sequence[tuple[int, int]], what: str) -> list[tuple]:
    """[(W, b), ...] with W of shape (n_out, n_in) and b (n_out,), as float64 arrays."""
    pairs = expect_pair_list(value, len(shapes), what)
    out = []
    for i, ((W, b), shape) in enumerate(zip(pairs, shapes)):
        out.append(
            (
                expect_array(W, shape, f"{what}[{i}][0] (W of layer {i + 1})"),
                expect_array(b, (shape[0],), f"{what}[{i}][1] (b of layer {i + 1})"),
            )
        )
    return out


# -- inputs left as they were ---------------------------------------------------------


def same_data(a: Any, b: Any) -> bool:
    """Equal content: arrays elementwise (shape and values), sequences item by item."""
    if isinstance(a, Handle) or isinstance(b, Handle):
        return True
    if isinstance(b, np.ndarray) or isinstance(a, np.ndarray):
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)):
            return False
        return a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=True))
    if isinstance(b, (list, tuple)):
        return (
            isinstance(a, (list, tuple))
            and len(a) == len(b)
            and all(same_data(x, y) for x, y in zip(a, b))
        )
    return bool(a == b)


def expect_unchanged(
    student: Student, sent: Sequence[Any], names: Sequence[str | None], func: str
) -> None:
    """After `student.call(func, *sent)`: every argument named in `names` (None: skip)
    is as it was sent."""
    after = student.last.args_after
    for i, name in enumerate(names):
        if name is None:
            continue
        if i >= len(after) or not same_data(after[i], sent[i]):
            raise CheckFailed(
                f"{func} modified its argument {name} in place; leave the caller's data as "
                f"it was (compute a new array, e.g. x = np.clip(x, ...) or x = x * 2, "
                f"rather than writing into x with x[...] = ..., x *= ... or out=x)"
            )


def expect_no_warnings(student: Student, what: str, advice: str = "") -> None:
    """The last call raised no warning (numpy's overflow, divide-by-zero, invalid value...)."""
    caught = student.last.warnings
    if caught:
        more = f" (and {len(caught) - 1} more)" if len(caught) > 1 else ""
        first = caught[0]
        raise CheckFailed(f"{what} raised the warning '{first}'{more}{advice}")


# -- inputs for gradient checks -------------------------------------------------------


def conditioned(
    rng: np.random.Generator,
    draw: Callable[[np.random.Generator], Any],
    accurate: Callable[[Any], bool],
    tries: int = 30,
) -> Any:
    """`draw(rng)` until `accurate(problem)`: inputs on which the grader's numerical
    gradient agrees with the reference solution far below GRAD_TOL (a gradient entry
    that is almost 0, or a point next to ReLU's kink, is redrawn)."""
    problem = draw(rng)
    for _ in range(tries - 1):
        if accurate(problem):
            break
        problem = draw(rng)
    return problem


def agree(exact: Sequence[Any], numeric: Sequence[Any], margin: float = 100.0) -> bool:
    """Every exact gradient matches its numerical estimate `margin` times below GRAD_TOL."""
    return all(relative_error(e, n) < GRAD_TOL / margin for e, n in zip(exact, numeric))


def away_from_zero(
    rng: np.random.Generator, shape: tuple[int, ...], low: float = 0.2, high: float = 3.0
) -> np.ndarray:
    """Random values with |z| in [low, high] and random signs (away from ReLU's kink)."""
    return rng.uniform(low, high, shape) * rng.choice([-1.0, 1.0], shape)
