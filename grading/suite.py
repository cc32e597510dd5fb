"""What a hidden test is made of: the `@check` decorator, the `Student` it receives, and
`expect_*` helpers that judge plain data in the grader's process.

A check is a function `check_x(student) -> None` that calls student code through
`student.call("module.function", *args)` (the call runs in the worker, arguments and
results cross as plain data) and raises `CheckFailed` with a one-line message when the
result is wrong. Points and visibility sit beside it:

    @check("layers", points=2, visibility="visible")
    def dense_forward_slide(student: Student) -> None:
        "dense_forward reproduces z1 = (0.5, 0.36) from the slides"
        Z, _ = student.call("layers.dense_forward", X, W1, b1)
        expect_close(expect_array(Z, (1, 2), "Z"), [[0.5, 0.36]], atol=0.005, what="Z")
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from grading.parts import PARTS_BY_MODULE

VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")


class CheckFailed(AssertionError):
    """A check's verdict: `message` is one line a student can act on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StudentError(CheckFailed):
    """Student code raised, crashed, hung, or could not be imported."""


@dataclass
class Check:
    """One hidden test: a function of a `Student`, worth `points` when it passes."""

    name: str
    title: str
    part: str
    points: float
    visibility: str
    tags: tuple[str, ...]
    func: Callable[[Student], None]


CHECKS: list[Check] = []


def check(
    part: str, points: float, *, visibility: str = "after_published", tags: Sequence[str] = ()
) -> Callable[[Callable[[Student], None]], Callable[[Student], None]]:
    """Register a hidden test for `part` (a module name of nnbasics) worth `points`.

    Its title is the first line of its docstring; slide examples are usually `visible`.
    """
    if part not in PARTS_BY_MODULE:
        raise ValueError(f"unknown part {part!r}")
    if visibility not in VISIBILITIES:
        raise ValueError(f"unknown visibility {visibility!r}")

    def register(func: Callable[[Student], None]) -> Callable[[Student], None]:
        doc = (func.__doc__ or func.__name__).strip().splitlines()[0]
        CHECKS.append(Check(func.__name__, doc, part, float(points), visibility, tuple(tags), func))
        return func

    return register


@dataclass
class CallInfo:
    """What the worker reported about the last call besides its return value.

    `args_after` are the positional arguments as they were after the call (to detect
    inputs modified in place); `warnings` the warning messages raised during it.
    """

    warnings: list[str] = field(default_factory=list)
    args_after: tuple[Any, ...] = ()
    seconds: float = 0.0


@dataclass
class GraphResult:
    """`data[i]` and `grad[i]` of node i of a graph program (None where not a number)."""

    data: list[float | None]
    grad: list[float | None]


class Student(Protocol):
    """The submission, as hidden tests see it."""

    rng: np.random.Generator
    seed: int
    last: CallInfo
    touched: set[str]

    def call(self, target: str, *args: Any, timeout: float | None = None, **kwargs: Any) -> Any:
        """Call `nnbasics.<module>.<name>` (or a constant when it takes no call, see `get`)."""
        ...

    def get(self, target: str) -> Any:
        """The value of a module attribute such as `"neuron.AND_THETA"`."""
        ...

    def graph(
        self,
        ops: Sequence[tuple[Any, ...]],
        backward_from: int = -1,
        timeout: float | None = None,
    ) -> GraphResult:
        """Build a graph of the student's `Value`s from `ops` and backpropagate.

        Ops (indices refer to earlier ops): ("value", x), ("add", i, j), ("mul", i, j),
        ("sub", i, j), ("neg", i), ("add_const", i, c) for node + c, ("radd_const", c, i)
        for c + node, likewise mul_const / rmul_const / sub_const / rsub_const, and
        ("sigmoid" | "log" | "exp" | "tanh" | "relu", i). With `backward_from=None`
        backward is not called.
        """
        ...


# -- judging plain data ------------------------------------------------------------------


def describe(value: Any) -> str:
    """A short description of a returned value for messages: type and shape, not content."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of length {len(value)}"
    if value is None:
        return "None"
    return f"a {type(value).__name__}"


def expect_array(value: Any, shape: tuple[int, ...] | None, what: str) -> np.ndarray:
    """`value` must be a real-valued numpy array of `shape`; returned as float64."""
    if not isinstance(value, np.ndarray):
        raise CheckFailed(f"{what} should be a numpy array of shape {shape}, got {describe(value)}")
    if value.dtype.kind not in "fiub":
        raise CheckFailed(f"{what} should hold numbers, got dtype {value.dtype}")
    if shape is not None and value.shape != tuple(shape):
        raise CheckFailed(f"{what} should have shape {tuple(shape)}, got {value.shape}")
    return value.astype(np.float64)


def expect_float(value: Any, what: str) -> float:
    """`value` must be one real number (a Python or numpy scalar, or a size-1 array)."""
    if isinstance(value, bool) or value is None:
        raise CheckFailed(f"{what} should be a number, got {describe(value)}")
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    if isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "fiu":
        return float(value.reshape(()))
    raise CheckFailed(f"{what} should be a number, got {describe(value)}")


def expect_tuple(value: Any, length: int, what: str) -> tuple[Any, ...]:
    """`value` must be a tuple or list of `length` items."""
    if not isinstance(value, (tuple, list)) or len(value) != length:
        raise CheckFailed(f"{what} should be a tuple of {length} items, got {describe(value)}")
    return tuple(value)


def expect_finite(value: np.ndarray | float, what: str) -> None:
    """No nan and no inf anywhere in `value`."""
    arr = np.asarray(value, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        bad = "nan" if np.any(np.isnan(arr)) else "inf"
        raise CheckFailed(f"{what} contains {bad} (an overflow or a log of 0?)")


def relative_error(a: Any, b: Any) -> float:
    """max |a-b| / max(1e-8, |a|+|b|), elementwise then the max (DESIGN.md)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)), initial=0.0))


def expect_close(
    actual: Any,
    expected: Any,
    what: str,
    *,
    atol: float = 1e-8,
    rtol: float = 1e-6,
    show_expected: bool = False,
) -> None:
    """`actual` must match `expected` elementwise within atol + rtol*|expected|.

    The message names the worst element and the size of the error; expected values are
    shown only with `show_expected` (slide examples, which students already have).
    """
    a = np.asarray(actual, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    if a.shape != e.shape:
        raise CheckFailed(f"{what} should have shape {e.shape}, got {a.shape}")
    expect_finite(a, what)
    err = np.abs(a - e)
    bad = err > atol + rtol * np.abs(e)
    if not np.any(bad):
        return
    worst = np.unravel_index(int(np.argmax(np.where(bad, err, -1.0))), a.shape) if a.ndim else ()
    where = f" at index {tuple(int(i) for i in worst)}" if a.ndim else ""
    msg = f"{what} is off by {float(err[worst]):.3g}{where} ({int(bad.sum())} of {a.size} wrong)"
    if show_expected:
        msg += f": got {_fmt(a)}, expected {_fmt(e)}"
    raise CheckFailed(msg)


def expect_gradient(analytic: Any, numeric: Any, what: str, tol: float = 1e-6) -> None:
    """An analytic gradient must agree with the grader's central differences."""
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numeric, dtype=np.float64)
    if a.shape != n.shape:
        raise CheckFailed(f"{what} should have shape {n.shape}, got {a.shape}")
    expect_finite(a, what)
    err = relative_error(a, n)
    if err > tol:
        raise CheckFailed(
            f"{what} disagrees with a numerical gradient check: relative error {err:.2g} "
            f"(should be below {tol:g})"
        )


def _fmt(arr: np.ndarray) -> str:
    return np.array2string(arr, precision=4, suppress_small=True, max_line_width=200)


def numerical_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-5
) -> np.ndarray:
    """The grader's own float64 central differences of scalar `f` at `x` (x: any shape)."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        up = f(x)
        x[idx] = old - h
        down = f(x)
        x[idx] = old
        grad[idx] = (up - down) / (2 * h)
    return grad
