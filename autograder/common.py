"""Helpers shared by the hidden checks (no checks live here).

- `check`: `grading.checks.suite.check`, plus the diagnosis's last parts: a failed check that drew
  random inputs says so, with the submission's seed (the Failure's `inputs`), a diagnosed
  cause is placed in the function the check called last (unless the check placed it), the
  other parts the called functions use are named (`see_parts`, for a pointer to a part
  that lost points);
- tolerances: how close a result must be, per kind of check;
- `expect_values` / `expect_number` / `expect_grad`: compare with expected values or a
  numerical gradient; a failure names the size and place of the error and the likely
  mistake (the check's hints first, then the generic signatures of `grading.checks.diagnose`);
- `expect_unchanged`: the student's function left its array arguments as they were;
- `expect_no_warnings`: the last call raised no warning;
- `conditioned` / `gradcheck_problem`: draw random inputs on which the grader's central
  differences are accurate with a wide margin, so that a correct submission can never
  fail by bad luck (the second also returns those central differences).

Expected arrays are printed only for slide examples (`show_expected=True`), or for every
check when the instructor sets NNKIT_SHOW_EXPECTED=1 (see `grading.checks.diagnose`).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from grading.checks import diagnose
from grading.checks.diagnose import sentence
from grading.checks.slide_examples import SlideExample
from grading.checks.slide_examples import example as slide_example
from grading.checks.suite import (
    CheckFailed,
    Student,
    StudentError,
    describe,
    expect_array,
    expect_float,
    expect_tuple,
    relative_error,
)
from grading.checks.suite import check as register_check
from grading.confined.wire import Handle

GRAD_TOL = 1e-6
"""Largest relative error (docs/DESIGN.md's definition) of an analytic gradient against the
grader's float64 central differences (h = 1e-5). Correct code scores about 1e-9 here (on
inputs drawn by `conditioned`); every mistake we know of scores above 1e-3."""

RTOL = 1e-7
ATOL = 1e-10
"""Tolerances of fixed-value checks against the reference solution on the same inputs:
any correct way of writing the formula agrees to about 1e-15."""


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
    return diagnose.match_hints(actual, hints)


def _mistake(
    actual: Any,
    expected: Any,
    hints: Sequence[Hint],
    m: int | None,
    m_name: str,
    atol: float = 1e-9,
    rtol: float = 1e-5,
) -> str:
    """A check-specific hint first, else a generic signature (transposed, sign, factor m...)."""
    return diagnose.match_hints(actual, hints) or diagnose.generic_mistake(
        actual, expected, m=m, m_name=m_name, atol=atol, rtol=rtol
    )


def _failure(
    summary: str,
    got: Any,
    expected: Any,
    hints: Sequence[Hint],
    m: int | None,
    m_name: str,
    *,
    show: bool,
    atol: float = 1e-9,
    rtol: float = 1e-5,
    about: Sequence[str] = (),
) -> CheckFailed:
    """The verdict on a wrong result: what is wrong, the likely mistake (in the functions
    `about`, when not those the check called), the values if shown."""
    mistake = _mistake(got, expected, hints, m, m_name, atol, rtol)
    show = show or diagnose.show_expected()
    failure = diagnose.compose(summary, mistake, got=got, expected=expected, show=show, about=about)
    return CheckFailed(failure)


def _compare(
    got: Any,
    expected: Any,
    what: str,
    hints: Sequence[Hint],
    m: int | None,
    m_name: str,
    *,
    show: bool,
    atol: float,
    rtol: float,
    about: Sequence[str],
    entries: diagnose.Entries = None,
) -> None:
    """Raise the verdict on `got` (or on its `entries`) unless it matches `expected`."""
    summary = diagnose.value_error(got, expected, what, atol=atol, rtol=rtol, entries=entries)
    if summary:
        got = got if entries is None else np.asarray(got)[entries]  # what `expected` is
        raise _failure(
            summary, got, expected, hints, m, m_name, show=show, atol=atol, rtol=rtol, about=about
        )


def expect_values(
    actual: Any,
    expected: Any,
    what: str,
    *,
    hints: Sequence[Hint] = (),
    atol: float = ATOL,
    rtol: float = RTOL,
    show_expected: bool = False,
    m: int | None = None,
    m_name: str = "m",
    entries: diagnose.Entries = None,
    about: Sequence[str] = (),
) -> np.ndarray:
    """`actual` must be an array shaped like `expected` and match it elementwise.

    The message gives the number of wrong entries, the largest error and its index, the
    relative error and, when the answer matches one, the likely mistake (`hints`, then the
    generic signatures; `m` is the batch size for "off by a factor of m"). Expected values
    are shown with `show_expected` (slide examples) or when the instructor turns it on.
    `entries` (a numpy index): compare only `actual[entries]` with `expected`; messages
    still give indices into `actual`. `about`: the student functions a likely mistake is
    in, when they are not the ones the check called (see `diagnose.compose`).
    """
    expected = np.asarray(expected, dtype=np.float64)
    arr = expect_array(actual, None, what)
    judge = {"show": show_expected, "atol": atol, "rtol": rtol, "about": about}
    _compare(arr, expected, what, hints, m, m_name, entries=entries, **judge)
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
    m: int | None = None,
    m_name: str = "m",
    about: Sequence[str] = (),
) -> float:
    """`actual` must be one number (float, numpy scalar, 0-d array) close to `expected`
    (`about`: see `expect_values`)."""
    value = expect_float(actual, what)
    judge = {"show": show_expected, "atol": atol, "rtol": rtol, "about": about}
    _compare(value, expected, what, hints, m, m_name, **judge)
    return value


def expect_grad(
    actual: Any,
    numeric: np.ndarray,
    what: str,
    *,
    hints: Sequence[Hint] = (),
    tol: float = GRAD_TOL,
    m: int | None = None,
    m_name: str = "m",
    about: Sequence[str] = (),
) -> np.ndarray:
    """`actual` must be an array shaped like `numeric` that passes the gradient check
    (`about`: see `expect_values`)."""
    arr = expect_array(actual, None, what)
    summary = diagnose.gradient_error(arr, numeric, what, tol=tol)
    if summary:
        raise _failure(summary, arr, numeric, hints, m, m_name, show=False, about=about)
    return arr


@functools.cache
def slide(name: str) -> tuple[SlideExample, dict[str, Any]]:
    """Slide example `name` (solution/slide_examples.toml) and the unrounded value of each of
    its inputs and computed quantities, by name (its calls run on the reference solution)."""
    from grading.checks.reference import ref

    example = slide_example(name)
    return example, example.evaluate(lambda module: getattr(ref, module))


def expect_printed(
    actual: Any,
    example: SlideExample,
    name: str,
    what: str,
    hints: Sequence[Hint] = (),
    *,
    vector: bool = False,
) -> Any:
    """`actual` rounds to the value `name` the slides print (within the example's tolerance
    for it); a failure shows the printed value, which the student has anyway. `vector`:
    compare with the printed value flattened (a bias gradient against a 1-row dZ)."""
    printed = example.value(name).ravel() if vector else example.value(name)
    expect = expect_number if printed.ndim == 0 else expect_values
    return expect(
        actual,
        printed,
        what,
        hints=hints,
        atol=example.tolerance_for(name),
        rtol=0.0,
        show_expected=True,
    )


def sign_hint(expected: Any) -> Hint:
    return (-np.asarray(expected, dtype=np.float64), sentence("sign"))


def check(
    part: str, points: float, *, visibility: str | None = None, tags: Sequence[str] = ()
) -> Callable[[Callable[[Student], None]], Callable[[Student], None]]:
    """`grading.checks.suite.check`, and a failure of a check that drew random inputs ends with
    `Inputs: random, seed S.` (S: the submission's seed, which reproduces the inputs); its
    cause and the parts it rests on are placed by `_placed`."""
    register = register_check(part, points, visibility=visibility, tags=tags)

    def decorate(func: Callable[[Student], None]) -> Callable[[Student], None]:
        @functools.wraps(func)
        def run(student: Student) -> None:
            before = _rng_state(student)
            recorded = _Recorded(student)
            try:
                func(recorded)  # type: ignore[arg-type]  # a Student in all a check uses
            except CheckFailed as exc:
                if isinstance(exc, StudentError) and exc.nothing_ran:
                    raise  # the inputs do not matter: nothing ran
                drew = _rng_state(student) != before
                failure = diagnose.with_inputs(exc.failure, student.seed if drew else None)
                failure = _placed(failure, recorded.targets, part)
                if isinstance(exc, StudentError):
                    raise StudentError(failure, exc.kind, exc.exception) from None
                raise CheckFailed(failure) from None

        register(run)
        return run

    return decorate


class _Recorded:
    """A Student that notes the targets a check asks for, in order (`targets`): a failure's
    cause is placed in the last one, whose result was being judged."""

    def __init__(self, student: Student) -> None:
        object.__setattr__(self, "_student", student)
        object.__setattr__(self, "targets", [])

    def __getattr__(self, name: str) -> Any:
        return getattr(self._student, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._student, name, value)

    def _note(self, target: str) -> None:
        if target in self.targets:
            self.targets.remove(target)
        self.targets.append(target)

    def call(self, target: str, *args: Any, **kwargs: Any) -> Any:
        self._note(target)
        return self._student.call(target, *args, **kwargs)

    def get(self, target: str) -> Any:
        self._note(target)
        return self._student.get(target)

    def graph(self, value_class: str, *args: Any, **kwargs: Any) -> Any:
        self._note(value_class)
        return self._student.graph(value_class, *args, **kwargs)

    def graphs(self, value_class: str, *args: Any, **kwargs: Any) -> Any:
        self._note(value_class)
        return self._student.graphs(value_class, *args, **kwargs)


def _placed(failure: diagnose.Failure, called: list[str], part: str) -> diagnose.Failure:
    """`failure` with its cause placed in the last of the `called` targets (in the order
    of their last call) when the check did not place it, and `see_parts`: the other parts
    whose code the called functions use."""
    cause = failure.cause
    if cause is not None and not cause.functions and called:
        failure = failure.but(cause=dataclasses.replace(cause, functions=(called[-1],)))
    modules = sorted({target.split(".")[0] for target in called})
    used = sorted({*modules, *diagnose.parts_used(modules)} - {part})
    return failure.but(see_parts=tuple(used)) if used else failure


def _rng_state(student: Student) -> Any:
    try:
        return student.rng.bit_generator.state
    except AttributeError:
        return None


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
            change = _largest_change(after[i] if i < len(after) else None, sent[i])
            raise CheckFailed(
                diagnose.compose(
                    f"{func} changed the caller's {name}{change}", sentence("in_place")
                )
            )


def _largest_change(after: Any, before: Any) -> str:
    """`: the largest change is 0.3 at index (1, 2)` for two same-shaped arrays, else ''."""
    if not (isinstance(after, np.ndarray) and isinstance(before, np.ndarray)):
        return ""
    if after.shape != before.shape or after.dtype.kind not in "fiub":
        return f" (now of shape {after.shape}, was {before.shape})"
    with np.errstate(all="ignore"):
        diff = np.abs(after.astype(np.float64) - before.astype(np.float64))
    diff = np.where(np.isnan(diff), np.inf, diff)
    if after.ndim == 0 or after.size == 0:
        return ""
    idx = np.unravel_index(int(np.argmax(diff)), diff.shape)
    return f": the largest change is {float(diff[idx]):.3g} at index {diagnose.fmt_index(idx)}"


def expect_no_warnings(student: Student, what: str, mistake: str = "") -> None:
    """The last call raised no warning (numpy's overflow, divide-by-zero, invalid value...);
    `mistake` is the likely cause, for the message."""
    caught = student.last.warnings
    if caught:
        more = f" (and {len(caught) - 1} more)" if len(caught) > 1 else ""
        failure = diagnose.compose(f"{what} raised a warning{more}", mistake)
        raise CheckFailed(failure.but(student_text=caught[0]))  # the warning: student text


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


def gradcheck_problem(
    rng: np.random.Generator,
    draw: Callable[[np.random.Generator], Any],
    exact: Callable[[Any], Sequence[Any]],
    numeric: Callable[[Any], Sequence[Any]],
    ready: Callable[[Any], bool] | None = None,
) -> tuple[Any, Sequence[Any]]:
    """`conditioned` for a gradient check: draws until the grader's central differences
    `numeric(problem)` agree with the reference's gradients `exact(problem)` (see
    `agree`), skipping draws that are not `ready` (next to ReLU's kink, say). Returns the
    problem and its central differences, so that the check does not compute them again."""
    last: list[Any] = [None, None]  # the problem numeric() last ran on, and its result

    def accurate(problem: Any) -> bool:
        if ready is not None and not ready(problem):
            return False
        last[:] = [problem, numeric(problem)]
        return agree(exact(problem), last[1])

    problem = conditioned(rng, draw, accurate)
    return problem, last[1] if last[0] is problem else numeric(problem)


def agree(exact: Sequence[Any], numeric: Sequence[Any], margin: float = 100.0) -> bool:
    """Every exact gradient matches its numerical estimate `margin` times below GRAD_TOL."""
    return all(relative_error(e, n) < GRAD_TOL / margin for e, n in zip(exact, numeric))


def away_from_zero(
    rng: np.random.Generator, shape: tuple[int, ...], low: float = 0.2, high: float = 3.0
) -> np.ndarray:
    """Random values with |z| in [low, high] and random signs (away from ReLU's kink)."""
    return rng.uniform(low, high, shape) * rng.choice([-1.0, 1.0], shape)
