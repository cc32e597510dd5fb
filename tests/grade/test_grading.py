"""End to end: real worker processes, the real hidden suite, real scores."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import sample_bugs

from grading.checks.points import scored_parts, total_points
from grading.course.assignment import assignment
from grading.course.paths import ASSIGNMENT_DIR, SAMPLES_DIR, SOLUTION_DIR
from grading.grade.one_submission import grade, load_checks

PARTS = scored_parts()  # the parts with their points, from the assignment's data

SUBMISSIONS = Path(__file__).resolve().parents[1] / "submissions"


def parts_of(report) -> dict[str, float]:
    return {part.module: part.earned for part in report.parts}


@pytest.fixture(scope="module")
def solution_report():
    return grade(SOLUTION_DIR)


def test_points_add_up_per_part_and_to_the_declared_total():
    checks = load_checks()
    assert sum(c.points for c in checks) == total_points(PARTS) == assignment().points
    for part in PARTS:
        assert sum(c.points for c in checks if c.part == part.module) == part.points, part.module
        assert part.part.points in (None, part.points), part.module


def test_solution_scores_exactly_100(solution_report):
    failed = [f"{r.check.name}: {r.message}" for r in solution_report.results if not r.passed]
    assert failed == []
    assert solution_report.score == 100


def test_release_scores_exactly_0():
    report = grade(ASSIGNMENT_DIR)
    passed = [r.check.name for r in report.results if r.passed]
    assert passed == []
    assert report.score == 0


def test_release_failures_say_what_to_implement():
    report = grade(ASSIGNMENT_DIR)
    first = next(r for r in report.results if r.check.part == "activations")
    assert "is not implemented yet" in first.message
    # a stubbed constant (`NAME = NotImplemented`) is reported as a stubbed function is
    by_name = {r.check.name: r.message for r in report.results}
    assert by_name["neuron_and_theta"] == "neuron.AND_THETA is not implemented yet"
    assert by_name["network_xor_params"] == "network.XOR_PARAMS is not implemented yet"


@pytest.mark.parametrize("name", ["correct_loops", "correct_functional"])
def test_correct_submissions_in_other_styles_score_100(name):
    report = grade(SUBMISSIONS / name)
    failed = [f"{r.check.name}: {r.message}" for r in report.results if not r.passed]
    assert failed == []
    assert report.score == 100


@pytest.mark.parametrize(("name", "part"), sample_bugs())
def test_each_buggy_sample_loses_points_in_its_part_only(name, part, solution_report):
    report = grade(SAMPLES_DIR / "submissions" / name)
    full = parts_of(solution_report)
    got = parts_of(report)
    assert got[part] < full[part], f"{name} should lose points in {part}"
    lost = {m for m in got if got[m] < full[m]}
    assert lost == {part}  # one mistake costs once: the parts calling it are not charged


def test_grading_is_reproducible_per_submission():
    a = grade(SUBMISSIONS / "correct_loops")
    b = grade(SUBMISSIONS / "correct_loops")
    assert a.seed == b.seed
    assert [r.passed for r in a.results] == [r.passed for r in b.results]


def test_the_seed_depends_on_the_course_secret():
    assert grade(SOLUTION_DIR, secret=b"one").seed != grade(SOLUTION_DIR, secret=b"two").seed
