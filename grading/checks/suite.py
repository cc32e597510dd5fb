"""What a hidden test is made of: the `@check` decorator, the `Student` it receives, and
`expect_*` helpers that judge plain data in the grader's process.

A check is a function `check_x(student) -> None` that calls student code through
`student.call("module.function", *args)` (the call runs in the worker, arguments and
results cross as plain data) and raises `CheckFailed` when the result is wrong: with a
one-line message of the grader's own, or a `grading.results.failure.Failure` (summary, likely
mistake, got/expected, inputs, and the student's own words in a field of their own).
Points and visibility sit beside it:

    @check("layers", points=2, visibility="visible")
    def dense_forward_slide(student: Student) -> None:
        "dense_forward reproduces z1 = (0.5, 0.36) from the slides"
        Z, _ = student.call("layers.dense_forward", X, W1, b1)
        expect_values(Z, [[0.5, 0.36]], "Z", atol=0.005, show_expected=True)

The value and gradient judges that explain a mistake (`expect_values`, `expect_grad`)
live in autograder/common.py, beside the diagnoses they use.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol

import numpy as np

from grading.course.assignment import AssignmentError, assignment, display_path
from grading.results.failure import Failure
from grading.results.model import VISIBILITIES as VISIBILITIES  # re-exported for checks


class CheckFailed(AssertionError):
    """A check's verdict: `failure` says why, `message` is it as one line of plain text.

    `CheckFailed("A should have shape (2, 3), got (3, 2)")` is a failure whose whole text
    is the grader's summary: never put text from student code into it; use a Failure with
    `student_text` for that.
    """

    def __init__(self, failure: Failure | str) -> None:
        if not isinstance(failure, Failure):
            failure = Failure(str(failure))
        super().__init__(failure.plain())
        self.failure = failure

    @property
    def message(self) -> str:
        return self.failure.plain()


class StudentErrorKind(str, Enum):
    """What went wrong in student code: checks and renderers test this, never the words."""

    NOT_IMPLEMENTED = "not_implemented"  # the function raises NotImplementedError (a stub)
    IMPORT_FAILED = "import_failed"  # its module could not be imported
    MISSING_NAME = "missing_name"  # the module has no such name
    TIMED_OUT = "timed_out"  # it did not return within its time (or the budget ran out)
    CRASHED = "crashed"  # the worker died or broke the protocol
    MALFORMED = "malformed"  # the worker's answer was not what the request asks for
    RAISED = "raised"  # it raised any other exception


NOTHING_RAN = frozenset(
    {
        StudentErrorKind.NOT_IMPLEMENTED,
        StudentErrorKind.IMPORT_FAILED,
        StudentErrorKind.MISSING_NAME,
    }
)


class StudentError(CheckFailed):
    """Student code raised, crashed, hung, or could not be imported: `kind` says which;
    `exception` is the name of the exception class it raised ("OverflowError"; "" when it
    raised none), as grading.sandbox.untrusted checked it to be an identifier."""

    def __init__(
        self,
        failure: Failure | str,
        kind: StudentErrorKind | str = StudentErrorKind.RAISED,
        exception: str = "",
    ) -> None:
        try:
            kind = StudentErrorKind(kind)
        except ValueError:
            raise ValueError(f"unknown student error kind {kind!r}") from None
        super().__init__(failure)
        self.kind = kind
        self.exception = exception

    @property
    def nothing_ran(self) -> bool:
        """True when no student code ran on the inputs (a stub, an import, a missing name)."""
        return self.kind in NOTHING_RAN


@dataclass
class Check:
    """One hidden test: a function of a `Student`, worth `points` when it passes."""

    name: str
    title: str
    part: str
    points: float
    visibility: str | None  # None: not declared, the results' policy decides
    tags: tuple[str, ...]
    func: Callable[[Student], None]


CHECKS: list[Check] = []


def check(
    part: str,
    points: float,
    *,
    visibility: str | None = None,
    tags: Sequence[str] = (),
) -> Callable[[Callable[[Student], None]], Callable[[Student], None]]:
    """Register a hidden test for `part` (a part's module, solution/assignment.toml) worth
    `points`.

    Its title is the first line of its docstring; slide examples are usually `visible`.
    A part the assignment does not list is an AssignmentError naming the check's file.
    Without `visibility` the test takes the policy of whatever writes the results (the
    Gradescope bundle's `--visibility`, else grading.results.model.DEFAULT_VISIBILITY).
    """
    if visibility is not None and visibility not in VISIBILITIES:
        raise ValueError(f"unknown visibility {visibility!r}")

    def register(func: Callable[[Student], None]) -> Callable[[Student], None]:
        course = assignment()
        if part not in course.modules:
            where = _file_of(func)
            raise AssignmentError(
                f"{where}: check {func.__name__} names part {part!r}, which {course.source} "
                f"does not list (parts: {', '.join(course.modules)})"
            )
        if isinstance(points, bool) or not isinstance(points, (int, float)) or points < 0:
            where = _file_of(func)
            raise AssignmentError(
                f"{where}: check {func.__name__}: points should be a number >= 0, got {points!r}"
            )
        doc = (func.__doc__ or func.__name__).strip().splitlines()[0]
        CHECKS.append(Check(func.__name__, doc, part, float(points), visibility, tuple(tags), func))
        return func

    return register


_CACHES: dict[str, frozenset[int]] = {}


def returns_cache(target: str, *positions: int) -> None:
    """Declare that `target` ("layers.dense_forward") returns a tuple whose items at
    `positions` are caches: values only the part's own later functions read. When the
    grader's function stands in for a student's (a check's second run, see
    docs/ARCHITECTURE.md), those items stay in the grader and the worker gets an opaque
    handle. Anything not declared crosses as plain data."""
    module, _, name = target.partition(".")
    if not module.isidentifier() or not name.isidentifier():
        raise ValueError(f"returns_cache: {target!r} is not 'module.function'")
    if not positions or not all(type(k) is int and k >= 0 for k in positions):
        raise ValueError(f"returns_cache({target!r}): give the positions as ints >= 0")
    _CACHES[target] = _CACHES.get(target, frozenset()) | frozenset(positions)


def cache_positions(target: str) -> frozenset[int]:
    """The positions of `target`'s returned tuple declared as caches (`returns_cache`)."""
    return _CACHES.get(target, frozenset())


def _file_of(func: Callable[..., Any]) -> str:
    """The file a check is written in (through any decorator), as the kit names it."""
    return display_path(inspect.unwrap(func).__code__.co_filename)


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
    others: dict[str, tuple[str, ...]]
    """{module: (function, ...)} of other parts whose calls every call watches (the grader
    sets it per check; grading.checks.reference.functions_before)."""
    others_called: set[str]
    """"module.function"s of `others` the student's code called (as its worker said)."""

    def stand_ins(self) -> AbstractContextManager[set[str]]:
        """A second run: within it, the grader's own functions answer every call of
        `others`; yields the set of those it answered (filled as calls go)."""
        ...

    def call(self, target: str, *args: Any, timeout: float | None = None, **kwargs: Any) -> Any:
        """Call `<package>.<module>.<name>` (or a constant when it takes no call, see `get`)."""
        ...

    def get(self, target: str) -> Any:
        """The value of a module attribute such as `"neuron.AND_THETA"`."""
        ...

    def graph(
        self,
        value_class: str,
        ops: Sequence[tuple[Any, ...]],
        backward_from: int = -1,
        timeout: float | None = None,
        split: int | None = None,
    ) -> GraphResult:
        """Build a graph of the student's scalars of `value_class` ("module.Class") from
        `ops` and backpropagate (with `split`, the first `split` nodes are made by one
        request, the rest by another).

        Ops (indices refer to earlier ops): ("value", x), ("add", i, j), ("mul", i, j),
        ("sub", i, j), ("neg", i), ("add_const", i, c) for node + c, ("radd_const", c, i)
        for c + node, likewise mul_const / rmul_const / sub_const / rsub_const, and
        ("sigmoid" | "log" | "exp" | "tanh" | "relu", i). With `backward_from=None`
        backward is not called.
        """
        ...

    def graphs(
        self,
        value_class: str,
        programs: Sequence[Sequence[tuple[Any, ...]]],
        backward_from: int | None = -1,
        timeout: float | None = None,
    ) -> list[GraphResult]:
        """`graph` for several independent programs: all are built, then each in turn is
        backpropagated and read."""
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


def relative_error(a: Any, b: Any) -> float:
    """max |a-b| / max(1e-8, |a|+|b|), elementwise then the max (docs/DESIGN.md)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)), initial=0.0))


def numerical_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-5
) -> np.ndarray:
    """The grader's own float64 central differences of scalar `f` at `x` (x: any shape)."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        grad[idx] = central_difference(f, x, idx, h)
    return grad


def central_difference(
    f: Callable[[np.ndarray], float], x: np.ndarray, idx: tuple[int, ...], h: float = 1e-5
) -> float:
    """Entry `idx` of `numerical_gradient(f, x, h)`: (f(x + h e_idx) - f(x - h e_idx)) / 2h.
    `x` (float64, any shape) is perturbed in place and left as it was."""
    old = x[idx]
    x[idx] = old + h
    up = f(x)
    x[idx] = old - h
    down = f(x)
    x[idx] = old
    return (up - down) / (2 * h)
