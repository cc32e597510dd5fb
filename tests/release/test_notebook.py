"""The notebook handout: built from solution/notebook.py, deterministic, free of solution
lines, and executed in a real kernel with the solution (no error, every plot) and with the
stubs (one line naming the function to write, no traceback)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from kit_copy import kit_copy

from grading.checks import slide_examples
from grading.checks.points import scored_parts
from grading.course.paths import SOLUTION_DIR
from grading.release.notebook import (
    NOTEBOOK_SOURCE,
    NotebookSourceError,
    build_notebook,
    parse_source,
    read_source,
    stubbed_names,
)
from grading.release.student_release import build_release, solution_lines

PARTS = scored_parts()  # the parts with their points, from the assignment's data

PLOTS = NOTEBOOK_SOURCE.read_text(encoding="utf-8").count("plt.show()")


def test_the_source_has_one_solution_and_one_check_cell_per_part():
    cells = read_source()
    assert [c.module for c in cells if c.kind == "solution"] == [p.module for p in PARTS]
    assert [c.module for c in cells if c.kind == "check"] == [p.module for p in PARTS]
    assert [c.kind for c in cells].count("setup") == 1
    assert PLOTS >= 7  # activations, loss, AND/XOR, graph, XOR regions, loss curve, boundaries


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "# %% [setup]\n# %% [solution]\n",
            "line 2: [solution] needs a part, e.g. [solution] " + PARTS[0].module,
        ),
        ("# %% [setup]\n# %%\n", "line 2: empty code cell"),
        (
            "# %% [setup]\n# %% [markdown]\nnot a comment\n",
            "line 3: a Markdown line starts with '# ' (or is '#')",
        ),
        ("# %% [setup]\nx = 1\n", "line 2: a [setup] cell is generated: leave it empty"),
        ("# %% [markdown]\n# hello\n", "line 2: needs exactly one [setup] cell"),
        (
            "# %% [setup]\n# %% [markdown] intro\n",
            "line 2: [markdown] takes no argument, got 'intro'",
        ),
        (
            "# %% [setup]\n# %% [markdown]\n# {{no_such_example.x}}\n",
            "line 3: no slide example 'no_such_example' in solution/slide_examples.toml",
        ),
        (
            "# %% [setup]\n# %% [markdown]\n# {{hidden_layer.a9}}\n",
            "line 3: slide example 'hidden_layer' has no input or printed value 'a9'",
        ),
        (
            "# %% [setup]\n# %% [markdown]\n# {{hidden_layer}}\n",
            "line 3: '{{' starts no slide-example value; write {{EXAMPLE.NAME}}",
        ),
    ],
)
def test_a_malformed_source_is_a_one_line_error_naming_the_line(text, message):
    with pytest.raises(NotebookSourceError) as caught:
        parse_source(text, "solution/notebook.py")
    assert str(caught.value).startswith(f"solution/notebook.py {message}")


def test_slide_values_are_filled_in_as_printed_in_prose_and_as_literals_in_code():
    hidden = slide_examples.example("hidden_layer")
    text = (
        "# %% [setup]\n# %% [markdown]\n# a1 = {{hidden_layer.a1}} ({{hidden_layer.slides}})\n"
        "# %%\n# a1 = {{hidden_layer.a1}}\na1 = {{ hidden_layer.a1 }}\n"
    )
    with pytest.raises(NotebookSourceError):  # (no parts: the structure check comes last)
        parse_source(text)
    cells = parse_source(text + _all_parts(), "solution/notebook.py")
    assert cells[1].text == f"a1 = {hidden.text('a1')} ({hidden.slides})"
    literal = repr(hidden.value("a1").tolist())
    assert cells[2].text == f"# a1 = {hidden.text('a1')}\na1 = {literal}"


def _all_parts() -> str:
    return "".join(f"# %% [solution] {p.module}\n# %% [check] {p.module}\n" for p in PARTS)


def test_the_parts_cells_must_come_in_part_order():
    text = "# %% [setup]\n" + "".join(
        f"# %% [solution] {p.module}\n# %% [check] {p.module}\n" for p in reversed(PARTS)
    )
    with pytest.raises(NotebookSourceError, match="out of order"):
        parse_source(text)


# -- authoring mistakes through the real `nnkit release`, on a copy of the kit ------------


def _release_with(nnkit, tmp_path: Path, edit) -> tuple[int, str, int]:
    """`nnkit release` on a kit copy whose notebook source `edit(lines)` changed in place;
    returns the exit code, stderr and the (1-based) line `edit` returned."""
    root = kit_copy(tmp_path)
    source = root / "solution" / "notebook.py"
    lines = source.read_text(encoding="utf-8").splitlines()
    number = edit(lines)
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = nnkit("release", env={**os.environ, "NNKIT_ROOT": str(root)})
    return proc.returncode, proc.stderr, number


def _marker(lines: list[str], marker: str) -> int:
    return lines.index(marker)


def test_release_names_a_marker_out_of_order(nnkit, tmp_path):
    first, second = PARTS[0].module, PARTS[1].module

    def swap(lines):
        i, j = _marker(lines, f"# %% [check] {first}"), _marker(lines, f"# %% [solution] {second}")
        lines[i], lines[j] = lines[j], lines[i]
        return i + 1

    code, err, line = _release_with(nnkit, tmp_path, swap)
    assert (code, err) == (
        2,
        f"nnkit: error: solution/notebook.py line {line}: [solution] {second} comes before "
        f"[check] {first}: each part's [check] cell follows its [solution] cell\n",
    )


def test_release_names_an_unknown_marker(nnkit, tmp_path):
    def unknown(lines):
        i = _marker(lines, "# %% [setup]")
        lines[i] = "# %% [plots]"
        return i + 1

    code, err, line = _release_with(nnkit, tmp_path, unknown)
    assert (code, err) == (
        2,
        f"nnkit: error: solution/notebook.py line {line}: unknown cell marker [plots]; the "
        "markers are '# %%', '# %% [markdown]', '# %% [setup]', '# %% [solution] PART', "
        "'# %% [check] PART'\n",
    )


def test_release_names_a_check_cell_for_an_unknown_part(nnkit, tmp_path):
    module = PARTS[-1].module

    def rename(lines):
        i = _marker(lines, f"# %% [check] {module}")
        lines[i] = "# %% [check] softmax"
        return i + 1

    code, err, line = _release_with(nnkit, tmp_path, rename)
    parts = ", ".join(p.module for p in PARTS)
    assert (code, err) == (
        2,
        f"nnkit: error: solution/notebook.py line {line}: [check] softmax: no part 'softmax'; "
        f"the parts are {parts}\n",
    )


def test_release_names_a_missing_stub(nnkit, tmp_path):
    module = PARTS[1].module

    def drop(lines):
        del lines[_marker(lines, f"# %% [solution] {module}")]
        return _marker(lines, f"# %% [check] {module}") + 1

    code, err, line = _release_with(nnkit, tmp_path, drop)
    assert (code, err) == (
        2,
        f"nnkit: error: solution/notebook.py line {line}: [check] {module} has no [solution] "
        f"{module} cell before it (where the student is told what to write)\n",
    )


def test_release_names_a_part_without_a_solution_region(nnkit, tmp_path):
    module = PARTS[0].module
    root = kit_copy(tmp_path)
    path = root / "solution" / "nnbasics" / f"{module}.py"
    kept = [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() not in ("# BEGIN SOLUTION", "# END SOLUTION")
        and not line.lstrip().startswith("# STUB:")
    ]
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    lines = (root / "solution" / "notebook.py").read_text(encoding="utf-8").splitlines()
    line = lines.index(f"# %% [solution] {module}") + 1
    proc = nnkit("release", env={**os.environ, "NNKIT_ROOT": str(root)})
    assert (proc.returncode, proc.stderr) == (
        2,
        f"nnkit: error: solution/notebook.py line {line}: [solution] {module}: "
        f"solution/nnbasics/{module}.py has no solution region, so there is nothing for the "
        "student to write\n",
    )


def test_stubbed_names_are_what_the_student_writes():
    assert stubbed_names("activations") == [
        "sigmoid",
        "sigmoid_grad",
        "tanh",
        "tanh_grad",
        "relu",
        "relu_grad",
    ]
    assert stubbed_names("neuron")[-1] == "AND_THETA"
    assert "XOR_PARAMS" in stubbed_names("network")
    graph = stubbed_names("graph")
    assert "Value.__add__" in graph and "Value.backward" in graph
    assert "Value.__radd__" not in graph  # written in terms of __add__, not a stub


def test_the_notebook_is_deterministic_valid_json_without_outputs():
    nbformat = pytest.importorskip("nbformat")
    text = build_notebook()
    assert text == build_notebook()
    nb = nbformat.reads(text, as_version=4)
    nbformat.validate(nb)
    assert nbformat.writes(nb) + "\n" == text  # byte for byte what Jupyter would save
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    assert sum(f'check("{p.module}")' == c.source for p in PARTS for c in code) == len(PARTS)
    assert nb.metadata.kernelspec.name == "python3"


def test_the_notebook_holds_no_solution_line():
    text = json.loads(build_notebook())
    sources = "\n".join("".join(cell["source"]) for cell in text["cells"])
    for path in sorted((SOLUTION_DIR / "nnbasics").glob("*.py")):
        leaked = {line for line in solution_lines(path.read_text()) if line in sources}
        assert leaked == set(), path.name
    assert "BEGIN SOLUTION" not in sources and "# STUB" not in sources


def _handout(tmp_path: Path, with_solution: bool) -> Path:
    """The release in a folder, with the solution's package in place of the stubs if asked."""
    folder = tmp_path / "handout"
    for rel, text in build_release().items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
    if with_solution:
        for path in (SOLUTION_DIR / "nnbasics").glob("*.py"):
            shutil.copyfile(path, folder / "nnbasics" / path.name)
    return folder


def _execute(folder: Path, allow_errors: bool):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("matplotlib")
    nb = nbformat.reads(build_notebook(), as_version=4)
    client = nbclient.NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        allow_errors=allow_errors,
        resources={"metadata": {"path": str(folder)}},
    )
    client.execute()
    return nb


def _outputs(nb, kind):
    return [
        (cell, out)
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.output_type == kind
    ]


@pytest.mark.slow  # a real kernel runs the whole notebook, about 15 s
def test_the_notebook_runs_top_to_bottom_on_the_solution(tmp_path):
    nb = _execute(_handout(tmp_path, with_solution=True), allow_errors=False)
    assert _outputs(nb, "error") == []
    images = [out for _, out in _outputs(nb, "display_data") if "image/png" in out.data]
    assert len(images) == PLOTS
    printed = "".join(out.text for _, out in _outputs(nb, "stream"))
    for part in PARTS:
        assert f"Part {part.number} {part.module}" in printed
    assert printed.count("public tests pass. The autograder checks more") == len(PARTS)
    logistic = slide_examples.example("logistic_regression")
    graph = slide_examples.example("backward_differentiation")
    assert f"loss = {logistic.text('loss')}" in printed  # the slides' numbers
    assert f"dL/dx = {graph.text('dL_dx')}" in printed
    assert "predictions: [0 1 1 0]" in printed  # XOR learned


@pytest.mark.slow  # a real kernel runs the whole notebook, about 15 s
def test_with_the_stubs_a_cell_names_the_function_to_write_in_one_line(tmp_path):
    nb = _execute(_handout(tmp_path, with_solution=False), allow_errors=True)
    errors = _outputs(nb, "error")
    assert len(errors) >= len(PARTS)  # at least one per part
    for cell, out in errors:
        assert out.ename == "NotImplementedError", cell.source
        assert len(out.traceback) == 1, out.traceback  # one line, no traceback
        assert "implement " in out.traceback[0] and "then run this cell again" in out.traceback[0]
    first = errors[0][1].traceback[0]
    assert "Part 1 (activations): implement sigmoid (nnbasics/activations.py)" in first
    printed = "".join(out.text for _, out in _outputs(nb, "stream"))
    assert printed.count("not started yet") >= len(PARTS)


class _Shell:
    """The two display calls of IPython's shell that show_short_error makes, recorded."""

    def __init__(self) -> None:
        self.shown: list[str] = []
        self.InteractiveTB = self

    def get_exception_only(self, etype: type, value: BaseException) -> list[str]:
        return [f"{etype.__name__}: {value}"]

    def _showtraceback(self, etype: type, value: BaseException, stb: list[str]) -> None:
        self.shown += stb

    def showtraceback(self, exc_tuple: tuple, tb_offset: int | None = None) -> None:
        self.shown.append(f"full traceback of {exc_tuple[0].__name__}")


def _error_of_cell(cell: str, namespace: dict) -> tuple:
    try:
        exec(compile(cell, "<cell>", "exec"), namespace)
    except Exception as exc:  # noqa: BLE001 - the error a notebook cell would show
        return type(exc), exc, exc.__traceback__.tb_next
    raise AssertionError("the cell ran")


def test_a_cell_that_reads_a_constant_still_not_implemented_names_it():
    from grading.release.notebook import show_short_error

    namespace = {"XOR_PARAMS": NotImplemented, "forward": lambda params: len(params)}
    shell = _Shell()
    show_short_error(shell, *_error_of_cell("forward(XOR_PARAMS)", namespace))
    assert shell.shown == [
        "NotImplementedError: set XOR_PARAMS (it is still NotImplemented), then run this cell again"
    ]
    other = _Shell()  # any other TypeError keeps its usual traceback
    show_short_error(other, *_error_of_cell("forward(3)", namespace))
    assert other.shown == ["full traceback of TypeError"]
