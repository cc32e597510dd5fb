"""The public tests students run: they pass on the solution and fail on the release."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from grading.course.paths import ASSIGNMENT_DIR, SOLUTION_DIR


def run_public_tests(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )


def copy_of(folder: Path, tmp_path: Path) -> Path:
    dest = tmp_path / folder.name
    shutil.copytree(folder / "nnbasics", dest / "nnbasics")
    shutil.copytree(folder / "tests", dest / "tests")
    shutil.copyfile(folder / "slide_examples.toml", dest / "slide_examples.toml")
    return dest


def test_public_tests_pass_on_the_solution(tmp_path):
    proc = run_public_tests(copy_of(SOLUTION_DIR, tmp_path))
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert " failed" not in proc.stdout


def test_public_tests_fail_on_the_release_with_a_friendly_summary(tmp_path):
    proc = run_public_tests(copy_of(ASSIGNMENT_DIR, tmp_path))
    assert proc.returncode == 1
    assert " passed" not in proc.stdout.splitlines()[-1] or "0 passed" in proc.stdout
    assert "Part 1 activations" in proc.stdout
    assert "not started yet" in proc.stdout
