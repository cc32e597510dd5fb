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


def test_a_constant_still_not_implemented_is_not_started_yet(tmp_path):
    folder = copy_of(SOLUTION_DIR, tmp_path)
    network = folder / "nnbasics" / "network.py"
    source = network.read_text()
    start, end = (
        source.index("XOR_PARAMS = ["),
        source.index("# END SOLUTION", source.index("XOR_PARAMS = [")),
    )
    network.write_text(source[:start] + "XOR_PARAMS = NotImplemented\n" + source[end:])
    proc = run_public_tests(folder)
    assert proc.returncode == 1
    assert (
        "not started yet: Part 6 (network): set XOR_PARAMS (it is still NotImplemented)"
        in proc.stdout
    )
    assert "Part 6 network      4/5 passed   1 not started yet" in proc.stdout
