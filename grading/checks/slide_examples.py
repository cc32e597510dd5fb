"""The slides' worked examples, read from `solution/slide_examples.toml` (the file says
what an entry holds). The engine holds no slide number: the hidden checks, the notebook
and the hard-coding detector take every input and printed value from here.

`load(path)` checks the file and raises `SlideExampleError` with one line naming the file
and the example; `examples()` is the kit's own file, read once. `SlideExample.evaluate`
runs an example's calls on a package (the reference solution, in the grader), which gives
the unrounded value of every printed quantity.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from grading.course.assignment import AuthoringError
from grading.course.paths import KIT_ROOT, SOLUTION_DIR

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the kit depends on tomli there
    import tomli as tomllib

SLIDE_EXAMPLES_FILE = SOLUTION_DIR / "slide_examples.toml"

Input = np.ndarray | float | str | tuple[str, ...]
"""An input: a float64 array (from a list of numbers), a number, a string, or strings."""

Arg = str | tuple["Arg", ...]
"""A call's argument: the name of an input or earlier return, or a list of such (a list)."""

_EXAMPLE_KEYS = {"name", "slides", "decimals", "inputs", "printed", "tolerance_of", "calls"}
_CALL_KEYS = {"function", "args", "returns"}


class SlideExampleError(AuthoringError):
    """A malformed slide-examples file; the one-line message names the file and example."""


@dataclass(frozen=True)
class Call:
    """One function call of an example: `function` is MODULE.NAME in the package; `returns`
    names its result (`single`) or the entries of the tuple it returns."""

    function: str
    args: tuple[Arg, ...]
    returns: tuple[str, ...]
    single: bool


@dataclass(frozen=True)
class SlideExample:
    """One worked example of the slides. `printed` holds float64 arrays (0-d for a number)
    as the slides print them, rounded to `decimals` (None: the slides print exact values)."""

    name: str
    slides: str
    decimals: int | None
    inputs: Mapping[str, Input]
    printed: Mapping[str, np.ndarray]
    tolerance_of_value: Mapping[str, float]
    calls: tuple[Call, ...]

    @property
    def tolerance(self) -> float:
        """Half a unit of the last printed decimal (0 for exact values): the absolute error
        within which a value rounds to the printed one."""
        return 0.0 if self.decimals is None else 0.5 * 10.0**-self.decimals

    def tolerance_for(self, name: str) -> float:
        """The tolerance of printed value `name` (wider where the file says why)."""
        return self.tolerance_of_value.get(name, self.tolerance)

    def input(self, name: str) -> Any:
        """Input `name` (a KeyError names the example when there is none)."""
        if name not in self.inputs:
            raise KeyError(f"slide example {self.name!r} has no input {name!r}")
        return self.inputs[name]

    def value(self, name: str) -> np.ndarray:
        """Printed value `name`, as a float64 array."""
        if name not in self.printed:
            raise KeyError(f"slide example {self.name!r} prints no value {name!r}")
        return self.printed[name]

    def text(self, name: str) -> str:
        """Printed value or input `name` as the slides write it: `0.1250`, `(0.25, 0.75)`,
        `((0.25, 0.75), (-0.5, 1))` (a single row prints as a vector)."""
        if name in self.printed:
            return format_value(self.printed[name], self.decimals)
        return format_value(self.input(name), None)

    def evaluate(self, package: Callable[[str], ModuleType]) -> dict[str, Any]:
        """Every input and every value the calls return, by name, computed with the
        functions of `package(module)` (e.g. the reference solution's modules)."""
        values: dict[str, Any] = dict(self.inputs)
        for call in self.calls:
            module, function = call.function.rsplit(".", 1)
            result = getattr(package(module), function)(*(_resolve(a, values) for a in call.args))
            if call.single:
                values[call.returns[0]] = result
            else:
                values.update(zip(call.returns, tuple(result), strict=True))
        return values


def format_value(value: Any, decimals: int | None) -> str:
    """`value` for prose: numbers with `decimals` decimals (None: shortest form), vectors
    and matrices in parentheses, a 1-row matrix as a vector, strings as they are."""
    if isinstance(value, str):
        return value
    if isinstance(value, tuple):
        return ", ".join(value)
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 2 and arr.shape[0] == 1:
        arr = arr[0]
    if arr.ndim == 1 and arr.size == 1:
        arr = arr[0]

    def number(v: float) -> str:
        text = f"{v:.{decimals}f}" if decimals is not None else f"{v:g}"
        return text[1:] if text.startswith("-") and float(text) == 0 else text

    def nested(a: np.ndarray) -> str:
        if a.ndim == 0:
            return number(float(a))
        return "(" + ", ".join(nested(row) for row in a) + ")"

    return nested(arr)


def compact(value: Any) -> str:
    """An array as a short nested list for messages: `[[1, 2]]`, `[-0.25, 0.5, 3]`."""
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        return f"{float(arr):g}"
    return "[" + ", ".join(compact(row) for row in arr) + "]"


def literal(value: Any) -> str:
    """`value` as a Python literal for a code cell: `[[1.0, 2.0]]`, `0.25`, `'sigmoid'`."""
    if isinstance(value, np.ndarray):
        return repr(value.tolist())
    if isinstance(value, tuple):
        return repr(list(value))
    return repr(value)


def _resolve(arg: Arg, values: Mapping[str, Any]) -> Any:
    if isinstance(arg, tuple):
        return [_resolve(a, values) for a in arg]
    return values[arg]


# -- reading and checking the file -----------------------------------------------------


def load(path: Path = SLIDE_EXAMPLES_FILE) -> dict[str, SlideExample]:
    """The examples of `path` by name, checked (see the file's header)."""
    where = _display(path)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SlideExampleError(f"{where}: cannot be read ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise SlideExampleError(f"{where}: not valid TOML: {exc}") from None
    extra = sorted(set(document) - {"example"})
    if extra:
        raise SlideExampleError(f"{where}: unknown table {extra[0]!r}; use [[example]]")
    entries = document.get("example")
    if not isinstance(entries, list) or not entries:
        raise SlideExampleError(f"{where}: no [[example]] entries")
    found: dict[str, SlideExample] = {}
    for number, entry in enumerate(entries, start=1):
        example = _example(entry, f"{where}: example {number}")
        if example.name in found:
            raise SlideExampleError(f"{where}: example {example.name!r} is defined twice")
        found[example.name] = example
    return found


_loaded: dict[str, SlideExample] = {}


def examples() -> dict[str, SlideExample]:
    """The kit's examples, `solution/slide_examples.toml`, read once."""
    if not _loaded:
        _loaded.update(load(SLIDE_EXAMPLES_FILE))
    return _loaded


def example(name: str) -> SlideExample:
    """The kit's example `name`; a KeyError lists the names there are."""
    everything = examples()
    if name not in everything:
        raise KeyError(f"no slide example {name!r} in {_display(SLIDE_EXAMPLES_FILE)}")
    return everything[name]


def _example(entry: Any, where: str) -> SlideExample:
    if not isinstance(entry, dict):
        raise SlideExampleError(f"{where}: is not a table")
    name = entry.get("name")
    if not isinstance(name, str) or not name.isidentifier():
        raise SlideExampleError(f"{where}: needs a name (letters, digits and _), got {name!r}")
    where = f"{where.rsplit(': example', 1)[0]}: example {name!r}"
    unknown = sorted(set(entry) - _EXAMPLE_KEYS)
    if unknown:
        raise SlideExampleError(f"{where}: unknown key {unknown[0]!r}")
    slides = entry.get("slides")
    if not isinstance(slides, str) or not slides.strip():
        raise SlideExampleError(f'{where}: needs slides = "..." (where the lecture shows it)')
    decimals = entry.get("decimals")
    if decimals is not None and (type(decimals) is not int or not 0 <= decimals <= 12):
        raise SlideExampleError(
            f"{where}: decimals should be a whole number 0-12, got {decimals!r}"
        )
    inputs = {
        key: _input(value, f"{where}: input {key!r}")
        for key, value in _table(entry, "inputs", where).items()
    }
    printed = {
        key: _numbers(value, f"{where}: printed value {key!r}")
        for key, value in _table(entry, "printed", where).items()
    }
    if not printed:
        raise SlideExampleError(f"{where}: [example.printed] is empty")
    tolerance_of: dict[str, float] = {}
    for key, value in entry.get("tolerance_of", {}).items():
        if key not in printed:
            raise SlideExampleError(f"{where}: tolerance_of names {key!r}, which is not printed")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise SlideExampleError(f"{where}: tolerance_of {key!r} should be a positive number")
        tolerance_of[key] = float(value)
    calls = _calls(entry.get("calls", []), set(inputs), where)
    if calls:
        returned = {name for call in calls for name in call.returns}
        missing = [key for key in printed if key not in returned]
        if missing:
            raise SlideExampleError(f"{where}: printed value {missing[0]!r} is returned by no call")
    return SlideExample(name, slides, decimals, inputs, printed, tolerance_of, calls)


def _table(entry: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    table = entry.get(key)
    if not isinstance(table, dict):
        raise SlideExampleError(f"{where}: needs an [example.{key}] table")
    return table


def _input(value: Any, where: str) -> Input:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    arr = _numbers(value, where)
    return float(arr) if arr.ndim == 0 else arr


def _numbers(value: Any, where: str) -> np.ndarray:
    """A number or a (nested, rectangular) list of numbers as a float64 array."""

    def ok(v: Any) -> bool:
        if isinstance(v, list):
            return bool(v) and all(ok(x) for x in v)
        return not isinstance(v, bool) and isinstance(v, (int, float)) and math.isfinite(v)

    if not ok(value):
        raise SlideExampleError(f"{where} should be a number or a list of numbers, got {value!r}")
    try:
        return np.array(value, dtype=np.float64)
    except ValueError:
        raise SlideExampleError(f"{where} has rows of different lengths") from None


def _calls(entries: Any, inputs: set[str], where: str) -> tuple[Call, ...]:
    if not isinstance(entries, list):
        raise SlideExampleError(f"{where}: calls should be [[example.calls]] tables")
    known = set(inputs)
    calls = []
    for number, entry in enumerate(entries, start=1):
        here = f"{where}: call {number}"
        if not isinstance(entry, dict):
            raise SlideExampleError(f"{here} is not a table")
        unknown = sorted(set(entry) - _CALL_KEYS)
        if unknown:
            raise SlideExampleError(f"{here}: unknown key {unknown[0]!r}")
        function = entry.get("function")
        if not isinstance(function, str) or function.count(".") != 1:
            raise SlideExampleError(f'{here}: function should be "MODULE.NAME", got {function!r}')
        args = entry.get("args", [])
        if not isinstance(args, list):
            raise SlideExampleError(f"{here}: args should be a list of names")
        for name in _names(args):
            if not isinstance(name, str) or name not in known:
                raise SlideExampleError(f"{here}: argument {name!r} is no input or earlier return")
        returns = entry.get("returns")
        single = isinstance(returns, str)
        names = [returns] if single else returns
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            raise SlideExampleError(f"{here}: returns should be a name or a list of names")
        taken = [n for n in names if n in known]
        if taken:
            raise SlideExampleError(f"{here}: returns {taken[0]!r}, a name already in use")
        known.update(names)
        calls.append(Call(function, tuple(_arg(a) for a in args), tuple(names), single))
    return tuple(calls)


def _names(args: list[Any]) -> list[Any]:
    out: list[Any] = []
    for arg in args:
        out += _names(arg) if isinstance(arg, list) else [arg]
    return out


def _arg(arg: Any) -> Arg:
    return tuple(_arg(a) for a in arg) if isinstance(arg, list) else arg


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(KIT_ROOT.resolve()).as_posix()
    except ValueError:
        return str(path)
