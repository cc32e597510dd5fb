"""Properties count only with values (issue 12, point 3): a submission whose functions
return constants, or random numbers, of the right shapes scores 0 in every part, so no
check of a property (inputs left unchanged, no warning, plain numbers accepted, shapes,
seeding) pays for a wrong value."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from grading.grade.one_submission import grade, load_checks, run_checks
from grading.grade.unsandboxed import LocalStudent

pytestmark = pytest.mark.usefixtures("forget_imported_submissions")

SUBMISSIONS = Path(__file__).resolve().parents[1] / "submissions"
NOTHING = ["constant_outputs", "random_outputs"]


@pytest.mark.parametrize("name", NOTHING)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_right_shapes_with_wrong_values_pass_no_check(name, seed):
    source = SUBMISSIONS / name
    try:
        results = run_checks(LocalStudent(source, seed), load_checks())
    finally:
        sys.path.remove(str(source))
    assert [r.check.name for r in results if r.passed] == []


@pytest.mark.parametrize("name", NOTHING)
def test_graded_in_the_sandbox_every_part_scores_0(name):
    report = grade(SUBMISSIONS / name)
    assert {part.module: part.earned for part in report.parts} == {
        part.module: 0.0 for part in report.parts
    }
    assert report.score == 0
