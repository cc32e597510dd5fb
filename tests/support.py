"""What several test folders share: the tests' own folder, the results.json schema, and
`run_nnkit`, which runs the real CLI in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from grading.course.paths import KIT_ROOT

TESTS_DIR = Path(__file__).resolve().parent
# Gradescope's results.json, as its autograder specification describes it.
GRADESCOPE_SCHEMA = json.loads(
    (TESTS_DIR / "results" / "gradescope_results.schema.json").read_text()
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
