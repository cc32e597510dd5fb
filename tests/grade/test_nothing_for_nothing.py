"""Properties count only with values (issue 12, point 3): a submission whose functions
return constants, or random numbers, of the right shapes scores 0 in every part, so no
check of a property (inputs left unchanged, no warning, plain numbers accepted, shapes,
seeding) pays for a wrong value.

tests/submissions/constant_outputs returns constants; the random one is that submission
with its `_out` drawing random numbers instead (`random_outputs`)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from grading.grade.one_submission import grade, load_checks, run_checks
from grading.grade.unsandboxed import LocalStudent

pytestmark = pytest.mark.usefixtures("forget_imported_submissions")

SUBMISSIONS = Path(__file__).resolve().parents[1] / "submissions"
CONSTANT = SUBMISSIONS / "constant_outputs"
NOTHING = ["constant_outputs", "random_outputs"]
CONSTANT_OUT = "    return np.full(shape, 0.5)\n"
RANDOM_OUT = "    return _RNG.normal(0.0, 1.0, shape)\n"
# Seeded, so the test is reproducible: garbage can land within a slide check's rounding
# of a printed value by chance (about 1 run in 150 for an unseeded generator).
RANDOM_RNG = "import numpy as np\n\n_RNG = np.random.default_rng(2026)\n"


def random_outputs(parent: Path) -> Path:
    """constant_outputs with every module's `_out` returning random numbers instead."""
    shutil.copytree(CONSTANT, parent, ignore=shutil.ignore_patterns("__pycache__"))
    for module in (parent / "nnbasics").glob("*.py"):
        text = module.read_text(encoding="utf-8")
        if module.name != "__init__.py":
            assert text.count(CONSTANT_OUT) == 1, module.name
            text = text.replace(CONSTANT_OUT, RANDOM_OUT)
            text = text.replace("import numpy as np\n", RANDOM_RNG, 1)
            module.write_text(text, encoding="utf-8")
    return parent


def submission(name: str, tmp_path: Path) -> Path:
    return CONSTANT if name == "constant_outputs" else random_outputs(tmp_path / name)


@pytest.mark.parametrize("name", NOTHING)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_right_shapes_with_wrong_values_pass_no_check(name, seed, tmp_path):
    source = submission(name, tmp_path)
    try:
        results = run_checks(LocalStudent(source, seed), load_checks())
    finally:
        sys.path.remove(str(source))
    assert [r.check.name for r in results if r.passed] == []


@pytest.mark.parametrize("name", NOTHING)
def test_graded_in_the_sandbox_every_part_scores_0(name, tmp_path):
    report = grade(submission(name, tmp_path))
    assert {part.module: part.earned for part in report.parts} == {
        part.module: 0.0 for part in report.parts
    }
    assert report.score == 0
