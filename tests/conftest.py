"""Shared fixtures: the kit's folders and a helper that runs the real `nnkit` CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from grading.paths import ASSIGNMENT_DIR, KIT_ROOT, SAMPLES_DIR, SOLUTION_DIR

TESTS_DIR = Path(__file__).parent
SUBMISSIONS = TESTS_DIR / "submissions"
NNKIT = [sys.executable, "-m", "grading.cli"]


def run_nnkit(*args: str | Path, cwd: Path = KIT_ROOT) -> subprocess.CompletedProcess[str]:
    """Run `nnkit ARGS` as a user would, in a subprocess; returns the finished process."""
    return subprocess.run(
        [*NNKIT, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="session")
def kit() -> dict[str, Path]:
    return {
        "root": KIT_ROOT,
        "solution": SOLUTION_DIR,
        "assignment": ASSIGNMENT_DIR,
        "samples": SAMPLES_DIR / "submissions",
        "submissions": SUBMISSIONS,
    }
