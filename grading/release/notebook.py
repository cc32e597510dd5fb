"""The notebook handout `assignment/<package>.ipynb`, built from `solution/notebook.py`.

`solution/notebook.py` is a Python file of cells, one marker line each:

    # %% [markdown]            a text cell: every line is "# " + Markdown (or a bare "#")
    # %%                       a code cell, the same in every notebook made from the file
    # %% [setup]               the first code cell, written here per target (left empty)
    # %% [solution] MODULE     where part MODULE is implemented (left empty)
    # %% [check] MODULE        where part MODULE is checked (left empty)

Lines before the first marker are the file's own header. `{{EXAMPLE.NAME}}` anywhere in a
cell is a value of the slides' worked examples (`solution/slide_examples.toml`): in a
Markdown cell or a comment line as the slides print it, `(0.25, 0.75)`, in code as a
Python literal, `[[0.25, 0.75]]`; `{{EXAMPLE.slides}}` is where the lecture shows it. A
mistake in the file is a `NotebookSourceError` whose one-line message names the line.

The handout (`build_notebook`) turns `[solution] layers` into a note saying which
functions of `<package>/layers.py` to write and `[check] layers` into `check("layers")`,
which runs `tests/test_layers.py`;
`grading.release.exports` turns the same file into nbgrader and otter-grader notebooks. Nothing
here imports nbformat: the JSON is written directly, deterministically (no outputs, no
execution counts, fixed metadata and cell ids).

The functions under "Runtime" run inside the student's kernel: their source is copied
into the setup cell, so they use nothing but the standard library.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grading.checks.points import scored_parts
from grading.checks.slide_examples import SlideExample, examples, literal
from grading.course.assignment import AuthoringError, assignment
from grading.course.paths import SOLUTION_DIR

NOTEBOOK_SOURCE = SOLUTION_DIR / "notebook.py"
NOTEBOOK_SOURCE_NAME = "solution/notebook.py"


def notebook_name() -> str:
    """`<package>.ipynb`: the notebook's file name, for the handout and the exports."""
    return f"{assignment().package}.ipynb"


MARKER_RE = re.compile(r"^# %%(?: \[(?P<kind>\w+)\](?: (?P<arg>\w+))?)?\s*$")
PLACEHOLDER_RE = re.compile(r"\{\{\s*(?P<example>\w+)\.(?P<name>\w+)\s*\}\}")
KINDS = ("code", "markdown", "setup", "solution", "check")

KERNEL_METADATA: dict[str, Any] = {
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}


class NotebookSourceError(AuthoringError):
    """A malformed `solution/notebook.py`; the one-line message names the file and line."""


@dataclass(frozen=True)
class SourceCell:
    """One cell of `solution/notebook.py`: `kind` is one of KINDS, `module` the part's
    module for `solution` and `check` cells, `text` the cell's content (Markdown without
    its "# " prefixes, or code, with slide-example values filled in), `line` the line of
    its marker."""

    kind: str
    text: str
    module: str | None = None
    line: int = 0


# -- reading the source ----------------------------------------------------------------


def parse_source(
    text: str,
    filename: str = "solution/notebook.py",
    slides: Mapping[str, SlideExample] | None = None,
) -> list[SourceCell]:
    """The cells of a notebook source file, checked: one `[setup]` cell before the parts,
    then per part, in part order, its `[solution]` cell and after it its `[check]` cell.
    `slides`: the examples `{{EXAMPLE.NAME}}` refers to (default: the kit's)."""
    cells: list[SourceCell] = []
    current: tuple[str, str | None, int] | None = None
    body: list[tuple[int, str]] = []

    def close() -> None:
        if current is not None:
            cells.append(_make_cell(current, body, filename, slides))

    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("# %%"):
            match = MARKER_RE.match(line)
            if not match:
                raise NotebookSourceError(
                    f"{filename} line {number}: bad cell marker {line!r}; write '# %%' or "
                    "'# %% [KIND]' with one space before the bracket"
                )
            close()
            kind = match.group("kind") or "code"
            current, body = (kind, match.group("arg"), number), []
        elif current is not None:
            body.append((number, line))
    close()
    _check_structure(cells, filename, len(text.splitlines()))
    return cells


def _make_cell(
    marker: tuple[str, str | None, int],
    body: list[tuple[int, str]],
    filename: str,
    slides: Mapping[str, SlideExample] | None,
) -> SourceCell:
    kind, arg, number = marker
    where = f"{filename} line {number}"
    if kind not in KINDS:
        raise NotebookSourceError(
            f"{where}: unknown cell marker [{kind}]; the markers are '# %%', "
            "'# %% [markdown]', '# %% [setup]', '# %% [solution] PART', '# %% [check] PART'"
        )
    while body and not body[0][1].strip():
        body.pop(0)
    while body and not body[-1][1].strip():
        body.pop()
    if kind in ("solution", "check"):
        if arg is None:
            raise NotebookSourceError(
                f"{where}: [{kind}] needs a part, e.g. [{kind}] {assignment().modules[0]}"
            )
        if arg not in assignment().modules:
            raise NotebookSourceError(
                f"{where}: [{kind}] {arg}: no part {arg!r}; the parts are "
                + ", ".join(assignment().modules)
            )
    elif arg is not None:
        raise NotebookSourceError(f"{where}: [{kind}] takes no argument, got {arg!r}")
    if kind in ("setup", "solution", "check"):
        if body:
            raise NotebookSourceError(
                f"{filename} line {body[0][0]}: a [{kind}] cell is generated: leave it empty"
            )
        return SourceCell(kind, "", arg, number)
    lines = [(n, _fill_in(line, kind, f"{filename} line {n}", slides)) for n, line in body]
    if kind == "markdown":
        for n, line in lines:
            if line != "#" and not line.startswith("# "):
                raise NotebookSourceError(
                    f"{filename} line {n}: a Markdown line starts with '# ' (or is '#')"
                )
        return SourceCell(kind, "\n".join(line[2:] for _, line in lines), None, number)
    if not lines:
        raise NotebookSourceError(f"{where}: empty code cell")
    return SourceCell(kind, "\n".join(line for _, line in lines), None, number)


def _fill_in(line: str, kind: str, where: str, slides: Mapping[str, SlideExample] | None) -> str:
    """`line` with each `{{EXAMPLE.NAME}}` replaced by that value (see the module doc)."""
    if "{{" not in line:
        return line
    found = examples() if slides is None else slides

    def value(match: re.Match[str]) -> str:
        name, key = match.group("example"), match.group("name")
        if name not in found:
            raise NotebookSourceError(
                f"{where}: no slide example {name!r} in solution/slide_examples.toml "
                f"(there are {', '.join(found)})"
            )
        example = found[name]
        if key == "slides":
            return example.slides
        if key not in example.printed and key not in example.inputs:
            raise NotebookSourceError(
                f"{where}: slide example {name!r} has no input or printed value {key!r}"
            )
        if kind == "markdown" or line.lstrip().startswith("#"):  # prose, or a code comment
            return example.text(key)
        return literal(example.printed[key] if key in example.printed else example.input(key))

    filled = PLACEHOLDER_RE.sub(value, line)
    if "{{" in filled:
        raise NotebookSourceError(
            f"{where}: '{{{{' starts no slide-example value; write {{{{EXAMPLE.NAME}}}}"
        )
    return filled


def _check_structure(cells: list[SourceCell], filename: str, last_line: int) -> None:
    setups = [cell for cell in cells if cell.kind == "setup"]
    if len(setups) != 1:
        where = f"line {setups[1].line}" if setups else f"line {last_line}"
        raise NotebookSourceError(f"{filename} {where}: needs exactly one [setup] cell")
    expected = [(kind, module) for module in assignment().modules for kind in ("solution", "check")]
    position = 0
    for cell in cells:
        if cell.kind == "setup" and position:
            raise NotebookSourceError(
                f"{filename} line {cell.line}: the [setup] cell comes before the parts' cells"
            )
        if cell.kind not in ("solution", "check"):
            continue
        where = f"{filename} line {cell.line}: [{cell.kind}] {cell.module}"
        if cell.line < setups[0].line:
            raise NotebookSourceError(f"{where} comes before the [setup] cell")
        want = expected[position] if position < len(expected) else None
        if (cell.kind, cell.module) == want:
            position += 1
            continue
        if want is None or (cell.kind, cell.module) in expected[:position]:
            raise NotebookSourceError(f"{where} appears twice")
        kind, module = want
        if cell.kind == "check" and cell.module == module:
            raise NotebookSourceError(
                f"{where} has no [solution] {module} cell before it (where the student "
                "is told what to write)"
            )
        if kind == "check":
            raise NotebookSourceError(
                f"{where} comes before [check] {module}: each part's [check] cell follows "
                "its [solution] cell"
            )
        raise NotebookSourceError(
            f"{where} is out of order: part {module} comes first (the parts' order is "
            + ", ".join(assignment().modules)
            + ")"
        )
    if position < len(expected):
        kind, module = expected[position]
        raise NotebookSourceError(
            f"{filename} line {last_line}: no [{kind}] {module} cell: every part has a "
            "[solution] and then a [check] cell"
        )


def read_source(path: Path = NOTEBOOK_SOURCE) -> list[SourceCell]:
    return parse_source(path.read_text(encoding="utf-8"), f"solution/{path.name}")


# -- what each part asks for -----------------------------------------------------------


def stubbed_names(module: str) -> list[str]:
    """The names in `solution/<package>/<module>.py` the student writes: top-level functions,
    classes (with their methods, as `Value.__add__`) and constants that hold a solution
    region, in file order."""
    from grading.release.student_release import BEGIN  # release.py imports this module

    source = (SOLUTION_DIR / assignment().package / f"{module}.py").read_text(encoding="utf-8")
    lines = source.splitlines()
    region_lines = {i for i, line in enumerate(lines, start=1) if line.strip() == BEGIN}
    tree = ast.parse(source)
    names: list[str] = []
    for index, node in enumerate(tree.body):
        start = _first_line(node)
        end = tree.body[index + 1].lineno - 1 if index + 1 < len(tree.body) else len(lines)
        while start > 1 and lines[start - 2].lstrip().startswith("#"):
            start -= 1  # the comment lines just above, where a constant's region starts
        if not any(start <= n <= end for n in region_lines):
            continue
        if isinstance(node, ast.ClassDef):
            methods = [
                f"{node.name}.{item.name}"
                for item in node.body
                if isinstance(item, ast.FunctionDef)
                and any(item.lineno <= n <= (item.end_lineno or item.lineno) for n in region_lines)
            ]
            names += methods or [node.name]
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names += [t.id for t in targets if isinstance(t, ast.Name)]
    return names


def _first_line(node: ast.stmt) -> int:
    decorators = getattr(node, "decorator_list", [])
    return min([node.lineno] + [d.lineno for d in decorators])


def _code_list(names: list[str]) -> str:
    quoted = [f"`{name}`" for name in names]
    if len(quoted) <= 2:
        return " and ".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


# -- notebook JSON ---------------------------------------------------------------------


def markdown_cell(text: str, metadata: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"cell_type": "markdown", "metadata": metadata or {}, "source": text}


def code_cell(text: str, metadata: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "cell_type": "code",
        "execution_count": None,
        "metadata": metadata or {},
        "outputs": [],
        "source": text,
    }


def raw_cell(text: str, metadata: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"cell_type": "raw", "metadata": metadata or {}, "source": text}


def notebook_json(cells: list[dict[str, Any]], metadata: dict[str, Any] | None = None) -> str:
    """nbformat 4.5 JSON text, written the way Jupyter writes it (sorted keys, one-space
    indent, sources as lists of lines), with cell ids numbered in order."""
    out_cells = []
    for number, cell in enumerate(cells, start=1):
        cell = dict(cell, id=f"cell-{number:03d}")
        cell["source"] = _split_lines(cell["source"])
        out_cells.append(cell)
    document = {
        "cells": out_cells,
        "metadata": {**KERNEL_METADATA, **(metadata or {})},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(document, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def _split_lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def function_sources(*functions: Callable[..., Any]) -> str:
    """The source of module-level functions, for a setup cell."""
    return "\n\n\n".join(inspect.getsource(f).rstrip() for f in functions)


# -- the handout -----------------------------------------------------------------------


def build_notebook() -> str:
    """`assignment/<package>.ipynb`: the walk-through that uses the student's package."""
    cells: list[dict[str, Any]] = []
    for cell in read_source():
        if cell.kind == "markdown":
            cells.append(markdown_cell(cell.text))
        elif cell.kind == "code":
            cells.append(code_cell(cell.text))
        elif cell.kind == "setup":
            cells.append(code_cell(handout_setup()))
        elif cell.kind == "solution":
            assert cell.module is not None
            cells.append(markdown_cell(_handout_task(cell)))
        else:
            cells.append(code_cell(f'check("{cell.module}")'))
    return notebook_json(cells)


def _handout_task(cell: SourceCell) -> str:
    module = str(cell.module)
    course = assignment()
    part = course.part(module)
    points = next(p.points for p in scored_parts() if p.module == module)
    names = stubbed_names(module)
    if not names:
        raise NotebookSourceError(
            f"{NOTEBOOK_SOURCE_NAME} line {cell.line}: [solution] {module}: "
            f"solution/{course.package}/{module}.py has no solution region, so there is nothing "
            "for the student to write"
        )
    return (
        f"**Your turn (Part {part.number}, {points:g} points).** "
        f"In `{course.package}/{module}.py`, "
        f"implement {_code_list(names)}. Each docstring says what goes in and "
        "what comes out; a hint sits just above each `raise NotImplementedError`. Save the "
        "file and run the cells below: they use your new code without a restart."
    )


def handout_setup() -> str:
    course = assignment()
    return "\n".join(
        [
            "# Run this cell first. It sets up three things:",
            f"# - autoreload: the cells use your latest code in {course.package}/ once you save "
            "a file;",
            "# - a function you have not written yet (or a constant still NotImplemented) stops "
            "a cell with one line naming it;",
            f'# - check("{course.modules[0]}") runs the public tests of one part and sums them up.',
            "%load_ext autoreload",
            "%autoreload 2",
            "",
            function_sources(show_short_error, check),
            "",
            "",
            "get_ipython().set_custom_exc((NotImplementedError, TypeError), show_short_error)",
        ]
    )


# -- runtime (copied into notebooks; standard library only) ------------------------------


def show_short_error(shell, etype, value, tb, tb_offset=None):
    """Show a NotImplementedError as one line that says which function to write; an error
    in a cell that reads a constant still set to NotImplemented (the handout's stub of a
    constant) as one line that says which constant to set; a TypeError registered for that
    alone with its usual traceback; and any other exception registered with this handler
    as its message alone."""
    import sys

    cell = tb.tb_frame if tb is not None else None  # the first frame: the cell's own code
    unset = [
        n for n in (cell.f_code.co_names if cell else ()) if cell.f_globals.get(n) is NotImplemented
    ]
    if unset:
        homes = [
            m.__name__.replace(".", "/") + ".py: "
            for m in list(sys.modules.values())
            if "." in getattr(m, "__name__", "") and getattr(m, unset[0], None) is NotImplemented
        ]
        message = f"{homes[0] if homes else ''}set {unset[0]} (it is still NotImplemented)"
        stb = shell.InteractiveTB.get_exception_only(
            NotImplementedError, NotImplementedError(f"{message}, then run this cell again")
        )
        shell._showtraceback(etype, value, stb)
        return
    if issubclass(etype, TypeError):
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
        return
    if not issubclass(etype, NotImplementedError):
        shell._showtraceback(etype, value, shell.InteractiveTB.get_exception_only(etype, value))
        return
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    code = tb.tb_frame.f_code if tb is not None else None
    name = getattr(code, "co_qualname", getattr(code, "co_name", "<module>"))
    # "package.module" for the student's package; "__main__" for a notebook cell.
    module = tb.tb_frame.f_globals.get("__name__", "") if tb is not None else ""
    where = f" ({module.replace('.', '/')}.py)" if "." in module else ""
    if str(value):
        message = f"{value}{where}, then run this cell again"
    elif name == "<module>":
        message = "this cell still raises NotImplementedError: write your code in its place"
    else:
        message = f"{name}{where} is not written yet: implement it, then run this cell again"
    stb = shell.InteractiveTB.get_exception_only(etype, etype(message))
    shell._showtraceback(etype, value, stb)


def check(module):
    """Run the public tests of one part, tests/test_<module>.py, and print a short summary."""
    import os
    import subprocess
    import sys

    test_file = os.path.join("tests", f"test_{module}.py")
    if not os.path.exists(test_file):
        print(f"{test_file} not found: open this notebook from the folder that holds tests/")
        return
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "--tb=no", "-rf", "-p", "no:cacheprovider"]
        + [test_file],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "1000"},
    )
    lines = proc.stdout.splitlines()
    marker = next((i for i, line in enumerate(lines) if "public tests by part" in line), None)
    if proc.returncode not in (0, 1) or marker is None:
        print(f"pytest could not run {test_file}:")
        print("\n".join((proc.stdout + proc.stderr).splitlines()[-15:]))
        return
    failures = [
        line.split("::", 1)[-1]
        for line in lines
        if line.startswith("FAILED ") and " - " in line and " - not started yet" not in line
    ]
    for line in failures[:4]:
        print("  " + (line if len(line) <= 200 else line[:197] + "..."))
    if len(failures) > 4:
        print(f"  ... and {len(failures) - 4} more: run `pytest {test_file}` for all of them")
    for line in lines[marker + 1 : -1]:
        print(line)
