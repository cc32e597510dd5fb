"""GitHub Classroom: the release's workflow gives each part its points, and each step's
command, run as the runner would, passes on the solution and fails on the release; the
instructor's grading workflow stops when the course secret is missing."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys

import pytest
import yaml

from grading.checks.points import scored_parts, total_points
from grading.course.paths import ASSIGNMENT_DIR, KIT_ROOT, SOLUTION_DIR

PARTS = scored_parts()  # the parts with their points, from the assignment's data

WORKFLOW = ASSIGNMENT_DIR / ".github" / "workflows" / "classroom.yml"


def grader_steps() -> list[dict]:
    steps = yaml.safe_load(WORKFLOW.read_text())["jobs"]["run-autograding-tests"]["steps"]
    return [s for s in steps if "autograding-command-grader" in s.get("uses", "")]


def test_one_step_per_part_with_its_points():
    steps = grader_steps()
    assert [s["with"]["test-name"] for s in steps] == [f"Part {p.number} {p.module}" for p in PARTS]
    assert [s["with"]["max-score"] for s in steps] == [p.points for p in PARTS]
    assert sum(s["with"]["max-score"] for s in steps) == total_points(PARTS)


def test_the_reporter_adds_up_every_step():
    steps = yaml.safe_load(WORKFLOW.read_text())["jobs"]["run-autograding-tests"]["steps"]
    reporter = steps[-1]
    ids = [s["id"] for s in grader_steps()]
    assert reporter["uses"] == "classroom-resources/autograding-grading-reporter@v1"
    assert reporter["with"]["runners"] == ",".join(ids)
    assert set(reporter["env"]) == {f"{i.upper()}_RESULTS" for i in ids}


@pytest.mark.slow  # every workflow step's pytest run, about 10 s each
@pytest.mark.parametrize(("folder", "passes"), [(SOLUTION_DIR, True), (ASSIGNMENT_DIR, False)])
def test_each_step_command_passes_on_the_solution_and_fails_on_the_release(
    folder, passes, tmp_path
):
    repo = tmp_path / "repo"
    shutil.copytree(folder / "nnbasics", repo / "nnbasics")
    shutil.copytree(folder / "tests", repo / "tests")
    shutil.copyfile(folder / "slide_examples.toml", repo / "slide_examples.toml")
    for step in grader_steps():
        command = shlex.split(step["with"]["command"])
        assert command[0] == "python"
        proc = subprocess.run(
            [sys.executable, *command[1:]], cwd=repo, capture_output=True, text=True, timeout=300
        )
        assert (proc.returncode == 0) == passes, (step["name"], proc.stdout[-2000:])


# -- the instructor's grading workflow: no grading without the course secret ----------------

GRADE_WORKFLOW = KIT_ROOT / ".github" / "workflows" / "grade.yml"
SECRET_MISSING = (
    "::error title=NNKIT_SECRET is not set::Add the repository secret NNKIT_SECRET (Settings >"
    " Secrets and variables > Actions) before grading: without it the random test inputs can"
    " be computed in advance.\n"
)


def grade_steps() -> list[dict]:
    return yaml.safe_load(GRADE_WORKFLOW.read_text())["jobs"]["grade"]["steps"]


def test_the_grade_workflow_checks_the_secret_first_and_grades_without_local():
    steps = grade_steps()
    guard = steps[0]
    assert guard["id"] == "secret"
    assert guard["env"] == {"NNKIT_SECRET": "${{ secrets.NNKIT_SECRET }}"}
    grading = [s for s in steps if "grade-all" in s.get("run", "")]
    assert len(grading) == 1 and "--local" not in grading[0]["run"]
    assert grading[0]["env"] == {"NNKIT_SECRET": "${{ secrets.NNKIT_SECRET }}"}
    for step in steps:
        if "always()" in step.get("if", ""):
            assert step["if"] == "always() && steps.secret.outcome == 'success'", step["name"]


@pytest.mark.parametrize(
    ("secret", "passes"), [(None, False), ("", False), (" \n", False), ("s", True)]
)
def test_the_secret_guard_fails_without_the_repository_secret(secret, passes):
    """The guard's script, run as the runner runs it (bash -e), with the value GitHub
    passes: nothing or an empty string when the repository secret is not defined."""
    env = {"PATH": "/usr/bin:/bin"}
    if secret is not None:
        env["NNKIT_SECRET"] = secret
    guard = grade_steps()[0]
    proc = subprocess.run(
        ["bash", "-e", "-c", guard["run"]], env=env, capture_output=True, text=True, timeout=30
    )
    assert (proc.returncode, proc.stdout) == ((0, "") if passes else (1, SECRET_MISSING))
