"""Shared fixture: `nnkit`, which runs the real CLI in a subprocess."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from grading.paths import KIT_ROOT

NNKIT = [sys.executable, "-m", "grading.cli"]


def run_nnkit(*args: str | Path, cwd: Path = KIT_ROOT) -> subprocess.CompletedProcess[str]:
    """Run `nnkit ARGS` as a user would, in a subprocess; returns the finished process."""
    return subprocess.run(
        [*NNKIT, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=600
    )


@pytest.fixture
def nnkit():
    """`nnkit(*args)` runs the real CLI in a subprocess."""
    return run_nnkit


@pytest.fixture
def forget_imported_submissions():
    """For tests that use LocalStudent, which imports `nnbasics` in this process: leave
    no trace of it (sys.path, sys.modules) for other tests."""
    path = list(sys.path)
    yield
    sys.path[:] = path
    for name in [m for m in sys.modules if m == "nnbasics" or m.startswith("nnbasics.")]:
        del sys.modules[name]
