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
  fail by bad luck (the second also returns those central differences), and on which every
  mistake a check names is far from the right answer (`separated`, `hints_separated`,
  `both_labels`), so that a mistake is caught on every seed: the same mistake costs the
  same points whatever the submission's seed.

Expected arrays are printed only for slide examples (`show_expected=True`), or for every
check when the instructor sets NNKIT_SHOW_EXPECTED=1 (see `grading.checks.diagnose`).
"""

from __future__ import annotations

import dataclasses
import functools
import math
import zlib
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
    central_difference,
    describe,
    expect_array,
    expect_float,
    expect_tuple,
    numerical_gradient,
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


CONDITION_TRIES = 100
"""Draws `conditioned` makes at most. Every problem family of the suite meets its
requirements on at least half of its draws (tests/checks/test_conditioning.py measures
it), so all 100 failing has a chance below 1e-30."""

SEPARATION = 1e-3
"""Smallest relative error (docs/DESIGN.md's definition) between the right answer and each
known wrong one (a check's hints) on conditioned inputs: 1000 times GRAD_TOL and 10,000
times RTOL, so each mistake a check names is caught on every seed, not only on most."""


def conditioned(
    rng: np.random.Generator,
    draw: Callable[[np.random.Generator], Any],
    *requirements: Callable[[Any], bool],
    tries: int = CONDITION_TRIES,
) -> Any:
    """`draw(rng)` until every one of `requirements(problem)` holds: inputs on which the
    grader's numerical gradient agrees with the reference far below GRAD_TOL (a gradient
    entry that is almost 0, or a point next to ReLU's kink, is redrawn), and on which each
    mistake the check is meant to catch is far from the right answer (`separated`), so
    that the verdict on a submission does not depend on its seed."""
    problem = draw(rng)
    for _ in range(tries - 1):
        if all(requirement(problem) for requirement in requirements):
            break
        problem = draw(rng)
    return problem


def separated(right: Any, wrongs: Sequence[Any], margin: float = SEPARATION) -> bool:
    """Every wrong answer in `wrongs` (None: not applicable) differs from `right` by a
    relative error above `margin`; a wrong answer of another shape is separated."""
    for wrong in wrongs:
        if wrong is None:
            continue
        a, b = np.asarray(right, dtype=np.float64), np.asarray(wrong, dtype=np.float64)
        if a.shape == b.shape and not relative_error(a, b) > margin:
            return False
    return True


def hints_separated(right: Any, hints: Sequence[Hint], margin: float = SEPARATION) -> bool:
    """`separated` for the wrong answers of a check's hints."""
    return separated(right, [wrong for wrong, _ in hints], margin)


SUITE_SEED = 20261206
"""Seeds `fixed_rng`: change it to draw other fixed inputs for every course at once."""


def fixed_rng(name: str) -> np.random.Generator:
    """A generator that draws the same numbers for every submission of every course (from
    SUITE_SEED and `name`), for checks whose verdict can depend on luck even when every
    mistake is caught (whether a training run from the student's own init_params learns
    XOR): two submissions with the same code then get the same verdict, whatever their
    seeds and course secrets. Its draws can be read in the suite's source, so use it only
    where knowing them in advance does not help: the checks that draw from `student.rng`
    must catch whatever a student would hard-code for them."""
    return np.random.default_rng([SUITE_SEED, zlib.crc32(name.encode())])


def both_labels(y: np.ndarray) -> bool:
    """0/1 labels with both classes present (a mistake in the y = 0 or the y = 1 term of a
    cross-entropy is invisible on a batch of one class)."""
    return bool(np.any(y == 0) and np.any(y == 1))


def labels(rng: np.random.Generator, shape: tuple[int, ...] | int) -> np.ndarray:
    """Random 0/1 labels (float64) of `shape`, both classes present (at least 2 elements)."""
    while True:
        y = rng.integers(0, 2, shape).astype(np.float64)
        if both_labels(y):
            return y


Differences = tuple[Callable[[np.ndarray], float], np.ndarray]
"""(f, x): a scalar function of one array and the point x (any shape) at which the grader
takes its central differences, `numerical_gradient(f, x)`."""


def gradcheck_problem(
    rng: np.random.Generator,
    draw: Callable[[np.random.Generator], Any],
    exact: Callable[[Any], Sequence[Any]],
    numeric: Callable[[Any], Sequence[Any]] | None = None,
    ready: Callable[[Any], bool] | None = None,
    requirements: Sequence[Callable[[Any], bool]] = (),
    *,
    functions: Callable[[Any], Sequence[Differences]] | None = None,
) -> tuple[Any, Sequence[Any]]:
    """`conditioned` for a gradient check: draws until the grader's central differences
    agree with the reference's gradients `exact(problem)`, one array each (see `agree`),
    and the other `requirements` hold, skipping draws that are not `ready` (next to ReLU's
    kink, say). Returns the problem and its central differences, so that the check does
    not compute them again.

    The central differences are either `numeric(problem)` (the arrays), or, faster, those
    of the `functions(problem)` ((f, x) pairs, `agreeing_differences`): a draw that fails
    is then rejected after a few evaluations of f instead of all of them. Give one."""
    if (numeric is None) == (functions is None):
        raise TypeError("gradcheck_problem() takes numeric or functions, exactly one of them")

    def numeric_of(problem: Any) -> Sequence[Any] | None:
        """The central differences on `problem` if they agree with exact(problem), else None."""
        if functions is not None:
            return agreeing_differences(exact(problem), functions(problem))
        found = numeric(problem)  # type: ignore[misc]  # given when functions is not
        return found if agree(exact(problem), found) else None

    last: list[Any] = [None, None]  # the problem accurate() last ran on, and its differences

    def accurate(problem: Any) -> bool:
        if ready is not None and not ready(problem):
            return False
        last[:] = [problem, numeric_of(problem)]
        return last[1] is not None

    problem = conditioned(rng, draw, *requirements, accurate)  # the cheap ones first
    if last[0] is problem and last[1] is not None:
        return problem, last[1]
    if functions is not None:
        return problem, [numerical_gradient(f, x) for f, x in functions(problem)]
    return problem, numeric(problem)  # type: ignore[misc]  # one of the two is given


def agree(exact: Sequence[Any], numeric: Sequence[Any], margin: float = 100.0) -> bool:
    """Every exact gradient matches its numerical estimate `margin` times below GRAD_TOL."""
    return all(relative_error(e, n) < GRAD_TOL / margin for e, n in zip(exact, numeric))


def agreeing_differences(
    exact: Sequence[Any], functions: Sequence[Differences], margin: float = 100.0
) -> list[np.ndarray] | None:
    """`[numerical_gradient(f, x) for f, x in functions]` when they `agree` with `exact`
    (one array per function, of x's shape), else None.

    The same arrays and the same verdict as computing them all and calling `agree`, but a
    draw that fails is rejected sooner: the entries are computed one by one, the smallest
    nonzero exact ones first (where rounding and truncation errors are largest relative to
    the gradient), and the first entry whose relative error is not below GRAD_TOL / margin
    ends the computation (the relative error of an array is the largest of its entries').
    """
    tol = GRAD_TOL / margin
    points = [np.array(x, dtype=np.float64) for _, x in functions]  # numerical_gradient's copy
    wanted = [np.asarray(e, dtype=np.float64) for e in exact]
    numeric = [np.zeros_like(x) for x in points]
    comparable = [k < len(wanted) and wanted[k].shape == x.shape for k, x in enumerate(points)]
    entries = []  # (order key, array, index, exact entry or None): smallest nonzero exact first
    for k, x in enumerate(points):
        values = wanted[k].ravel().tolist() if comparable[k] else [None] * x.size
        for idx, a in zip(np.ndindex(x.shape), values):
            key = math.inf if a is None or a == 0.0 else abs(a)  # 0: a dead ReLU's, exact
            entries.append((key, k, idx, a))
    entries.sort(key=lambda entry: entry[0])  # NaN keys: any place (only the order changes)
    for _, k, idx, a in entries:
        numeric[k][idx] = central_difference(functions[k][0], points[k], idx)
        if a is not None:
            b = float(numeric[k][idx])
            if not abs(a - b) / max(1e-8, abs(a) + abs(b)) < tol:  # relative_error's entry
                return None
    if all(comparable):  # every entry of every array passed: so does every largest one
        return numeric
    return numeric if agree(wanted, numeric, margin) else None


def away_from_zero(
    rng: np.random.Generator, shape: tuple[int, ...], low: float = 0.2, high: float = 3.0
) -> np.ndarray:
    """Random values with |z| in [low, high] and random signs (away from ReLU's kink). With
    4 elements or more they always include both signs, and magnitudes on both sides of 1
    when [low, high] spans it: a mistake at a branch point (z > 1 for z > 0, one branch
    of a split formula) is caught on every seed, not only on most."""
    z = rng.uniform(low, high, shape) * rng.choice([-1.0, 1.0], shape)
    if z.size < 4:
        return z
    bands = [(low, high)] if not low < 1.0 < high else [(low, 1.0), (1.0, high)]
    picks = [sign * rng.uniform(lo, hi) for lo, hi in bands for sign in (-1.0, 1.0)]
    flat = z.reshape(-1)
    flat[rng.choice(flat.size, len(picks), replace=False)] = picks
    return z
