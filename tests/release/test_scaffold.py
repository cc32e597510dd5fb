"""`nnkit new-part`: where the scaffold registers a part, and what it refuses.

The files it writes are exercised end to end by tests/test_authoring_walkthrough.py (on a
copy of the kit); here, the registering on text, which never touches the kit.
"""

from __future__ import annotations

import re

import pytest

from grading.course.assignment import ASSIGNMENT_FILE, AssignmentError, assignment, parse_assignment
from grading.release.notebook import NOTEBOOK_SOURCE
from grading.release.scaffold import (
    NewPart,
    ScaffoldError,
    hidden_checks,
    public_tests,
    registered_notebook,
    registered_toml,
    scaffold_part,
    solution_module,
)
from grading.release.student_release import strip_solution

WHERE = "solution/assignment.toml"


def new_part(module: str = "softmax", number: int = 3, points: float | None = 4) -> NewPart:
    return NewPart(assignment().package, module, "Softmax", number, points)


def test_after_a_part_the_table_and_the_cells_go_right_after_it():
    course = assignment()
    after = course.modules[1]
    toml = registered_toml(ASSIGNMENT_FILE.read_text(encoding="utf-8"), new_part(), after)
    placed = parse_assignment(toml, WHERE)
    assert placed.modules == (*course.modules[:2], "softmax", *course.modules[2:])
    assert placed.part("softmax").number == 3 and placed.part("softmax").points == 4
    notebook = registered_notebook(NOTEBOOK_SOURCE.read_text(encoding="utf-8"), new_part(), after)
    for kind in ("solution", "check"):
        cells = re.findall(rf"^# %% \[{kind}\] (\w+)$", notebook, re.M)
        assert cells == list(placed.modules)


def test_last_by_default_and_without_points():
    course = assignment()
    part = new_part(number=len(course.parts) + 1, points=None)
    placed = parse_assignment(registered_toml(ASSIGNMENT_FILE.read_text(), part, None), WHERE)
    assert placed.modules == (*course.modules, "softmax")
    assert placed.part("softmax").points is None


def test_a_bad_module_name_is_the_assignments_one_line_error():
    toml = registered_toml(ASSIGNMENT_FILE.read_text(), new_part(module="Soft-max"), None)
    with pytest.raises(AssignmentError) as info:
        parse_assignment(toml, WHERE)
    number = len(assignment().parts) + 1
    assert str(info.value) == (
        f"{WHERE}: part {number} (Soft-max): module 'Soft-max' is not a module name "
        "(lower case, digits, _)"
    )


def test_existing_parts_and_unknown_after_are_refused_before_writing():
    first = assignment().modules[0]
    with pytest.raises(ScaffoldError, match=rf"^part '{first}' exists already \({WHERE}\)$"):
        scaffold_part(first, "again")
    with pytest.raises(ScaffoldError, match=r"^--after 'nowhere': no such part \(parts: "):
        scaffold_part("softmax", "Softmax", after="nowhere")


def test_the_templates_are_python_and_release_to_stubs():
    part = new_part()
    for text in (solution_module(part), public_tests(part), hidden_checks(part)):
        compile(text, "template", "exec")
    released = strip_solution(solution_module(part), "softmax.py")
    assert released.count('raise NotImplementedError("Part 3 (softmax): implement') == 2
    assert "BEGIN SOLUTION" not in released and "# STUB:" not in released
    assert hidden_checks(part).count("@check(PART, points=2,") == 2
