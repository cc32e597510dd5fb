"""Generate the student release `assignment/` from `solution/`, deterministically.

In a solution file, each solution region is a `# BEGIN SOLUTION` ... `# END SOLUTION`
block, and the lines just before it that start with `# STUB: ` are what the student sees
instead (a hint and a `raise NotImplementedError(...)`). The release drops each region and
uncomments its stub lines; everything else is copied as it is.
"""

from __future__ import annotations

from pathlib import Path

from grading.course.markers import BEGIN, END, STUB_RE, MarkerError, solution_regions
from grading.course.parts import PARTS
from grading.course.paths import ASSIGNMENT_DIR, SOLUTION_DIR
from grading.release.classroom import classroom_workflow
from grading.release.notebook import build_notebook


def strip_solution(source: str, filename: str = "<source>") -> str:
    """The student's version of one solution file."""
    regions = solution_regions(source, filename)
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
    files: dict[str, str] = {}
    for path in sorted((SOLUTION_DIR / "nnbasics").glob("*.py")):
        rel = f"nnbasics/{path.name}"
        files[rel] = strip_solution(path.read_text(encoding="utf-8"), f"solution/{rel}")
    for path in sorted((SOLUTION_DIR / "tests").glob("*.py")):
        files[f"tests/{path.name}"] = path.read_text(encoding="utf-8")
    files["nnbasics.ipynb"] = build_notebook()
    files["README.md"] = student_readme()
    files["pyproject.toml"] = STUDENT_PYPROJECT
    files[".github/workflows/classroom.yml"] = classroom_workflow()
    return files


def write_release(target: Path = ASSIGNMENT_DIR) -> list[str]:
    """Write the release to `target`, removing files the release no longer has."""
    files = build_release()
    for path in sorted(target.rglob("*")) if target.exists() else []:
        rel = path.relative_to(target).as_posix()
        if path.is_file() and rel not in files and not _ignored(rel):
            path.unlink()
    for rel, text in files.items():
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(text, encoding="utf-8")
    return sorted(files)


def release_differences(target: Path = ASSIGNMENT_DIR) -> list[str]:
    """Files of `target` that differ from what `nnkit release` would write (empty: in sync)."""
    files = build_release()
    problems = []
    for rel, text in files.items():
        dest = target / rel
        if not dest.exists():
            problems.append(f"missing: {rel}")
        elif dest.read_text(encoding="utf-8") != text:
            problems.append(f"differs: {rel}")
    if target.exists():
        for path in sorted(target.rglob("*")):
            rel = path.relative_to(target).as_posix()
            if path.is_file() and rel not in files and not _ignored(rel):
                problems.append(f"extra: {rel}")
    return problems


def _ignored(rel: str) -> bool:
    return any(p in rel for p in ("__pycache__", ".pytest_cache", ".egg-info")) or rel.endswith(
        ".pyc"
    )


STUDENT_PYPROJECT = """\
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "nnbasics"
version = "0.1.0"
description = "Neural-network basics and backpropagation: your implementation."
requires-python = ">=3.10"
dependencies = ["numpy>=1.24"]

[project.optional-dependencies]
test = ["pytest>=8"]
notebook = ["jupyterlab", "matplotlib", "pytest>=8"]

[tool.setuptools]
packages = ["nnbasics"]

[tool.pytest.ini_options]
testpaths = ["tests"]
"""


def student_readme() -> str:
    """The student README: setup, then one section per part."""
    lines = [
        "# Neural-network basics: your assignment",
        "",
        "You will build, in plain numpy, the pieces of the lecture on neural networks",
        "(DD2418, lectures 7a and 7b): activation functions, the cross-entropy loss, one",
        "neuron, backpropagation on a computational graph and through layers, a small",
        "network that solves XOR, a gradient checker, and training by gradient descent.",
        "",
        "## Set up and run the tests",
        "",
        "```",
        "python3 -m venv .venv && . .venv/bin/activate",
        "pip install -e '.[test]'",
        "pytest",
        "```",
        "",
        "Prefer a notebook? `pip install -e '.[notebook]'`, then open `nnbasics.ipynb` in",
        "Jupyter: it walks through the lecture part by part, with plots and a check per part.",
        "",
        "Every function you have to write raises `NotImplementedError` until you do. The tests",
        "here check the examples from the slides and the shapes of your results; at the end",
        "of the run you get a short summary per part. The grader runs more tests (random",
        "inputs, gradient checks, edge cases), so passing these is a good start, not the end.",
        "",
        "Rules: use numpy only, return float64 arrays, never change the arrays you are given,",
        "and keep the names and shapes of the functions as they are. Batches are rows: `X`",
        "has shape `(m, n)`, a layer's `W` has shape `(n_out, n_in)` and `b` shape `(n_out,)`.",
        "",
        "## The parts",
        "",
    ]
    for part in PARTS:
        lines += [
            f"### Part {part.number}: {part.title} ({part.points} points)",
            "",
            f"File: `nnbasics/{part.module}.py`. Slides: {part.slides}.",
            "",
            f"Implement {part.summary}",
            f"Check it with `pytest tests/test_{part.module}.py`.",
            "",
        ]
    lines += [
        "## Handing in",
        "",
        "Hand in the folder `nnbasics/` (or a .zip of it). The grader only reads the eight",
        "module files; it uses its own `__init__.py`.",
        "",
    ]
    return "\n".join(lines)
