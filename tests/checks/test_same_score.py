"""Same mistake, same score: every buggy submission the kit has gets one total and one score
per part whatever the course secret (issue 12, point 1), and the correct ones 100.

Each submission is graded under SECRETS course secrets, its seed derived exactly as
grading does (`submission_seed(secret, sha256)`, the sha256 from `prepare`), with
LocalStudent for speed (the same checks and wire format as the sandbox).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from buggy import VARIANTS, build

from grading.course.paths import KIT_ROOT
from grading.grade.one_submission import load_checks, part_summary, run_checks, submission_seed
from grading.grade.unsandboxed import LocalStudent
from grading.sandbox.uploads import prepare

pytestmark = pytest.mark.usefixtures("forget_imported_submissions")

SECRETS = [f"course secret {k}".encode() for k in range(8)]
SAMPLES = sorted(p for p in (KIT_ROOT / "samples" / "submissions").iterdir() if p.is_dir())
CORRECT = sorted((KIT_ROOT / "tests" / "submissions").glob("correct_*"))


def scores(source: Path, tmp_path: Path) -> list[tuple[float, dict[str, float]]]:
    """(total, {part: earned}) of `source` under each of SECRETS."""
    sha = prepare(source, tmp_path / "prepared")
    checks = load_checks()
    out = []
    for secret in SECRETS:
        student = LocalStudent(source, submission_seed(secret, sha))
        try:
            parts = {p.module: p.earned for p in part_summary(run_checks(student, checks))}
        finally:
            sys.path.remove(str(source))
        out.append((round(sum(parts.values()), 6), parts))
    return out


def assert_one_score(graded: list[tuple[float, dict[str, float]]]) -> None:
    totals = sorted({total for total, _ in graded})
    assert len(totals) == 1, f"totals {totals} under {len(SECRETS)} secrets"
    first = graded[0][1]
    for _, parts in graded[1:]:
        assert parts == first, f"part scores differ: {parts} and {first}"


def test_the_secrets_give_different_seeds(tmp_path):
    sha = prepare(SAMPLES[0], tmp_path)
    assert len({submission_seed(secret, sha) for secret in SECRETS}) == len(SECRETS)


@pytest.mark.parametrize("source", SAMPLES, ids=lambda p: p.name)
def test_a_buggy_sample_gets_one_score(source, tmp_path):
    graded = scores(source, tmp_path)
    assert_one_score(graded)
    assert graded[0][0] < 100


@pytest.mark.slow
@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.name)
def test_a_buggy_variant_gets_one_score(variant, tmp_path):
    graded = scores(build(variant, tmp_path / "variant"), tmp_path)
    assert_one_score(graded)
    assert graded[0][0] < 100


@pytest.mark.parametrize("source", CORRECT, ids=lambda p: p.name)
def test_a_correct_submission_gets_100(source, tmp_path):
    assert {total for total, _ in scores(source, tmp_path)} == {100.0}
