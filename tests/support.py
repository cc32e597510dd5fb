"""What several test folders share: the tests' own folder, the results.json schema,
`run_nnkit` (the real CLI in a subprocess) and a look at this process's spawned children."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from grading.course.paths import KIT_ROOT

TESTS_DIR = Path(__file__).resolve().parent
# Gradescope's results.json, as its autograder specification describes it.
GRADESCOPE_SCHEMA = json.loads(
    (TESTS_DIR / "results" / "gradescope_results.schema.json").read_text()
)


def sample_bugs() -> list[tuple[str, str]]:
    """(sample folder, module of the part holding its bug) pairs, from the table in
    samples/submissions/BUGS.md."""
    from grading.course.paths import SAMPLES_DIR

    bugs = (SAMPLES_DIR / "submissions" / "BUGS.md").read_text(encoding="utf-8")
    return re.findall(r"^\| `(buggy_\w+)` \| \d+ (\w+) \|", bugs, re.MULTILINE)


def lay_out(bundle: Path, root: Path, submission: Path) -> None:
    """ROOT as Gradescope has it: source/ (the unpacked zip), submission/, results/."""
    (root / "results").mkdir(parents=True)
    with zipfile.ZipFile(bundle) as zf:
        zf.extractall(root / "source")
    shutil.copytree(submission, root / "submission")


def run_script(
    root: Path, *, env: dict[str, str] | None = None, use_root: bool = True
) -> subprocess.CompletedProcess[str]:
    """ROOT/source/run_autograder, run by bash; AUTOGRADER_ROOT=ROOT unless not `use_root`."""
    base = {k: v for k, v in os.environ.items() if k not in ("NNKIT_SECRET", "AUTOGRADER_ROOT")}
    env = {**base, "NNKIT_PYTHON": sys.executable, **(env or {})}
    if use_root:
        env["AUTOGRADER_ROOT"] = str(root)
    script = root / "source" / "run_autograder"
    return subprocess.run(
        ["bash", str(script)], env=env, capture_output=True, text=True, timeout=600
    )


NNKIT = [sys.executable, "-m", "grading.cli"]


def run_nnkit(
    *args: str | Path, cwd: Path = KIT_ROOT, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `nnkit ARGS` as a user would, in a subprocess (environment `env`, default this
    process's); returns the finished process."""
    return subprocess.run(
        [*NNKIT, *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


def spawned_children() -> list[int]:
    """The pids of this process's live children that multiprocessing spawned (pool
    processes; not its resource tracker, which lives as long as this process)."""
    found = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, parent = stat_file.read_text().rsplit(")", 1)[1].split()[:2]
            cmdline = (stat_file.parent / "cmdline").read_bytes()
        except (OSError, ValueError):
            continue
        if int(parent) == os.getpid() and state != "Z" and b"spawn_main" in cmdline:
            found.append(int(stat_file.parent.name))
    return found


# A Gradescope "Export Submissions" submission_metadata.yml: Ruby symbol keys and tags, and
# (submission_1002, a group) the same without colons.
GRADESCOPE_METADATA = """\
submission_1001:
  :submitters:
  - :name: Ada Lovelace
    :sid: '19970001'
    :email: ada@example.edu
  :created_at: 2026-11-20 10:15:00.000000000 +01:00
  :score: !ruby/object:BigDecimal 18:0.0
  :status: processed
submission_1002:
  submitters:
  - name: Alan Turing
    sid: 19970002
    email: alan@example.edu
  - name: Grace Hopper
    email: grace@example.edu
submission_1003:
  :submitters:
  - :name: Nobody Submitted
    :email: nobody@example.edu
"""
