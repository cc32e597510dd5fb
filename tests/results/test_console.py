"""Output fit for logs: through a pipe (CI logs, Gradescope's stdout) no line is folded at
80 columns; a terminal still gets text wrapped to its width."""

from __future__ import annotations

import io
import os

from grading.course.paths import SAMPLES_DIR
from grading.grade.one_submission import load_checks
from grading.results.console import LOG_WIDTH, make_console
from grading.results.terminal import MESSAGE_INDENT

BUGGY = SAMPLES_DIR / "submissions" / "buggy_bce_sum"


def test_grade_through_a_pipe_prints_each_check_and_each_failure_on_one_line(nnkit, tmp_path):
    proc = nnkit("grade", BUGGY, "--results", tmp_path / "results.json")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert max(map(len, lines)) > 80  # what rich folded before, when it assumed 80 columns
    verdicts = [line for line in lines if line.startswith(("PASS ", "FAIL "))]
    checks = load_checks()
    assert len(verdicts) == len(checks)
    for line, check in zip(verdicts, checks):
        assert check.title in line
    failures = [  # a passed check may have a line too (passed with the grader's functions)
        line
        for verdict, line in zip(lines, lines[1:])
        if verdict.startswith("FAIL ") and line.startswith(" " * MESSAGE_INDENT)
    ]
    assert len(failures) == sum(line.startswith("FAIL ") for line in verdicts) > 0


def test_a_console_on_a_file_lays_out_at_log_width_or_columns(monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    console = make_console(file=io.StringIO())
    assert (console.width, console.soft_wrap) == (LOG_WIDTH, True)
    monkeypatch.setenv("COLUMNS", "100")
    assert make_console(file=io.StringIO()).width == 100
    assert make_console(file=io.StringIO(), width=120).width == 120


def test_a_terminal_still_gets_text_wrapped_to_its_width():
    leader, follower = os.openpty()
    with open(follower, "w") as tty, open(leader, "rb", buffering=0) as screen:
        console = make_console(file=tty, width=40)
        console.print("word " * 30, markup=False)
        tty.flush()
        text = screen.read(4096).decode()
    lines = [line for line in text.replace("\r", "").split("\n") if line.strip()]
    assert len(lines) == 4 and all(len(line.rstrip()) <= 40 for line in lines)
