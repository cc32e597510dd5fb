"""Generate the student release `assignment/` from `solution/`, deterministically.

In a solution file, each solution region is a `# BEGIN SOLUTION` ... `# END SOLUTION`
block, and the lines just before it that start with `# STUB: ` are what the student sees
instead (a hint and a `raise NotImplementedError(...)`). The release drops each region and
uncomments its stub lines; everything else is copied as it is.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

from grading.checks.points import scored_parts
from grading.checks.slide_examples import SLIDE_EXAMPLES_FILE
from grading.course.assignment import Assignment, AssignmentError, assignment
from grading.course.markers import BEGIN, END, STUB_RE, MarkerError, Region, solution_regions
from grading.course.paths import ASSIGNMENT_DIR, KIT_ROOT, SOLUTION_DIR
from grading.release.catalogue import CATALOGUE_FILE, catalogue
from grading.release.classroom import classroom_workflow
from grading.release.notebook import build_notebook
from grading.results.files import write_atomic


def strip_solution(source: str, filename: str = "<source>") -> str:
    """The student's version of one solution file."""
    regions = solution_regions(source, filename)
    check_stubbed_constants(source, regions, filename)
    begins = {region.begin for region in regions}
    hidden = {n for region in regions for n in range(region.begin, region.end + 1)}
    out: list[str] = []
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        if number in begins:
            if not out or not STUB_RE.match(out[-1]):
                raise MarkerError(
                    f"{filename}:{number}: a solution region needs '# STUB: ' lines before it"
                )
            _uncomment_stub_lines(out)
        elif number not in hidden:
            out.append(line)
    return "".join(out)


def check_stubbed_constants(source: str, regions: list[Region], filename: str) -> None:
    """A constant the student sets (a region at module level) must be stubbed as
    `NAME = NotImplemented`: the grader, the public tests and the notebook report that
    value as "not implemented yet", as they do a function that raises NotImplementedError
    (any other stub value would be graded as a wrong answer). MarkerError otherwise."""
    lines = source.splitlines()
    for region in regions:
        if lines[region.begin - 1] != lines[region.begin - 1].lstrip():
            continue  # inside a function or class: its stub raises NotImplementedError
        first = region.begin - 1
        while first > 0 and STUB_RE.match(lines[first - 1]):
            first -= 1
        stub = "\n".join(STUB_RE.sub(r"\1\2", line) for line in lines[first : region.begin - 1])
        try:
            tree = ast.parse(stub)
        except SyntaxError:
            continue  # not Python: compiling the release reports it
        for node in tree.body:
            value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
            names = [t.id for t in _targets(node) if isinstance(t, ast.Name)]
            if names and not (isinstance(value, ast.Name) and value.id == "NotImplemented"):
                line = first + node.lineno
                raise MarkerError(
                    f"{filename}:{line}: the stub of {names[0]} should be "
                    f"`{names[0]} = NotImplemented`, which the grader and the public tests "
                    f"report as not implemented yet"
                )


def _targets(node: ast.stmt) -> list[ast.expr]:
    if isinstance(node, ast.Assign):
        return node.targets
    if isinstance(node, ast.AnnAssign):
        return [node.target]
    return []


def _uncomment_stub_lines(out: list[str]) -> None:
    """Turn the trailing `# STUB: ` lines of `out` into code, in place."""
    i = len(out)
    while i > 0 and STUB_RE.match(out[i - 1]):
        i -= 1
    for j in range(i, len(out)):
        match = STUB_RE.match(out[j])
        assert match
        out[j] = f"{match.group(1)}{match.group(2)}\n"


def solution_lines(source: str) -> set[str]:
    """Distinctive lines inside solution regions (those that appear nowhere outside them)."""
    inside = {n for region in solution_regions(source) for n in region.inside}
    regions, outside = set(), set()
    for number, line in enumerate(source.splitlines(), start=1):
        marker = line.strip()
        if marker in (BEGIN, END):
            continue
        if marker:
            (regions if number in inside else outside).add(marker)
    return {line for line in regions - outside if len(line) > 12}


def build_release() -> dict[str, str]:
    """Every file of `assignment/`, by relative path, as `nnkit release` writes them."""
    course = assignment()
    check_files(course)
    files: dict[str, str] = {}
    for path in sorted((SOLUTION_DIR / course.package).glob("*.py")):
        rel = f"{course.package}/{path.name}"
        files[rel] = strip_solution(path.read_text(encoding="utf-8"), f"solution/{rel}")
    for path in sorted((SOLUTION_DIR / "tests").glob("*.py")):
        files[f"tests/{path.name}"] = path.read_text(encoding="utf-8")
    # The slides' examples, which the public tests read (beside tests/, as in solution/).
    files["slide_examples.toml"] = SLIDE_EXAMPLES_FILE.read_text(encoding="utf-8")
    files[f"{course.package}.ipynb"] = build_notebook()
    files["README.md"] = student_readme()
    files["pyproject.toml"] = STUDENT_PYPROJECT.format(package=course.package)
    files[".github/workflows/classroom.yml"] = classroom_workflow()
    return files


def check_files(course: Assignment) -> None:
    """Each part has its solution module and public tests, and each solution module is a
    part (AssignmentError, one line, otherwise)."""
    package = SOLUTION_DIR / course.package
    for part in course.parts:
        tests = SOLUTION_DIR / "tests" / f"test_{part.module}.py"
        for path in (package / f"{part.module}.py", tests):
            if not path.is_file():
                raise AssignmentError(
                    f"{course.source}: part {part.number} ({part.module}) has no "
                    f"solution/{path.relative_to(SOLUTION_DIR).as_posix()} "
                    f"(nnkit new-part writes it)"
                )
    for path in sorted(package.glob("*.py")):
        if path.stem != "__init__" and path.stem not in course.modules:
            raise AssignmentError(
                f"solution/{course.package}/{path.name} is not a part: add it to "
                f"{course.source} (or remove it)"
            )


def write_release(target: Path = ASSIGNMENT_DIR) -> list[str]:
    """Write the release to `target`, removing files the release no longer has."""
    files = build_release()
    for path in sorted(target.rglob("*")) if target.exists() else []:
        rel = path.relative_to(target).as_posix()
        if path.is_file() and rel not in files and not _ignored(rel):
            path.unlink()
    _write(target, files)
    return sorted(files)


def release_differences(target: Path = ASSIGNMENT_DIR) -> list[str]:
    """Files of `target` that differ from what `nnkit release` would write (empty: in sync)."""
    return [f"{kind}: {rel}" for kind, rel in _release_problems(target)]


def _release_problems(target: Path) -> list[tuple[str, str]]:
    """(kind, path relative to `target`): "missing", "differs" or "extra"."""
    files = build_release()
    problems = _differences(target, files)
    if target.exists():
        for path in sorted(target.rglob("*")):
            rel = path.relative_to(target).as_posix()
            if path.is_file() and rel not in files and not _ignored(rel):
                problems.append(("extra", rel))
    return problems


# The files `nnkit release` generates for the instructor, beside the course and never
# released, each with the function that makes its text: the catalogue of the checks.
INSTRUCTOR_FILES: dict[Path, Callable[[], str]] = {CATALOGUE_FILE: catalogue}


def instructor_files() -> dict[str, str]:
    """The text of each of INSTRUCTOR_FILES, by kit-relative path."""
    return {_kit_relative(path): make() for path, make in INSTRUCTOR_FILES.items()}


def generated_places() -> list[str]:
    """What `nnkit release` writes, kit-relative: the release's folder, then the
    instructor's files ("assignment/", "autograder/CHECKS.md")."""
    return [f"{_kit_relative(ASSIGNMENT_DIR)}/", *map(_kit_relative, INSTRUCTOR_FILES)]


def release_all() -> list[str]:
    """`nnkit release`: write assignment/ and the instructor's files; every file written,
    relative to the kit's root."""
    released = write_release()
    instructor = instructor_files()
    _write(KIT_ROOT, instructor)
    prefix = _kit_relative(ASSIGNMENT_DIR)
    return [*(f"{prefix}/{rel}" for rel in released), *instructor]


def stale_files() -> list[str]:
    """`nnkit release --check`: each generated file that is not what `nnkit release` would
    write ("differs: autograder/CHECKS.md", "missing: assignment/README.md", "extra:
    assignment/x.py"), relative to the kit's root; empty when everything is in sync."""
    prefix = _kit_relative(ASSIGNMENT_DIR)
    problems = [(kind, f"{prefix}/{rel}") for kind, rel in _release_problems(ASSIGNMENT_DIR)]
    problems += _differences(KIT_ROOT, instructor_files())
    return [f"{kind}: {rel}" for kind, rel in problems]


def _write(target: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        write_atomic(target / rel, text)


def _differences(target: Path, files: dict[str, str]) -> list[tuple[str, str]]:
    """(kind, path) of each of `files` (relative to `target`) that is "missing" there or
    "differs"."""
    problems = []
    for rel, text in files.items():
        dest = target / rel
        if not dest.exists():
            problems.append(("missing", rel))
        elif dest.read_text(encoding="utf-8") != text:
            problems.append(("differs", rel))
    return problems


def _kit_relative(path: Path) -> str:
    return path.relative_to(KIT_ROOT).as_posix()


def _ignored(rel: str) -> bool:
    return any(p in rel for p in ("__pycache__", ".pytest_cache", ".egg-info")) or rel.endswith(
        ".pyc"
    )


STUDENT_PYPROJECT = """\
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "{package}"
version = "0.1.0"
description = "Neural-network basics and backpropagation: your implementation."
requires-python = ">=3.10"
dependencies = ["numpy>=1.24", "tomli>=1.1; python_version < '3.11'"]

[project.optional-dependencies]
test = ["pytest>=8"]
notebook = ["jupyterlab", "matplotlib", "pytest>=8"]

[tool.setuptools]
packages = ["{package}"]

[tool.pytest.ini_options]
testpaths = ["tests"]
"""


def student_readme() -> str:
    """The student README: the course's paragraphs (solution/assignment.toml), set-up, then
    one section per part."""
    course = assignment()
    package = course.package
    parts = scored_parts()
    lines = [
        f"# {course.readme.title}",
        "",
        course.readme.intro,
        "",
        "## Set up and run the tests",
        "",
        "```",
        "python3 -m venv .venv && . .venv/bin/activate",
        "pip install -e '.[test]'",
        "pytest",
        "```",
        "",
        f"Prefer a notebook? `pip install -e '.[notebook]'`, then open `{package}.ipynb` in",
        course.readme.notebook,
        "",
        "Every function you have to write raises `NotImplementedError` until you do, and",
        "every constant you have to set is `NotImplemented`; the tests and the grader report",
        "both as not implemented yet. The tests here check the examples from the slides and",
        "the shapes of your results; at the end of the run you get a short summary per part.",
        "The grader runs more tests (random inputs, gradient checks, edge cases), so passing",
        "these is a good start, not the end.",
        "",
        course.readme.rules,
        "",
        "## The parts",
        "",
    ]
    for scored in parts:
        part = scored.part
        lines += [
            f"### Part {part.number}: {part.title} ({scored.points:g} points)",
            "",
            f"File: `{package}/{part.module}.py`. Slides: {part.slides}.",
            "",
            f"Implement {part.summary}",
            f"Check it with `pytest tests/test_{part.module}.py`.",
            "",
        ]
    lines += [
        "## Handing in",
        "",
        f"Hand in the folder `{package}/` (or a .zip of it). The grader only reads the "
        f"{len(parts)}",
        "module files; it uses its own `__init__.py`.",
        "",
    ]
    return "\n".join(lines)
