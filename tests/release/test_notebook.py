"""The notebook handout: built from solution/notebook.py, deterministic, free of solution
lines, and executed in a real kernel with the solution (no error, every plot) and with the
stubs (one line naming the function to write, no traceback)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

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
        ("# %% [setup]\n# %% [solution] nope\n", "needs a part's module"),
        ("# %% [setup]\n# %%\n", "empty code cell"),
        ("# %% [setup]\n# %% [markdown]\nnot a comment\n", "notebook.py:3: a Markdown line"),
        ("# %% [setup]\nx = 1\n", "notebook.py:1: a [setup] cell is generated"),
        ("# %% [plots]\n", "unknown cell kind [plots]"),
        ("# %%[markdown]\n", "notebook.py:1: bad cell marker"),
        ("# %% [markdown]\n# hello\n", "exactly one [setup] cell"),
    ],
)
def test_a_malformed_source_is_a_clear_error(text, message):
    with pytest.raises(NotebookSourceError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_source(text, "solution/notebook.py")


def test_the_parts_cells_must_come_in_part_order():
    text = "# %% [setup]\n" + "".join(
        f"# %% [solution] {p.module}\n# %% [check] {p.module}\n" for p in reversed(PARTS)
    )
    with pytest.raises(NotebookSourceError, match="in this order"):
        parse_source(text)


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


def test_the_notebook_runs_top_to_bottom_on_the_solution(tmp_path):
    nb = _execute(_handout(tmp_path, with_solution=True), allow_errors=False)
    assert _outputs(nb, "error") == []
    images = [out for _, out in _outputs(nb, "display_data") if "image/png" in out.data]
    assert len(images) == PLOTS
    printed = "".join(out.text for _, out in _outputs(nb, "stream"))
    for part in PARTS:
        assert f"Part {part.number} {part.module}" in printed
    assert printed.count("public tests pass. The autograder checks more") == len(PARTS)
    assert "0.7444" in printed and "dL/dx = -4" in printed  # the slides' numbers
    assert "predictions: [0 1 1 0]" in printed  # XOR learned


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
