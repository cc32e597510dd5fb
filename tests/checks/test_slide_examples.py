"""The slides' worked examples, solution/slide_examples.toml: the solution reproduces every
printed value within the tolerance its rounding implies, a malformed file is a one-line
error naming the file and the example, and the public tests read the same values."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
from kit_copy import changed_logistic_example, kit_copy

from grading.checks.reference import ref
from grading.checks.slide_examples import (
    SLIDE_EXAMPLES_FILE,
    SlideExample,
    SlideExampleError,
    examples,
    format_value,
    load,
)
from grading.release.exports import notebook_slides

EXAMPLES = examples()


def _graph_values(example: SlideExample) -> dict[str, float]:
    """The example without calls, L = (x + y) z, built with the solution's `Value`."""
    x, y, z = (ref.graph.Value(example.input(name)) for name in ("x", "y", "z"))
    q = x + y
    L = q * z
    L.backward()
    nodes = {"x": x, "y": y, "z": z, "q": q}
    values = {"q": q.data, "L": L.data}
    values.update({f"dL_d{name}": node.grad for name, node in nodes.items()})
    return values


BUILT_BY_THE_TEST = {"backward_differentiation": _graph_values}
"""Examples whose consumers build them (no calls): how this test builds each."""


def _exact(example: SlideExample) -> dict:
    if example.calls:
        return example.evaluate(lambda module: getattr(ref, module))
    return BUILT_BY_THE_TEST[example.name](example)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_the_solution_reproduces_every_printed_value(name):
    example = EXAMPLES[name]
    exact = _exact(example)
    for key, printed in example.printed.items():
        got = np.asarray(exact[key], dtype=np.float64)
        assert got.shape == printed.shape, (name, key)
        error = float(np.max(np.abs(got - printed)))
        assert error <= example.tolerance_for(key), (name, key, got, printed)
        if key in example.tolerance_of_value:  # a wider tolerance only where it is needed
            assert error > example.tolerance, (name, key)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_printed_values_have_the_printed_decimals(name):
    example = EXAMPLES[name]
    for key, printed in example.printed.items():
        decimals = 0 if example.decimals is None else example.decimals
        assert np.array_equal(np.round(printed, decimals), printed), (name, key)


def test_every_example_without_calls_is_built_here():
    assert {n for n, e in EXAMPLES.items() if not e.calls} == set(BUILT_BY_THE_TEST)


def test_the_public_tests_read_the_same_examples():
    public = notebook_slides()  # solution/tests/conftest.py's SlideExample, on the same data
    assert set(public) == set(EXAMPLES)
    for name, example in EXAMPLES.items():
        theirs = public[name]
        assert theirs.slides == example.slides
        assert set(theirs.printed) == set(example.printed)
        for key, value in example.printed.items():
            assert np.array_equal(theirs.printed[key], value)
            assert theirs.tolerance(key) == example.tolerance_for(key)
        for key, value in example.inputs.items():
            mine = list(value) if isinstance(value, tuple) else value
            assert np.array_equal(np.asarray(theirs.inputs[key]), np.asarray(mine)), (name, key)


def test_values_read_as_the_slides_print_them():
    assert format_value(np.array([[0.625, 0.5]]), 2) == "(0.62, 0.50)"
    assert format_value(np.array([[1.0, 2.0], [3.0, 4.0]]), None) == "((1, 2), (3, 4))"
    assert format_value(np.array([[-0.0001]]), 2) == "0.00"
    assert format_value(-4.0, None) == "-4"


# -- a malformed file ------------------------------------------------------------------

GOOD = """
[[example]]
name = "e"
slides = "1a, 'Somewhere'"
decimals = 2
[example.inputs]
w = [1.0, 2.0]
[example.printed]
p = 0.5
[[example.calls]]
function = "m.f"
args = ["w"]
returns = "p"
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x = 1\n", "unknown table 'x'; use [[example]]"),
        ("", "no [[example]] entries"),
        (
            '[[example]]\nname = "a b"\n',
            "example 1: needs a name (letters, digits and _), got 'a b'",
        ),
        (GOOD.replace("slides = \"1a, 'Somewhere'\"", ""), "example 'e': needs slides = \"...\""),
        (GOOD.replace("decimals = 2", "decimal = 2"), "example 'e': unknown key 'decimal'"),
        (
            GOOD.replace("decimals = 2", "decimals = 2.5"),
            "example 'e': decimals should be a whole number 0-12, got 2.5",
        ),
        (
            GOOD.replace("p = 0.5", 'p = "half"'),
            "example 'e': printed value 'p' should be a number or a list of numbers, got 'half'",
        ),
        (
            GOOD.replace("p = 0.5", "p = [[1.0], [2.0, 3.0]]"),
            "example 'e': printed value 'p' has rows of different lengths",
        ),
        (
            GOOD.replace('args = ["w"]', 'args = ["v"]'),
            "example 'e': call 1: argument 'v' is no input",
        ),
        (
            GOOD.replace('function = "m.f"', 'function = "f"'),
            "example 'e': call 1: function should be \"MODULE.NAME\", got 'f'",
        ),
        (
            GOOD.replace('returns = "p"', 'returns = "r"'),
            "example 'e': printed value 'p' is returned by no call",
        ),
        (
            GOOD + "[example.tolerance_of]\nq = 0.1\n",
            "example 'e': tolerance_of names 'q', which is not printed",
        ),
        (GOOD + GOOD, "example 'e' is defined twice"),
        ("[[example]\n", "not valid TOML: "),
    ],
)
def test_a_malformed_file_is_a_one_line_error_naming_the_example(tmp_path, text, message):
    path = tmp_path / "slide_examples.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SlideExampleError) as caught:
        load(path)
    assert str(caught.value).startswith(f"{path}: {message}")
    assert "\n" not in str(caught.value)


def test_the_good_example_of_these_tests_loads(tmp_path):
    path = tmp_path / "slide_examples.toml"
    path.write_text(GOOD, encoding="utf-8")
    example = load(path)["e"]
    assert example.tolerance == 0.005 and example.text("p") == "0.50"


# -- through the real CLI, on a copy of the kit -------------------------------------------


@pytest.mark.parametrize(
    "command",
    [("release",), ("grade", "--local", "solution"), ("export", "otter", "OUT"), ("mutants",)],
    ids=["release", "grade", "export", "mutants"],
)
def test_every_command_names_a_malformed_example(nnkit, tmp_path, command):
    """An authoring mistake stops the command with one line: grading never charges the
    students' checks for it."""
    root = kit_copy(tmp_path)
    path = root / "solution" / "slide_examples.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('returns = "h"', 'returns = "h_of_x"', 1), encoding="utf-8")
    args = [str(tmp_path / "out") if arg == "OUT" else arg for arg in command]
    proc = nnkit(*args, cwd=tmp_path, env={**os.environ, "NNKIT_ROOT": str(root)})
    assert (proc.returncode, proc.stderr) == (
        2,
        "nnkit: error: solution/slide_examples.toml: example 'logistic_regression': printed "
        "value 'h' is returned by no call\n",
    )


def test_a_changed_example_reaches_the_public_tests_of_the_release(nnkit, tmp_path):
    root = kit_copy(tmp_path)
    new = changed_logistic_example(root, [0.3, -0.8, 0.45])
    assert not np.allclose(new.value("loss"), EXAMPLES["logistic_regression"].value("loss"))
    proc = nnkit("release", env={**os.environ, "NNKIT_ROOT": str(root)})
    assert proc.returncode == 0, proc.stderr
    released = load(root / "assignment" / "slide_examples.toml")["logistic_regression"]
    assert np.array_equal(released.value("loss"), new.value("loss"))
    # The public tests of the changed kit pass on its solution.
    shutil.copytree(
        root / "solution" / "nnbasics", root / "assignment" / "nnbasics", dirs_exist_ok=True
    )
    public = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=root / "assignment",
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert public.returncode == 0, public.stdout[-2000:]
    assert (
        SLIDE_EXAMPLES_FILE.read_text() != (root / "solution" / "slide_examples.toml").read_text()
    )
