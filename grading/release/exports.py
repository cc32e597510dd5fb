"""`nnkit export nbgrader|otter OUT`: the assignment as a notebook those platforms grade.

Both exports are generated from the kit's single sources, never from copies kept by hand:

- the walk-through of `solution/notebook.py` (the handout's text, examples and plots);
- the student's code from `solution/<package>/`: each top-level function, class or constant
  becomes a cell, its `# BEGIN SOLUTION` regions marked for the platform (release.py's
  marker rules; `# STUB:` hints stay as comments, the platform writes its own stub);
- per part, one test cell with the public tests of `solution/tests/test_<part>.py` (worth
  0 points: they are the student's feedback), and the hidden suite of `autograder/`, run
  through `grading.grade.unsandboxed.LocalStudent` against the notebook's functions and worth the
  part's points (the sum of its checks' points, check by check as `nnkit grade`).

The hidden tests import the kit from a copy next to the export, `nnkit_hidden/` (the
engine, the hidden suite and the reference solution), which the platforms keep away from
students: nbgrader never releases it, otter-grader ships it in the autograder zip only.

The functions below "Runtime" run inside the notebook's kernel (standard library only for
`NotebookHelpers`, whose source becomes part of the setup cell).
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr
from pathlib import Path
from typing import Any

from grading.checks.points import scored_parts
from grading.course.assignment import assignment
from grading.course.paths import KIT_ROOT, SOLUTION_DIR
from grading.release.notebook import (
    SourceCell,
    code_cell,
    function_sources,
    markdown_cell,
    notebook_json,
    notebook_name,
    raw_cell,
    read_source,
    show_short_error,
    stubbed_names,
)
from grading.release.student_release import (
    BEGIN,
    END,
    STUB_RE,
    solution_regions,
    strip_solution,
)

HIDDEN_DIR = "nnkit_hidden"
NBGRADER_BEGIN, NBGRADER_END = "### BEGIN SOLUTION", "### END SOLUTION"
OTTER_BEGIN, OTTER_END = "# BEGIN SOLUTION", "# END SOLUTION"


class ExportError(Exception):
    """An export that cannot be written; the message is one line for the user."""


# -- the student's code as cells ---------------------------------------------------------


def _module_source(module: str) -> str:
    return (SOLUTION_DIR / assignment().package / f"{module}.py").read_text(encoding="utf-8")


def module_names() -> dict[str, list[str]]:
    """Every top-level name of each solution module (functions, classes, constants), by
    module in part order: what `<package>.<module>` offers the tests."""
    names: dict[str, list[str]] = {}
    for module in assignment().modules:
        found: list[str] = []
        for node in ast.parse(_module_source(module)).body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                found.append(node.name)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                found += [t.id for t in targets if isinstance(t, ast.Name)]
        names[module] = found
    return names


def module_imports() -> list[str]:
    """The absolute imports of the solution modules (relative ones are not needed in one
    notebook), deduplicated, for the setup cell."""
    found: set[str] = set()
    for module in assignment().modules:
        for node in ast.parse(_module_source(module)).body:
            if isinstance(node, ast.Import) or (
                isinstance(node, ast.ImportFrom) and not node.level
            ):
                found.add(ast.unparse(node))
    return sorted(found, key=lambda line: (line.startswith("from "), line))


def module_cells(module: str) -> list[tuple[str, str]]:
    """`solution/<package>/<module>.py` cut into cells, as `(name, text)` in file order: the
    module's header (its docstring and plain constants, imports left out), then one cell per
    top-level function or class, and one per constant that holds a solution region (with
    the `# STUB:` and marker comments just above it). Markers are unchanged here."""
    source = _module_source(module)
    lines = source.splitlines()
    tree = ast.parse(source)
    begins = {region.begin for region in solution_regions(source)}
    dropped: set[int] = set()
    starts: list[tuple[int, str]] = []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            dropped.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
            continue
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        while start > 1 and lines[start - 2].lstrip().startswith("#"):
            start -= 1
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            starts.append((start, node.name))
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            end = node.end_lineno or node.lineno
            if any(start <= n <= end for n in begins):
                target = node.targets[0] if isinstance(node, ast.Assign) else node.target
                starts.append((start, ast.unparse(target)))
    bounds = [(1, "header")] + starts + [(len(lines) + 1, "")]
    cells = []
    for (first, name), (after, _) in zip(bounds, bounds[1:]):
        kept = [lines[n - 1] for n in range(first, after) if n not in dropped]
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")
        if text.strip():
            cells.append((name, text))
    return cells


def has_region(text: str) -> bool:
    return bool(solution_regions(text))


def mark_regions(text: str, begin: str, end: str, filename: str = "<cell>") -> str:
    """One cell's code with its solution regions marked `begin`/`end` for a platform.

    The regions are release.py's (checked with its `strip_solution`). A `# STUB: # hint`
    line stays as the comment `# hint`; a `# STUB: raise NotImplementedError(...)` line is
    dropped (nbgrader writes `raise NotImplementedError()` in place of the region, otter
    `...`); any other stub line (a constant's placeholder) stays, commented out."""
    strip_solution(text + "\n", filename)
    regions = solution_regions(text, filename)
    begins, ends = {r.begin for r in regions}, {r.end for r in regions}
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        stub = STUB_RE.match(line)
        if stub:
            indent, code = stub.groups()
            if code.startswith("raise NotImplementedError"):
                continue
            out.append(f"{indent}{code}" if code.startswith("#") else f"{indent}# {code}")
        elif number in begins:
            out.append(line.replace(BEGIN, begin))
        elif number in ends:
            out.append(line.replace(END, end))
        else:
            out.append(line)
    return "\n".join(out)


def without_package_imports(text: str) -> str:
    """A walk-through cell without its `from <package>... import ...` statements: in an
    exported notebook the student's functions are already defined above."""
    tree = ast.parse(text)
    package = assignment().package
    drop: set[int] = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == package:
            drop.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    lines = [line for n, line in enumerate(text.splitlines(), start=1) if n not in drop]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


# -- test cells ------------------------------------------------------------------------


def public_test_cell(module: str) -> str:
    """The public tests of one part as a test function of the notebook's globals, called
    at once: `solution/tests/test_<module>.py` inside `def test_<module>_public(env)`.

    The same text is an nbgrader test cell and an otter exception-based test (otter keeps
    the function and drops the call)."""
    part = _scored(module)
    source = (SOLUTION_DIR / "tests" / f"test_{module}.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    lines = source.rstrip().splitlines()
    has_doc = (
        bool(tree.body)
        and isinstance(tree.body[0], ast.Expr)
        and isinstance(tree.body[0].value, ast.Constant)
        and isinstance(tree.body[0].value.value, str)
    )
    split = (tree.body[0].end_lineno or 0) if has_doc else 0
    name = f"test_{module}_public"
    title = f"Part {part.number} ({module})"
    body = [
        *lines[:split],
        f'env["nnkit"].bind(env)  # `{assignment().package}` is this notebook\'s functions',
        'slides = env["nnkit"].slides  # the `slides` argument of the tests',
        *lines[split:],
        "",
        f'env["nnkit"].run_tests(locals(), "{title}")',
    ]
    return "\n".join(
        [
            f"def {name}(env):",
            textwrap.indent("\n".join(body), "    "),
            "",
            "",
            f"{name}(globals())",
        ]
    )


def _hidden_path_lines(candidates: list[str], var: str, indent: str = "") -> list[str]:
    """Code that puts the first existing `nnkit_hidden` folder of `candidates` (expressions)
    first on sys.path, by way of the variable `var`."""
    lines = ["import os", "import sys", "", f"{var} = {candidates[0]}"]
    for candidate in candidates[1:]:
        lines += [f"if not os.path.isdir({var}):", f"    {var} = {candidate}"]
    lines += [f"if {var} not in sys.path:", f"    sys.path.insert(0, {var})"]
    return [indent + line if line else "" for line in lines]


def nbgrader_hidden_cell(module: str) -> str:
    part = _scored(module)
    candidates = [
        'os.environ.get("NNKIT_HIDDEN", "")',  # set by nbgrader_config.py
        f'os.path.abspath(os.path.join("..", "..", "{HIDDEN_DIR}"))',  # from source/<package>/
    ]
    return "\n".join(
        [
            f"# Hidden tests of Part {part.number} ({module}), {part.points:g} points: they run "
            "when your notebook is graded.",
            "### BEGIN HIDDEN TESTS",
            *_hidden_path_lines(candidates, "_nnkit_hidden"),
            "from grading.release.exports import run_hidden_part",
            "",
            f'run_hidden_part("{module}", globals())',
            "### END HIDDEN TESTS",
        ]
    )


def otter_hidden_cell(check_name: str) -> str:
    candidates = [
        f'os.path.abspath(os.path.join("..", "source", "files", "{HIDDEN_DIR}"))',  # grading
        f'os.path.abspath("{HIDDEN_DIR}")',  # the master notebook's folder
    ]
    return "\n".join(
        [
            "# HIDDEN",
            f"def test_{check_name}(env):",
            *_hidden_path_lines(candidates, "hidden", "    "),
            "    from grading.release.exports import run_hidden_check",
            "",
            f'    run_hidden_check("{check_name}", env)',
        ]
    )


def hidden_checks() -> list[Any]:
    """The hidden suite's checks, in part order (as `nnkit grade` runs them)."""
    from grading.grade.one_submission import load_checks

    return load_checks()


# -- the setup cell --------------------------------------------------------------------


def export_setup() -> str:
    """The first code cell of an exported notebook."""
    import inspect

    modules = module_names()
    package = assignment().package
    example = next(f"{package}.{m}.{names[0]}" for m, names in modules.items() if names)
    mapping = ["nnkit = NotebookHelpers(", f"    {json.dumps(package)},", "    {"]
    mapping += [f"        {json.dumps(m)}: {json.dumps(names)}," for m, names in modules.items()]
    mapping += ["    }", ")"]
    return "\n".join(
        [
            "# Run this cell first (and again after a restart). It changes nothing you write:",
            f"# - the tests import your functions as the package `{package}`: for them,",
            f"#   {example} is the {example.rsplit('.', 1)[1]} you define in this notebook;",
            "# - a function you have not written yet stops a cell with one line naming it.",
            *module_imports(),
            "",
            "",
            function_sources(show_short_error),
            "",
            "",
            inspect.getsource(NotebookHelpers).rstrip(),
            "",
            "",
            *mapping,
            *slides_setup(),
            "nnkit.bind(globals())",
            "get_ipython().set_custom_exc(",
            "    (NotImplementedError, NotebookHelpers.PublicTestsFailed), show_short_error",
            ")",
        ]
    )


def _slide_sources() -> list[str]:
    """The source of `SlideExample` (and its helper) in solution/tests/conftest.py: what the
    public tests' `slides` argument holds, so that a notebook builds the same objects."""
    text = (SOLUTION_DIR / "tests" / "conftest.py").read_text(encoding="utf-8")
    wanted = ("SlideExample", "_as_array")
    return [
        ast.get_source_segment(text, node) or ""
        for node in ast.parse(text).body
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)) and node.name in wanted
    ]


def slides_setup() -> list[str]:
    """Setup-cell lines that set `nnkit.slides`, the public tests' `slides` argument, from
    the data of solution/slide_examples.toml (written into the cell)."""
    from grading.checks.slide_examples import SLIDE_EXAMPLES_FILE, tomllib

    entries = tomllib.loads(SLIDE_EXAMPLES_FILE.read_text(encoding="utf-8"))["example"]
    return [
        "",
        "",
        "\n\n\n".join(_slide_sources()),
        "",
        "",
        f"nnkit.slides = {{entry['name']: SlideExample(entry) for entry in {entries!r}}}",
    ]


def notebook_slides() -> dict[str, Any]:
    """`nnkit.slides` as an exported notebook's setup cell makes it (for tests)."""
    import numpy as np

    class Holder:
        slides: dict[str, Any] = {}

    namespace: dict[str, Any] = {"np": np, "nnkit": Holder()}
    exec("\n".join(slides_setup()), namespace)
    return namespace["nnkit"].slides


def _your_turn(module: str) -> str:
    part = _scored(module)
    names = ", ".join(f"`{name}`" for name in stubbed_names(module))
    return (
        f"**Your turn (Part {part.number}, {part.points:g} points).** Write the code of the "
        f"cells below: {names}. Each "
        "docstring says what goes in and what comes out; the hints sit where your code goes. "
        "Run each cell after you change it."
    )


# -- nbgrader --------------------------------------------------------------------------


def _nbgrader_meta(
    grade_id: str,
    *,
    solution: bool = False,
    grade: bool = False,
    locked: bool = False,
    points: float | None = None,
) -> dict[str, Any]:
    """Cell metadata of nbgrader (schema 3): a solution, test (grade) or read-only cell."""
    meta: dict[str, Any] = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
        "task": False,
    }
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def build_nbgrader_notebook() -> str:
    """`source/<package>/<package>.ipynb` of the nbgrader course."""
    cells: list[dict[str, Any]] = []
    for cell in read_source():
        cells += _nbgrader_cells(cell)
    return notebook_json(cells)


def _nbgrader_cells(cell: SourceCell) -> list[dict[str, Any]]:
    if cell.kind == "markdown":
        return [markdown_cell(cell.text)]
    if cell.kind == "code":
        return [code_cell(without_package_imports(cell.text))]
    if cell.kind == "setup":
        return [code_cell(export_setup(), _nbgrader_meta("setup", locked=True))]
    module = cell.module
    assert module is not None
    if cell.kind == "solution":
        out = [markdown_cell(_your_turn(module))]
        for name, text in module_cells(module):
            if has_region(text):
                source = mark_regions(text, NBGRADER_BEGIN, NBGRADER_END, f"{module}.{name}")
                out.append(code_cell(source, _nbgrader_meta(f"{module}-{name}", solution=True)))
            else:
                out.append(code_cell(text))
        return out
    part = _scored(module)
    return [
        code_cell(
            public_test_cell(module),
            _nbgrader_meta(f"{module}-public", grade=True, locked=True, points=0),
        ),
        code_cell(
            nbgrader_hidden_cell(module),
            _nbgrader_meta(f"{module}-hidden", grade=True, locked=True, points=part.points),
        ),
    ]


NBGRADER_CONFIG = '''\
"""nbgrader configuration of the course written by `nnkit export nbgrader`."""

import os

c = get_config()  # noqa: F821 - nbgrader provides it
c.CourseDirectory.course_id = "{ASSIGNMENT}"
# The grading kernel runs every cell of a notebook; the default of 30 s per cell is tight
# for the training cells on a slow machine.
c.Execute.timeout = 120

# The hidden tests import nnkit's grader, hidden suite and reference solution from here.
# It is never released: keep it in the course folder, away from students.
here = os.path.dirname(os.path.abspath(__file__))
os.environ["NNKIT_HIDDEN"] = os.path.join(here, "{HIDDEN_DIR}")
'''


# -- otter-grader ----------------------------------------------------------------------


OTTER_CONFIG = """\
# ASSIGNMENT CONFIG
name: {ASSIGNMENT}
init_cell: true
check_all_cell: false
export_cell: false
run_tests: false
solutions_pdf: false
generate: true
requirements: requirements.txt
tests:
  ok_format: false
autograder_files:
  - {HIDDEN_DIR}
"""

OTTER_REQUIREMENTS = "numpy\nmatplotlib\npytest\n"


def build_otter_notebook() -> str:
    """The otter-assign master notebook `<package>.ipynb`."""
    checks = hidden_checks()
    cells: list[dict[str, Any]] = [raw_cell(_template(OTTER_CONFIG))]
    for cell in read_source():
        if cell.kind == "markdown":
            cells.append(markdown_cell(cell.text))
        elif cell.kind == "code":
            cells.append(code_cell(without_package_imports(cell.text)))
        elif cell.kind == "setup":
            cells.append(code_cell(export_setup()))
        elif cell.kind == "solution":
            assert cell.module is not None
            part_checks = [c for c in checks if c.part == cell.module]
            points = [0] + [_number(c.points) for c in part_checks]
            cells += [
                raw_cell(f"# BEGIN QUESTION\nname: {cell.module}\npoints: {json.dumps(points)}"),
                markdown_cell(_your_turn(cell.module)),
                raw_cell("# BEGIN SOLUTION"),
            ]
            for name, text in module_cells(cell.module):
                if has_region(text):
                    text = mark_regions(text, OTTER_BEGIN, OTTER_END, f"{cell.module}.{name}")
                cells.append(code_cell(text))
            cells.append(raw_cell("# END SOLUTION"))
        else:
            assert cell.module is not None
            cells += [raw_cell("# BEGIN TESTS"), code_cell(public_test_cell(cell.module))]
            cells += [code_cell(otter_hidden_cell(c.name)) for c in checks if c.part == cell.module]
            cells += [raw_cell("# END TESTS"), raw_cell("# END QUESTION")]
    return notebook_json(cells)


def _scored(module: str) -> Any:
    """The part of `module` with its points (the sum of its checks')."""
    return next(p for p in scored_parts() if p.module == module)


def _number(points: float) -> int | float:
    return int(points) if float(points).is_integer() else float(points)


# -- writing the exports ---------------------------------------------------------------


def export_nbgrader(out: Path, force: bool = False) -> list[str]:
    """Write an nbgrader course folder to `out`; returns the files written (relative)."""
    files = {
        "nbgrader_config.py": _template(NBGRADER_CONFIG),
        f"source/{assignment().package}/{notebook_name()}": build_nbgrader_notebook(),
        "README.md": _template(NBGRADER_README),
    }
    return _write_export(out, files, [f"source/{assignment().package}", HIDDEN_DIR], force)


def export_otter(out: Path, force: bool = False) -> list[str]:
    """Write an otter-assign master notebook (and what it needs) to `out`."""
    files = {
        notebook_name(): build_otter_notebook(),
        "requirements.txt": OTTER_REQUIREMENTS,
        "README.md": _template(OTTER_README),
    }
    return _write_export(out, files, [HIDDEN_DIR], force)


def _write_export(out: Path, files: dict[str, str], folders: list[str], force: bool) -> list[str]:
    """Write `files` and the hidden bundle under `out`. Without `force`, `out` must be new
    or empty; with it, nnkit's own files and `folders` are replaced and the rest of `out`
    (an nbgrader gradebook, submissions, ...) is left alone."""
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise ExportError(f"{out} is not empty: use --force to overwrite what nnkit writes there")
    try:
        out.mkdir(parents=True, exist_ok=True)
        for folder in folders:
            if (out / folder).is_dir():
                shutil.rmtree(out / folder)
            elif (out / folder).exists():
                (out / folder).unlink()
        written = sorted(files)
        for rel, text in files.items():
            dest = out / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(text, encoding="utf-8")
        written += write_hidden_bundle(out / HIDDEN_DIR, prefix=HIDDEN_DIR)
    except OSError as exc:
        raise ExportError(f"cannot write {out}: {exc.strerror or exc}") from None
    return written


def write_hidden_bundle(dest: Path, prefix: str = "") -> list[str]:
    """Copy what the hidden tests import (the same folders as the Gradescope zip: the
    engine, the hidden suite and the reference solution) to `dest`."""
    from grading.release.gradescope_bundle import bundled_files

    written = []
    for path in bundled_files():
        rel = path.relative_to(KIT_ROOT)
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        written.append(f"{prefix}/{rel.as_posix()}" if prefix else rel.as_posix())
    (dest / "README.md").write_text(_template(HIDDEN_README), encoding="utf-8")
    written.append(f"{prefix}/README.md" if prefix else "README.md")
    return written


def next_steps(kind: str, out: Path) -> str:
    """What to run after `nnkit export KIND OUT`, in one line."""
    if kind == "nbgrader":
        package = assignment().package
        return f"next: cd {out} && nbgrader generate_assignment {package} (see README.md)"
    return f"next: cd {out} && otter assign {notebook_name()} dist (see README.md)"


def _template(text: str) -> str:
    """One of the templates below, with the package, notebook and hidden folder's names."""
    return text.format(
        ASSIGNMENT=assignment().package, NOTEBOOK_NAME=notebook_name(), HIDDEN_DIR=HIDDEN_DIR
    )


HIDDEN_README = """\
# nnkit_hidden: keep away from students

The kit's grading engine (`grading/`), its hidden test suite (`autograder/`) and the
reference solution (`solution/{ASSIGNMENT}/`), copied by `nnkit export`. The hidden test cells
of the exported notebook import them from here when a notebook is graded.
"""

NBGRADER_README = """\
# {ASSIGNMENT} for nbgrader

Written by `nnkit export nbgrader` from the kit's solution, walk-through and tests.

| path | what it is |
|---|---|
| `nbgrader_config.py` | course id, cell timeout, where the hidden suite is |
| `source/{ASSIGNMENT}/{NOTEBOOK_NAME}` | the instructor's notebook: solutions, tests with points |
| `{HIDDEN_DIR}/` | nnkit's grader, hidden suite and reference solution: never release it |

Round trip, from this folder (nbgrader 0.9):

```
nbgrader generate_assignment {ASSIGNMENT}      # release/{ASSIGNMENT}/: the student version
nbgrader db student add alice
# collect alice's notebook into submitted/alice/{ASSIGNMENT}/ (with timestamp.txt), then
nbgrader autograde {ASSIGNMENT}
nbgrader export --to grades.csv
```

Each part has two test cells: its public tests (0 points, the student's feedback) and its
hidden tests (the part's points, partial credit per hidden check, as `nnkit grade`).
Tests run in the student's kernel: see `docs/jupyter.md` in nnkit for what that means.
"""

OTTER_README = """\
# {ASSIGNMENT} for otter-grader

Written by `nnkit export otter` from the kit's solution, walk-through and tests.

| path | what it is |
|---|---|
| `{NOTEBOOK_NAME}` | the otter-assign master notebook (questions = parts, with their points) |
| `requirements.txt` | what the grading image installs besides otter-grader |
| `{HIDDEN_DIR}/` | nnkit's grader, hidden suite and reference solution (autograder zip only) |

Round trip, from this folder (otter-grader 7):

```
otter assign {NOTEBOOK_NAME} dist     # dist/student/: for students; dist/autograder/: the zip
otter run -a dist/autograder/{ASSIGNMENT}-autograder_*.zip -o results SUBMISSION.ipynb
```

Each part is a question: its public tests are worth 0 points (the student's feedback with
`grader.check`), each hidden check of the part is a hidden test case with its own points.
Tests run in the student's kernel: see `docs/jupyter.md` in nnkit for what that means.
"""


# -- runtime: hidden tests (run in the grading kernel, from nnkit_hidden/) ----------------


def run_hidden_part(part: str, env: dict[str, Any], seed: int = 0) -> float:
    """nbgrader: run the hidden checks of `part` on the notebook's functions, print one line
    per check, and return the points earned as a plain float (nbgrader's partial credit)."""
    checks = [c for c in hidden_checks() if c.part == part]
    results = _run_checks(env, checks, seed)
    for r in results:
        verdict = "PASS" if r.passed else "FAIL"
        print(f"{verdict} [{r.score:g}/{r.check.points:g}] {r.check.title}")
        if r.message:
            print(f"    {r.message}")
    earned = round(sum(r.score for r in results), 4)
    total = sum(c.points for c in checks)
    print(f"Hidden tests of {part}: {earned:g} / {total:g} points")
    return float(earned)


def run_hidden_check(name: str, env: dict[str, Any], seed: int = 0) -> None:
    """otter: run one hidden check on the notebook's functions; AssertionError if it fails."""
    checks = [c for c in hidden_checks() if c.name == name]
    if not checks:
        raise AssertionError(f"no hidden check named {name!r} in this version of the suite")
    (result,) = _run_checks(env, checks, seed)
    if not result.passed:
        raise AssertionError(f"{result.check.title}: {result.message}")


def _run_checks(env: dict[str, Any], checks: list[Any], seed: int) -> list[Any]:
    import warnings

    from grading.grade.one_submission import run_checks

    with _notebook_student(env, seed) as student, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # nbgrader gives 0 points to a test cell that writes to stderr: keep it on stdout.
        with redirect_stderr(sys.stdout):
            return run_checks(student, checks)


@contextmanager
def _notebook_student(env: dict[str, Any], seed: int) -> Iterator[Any]:
    """A LocalStudent whose package is the notebook's functions (in-process: no
    isolation at all, which is what the platforms offer)."""
    from grading.grade.unsandboxed import LocalStudent, forget_package

    package = assignment().package
    saved = {k: v for k, v in sys.modules.items() if k == package or k.startswith(f"{package}.")}
    empty = tempfile.mkdtemp(prefix="nnkit-notebook-")
    try:
        student = LocalStudent(empty, seed)  # forgets the package it finds in sys.modules
        NotebookHelpers(package, module_names()).bind(env)
        yield student
    finally:
        while empty in sys.path:
            sys.path.remove(empty)
        os.rmdir(empty)
        forget_package(package)
        sys.modules.update(saved)


# -- runtime: the setup cell's helpers (standard library only) ----------------------------


class NotebookHelpers:
    """`nnkit` in an exported notebook: the package view of the notebook's functions that
    the tests import, and a small runner for the public tests."""

    class PublicTestsFailed(AssertionError):
        """Some public tests of a part fail; the message lists them."""

    def __init__(self, package, modules):
        self.package = package  # the student package's name, as the tests import it
        self.modules = modules  # module name -> the names it holds, e.g. "layers": [...]

    def bind(self, env):
        """Make `<package>.<module>` importable; each name is looked up in `env` (the
        notebook's globals) when it is used, so the latest definition always counts."""
        import sys
        import types

        def lookup(module, names):
            def __getattr__(name):
                if name in names and name in env:
                    return env[name]
                if name in names:  # from <package>.<module> import <name> says this
                    raise ImportError(f"{name} is not defined yet: run the cell that defines it")
                raise AttributeError(f"{self.package}.{module} has no {name!r}")

            return __getattr__

        package = types.ModuleType(self.package, "The functions defined in this notebook.")
        package.__path__ = []
        sys.modules[self.package] = package
        for module, names in self.modules.items():
            view = types.ModuleType(f"{self.package}.{module}")
            view.__getattr__ = lookup(module, frozenset(names))
            sys.modules[f"{self.package}.{module}"] = view
            setattr(package, module, view)

    def run_tests(self, namespace, title):
        """Run the test_* functions of `namespace` (each case of a parametrized one) and
        print a summary; raise PublicTestsFailed (an AssertionError) listing the failures."""
        import itertools

        tests = [f for n, f in namespace.items() if n.startswith("test_") and callable(f)]
        outcomes = []
        for func in sorted(tests, key=lambda f: f.__code__.co_firstlineno):
            axes = []
            for mark in getattr(func, "pytestmark", []):
                if mark.name != "parametrize":
                    continue
                argnames, values, ids = mark.args[0], list(mark.args[1]), mark.kwargs.get("ids")
                if isinstance(argnames, str):
                    argnames = [a.strip() for a in argnames.split(",")]
                axis = []
                for i, value in enumerate(values):
                    label = ids(value) if callable(ids) else ids[i] if ids else str(i)
                    args = value if len(argnames) > 1 else (value,)
                    axis.append((str(label), dict(zip(argnames, args))))
                axes.append(axis)
            for case in itertools.product(*axes):
                label = func.__name__ + (f"[{'-'.join(c[0] for c in case)}]" if case else "")
                kwargs = {k: v for c in case for k, v in c[1].items()}
                arguments = func.__code__.co_varnames[: func.__code__.co_argcount]
                # Any other argument is a fixture the cell defines (e.g. `slides`).
                kwargs.update(
                    {a: namespace[a] for a in arguments if a not in kwargs and a in namespace}
                )
                try:
                    func(**kwargs)
                except (KeyboardInterrupt, SystemExit):
                    raise
                except NotImplementedError as exc:
                    tb = exc.__traceback__
                    while tb.tb_next is not None:
                        tb = tb.tb_next
                    code = tb.tb_frame.f_code
                    name = getattr(code, "co_qualname", code.co_name)
                    outcomes.append((label, "todo", str(exc) or f"{name} is not written yet"))
                except BaseException as exc:  # pytest.raises fails with a BaseException
                    message = " ".join(f"{type(exc).__name__}: {exc}".split())
                    outcomes.append((label, "failed", message[:300]))
                else:
                    outcomes.append((label, "passed", ""))
        passed = sum(status == "passed" for _, status, _ in outcomes)
        if passed == len(outcomes):
            print(f"{title}: all {passed} public tests pass. The hidden tests check more.")
            return
        report = [f"{title}: {passed} of {len(outcomes)} public tests pass"]
        report += [
            f"  FAILED {label}: {msg}" for label, status, msg in outcomes if status == "failed"
        ]
        todo = sorted({msg for _, status, msg in outcomes if status == "todo"})
        report += [f"  not started: {msg}" for msg in todo]
        raise self.PublicTestsFailed("\n".join(report))
