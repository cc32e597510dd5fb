"""solution/assignment.toml: the kit's own file loads, and each authoring mistake is one
line naming the file and the part."""

from __future__ import annotations

from pathlib import Path

import pytest

from grading.checks.points import scored_parts, total_points
from grading.checks.suite import Check, check
from grading.course.assignment import (
    ASSIGNMENT_FILE,
    AssignmentError,
    assignment,
    load_assignment,
    parse_assignment,
)

WHERE = "solution/assignment.toml"
GOOD = ASSIGNMENT_FILE.read_text(encoding="utf-8")


def test_the_kits_assignment_loads_with_its_parts_in_order():
    course = assignment()
    assert course.source == WHERE
    assert [p.number for p in course.parts] == list(range(1, len(course.parts) + 1))
    assert course.module_files == {f"{m}.py" for m in course.modules}
    package = ASSIGNMENT_FILE.parent / course.package
    on_disk = sorted(p.stem for p in package.glob("*.py") if p.stem != "__init__")
    assert sorted(course.modules) == on_disk


def test_the_suite_adds_up_to_the_declared_totals():
    parts = scored_parts()
    assert total_points(parts) == assignment().points
    assert [p.points for p in parts] == [p.part.points for p in parts]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'package = "nnbasics"',
            'package = "nn-basics"',
            "package 'nn-basics' is not a Python package name (lower case, digits, _)",
        ),
        ('code = "DD2418"', "", "[course]: code should be a non-empty string"),
        (
            'module = "losses"',
            'module = "activations"',
            "part 2 (activations): module 'activations' is listed twice",
        ),
        (
            'title = "Binary cross-entropy"',
            'titel = "Binary cross-entropy"',
            "part 2 (losses): unknown key 'titel' (known: module, points, slides, summary, title)",
        ),
        ("points = 15\n", 'points = "15"\n', "points should be a positive number, got '15'"),
        (
            "[[parts]]",
            "[[part]]",
            "unknown key 'part' (known: course, grading, package, parts, points, readme)",
        ),
        (
            "charge_downstream = false",
            'charge_downstream = "no"',
            "[grading] charge_downstream should be true or false, got 'no'",
        ),
        (
            "charge_downstream = false",
            "charge_downstream = 0",
            "[grading] charge_downstream should be true or false, got 0",
        ),
        (
            "charge_downstream = false",
            "charge_downsteam = true",
            "[grading]: unknown key 'charge_downsteam' (known: charge_downstream)",
        ),
        (
            "[grading]\ncharge_downstream = false\n",
            "grading = 1\n",
            "grading should be a table [grading]",
        ),
    ],
)
def test_authoring_mistakes_are_one_line_naming_the_file_and_part(old, new, message):
    assert old in GOOD
    with pytest.raises(AssignmentError) as info:
        parse_assignment(GOOD.replace(old, new, 1), WHERE)
    text = str(info.value)
    assert "\n" not in text
    assert text.startswith(f"{WHERE}: ") and text.endswith(message), text


def test_a_missing_or_broken_file_is_one_line(tmp_path: Path):
    with pytest.raises(AssignmentError, match=r"^/.*/nowhere.toml: not found \(the kit needs"):
        load_assignment(tmp_path / "nowhere.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("package = \n")
    with pytest.raises(AssignmentError, match=r"broken.toml: not valid TOML: "):
        load_assignment(broken)


def _checks(points: dict[str, list[float]]) -> list[Check]:
    def func(student):  # a check's body: never run here
        raise AssertionError

    return [
        Check(f"c{i}", "t", part, p, "visible", (), func)
        for part, values in points.items()
        for i, p in enumerate(values)
    ]


def test_points_that_do_not_add_up_name_the_part_both_numbers_and_the_file():
    course = assignment()
    points = {p.module: [p.points] for p in course.parts}
    first = course.parts[0]
    points[first.module] = [first.points, 0.5]
    with pytest.raises(AssignmentError) as info:
        scored_parts(_checks(points), course)
    assert str(info.value) == (
        f"part 1 ({first.module}): its checks add up to {first.points + 0.5:g} points but "
        f"{WHERE} declares {first.points:g}: change points= in "
        f"tests/course/test_assignment.py (or the part's points in {WHERE})"
    )


def test_a_part_without_checks_is_an_error():
    course = assignment()
    last = course.parts[-1]
    points = {p.module: [p.points] for p in course.parts[:-1]}
    with pytest.raises(AssignmentError) as info:
        scored_parts(_checks(points), course)
    assert str(info.value) == (
        f"{WHERE}: part {last.number} ({last.module}) has no checks: add one with "
        f'@check("{last.module}", points=...) in autograder/checks_{last.module}.py'
    )


def test_the_total_is_checked_too():
    course = assignment()
    points = {p.module: [p.points] for p in course.parts}
    undeclared = parse_assignment(GOOD.replace("points = 10\n", "", 1), WHERE)
    points[undeclared.parts[0].module] = [11.0]
    with pytest.raises(AssignmentError) as info:
        scored_parts(_checks(points), undeclared)
    assert str(info.value).startswith(
        f"the checks add up to {course.points + 1:g} points but {WHERE} declares "
        f"{course.points:g} in all: change points= in autograder/checks_*.py (part totals: "
    )


def test_a_check_naming_an_unknown_part_names_its_file():
    with pytest.raises(AssignmentError) as info:

        @check("softmax", points=1)
        def softmax_value(student):
            """never registered"""

    assert str(info.value) == (
        "tests/course/test_assignment.py: check softmax_value names part 'softmax', which "
        f"{WHERE} does not list (parts: {', '.join(assignment().modules)})"
    )


def test_charge_downstream_is_off_unless_the_file_turns_it_on():
    assert assignment().grading.charge_downstream is False
    without = GOOD.replace("charge_downstream = false\n", "")
    assert parse_assignment(without, WHERE).grading.charge_downstream is False
    on = GOOD.replace("charge_downstream = false", "charge_downstream = true")
    assert parse_assignment(on, WHERE).grading.charge_downstream is True
