""".github/workflows/grade.yml, the sharded class grading on GitHub Actions: its YAML, the
nnkit commands its jobs call (parsed by nnkit's own command line), and its steps' scripts
run here as the runners would run them (Actions itself is not run)."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
import yaml

from grading.cli import main
from grading.course.paths import ASSIGNMENT_DIR, KIT_ROOT, SOLUTION_DIR
from grading.grade.shards import Manifest, Shard, parse_shard

WORKFLOW = KIT_ROOT / ".github" / "workflows" / "grade.yml"
ENTRY_POINT = Path(sys.executable).parent / "nnkit"
# We run as root here: sudo -E only keeps the environment, as on the runner.
SUDO = 'sudo() { [ "$1" = -E ] && shift; "$@"; }\n'


def jobs() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())["jobs"]


def step(job: str, name: str) -> dict:
    (found,) = [s for s in jobs()[job]["steps"] if s.get("name", "").startswith(name)]
    return found


def expand(text: str, shard: int, shards: int, submissions: str = "submissions") -> str:
    """`text` with the workflow's expressions replaced by the values GitHub gives them."""
    for expression, value in (
        ("${{ matrix.shard }}", str(shard)),
        ("${{ inputs.shards }}", str(shards)),
        ("${{ inputs.submissions }}", submissions),
    ):
        text = text.replace(expression, value)
    assert "${{" not in text, text
    return text


def plan(shards: str, tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], str]:
    output = tmp_path / "github_output"
    output.write_text("")
    env = {"PATH": "/usr/bin:/bin", "SHARDS": shards, "GITHUB_OUTPUT": str(output)}
    proc = subprocess.run(
        ["bash", "-e", "-c", step("plan", "Plan the shards")["run"]],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    return proc, output.read_text()


def test_the_plan_job_makes_the_matrix_of_shards_1_to_n(tmp_path):
    proc, output = plan("3", tmp_path)
    assert (proc.returncode, output) == (0, "shards=[1,2,3]\n")
    assert plan("1", tmp_path)[1] == "shards=[1]\n"
    for bad in ("0", "257", "two", "", "3; rm -rf /"):
        proc, output = plan(bad, tmp_path)
        assert (proc.returncode, output) == (1, ""), bad
        assert proc.stdout == (
            "::error title=Bad number of shards::shards must be a whole number from 1 to 256, "
            f"not '{bad}'\n"
        )
    assert jobs()["plan"]["outputs"]["shards"] == "${{ steps.plan.outputs.shards }}"


def test_the_grade_jobs_are_a_matrix_and_the_merge_takes_their_artifacts():
    grade, merge = jobs()["grade"], jobs()["merge"]
    assert grade["needs"] == "plan"
    assert grade["strategy"] == {
        "fail-fast": False,
        "matrix": {"shard": "${{ fromJSON(needs.plan.outputs.shards) }}"},
    }
    upload = step("grade", "Upload the shard")["with"]
    assert upload == {"name": "shard-${{ matrix.shard }}", "path": "graded/"}
    download = step("merge", "Download the shards")
    assert download["uses"].startswith("actions/download-artifact@")
    assert download["with"] == {"pattern": "shard-*", "path": "shards"}
    assert merge["needs"] == ["plan", "grade"]
    assert merge["if"] == "${{ !cancelled() && needs.plan.result == 'success' }}"
    assert "secrets" not in str(merge)  # merging needs no course secret
    assert step("merge", "Upload the class")["with"] == {"name": "graded", "path": "graded/"}


def nnkit_command(run: str) -> list[str]:
    """The arguments after `nnkit` in a step's script, with `$(find ...)` as two shards."""
    run = run.replace("$(find shards -name batch.json -printf '%h ')", "shards/a shards/b")
    words = shlex.split(run)
    start = next(i for i, w in enumerate(words) if w.endswith("bin/nnkit"))
    return words[start + 1 :]


def parsed(args: list[str]) -> tuple[str, dict]:
    """(command, its parameters) as nnkit's command line parses `args`; click raises on an
    unknown command or option."""
    name, *rest = args
    command = main.get_command(click.Context(main, info_name="nnkit"), name)
    assert command is not None, f"nnkit has no command {name}"
    return name, command.make_context(name, rest).params


def test_the_jobs_call_nnkit_commands_that_exist():
    grading = step("grade", "Grade shard")
    assert grading["env"] == {"NNKIT_SECRET": "${{ secrets.NNKIT_SECRET }}"}
    name, params = parsed(nnkit_command(expand(grading["run"], 2, 3)))
    assert name == "grade-all"
    assert parse_shard(params["shard"]) == Shard(2, 3)
    assert (params["submissions"], params["out"]) == (Path("submissions"), Path("graded"))
    assert (params["local"], params["class_report"]) == (False, False)
    name, params = parsed(nnkit_command(step("merge", "Merge the shards")["run"]))
    assert name == "merge-shards"
    assert params["shards"] == (Path("shards/a"), Path("shards/b"))
    assert (params["out"], params["class_report"]) == (Path("graded"), True)


def runner(root: Path, name: str) -> Path:
    """A runner's workspace: the checkout's `.venv/bin/nnkit` and the class."""
    workspace = root / name
    (workspace / ".venv" / "bin").mkdir(parents=True)
    (workspace / ".venv" / "bin" / "nnkit").symlink_to(ENTRY_POINT)
    shutil.copytree(root / "submissions", workspace / "submissions")
    return workspace


def run_step(script: str, workspace: Path) -> None:
    env = {**os.environ, "NNKIT_SECRET": "workflow-test-secret"}
    proc = subprocess.run(
        ["bash", "-e", "-c", SUDO + script],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]


@pytest.mark.skipif(not ENTRY_POINT.exists(), reason="needs the nnkit entry point of make setup")
def test_the_steps_grade_a_class_in_shards_and_merge_it(tmp_path):
    """Two shards as two runners, their artifacts laid out as download-artifact lays out
    several (shards/<name>/), then the merge; and one shard alone (N=1), which
    download-artifact puts directly in shards/."""
    (tmp_path / "submissions").mkdir()
    shutil.copytree(SOLUTION_DIR / "nnbasics", tmp_path / "submissions" / "solution" / "nnbasics")
    shutil.copytree(ASSIGNMENT_DIR / "nnbasics", tmp_path / "submissions" / "release" / "nnbasics")
    grade_run, merge_run = step("grade", "Grade shard")["run"], step("merge", "Merge")["run"]
    for shards in (2, 1):
        merger = runner(tmp_path, f"merge-of-{shards}")
        for k in range(1, shards + 1):
            workspace = runner(tmp_path, f"shard-{k}-of-{shards}")
            run_step(expand(grade_run, k, shards), workspace)
            artifact = merger / "shards" / (f"shard-{k}" if shards > 1 else "")
            shutil.copytree(workspace / "graded", artifact, dirs_exist_ok=True)
        run_step(merge_run, merger)
        merged = Manifest.read(merger / "graded")
        assert (merged.shard, merged.submissions) == (Shard(1, 1), ("release", "solution"))
        csv = (merger / "graded" / "gradebook.csv").read_text().splitlines()
        assert [line.split(",")[0] for line in csv] == ["id", "release", "solution"]
        assert (merger / "graded" / "class_report" / "class_report.html").is_file()
