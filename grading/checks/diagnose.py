"""Diagnoses for failed hidden tests: how big the error is, where, and which known mistake
the wrong answer matches.

A diagnosis is a `grading.results.failure.Failure` built by `compose`, in up to four parts:

- the summary names the function, its input shapes (the check's `what`) and the size and
  place of the error (max absolute error, its index, max relative error as docs/DESIGN.md
  defines it), e.g. "<what> is wrong in 12 of 20 entries: the largest error is 0.53 at
  index (2, 1) (relative error 0.98)";
- the likely mistake, when the answer matches a known wrong one: a check-specific hint, or
  one of the generic signatures (transposed, sign, factor m, hard-coded, ...);
- got and expected, for slide examples (students have those numbers) and, for hidden
  inputs, only when the instructor turns it on: NNKIT_SHOW_EXPECTED=1 in the grader's
  environment, or `with expected_shown():` around grading;
- the inputs ("random, seed S"), added by `with_inputs` when the check drew random inputs
  (S is the submission's seed; `python -m grading.grade.unsandboxed PACKAGE` with that
  seed reproduces them).

`SIGNATURES` holds the sentence of every known mistake; hints and tests use those exact
sentences. The parts stay separate fields all the way to each output format: nothing
composes them into a string that is parsed back.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from grading.results.failure import WRONG_INPUT, Cause, Failure

SHOW_EXPECTED_ENV = "NNKIT_SHOW_EXPECTED"


@dataclass(frozen=True)
class Signature:
    """A known mistake: `title` for tables, `sentence` for the student (exact text)."""

    key: str
    title: str
    sentence: str


_SIGNATURES = [
    Signature(
        "transposed", "Gradient transposed", "the result is transposed (rows and columns swapped)"
    ),
    Signature("sign", "Wrong sign", "the sign is flipped"),
    Signature(
        "factor_m",
        "Off by a factor of m (too large)",
        "it is m times too large: a sum where the mean belongs, or the 1/m of the mean left out",
    ),
    Signature(
        "divided_m",
        "Off by a factor of m (too small)",
        "it is m times too small: divided by m once more, although the 1/m of the mean "
        "is already in the upstream gradient",
    ),
    Signature(
        "derivative_of_output",
        "Derivative of the output instead of z",
        "the derivative was taken at the activation's output a = g(z) instead of at its input z",
    ),
    Signature(
        "relu_mask_wrong_array",
        "ReLU mask from the wrong array",
        "the ReLU mask is taken from the wrong array: pass the gradient where Z > 0 (the Z "
        "saved in the cache), whatever the sign of dA",
    ),
    Signature(
        "relu_at_zero",
        "ReLU derivative wrong at z = 0",
        "the ReLU derivative at z = 0 should be 0: use z > 0, not z >= 0",
    ),
    Signature(
        "bias_not_summed",
        "Bias gradient not summed over the batch",
        "the bias gradient is not summed over the batch: db = dZ.sum(axis=0), one entry per unit",
    ),
    Signature(
        "forward_difference",
        "Forward instead of central difference",
        "these are forward differences (f(x+h) - f(x)) / h; use central differences "
        "(f(x+h) - f(x-h)) / (2h), which are far more accurate",
    ),
    Signature(
        "x_not_restored",
        "x not restored by numerical_gradient",
        "x is not restored: after evaluating f at x[i] + h and x[i] - h, put the saved old "
        "value back (x[i] = old)",
    ),
    Signature(
        "in_place",
        "Input modified in place",
        "the function modifies its input in place (x[...] = ..., x *= ..., out=x); compute "
        "a new array instead, e.g. x = np.clip(x, ...) or x = x * 2",
    ),
    Signature(
        "unstable_sigmoid",
        "Overflow in an unstable sigmoid",
        "exp(-z) overflows for very negative z: the sigmoid is not computed in a numerically "
        "stable way",
    ),
    Signature(
        "log_of_zero",
        "log(0): nan or inf in the loss",
        "log(0) was evaluated: clip y_hat to [eps, 1 - eps] (eps about 1e-12) before taking "
        "logarithms",
    ),
    Signature(
        "overwrite",
        "Graph gradient overwritten, not accumulated",
        "a node used more than once keeps only its last gradient contribution: accumulate "
        "with grad += (never grad =)",
    ),
    Signature(
        "recursion",
        "Recursion depth exceeded on a deep graph",
        "the recursion depth was exceeded on a deep graph: build the topological order with "
        "a loop and an explicit stack instead of a recursive function",
    ),
    Signature(
        "hard_coded",
        "Hard-coded slide values",
        "the result holds the slides' numbers, not values computed from these random "
        "inputs: it looks hard-coded for the slide example",
    ),
    Signature(
        "descent_sign",
        "Gradient-descent step with the wrong sign",
        "the step goes up the gradient: the update is W - learning_rate * dW",
    ),
    Signature(
        "not_updated",
        "Parameter not updated",
        "a parameter is not updated: store W - learning_rate * dW (and b - learning_rate * "
        "db) back for every layer",
    ),
    Signature("zeros", "All zeros", "the result is all zeros: nothing was computed or accumulated"),
    Signature(
        WRONG_INPUT,
        "Right from another function's wrong result",
        "this is computed right from what another of your functions returned, and that is "
        "wrong: fix that function",
    ),
    Signature(
        "upstream_ignored",
        "Upstream gradient ignored",
        "the upstream gradient is not used: multiply the local derivative by it (chain rule)",
    ),
]

SIGNATURES: dict[str, Signature] = {s.key: s for s in _SIGNATURES}


def sentence(key: str, detail: str = "") -> str:
    """The exact sentence of signature `key`, with an optional specific `detail` after it."""
    text = SIGNATURES[key].sentence
    return f"{text}; {detail}" if detail else text


def mistake_titles() -> dict[str, str]:
    """{sentence: title} of every known mistake, for reports that count diagnoses."""
    return {sig.sentence: sig.title for sig in _SIGNATURES}


def signature_of(mistake: str) -> Signature | None:
    """The signature whose sentence a `Likely mistake:` text starts with, if any."""
    for sig in _SIGNATURES:
        if mistake.startswith(sig.sentence):
            return sig
    return None


# -- whether hidden expected values may be shown ---------------------------------------------

_override: list[bool] = []


def show_expected() -> bool:
    """True when the instructor asked for hidden expected arrays in the feedback:
    NNKIT_SHOW_EXPECTED=1 (or true/yes/on), or inside `expected_shown()`."""
    if _override:
        return _override[-1]
    return os.environ.get(SHOW_EXPECTED_ENV, "").strip().lower() in ("1", "true", "yes", "on")


@contextmanager
def expected_shown(flag: bool = True) -> Iterator[None]:
    """Show (or hide) hidden expected arrays in failure messages within the block."""
    _override.append(flag)
    try:
        yield
    finally:
        _override.pop()


# -- sizes and places of errors -------------------------------------------------------------


def fmt_array(x: Any) -> str:
    """A short, one-line rendering of an array or number (4 significant decimals)."""
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim == 0:
        return f"{float(arr):.6g}"
    text = np.array2string(
        arr, precision=4, suppress_small=True, max_line_width=10_000, threshold=60, separator=", "
    )
    return " ".join(text.split())


def fmt_index(idx: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(int(i)) for i in idx) + ("," if len(idx) == 1 else "") + ")"


def rel_errors(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Elementwise |a-b| / max(1e-8, |a|+|b|) (docs/DESIGN.md's relative error)."""
    with np.errstate(all="ignore"):
        return np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))


Entries = Any
"""A numpy index (`[0, 1, 4]`, a boolean mask, a tuple of index arrays) that picks the
entries of a student's array a check compares: messages give indices into the whole array."""


def _picked(actual: np.ndarray, entries: Entries) -> tuple[np.ndarray, Any]:
    """`actual[entries]` and a function from an index into it to the index into `actual`."""
    if entries is None:
        return actual, lambda idx: idx
    positions = np.arange(actual.size).reshape(actual.shape)[entries]
    return actual[entries], lambda idx: np.unravel_index(int(positions[idx]), actual.shape)


def nonfinite_message(actual: Any, what: str, entries: Entries = None) -> str | None:
    """`<what> contains nan at index ...` when `actual` (or its `entries`) holds nan or inf,
    else None; the index is into the whole of `actual`."""
    a, original = _picked(np.asarray(actual, dtype=np.float64), entries)
    bad = ~np.isfinite(a)
    if not np.any(bad):
        return None
    kind = "nan" if np.any(np.isnan(a)) else "inf"
    where = ""
    if a.ndim:
        idx = np.unravel_index(int(np.argmax(np.isnan(a) if kind == "nan" else bad)), a.shape)
        where = f" at index {fmt_index(original(idx))}"
    count = f" ({int(bad.sum())} of {a.size} entries)" if a.size > 1 else ""
    return f"{what} contains {kind}{where}{count}: an overflow, or a log of 0?"


def value_error(
    actual: Any, expected: Any, what: str, *, atol: float, rtol: float, entries: Entries = None
) -> str | None:
    """None when `actual` matches `expected` within atol + rtol*|expected| everywhere, else
    the summary of the error: how many entries, the largest absolute error and its index,
    the largest relative error. With `entries`, `actual[entries]` is compared, and the index
    named is still into `actual` (the student's own array)."""
    full = np.asarray(actual, dtype=np.float64)
    a, original = _picked(full, entries)
    e = np.asarray(expected, dtype=np.float64)
    if a.shape != e.shape:
        return f"{what} should have shape {e.shape}, got {a.shape}"
    bad_finite = nonfinite_message(full, what, entries)
    if bad_finite:
        return bad_finite
    err = np.abs(a - e)
    bad = err > atol + rtol * np.abs(e)
    if not np.any(bad):
        return None
    rel = float(np.max(rel_errors(a, e)))
    if a.ndim == 0 or a.size == 1:
        return f"{what} is off by {float(np.max(err)):.3g} (relative error {rel:.2g})"
    worst = np.unravel_index(int(np.argmax(np.where(bad, err, -1.0))), a.shape)
    return (
        f"{what} is wrong in {int(bad.sum())} of {a.size} entries: the largest error is "
        f"{float(err[worst]):.3g} at index {fmt_index(original(worst))} (relative error {rel:.2g})"
    )


def gradient_error(actual: Any, numeric: Any, what: str, *, tol: float) -> str | None:
    """None when the relative error against the numerical gradient is below `tol`."""
    a = np.asarray(actual, dtype=np.float64)
    n = np.asarray(numeric, dtype=np.float64)
    if a.shape != n.shape:
        return f"{what} should have shape {n.shape}, got {a.shape}"
    bad_finite = nonfinite_message(a, what)
    if bad_finite:
        return bad_finite
    rel = rel_errors(a, n)
    worst_rel = float(np.max(rel, initial=0.0))
    if worst_rel <= tol:
        return None
    err = np.abs(a - n)
    where = ""
    if a.ndim and a.size > 1:
        worst = np.unravel_index(int(np.argmax(err)), a.shape)
        where = f" at index {fmt_index(worst)}"
    return (
        f"{what} disagrees with a numerical gradient check: relative error {worst_rel:.2g} "
        f"(should be below {tol:g}); the largest difference is {float(np.max(err)):.3g}{where}"
    )


# -- recognizing mistakes -------------------------------------------------------------------

Hint = tuple[Any, str]
"""(what a known mistake would return, the sentence that explains it)."""

_SLIDE_VALUES: list[float] = []

COMMON_NUMBERS = (0.0, 1.0, -1.0)
"""Answers of their own (labels, all zeros, the gradient of the output with respect to
itself): never taken as a sign of hard-coded slide values."""


def slide_values() -> tuple[float, ...]:
    """Every number the slides print (solution/slide_examples.toml) and the unrounded value
    each stands for, computed by the reference solution from the example's inputs."""
    if not _SLIDE_VALUES:
        from grading.checks.reference import ref
        from grading.checks.slide_examples import examples

        found: set[float] = set()
        for example in examples().values():
            exact = example.evaluate(lambda module: getattr(ref, module))
            for name, printed in example.printed.items():
                found.update(float(v) for v in printed.ravel())
                if name in exact:
                    found.update(float(v) for v in np.asarray(exact[name], np.float64).ravel())
        _SLIDE_VALUES.extend(sorted(found - set(COMMON_NUMBERS)))
    return tuple(_SLIDE_VALUES)


def looks_hard_coded(actual: Any, expected: Any) -> bool:
    """Every entry of `actual` is a slide number (printed or exact), and `expected` is not
    made of slide numbers: the answer does not depend on the input."""

    def all_slide(x: np.ndarray) -> bool:
        values = np.array(slide_values())
        if x.size == 0 or not np.all(np.isfinite(x)):
            return False
        close = np.abs(x.reshape(-1, 1) - values.reshape(1, -1)) <= 5e-5
        return bool(np.all(np.any(close, axis=1)))

    try:
        a = np.asarray(actual, dtype=np.float64)
        e = np.asarray(expected, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return all_slide(a) and not all_slide(e)


def _close(a: np.ndarray, w: np.ndarray) -> bool:
    return a.shape == w.shape and bool(np.allclose(a, w, rtol=1e-5, atol=1e-9))


def match_hints(actual: Any, hints: Sequence[Hint]) -> str:
    """The sentence of the first hint whose wrong answer `actual` matches, or ''."""
    try:
        a = np.asarray(actual, dtype=np.float64)
    except (TypeError, ValueError):
        return ""
    if not np.all(np.isfinite(a)):
        return ""
    for wrong, explanation in hints:
        if wrong is None:
            continue
        try:
            w = np.asarray(wrong, dtype=np.float64)
        except (TypeError, ValueError):
            continue
        if _close(a, w):
            return explanation
    return ""


def generic_mistake(
    actual: Any,
    expected: Any,
    *,
    m: int | None = None,
    m_name: str = "m",
    atol: float = 1e-9,
    rtol: float = 1e-5,
) -> str:
    """A signature sentence for a wrong answer that any array check can recognize:
    transposed, sign flipped, off by a factor of m, all zeros, hard-coded slide values.
    `atol`/`rtol`: how close to the wrong answer counts as a match (at least 1e-5 relative)."""
    try:
        a = np.asarray(actual, dtype=np.float64)
        e = np.asarray(expected, dtype=np.float64)
    except (TypeError, ValueError):
        return ""
    if a.size == 0 or not np.all(np.isfinite(a)) or not np.all(np.isfinite(e)):
        return ""
    rtol = max(rtol, 1e-5)

    def close(x: np.ndarray, w: np.ndarray) -> bool:
        return x.shape == w.shape and bool(np.allclose(x, w, rtol=rtol, atol=atol))

    if e.ndim == 2 and e.shape != (1, 1) and close(a, e.T) and not close(a, e):
        return sentence("transposed")
    if a.shape != e.shape or not np.any(np.abs(e) > 1e-12):
        return ""
    if close(a, -e):
        return sentence("sign")
    if m is not None and m > 1:
        if close(a, m * e):
            return sentence("factor_m", f"{m_name} = {m} here")
        if close(a, e / m):
            return sentence("divided_m", f"{m_name} = {m} here")
    if not np.any(a) and np.any(e):
        return sentence("zeros")
    if looks_hard_coded(a, e):
        return sentence("hard_coded")
    return ""


# -- composing diagnoses -------------------------------------------------------------------


def compose(
    summary: str,
    mistake: str = "",
    *,
    got: Any = None,
    expected: Any = None,
    show: bool = False,
    about: Sequence[str] = (),
) -> Failure:
    """The diagnosis of a wrong result: `summary` and `mistake` are the grader's sentences
    (a final period is dropped), got/expected are formatted when `show` (and both given).

    A `mistake` that is a known one (it starts with a sentence of SIGNATURES) becomes the
    failure's `Cause` too. `about`: the student functions ("losses.binary_cross_entropy")
    the mistake is in, when the check knows they are not the ones it called; left empty,
    the check's own calls are filled in when the check fails (autograder/common.py)."""
    values = show and got is not None and expected is not None
    return Failure(
        _unperiod(summary),
        _unperiod(mistake),
        got=fmt_array(got) if values else "",
        expected=fmt_array(expected) if values else "",
        cause=cause_of(mistake, about),
    )


def cause_of(mistake: str, about: Sequence[str] = ()) -> Cause | None:
    """The structured cause of a likely-mistake sentence: its signature's key and sentence,
    and the functions it is `about`; None for a sentence that is no known mistake."""
    signature = signature_of(mistake)
    if signature is None:
        return None
    return Cause(signature.key, signature.sentence, tuple(about))


def parts_used(modules: Sequence[str]) -> tuple[str, ...]:
    """The other modules of the package whose code the reference solution's `modules` call,
    directly or through each other (["train"] gives network, layers, activations, losses),
    sorted: the parts a student's result of these modules rests on."""
    from grading.checks.reference import PACKAGE, ref

    found: set[str] = set()
    todo = list(dict.fromkeys(modules))
    while todo:
        module = todo.pop()
        try:
            namespace = vars(getattr(ref, module))
        except (AttributeError, ImportError):
            continue  # not a module of the package (a class's target, a typo)
        for value in namespace.values():
            owner = getattr(value, "__module__", None) or ""
            if owner.startswith(PACKAGE + "."):
                used = owner[len(PACKAGE) + 1 :]
                if used != module and used not in found and used not in modules:
                    found.add(used)
                    todo.append(used)
    return tuple(sorted(found))


def with_inputs(failure: Failure, seed: int | None) -> Failure:
    """`failure` saying its inputs were random, drawn with `seed` (None: unchanged)."""
    if seed is None or failure.inputs:
        return failure
    return failure.but(inputs=f"random, seed {seed}")


def _unperiod(text: str) -> str:
    """`text` without trailing blanks and without one final period (an ellipsis stays)."""
    text = text.rstrip()
    return text[:-1] if text.endswith(".") and not text.endswith("...") else text
