"""Shared set-up of the public tests: the `part` marker and a per-part summary.

Run all public tests with `pytest` from the assignment folder, or one part with
`pytest tests/test_activations.py`. At the end you get one line per part, like

    Part 1 activations  5/6 passed   1 failing: test_relu_slide_formula

These tests are only the slide examples and a few sanity checks; the autograder runs
more (random inputs, other shapes, gradient checks), so passing here is a good start,
not a guarantee. The slides' numbers are in `slide_examples.toml`, next to `tests/`; a
test gets them with its `slides` argument, e.g. `slides["hidden_layer"].printed["a1"]`.
"""

import re
import sys
from pathlib import Path

import numpy as np
import pytest

# The folder that holds nnbasics/ (the parent of tests/) goes first on sys.path, so the
# tests find your package even if you have not run `pip install -e .`.
_PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent)
if _PACKAGE_ROOT in sys.path:
    sys.path.remove(_PACKAGE_ROOT)
sys.path.insert(0, _PACKAGE_ROOT)

SLIDE_EXAMPLES = Path(__file__).resolve().parent.parent / "slide_examples.toml"


class SlideExample:
    """One worked example of the slides: `inputs` and `printed` (the values the slides
    show, rounded as shown) by name, numbers as numpy arrays; `tolerance(name)` is how far
    a value may be from the printed one and still round to it."""

    def __init__(self, entry):
        self.name = entry["name"]
        self.slides = entry["slides"]
        decimals = entry.get("decimals")
        self._tolerance = 0.0 if decimals is None else 0.5 * 10.0**-decimals
        self._tolerance_of = entry.get("tolerance_of", {})
        self.inputs = {key: _as_array(value) for key, value in entry["inputs"].items()}
        self.printed = {
            key: np.array(value, dtype=float) for key, value in entry["printed"].items()
        }

    def tolerance(self, name):
        return self._tolerance_of.get(name, self._tolerance)

    def matches(self, actual, name):
        """True when `actual` has the shape of printed value `name` and rounds to it."""
        expected = self.printed[name]
        actual = np.asarray(actual, dtype=float)
        return actual.shape == expected.shape and bool(
            np.allclose(actual, expected, rtol=0.0, atol=self.tolerance(name))
        )


def _as_array(value):
    if isinstance(value, str) or (isinstance(value, list) and isinstance(value[0], str)):
        return value
    return np.array(value, dtype=float)


@pytest.fixture(scope="session")
def slides():
    """The slides' worked examples by name, from slide_examples.toml."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        try:
            import tomli as tomllib
        except ModuleNotFoundError:
            pytest.exit("the tests need Python 3.11 or newer, or `pip install tomli`", 2)
    with open(SLIDE_EXAMPLES, "rb") as file:
        document = tomllib.load(file)
    return {entry["name"]: SlideExample(entry) for entry in document["example"]}


_NOT_STARTED_PART = re.compile(r"Part (\d+) \((\w+)\)")

_parts = {}  # part number -> module name
_part_of = {}  # test nodeid -> part number
_order = []  # test nodeids in collection order
_outcome = {}  # test nodeid -> "passed" | "failed" | "skipped" | "not started"
_waiting_for = {}  # test nodeid -> the NotImplementedError message it stopped at


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "part(number, module): the assignment part a public test belongs to"
    )


def pytest_collection_modifyitems(session, config, items):
    for item in items:
        marker = item.get_closest_marker("part")
        if marker is None:
            continue
        number, module = marker.args
        _parts[number] = module
        _part_of[item.nodeid] = number
        _order.append(item.nodeid)


def _stubbed_constants():
    """{name: module name} of every constant of your package still set to NotImplemented
    (how the handout leaves a constant for you to set, like XOR_PARAMS)."""
    found = {}
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if not path:
            continue
        path = Path(path).resolve()
        if str(path.parent.parent) != _PACKAGE_ROOT or path.parent.name == "tests":
            continue
        for name, value in list(vars(module).items()):
            if value is NotImplemented:
                found.setdefault(name, path.stem)
    return found


def _names_used(function):
    """The names a test's code reads, also in its nested code and in the helper functions
    of its own file that it calls."""
    names, seen, todo = set(), set(), [function]
    while todo:
        func = todo.pop()
        codes = [getattr(func, "__code__", None)]
        while codes:
            code = codes.pop()
            if code is None or id(code) in seen:
                continue
            seen.add(id(code))
            names.update(code.co_names)
            codes += [c for c in code.co_consts if hasattr(c, "co_names")]
            for name in code.co_names:
                helper = func.__globals__.get(name)
                if callable(helper) and getattr(helper, "__module__", None) == func.__module__:
                    todo.append(helper)
    return names


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item):
    # A test that reads a constant you have not set yet stops as "not started yet", like
    # one that calls a function that still raises NotImplementedError.
    function = getattr(item, "function", None)
    stubbed = _stubbed_constants() if function is not None else {}
    for name in sorted(set(stubbed) & _names_used(function)):
        module = stubbed[name]
        number = next((n for n, m in _parts.items() if m == module), None)
        where = f"Part {number} ({module})" if number is not None else module
        raise NotImplementedError(f"{where}: set {name} (it is still NotImplemented)")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    excinfo = call.excinfo
    if report.failed and excinfo is not None and excinfo.errisinstance(NotImplementedError):
        # A stub that is still in place: one plain line instead of a traceback.
        message = str(excinfo.value) or "NotImplementedError"
        _waiting_for[item.nodeid] = message
        report.longrepr = f"not started yet: {message}"
    return report


def pytest_runtest_logreport(report):
    nodeid = report.nodeid
    if nodeid not in _part_of:
        return
    if report.failed:
        _outcome[nodeid] = "not started" if nodeid in _waiting_for else "failed"
    elif report.skipped and _outcome.get(nodeid) is None:
        _outcome[nodeid] = "skipped"
    elif report.passed and report.when == "call" and _outcome.get(nodeid) is None:
        _outcome[nodeid] = "passed"


def _part_line(number, module, nodeids):
    passed = [n for n in nodeids if _outcome.get(n) == "passed"]
    not_started = [n for n in nodeids if _outcome.get(n) == "not started"]
    failed = [n for n in nodeids if _outcome.get(n) == "failed"]
    line = f"Part {number} {module:<12} {len(passed)}/{len(nodeids)} passed"
    notes = []
    if not_started:
        if len(not_started) == len(nodeids):
            notes.append("not started yet")
        else:
            notes.append(f"{len(not_started)} not started yet")
        # Tests that stopped at another part's stub: say which part to do first.
        others = set()
        for nodeid in not_started:
            found = _NOT_STARTED_PART.search(_waiting_for.get(nodeid, ""))
            if found and int(found.group(1)) != number:
                others.add(int(found.group(1)))
        if others:
            notes.append("needs " + ", ".join(f"Part {p}" for p in sorted(others)) + " first")
    if failed:
        names = ", ".join(n.split("::")[-1] for n in failed[:3])
        if len(failed) > 3:
            names += ", ..."
        notes.append(f"{len(failed)} failing: {names}")
    if notes:
        line += "   " + "; ".join(notes)
    return line


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter, exitstatus, config):
    # Outermost wrapper: our lines come after pytest's own summaries (failures, short
    # test summary info), just before the final "N passed, M failed" line.
    result = yield
    _write_summary(terminalreporter)
    return result


def _write_summary(terminalreporter):
    if not _order:
        return
    by_part = {}
    for nodeid in _order:
        if nodeid in _outcome:  # ran in this session (not deselected)
            by_part.setdefault(_part_of[nodeid], []).append(nodeid)
    if not by_part:
        return
    write = terminalreporter.write_line
    terminalreporter.write_sep("=", "nnbasics: public tests by part")
    for number in sorted(by_part):
        write(_part_line(number, _parts[number], by_part[number]))
    ran = [n for ids in by_part.values() for n in ids]
    passed = sum(_outcome[n] == "passed" for n in ran)
    if all(_outcome[n] in ("passed", "skipped") for n in ran):
        write(
            f"{passed} of {len(ran)} public tests pass. The autograder checks more (random inputs, "
            "other shapes, gradient checks), so test beyond the slides too."
        )
    else:
        todo = next(
            number
            for number in sorted(by_part)
            if any(_outcome[n] in ("failed", "not started") for n in by_part[number])
        )
        write(
            f"{passed} of {len(ran)} public tests pass. Next: Part {todo} ({_parts[todo]}); "
            f"run `pytest tests/test_{_parts[todo]}.py` to see its failures alone."
        )
