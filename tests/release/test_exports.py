"""`nnkit export nbgrader|otter`: notebooks made from the kit's sources, and the real
round trips (nbgrader generate_assignment + autograde, otter assign + run): 100 points for
the solution, 0 for the release."""

from __future__ import annotations

import ast
import contextlib
import csv
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from grading.checks.points import scored_parts
from grading.course.assignment import assignment
from grading.course.paths import SOLUTION_DIR
from grading.release import exports
from grading.release.exports import (
    ExportError,
    build_nbgrader_notebook,
    build_otter_notebook,
    export_nbgrader,
    export_otter,
    hidden_checks,
    mark_regions,
    module_cells,
    module_imports,
    module_names,
    public_test_cell,
    run_hidden_check,
    run_hidden_part,
)
from grading.release.student_release import (
    BEGIN,
    END,
    STUB_RE,
    solution_lines,
    strip_solution,
)

PARTS = scored_parts()  # the parts with their points, from the assignment's data
PARTS_BY_MODULE = {p.module: p for p in PARTS}

BIN = Path(sys.executable).parent
TOOL_ENV = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


def _solution_source(module: str) -> str:
    return (SOLUTION_DIR / "nnbasics" / f"{module}.py").read_text()


def _sources(notebook_text: str, kind: str | None = None) -> list[str]:
    cells = json.loads(notebook_text)["cells"]
    return ["".join(c["source"]) for c in cells if kind is None or c["cell_type"] == kind]


def _assert_no_solution_line(texts: list[str]) -> None:
    """No line of a solution region is in `texts`, unless the public tests or the
    walk-through have the same line (`p = logistic(X, theta)` is also a test's line)."""
    everything = "\n".join(texts)
    public = {
        line.strip()
        for path in [*(SOLUTION_DIR / "tests").glob("*.py"), SOLUTION_DIR / "notebook.py"]
        for line in path.read_text().splitlines()
    }
    for part in PARTS:
        lines = solution_lines(_solution_source(part.module)) - public
        leaked = {line for line in lines if line in everything}
        assert leaked == set(), part.module


# -- cells made from the solution ------------------------------------------------------


@pytest.mark.parametrize("module", list(PARTS_BY_MODULE))
def test_module_cells_hold_every_line_of_the_module_but_its_imports(module):
    source = _solution_source(module)
    imports = set()
    for node in ast.parse(source).body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            imports.update(range(node.lineno, node.end_lineno + 1))
    expected = [
        line
        for n, line in enumerate(source.splitlines(), start=1)
        if line.strip() and n not in imports
    ]
    cells = module_cells(module)
    got = [line for _, text in cells for line in text.splitlines() if line.strip()]
    assert got == expected
    assert cells[0][0] == "header"
    assert len({name for name, _ in cells}) == len(cells)


def test_a_constant_with_a_region_is_a_cell_of_its_own():
    cells = dict(module_cells("network"))
    assert cells["XOR_PARAMS"].startswith("# STUB: XOR_PARAMS")
    assert cells["XOR_PARAMS"].rstrip().endswith('each b of shape (n_out,)."""')  # its docstring
    assert "def collapse_linear" not in cells["XOR_PARAMS"]


@pytest.mark.parametrize("module", list(PARTS_BY_MODULE))
def test_marked_regions_keep_the_hints_and_the_solution(module):
    for name, text in module_cells(module):
        marked = mark_regions(text, "### BEGIN SOLUTION", "### END SOLUTION")
        assert "# STUB:" not in marked and "raise NotImplementedError" not in marked
        assert marked.count("### BEGIN SOLUTION") == text.count(BEGIN)
        assert marked.count("### END SOLUTION") == text.count(END)
        hints = [m.group(2) for m in map(STUB_RE.match, text.splitlines()) if m]
        for hint in hints:
            if hint.startswith("#"):
                assert hint in marked, (name, hint)
        # Without its markers, a marked cell is the solution's code (plus comments).
        code = [line for line in marked.splitlines() if "SOLUTION" not in line]
        ast.parse("\n".join(code))
        solution = [line for line in text.splitlines() if line.strip() not in (BEGIN, END)]
        assert [c for c in code if not c.lstrip().startswith("#")] == [
            s for s in solution if not s.lstrip().startswith("#")
        ]


def test_mark_regions_uses_release_markers_and_their_errors():
    from grading.release.student_release import MarkerError

    with pytest.raises(MarkerError, match="needs '# STUB: ' lines"):
        mark_regions("def f():\n    # BEGIN SOLUTION\n    return 1\n    # END SOLUTION", "a", "b")


def test_module_names_and_imports_cover_the_contract():
    names = module_names()
    assert list(names) == [p.module for p in PARTS]
    assert {"XOR_PARAMS", "collapse_linear", "forward"} <= set(names["network"])
    assert names["graph"] == ["Value"] and "AND_THETA" in names["neuron"]
    assert module_imports() == ["import math", "import numpy as np"]


def test_the_public_test_cell_is_one_function_and_its_call():
    for part in PARTS:
        text = public_test_cell(part.module)
        tree = ast.parse(text)
        assert len(tree.body) == 2  # otter keeps the function, drops the call
        assert isinstance(tree.body[0], ast.FunctionDef)
        assert tree.body[0].name == f"test_{part.module}_public"
        assert [a.arg for a in tree.body[0].args.args] == ["env"]
        source = (SOLUTION_DIR / "tests" / f"test_{part.module}.py").read_text()
        for line in source.splitlines():
            assert line.strip() in text  # the public tests, as they are


# -- the runtime of the notebooks, in this process -------------------------------------


def _namespace(stubbed: bool) -> dict:
    """The globals of a notebook whose cells were run: the solution, or the stubs."""
    env: dict = {}
    exec("\n".join(module_imports()), env)
    for part in PARTS:
        for _, text in module_cells(part.module):
            exec(strip_solution(text + "\n") if stubbed else text, env)
    env["nnkit"] = exports.NotebookHelpers(assignment().package, module_names())
    env["nnkit"].slides = exports.notebook_slides()
    return env


def _quietly(func, *args):
    with contextlib.redirect_stdout(io.StringIO()) as out:
        result = func(*args)
    return result, out.getvalue()


def _imported_nnbasics() -> dict:
    return {k: v for k, v in sys.modules.items() if k == "nnbasics" or k.startswith("nnbasics.")}


@pytest.fixture
def keep_nnbasics():
    """Whatever `nnbasics` other tests imported is there again after the test."""
    before = _imported_nnbasics()
    yield before
    for key in _imported_nnbasics():
        del sys.modules[key]
    sys.modules.update(before)


def test_hidden_parts_give_the_parts_points_to_the_solution_and_0_to_the_stubs(keep_nnbasics):
    before = _imported_nnbasics()
    solution, stubs = _namespace(stubbed=False), _namespace(stubbed=True)
    for part in PARTS:
        earned, printed = _quietly(run_hidden_part, part.module, solution)
        assert type(earned) is float and earned == part.points, printed
        assert "FAIL" not in printed
        earned, printed = _quietly(run_hidden_part, part.module, stubs)
        assert earned == 0.0 and "PASS" not in printed
    assert _imported_nnbasics() == before  # the notebook's package view is gone again


def test_a_hidden_check_raises_with_its_message(keep_nnbasics):
    run_hidden_check("graph_slide_forward", _namespace(stubbed=False))
    with pytest.raises(AssertionError, match="not implemented"):
        run_hidden_check("graph_slide_forward", _namespace(stubbed=True))
    with pytest.raises(AssertionError, match="no hidden check named"):
        run_hidden_check("no_such_check", _namespace(stubbed=False))


@pytest.mark.filterwarnings("ignore::pytest.PytestUnknownMarkWarning")  # `part`, outside tests/
def test_the_public_tests_run_on_the_notebook_functions(keep_nnbasics):
    solution, stubs = _namespace(stubbed=False), _namespace(stubbed=True)
    for part in PARTS:
        namespace = {}
        exec(public_test_cell(part.module).rsplit("\n", 1)[0], namespace)  # without the call
        test = namespace[f"test_{part.module}_public"]
        _, printed = _quietly(test, solution)
        assert "public tests pass" in printed
        with pytest.raises(exports.NotebookHelpers.PublicTestsFailed, match="not started"):
            test(stubs)


# -- the notebooks ---------------------------------------------------------------------


def _cells(text: str) -> list[dict]:
    return json.loads(text)["cells"]


def test_the_nbgrader_notebook_carries_nbgrader_metadata():
    nbformat = pytest.importorskip("nbformat")
    text = build_nbgrader_notebook()
    assert text == build_nbgrader_notebook()
    nbformat.validate(nbformat.reads(text, as_version=4))
    graded = [c for c in _cells(text) if c["metadata"].get("nbgrader", {}).get("grade")]
    ids = [
        c["metadata"]["nbgrader"]["grade_id"] for c in _cells(text) if "nbgrader" in c["metadata"]
    ]
    assert len(ids) == len(set(ids))
    points = {
        c["metadata"]["nbgrader"]["grade_id"]: c["metadata"]["nbgrader"]["points"] for c in graded
    }
    assert points == {
        **{f"{p.module}-public": 0 for p in PARTS},
        **{f"{p.module}-hidden": p.points for p in PARTS},
    }
    for cell in _cells(text):
        source = "".join(cell["source"])
        meta = cell["metadata"].get("nbgrader", {})
        # nbgrader refuses a solution region outside a solution cell
        assert ("BEGIN SOLUTION" in source) == bool(meta.get("solution")), source[:200]
        assert ("BEGIN HIDDEN TESTS" in source) == meta.get("grade_id", "").endswith("-hidden")
        if meta.get("solution"):
            assert "### BEGIN SOLUTION" in source and "### END SOLUTION" in source


def test_the_otter_master_notebook_has_questions_with_points():
    nbformat = pytest.importorskip("nbformat")
    text = build_otter_notebook()
    nbformat.validate(nbformat.reads(text, as_version=4))
    cells = _cells(text)
    config = "".join(cells[0]["source"])
    assert cells[0]["cell_type"] == "raw" and config.startswith("# ASSIGNMENT CONFIG")
    assert yaml.safe_load(config)["autograder_files"] == ["nnkit_hidden"]
    raws = ["".join(c["source"]) for c in cells if c["cell_type"] == "raw"]
    questions = [
        yaml.safe_load(r.split("\n", 1)[1]) for r in raws if r.startswith("# BEGIN QUESTION")
    ]
    assert [q["name"] for q in questions] == [p.module for p in PARTS]
    assert [sum(q["points"]) for q in questions] == [p.points for p in PARTS]
    hidden = [s for s in _sources(text, "code") if s.startswith("# HIDDEN\n")]
    assert len(hidden) == len(hidden_checks())
    for question in questions:
        assert question["points"][0] == 0  # the public tests: feedback only
        assert len(question["points"]) == 1 + sum(
            c.part == question["name"] for c in hidden_checks()
        )
    for source in hidden:
        tree = ast.parse(source)
        assert len(tree.body) == 1 and isinstance(tree.body[0], ast.FunctionDef)
    for source in _sources(text, "code"):  # otter rewrites any line with "# SOLUTION" in it
        for line in source.splitlines():
            if "# SOLUTION" in line or "#SOLUTION" in line:
                assert line.strip() in ("# BEGIN SOLUTION", "# END SOLUTION")


# -- writing OUT -----------------------------------------------------------------------


def test_export_writes_a_course_folder_and_refuses_to_overwrite(tmp_path):
    out = tmp_path / "course"
    written = export_nbgrader(out)
    for rel in ["nbgrader_config.py", "source/nnbasics/nnbasics.ipynb", "README.md"]:
        assert rel in written and (out / rel).is_file()
    assert (out / "nnkit_hidden" / "autograder" / "checks_graph.py").is_file()
    assert (out / "nnkit_hidden" / "solution" / "nnbasics" / "graph.py").is_file()
    assert all((out / rel).is_file() for rel in written)
    with pytest.raises(ExportError, match="is not empty: use --force"):
        export_nbgrader(out)
    # --force replaces nnkit's files and leaves the course's own alone
    (out / "gradebook.db").write_text("grades")
    (out / "nnkit_hidden" / "stale.py").write_text("old")
    export_nbgrader(out, force=True)
    assert (out / "gradebook.db").read_text() == "grades"
    assert not (out / "nnkit_hidden" / "stale.py").exists()


def test_export_to_a_file_is_an_error(tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(ExportError, match="exists and is not a folder"):
        export_otter(target, force=True)


def test_export_to_an_unwritable_place_is_an_error(tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    with pytest.raises(ExportError, match="cannot write"):
        export_otter(blocker / "out")


# -- the command line (once grading/cli.py has the export group) -----------------------


def _cli_has_export() -> bool:
    from grading.cli import main

    return "export" in getattr(main, "commands", {})


@pytest.mark.skipif(not _cli_has_export(), reason="nnkit export is not in grading/cli.py yet")
def test_the_export_command(nnkit, tmp_path):
    out = tmp_path / "otter"
    proc = nnkit("export", "otter", out)
    assert proc.returncode == 0, proc.stderr
    assert (out / "nnbasics.ipynb").is_file()
    proc = nnkit("export", "otter", out)
    assert proc.returncode == 2
    assert (
        proc.stderr == f"nnkit: error: {out} is not empty: use --force to overwrite what "
        "nnkit writes there\n"
    )
    assert nnkit("export", "otter", out, "--force").returncode == 0
    (tmp_path / "file").write_text("x")
    proc = nnkit("export", "nbgrader", tmp_path / "file")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1


# -- the real round trips --------------------------------------------------------------


def _tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        pytest.skip(f"{name} is not installed (pip install -e '.[jupyter]')")
    return str(path)


def _run(cwd: Path, *args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        list(args), cwd=cwd, env=TOOL_ENV, capture_output=True, text=True, timeout=timeout
    )
    assert proc.returncode == 0, f"{args}:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


def _start(cwd: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        list(args), cwd=cwd, env=TOOL_ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


@pytest.mark.slow  # the real nbgrader commands and kernels, about 25 s
def test_nbgrader_round_trip_solution_100_release_0(tmp_path):
    nbgrader = _tool("nbgrader")
    course = tmp_path / "course"
    export_nbgrader(course)
    _run(course, nbgrader, "generate_assignment", "nnbasics")
    release = course / "release" / "nnbasics" / "nnbasics.ipynb"
    released = json.loads(release.read_text())
    texts = ["".join(c["source"]) for c in released["cells"]]
    _assert_no_solution_line(texts)
    assert not any("BEGIN HIDDEN TESTS" in t or "run_hidden_part" in t for t in texts)
    assert sum("raise NotImplementedError()" in t for t in texts) >= len(PARTS)

    # "solved": the release with each solution cell written as in the source notebook
    source = json.loads((course / "source" / "nnbasics" / "nnbasics.ipynb").read_text())
    answers = {
        c["metadata"]["nbgrader"]["grade_id"]: c["source"]
        for c in source["cells"]
        if c["metadata"].get("nbgrader", {}).get("solution")
    }
    solved = json.loads(release.read_text())
    for cell in solved["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("solution"):
            cell["source"] = answers[meta["grade_id"]]
    for student, notebook in [("solved", solved), ("stubs", released)]:
        folder = course / "submitted" / student / "nnbasics"
        folder.mkdir(parents=True)
        (folder / "nnbasics.ipynb").write_text(json.dumps(notebook))
        (folder / "timestamp.txt").write_text("2026-11-26 12:00:00.000000 UTC")
        _run(course, nbgrader, "db", "student", "add", student)
    _run(course, nbgrader, "autograde", "nnbasics", timeout=600)
    _run(course, nbgrader, "export", "--to", "grades.csv")
    with open(course / "grades.csv", newline="") as f:
        rows = {row["student_id"]: row for row in csv.DictReader(f)}
    assert float(rows["solved"]["score"]) == 100.0
    assert float(rows["stubs"]["score"]) == 0.0
    assert float(rows["solved"]["max_score"]) == 100.0


@pytest.mark.slow  # the real otter commands and kernels, about 25 s
def test_otter_round_trip_solution_100_release_0(tmp_path):
    otter = _tool("otter")
    master = tmp_path / "otter"
    export_otter(master)
    _run(master, otter, "assign", "nnbasics.ipynb", "dist")
    student = master / "dist" / "student" / "nnbasics.ipynb"
    texts = ["".join(c["source"]) for c in json.loads(student.read_text())["cells"]]
    _assert_no_solution_line(texts)
    assert not any("run_hidden_check" in t for t in texts)
    assert not (master / "dist" / "student" / "nnkit_hidden").exists()
    (zip_path,) = (master / "dist" / "autograder").glob("nnbasics-autograder_*.zip")
    with zipfile.ZipFile(zip_path) as zf:
        assert "files/nnkit_hidden/autograder/checks_graph.py" in zf.namelist()

    # Both submissions at once: two kernels, one per core.
    runs = {}
    for name, notebook in [
        ("solution", master / "dist" / "autograder" / "nnbasics.ipynb"),
        ("release", student),
    ]:
        results = tmp_path / f"results-{name}"
        results.mkdir()
        command = [otter, "run", "-a", str(zip_path), "-o", str(results), "--no-logo"]
        runs[name] = (results, _start(tmp_path, *command, str(notebook)))
    scores = {}
    for name, (results, proc) in runs.items():
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, f"otter run ({name}):\n{out[-3000:]}\n{err[-3000:]}"
        tests = json.loads((results / "results.json").read_text())["tests"]
        scores[name] = {t["name"]: t["score"] for t in tests if "score" in t}
    assert scores["solution"] == {p.module: p.points for p in PARTS}
    assert scores["release"] == {p.module: 0 for p in PARTS}
