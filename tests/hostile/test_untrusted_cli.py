"""The class-4 cases (issue 10: worker data not cleaned on arrival) through the real commands:
`nnkit grade --html --junit` on each, and one `nnkit grade-all` (with its class report) over
all of them and the honest submission. Every command must finish, and every file it writes
must be valid for its format and small; the terminal must get no control sequence.
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from formats import MAX_RESULTS_BYTES, results_problems
from test_hostile import CASES_BY_NAME, build_submission

from grading.course.paths import KIT_ROOT

CLASS4 = [name for name in CASES_BY_NAME if name.startswith("untrusted_")]
TIMEOUT = 300  # seconds for one command, however much text the submission sends
MAX_TERMINAL_CHARS = 100_000  # what a command may print for these submissions
_RICH_SGR = re.compile(r"\x1b\[[0-9;]*m")


def nnkit(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, TERM="xterm-256color", FORCE_COLOR="1", COLUMNS="100")
    env.setdefault("NNKIT_SECRET", "nnkit-untrusted-cli-test")
    return subprocess.run(
        [sys.executable, "-m", "grading.cli", *args],
        cwd=cwd,
        env={**env, "PYTHONPATH": str(KIT_ROOT)},
        capture_output=True,
        timeout=TIMEOUT,
    )


def terminal_problems(out: bytes) -> list[str]:
    text = out.decode("utf-8")  # strict: a lone surrogate cannot have been printed
    problems = []
    if len(text) > MAX_TERMINAL_CHARS:
        problems.append(f"the command printed {len(text)} characters")
    rest = _RICH_SGR.sub("", text)
    if any(c in rest for c in "\x1b\x07\r\x9b\x9d"):
        problems.append("the command printed control sequences besides colours")
    return problems


@pytest.mark.parametrize("case", CLASS4)
def test_grade_writes_valid_results_html_and_junit(case: str, tmp_path: Path) -> None:
    sub = build_submission(tmp_path / "submission", case)
    done = nnkit(["grade", str(sub), "--html", "f.html", "--junit", "j.xml"], tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    problems = results_problems(tmp_path / "results.json")
    problems += terminal_problems(done.stdout)
    ET.fromstring((tmp_path / "j.xml").read_bytes())  # well-formed, or it raises
    page = (tmp_path / "f.html").read_text(encoding="utf-8")
    if "<script" in page or "<img" in page:
        problems.append("the HTML page holds the student's tags")
    assert not problems, problems


def test_grade_all_grades_every_submission_and_draws_the_class_report(tmp_path: Path) -> None:
    folder = tmp_path / "submissions"
    for name in (*CLASS4, None):
        build_submission(folder / (name or "honest"), name)
    out = tmp_path / "out"
    done = nnkit(["grade-all", str(folder), "--out", str(out), "--jobs", "2"], tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    problems = terminal_problems(done.stdout)
    rows = list(csv.DictReader((out / "gradebook.csv").open(encoding="utf-8")))
    assert sorted(r["id"] for r in rows) == sorted([*CLASS4, "honest"])
    assert [r["error"] for r in rows] == [""] * len(rows)
    for name in (*CLASS4, "honest"):
        folder = out / "submissions" / name
        problems += [f"{name}: {p}" for p in results_problems(folder / "results.json")]
        ET.fromstring((folder / "junit.xml").read_bytes())
        (folder / "feedback.md").read_text(encoding="utf-8")
        assert (folder / "results.json").stat().st_size < MAX_RESULTS_BYTES
    assert (out / "class_report" / "class_report.html").is_file()
    assert not problems, problems
