"""The student release: in sync with solution/, no solution line in it, clear marker errors."""

from __future__ import annotations

import ast
import shutil

import pytest

from grading.checks.points import scored_parts
from grading.course.assignment import AssignmentError, assignment
from grading.course.paths import ASSIGNMENT_DIR, SOLUTION_DIR
from grading.release.student_release import (
    MarkerError,
    build_release,
    release_differences,
    solution_lines,
    strip_solution,
)

PACKAGE = assignment().package


def test_committed_release_is_what_nnkit_release_writes():
    assert release_differences() == []


def test_release_to_a_new_folder_matches(tmp_path):
    from grading.release.student_release import write_release

    write_release(tmp_path)
    assert release_differences(tmp_path) == []
    for module in assignment().modules:
        assert (tmp_path / PACKAGE / f"{module}.py").read_text() == (
            ASSIGNMENT_DIR / PACKAGE / f"{module}.py"
        ).read_text()


@pytest.mark.parametrize(
    "path", sorted((SOLUTION_DIR / PACKAGE).glob("*.py")), ids=lambda p: p.name
)
def test_no_solution_line_survives(path):
    released = (ASSIGNMENT_DIR / PACKAGE / path.name).read_text()
    leaked = {line for line in solution_lines(path.read_text()) if line in released}
    assert leaked == set()
    assert "BEGIN SOLUTION" not in released and "# STUB:" not in released


@pytest.mark.parametrize(
    "path", sorted((ASSIGNMENT_DIR / PACKAGE).glob("*.py")), ids=lambda p: p.name
)
def test_stubs_are_valid_python_that_raise_not_implemented(path):
    source = path.read_text()
    ast.parse(source)
    if path.name != "__init__.py":
        assert "NotImplementedError" in source


def test_strip_solution_replaces_region_by_stub():
    source = (
        "def f(x):\n"
        "    # STUB: # Hint: double it.\n"
        "    # STUB: raise NotImplementedError('Part 1: f')\n"
        "    # BEGIN SOLUTION\n"
        "    return 2 * x\n"
        "    # END SOLUTION\n"
    )
    assert strip_solution(source) == (
        "def f(x):\n    # Hint: double it.\n    raise NotImplementedError('Part 1: f')\n"
    )


@pytest.mark.parametrize(
    ("source", "error"),
    [
        (
            "# BEGIN SOLUTION\nx = 1\n# END SOLUTION\n",
            "f.py:1: a solution region needs '# STUB: ' lines before it",
        ),
        ("# STUB: x = 0\n# BEGIN SOLUTION\nx = 1\n", "f.py: BEGIN SOLUTION is never closed"),
        ("x = 1\n# END SOLUTION\n", "f.py:2: END SOLUTION without BEGIN SOLUTION"),
        (
            "# STUB: x = 0\n# BEGIN SOLUTION\n# BEGIN SOLUTION\n",
            "f.py:3: BEGIN SOLUTION inside another region",
        ),
    ],
)
def test_marker_errors_name_file_and_line(source, error):
    with pytest.raises(MarkerError) as info:
        strip_solution(source, "f.py")
    assert str(info.value) == error


@pytest.mark.parametrize(
    "stub", ["AND = [0.0, 0.0]", "AND: list = []", "AND = None", "AND = NotImplemented  # x"]
)
def test_a_stubbed_constant_must_be_not_implemented(stub):
    source = (
        f"import numpy\n\n# STUB: # Hint: a line\n# STUB: {stub}\n"
        "# BEGIN SOLUTION\nAND = 1\n# END SOLUTION\n"
    )
    if stub.startswith("AND = NotImplemented"):
        assert strip_solution(source, "f.py").endswith(f"{stub}\n")
        return
    with pytest.raises(MarkerError) as info:
        strip_solution(source, "f.py")
    assert str(info.value) == (
        "f.py:4: the stub of AND should be `AND = NotImplemented`, which the grader and the "
        "public tests report as not implemented yet"
    )


def test_the_readme_has_every_part_with_its_points_and_slides():
    readme = build_release()["README.md"]
    for part in scored_parts():
        assert f"### Part {part.number}: {part.title} ({part.points:g} points)" in readme
        assert f"File: `{PACKAGE}/{part.module}.py`. Slides: {part.part.slides}." in readme
    assert assignment().readme.intro in readme


def test_a_solution_module_that_is_no_part_is_named(tmp_path, monkeypatch):
    from grading.release import student_release

    copy = tmp_path / "solution"
    shutil.copytree(SOLUTION_DIR, copy)
    monkeypatch.setattr(student_release, "SOLUTION_DIR", copy)
    (copy / PACKAGE / "extra_part.py").write_text("X = 1\n")
    with pytest.raises(AssignmentError) as info:
        student_release.check_files(assignment())
    assert str(info.value) == (
        f"solution/{PACKAGE}/extra_part.py is not a part: add it to solution/assignment.toml "
        "(or remove it)"
    )


def test_a_part_without_its_public_tests_is_named(tmp_path, monkeypatch):
    from grading.release import student_release

    copy = tmp_path / "solution"
    shutil.copytree(SOLUTION_DIR, copy)
    monkeypatch.setattr(student_release, "SOLUTION_DIR", copy)
    last = assignment().parts[-1]
    (copy / "tests" / f"test_{last.module}.py").unlink()
    with pytest.raises(AssignmentError) as info:
        student_release.check_files(assignment())
    assert str(info.value) == (
        f"solution/assignment.toml: part {last.number} ({last.module}) has no "
        f"solution/tests/test_{last.module}.py (nnkit new-part writes it)"
    )
