"""How long do the student's public tests take? Prints their wall time on a loop-style
correct solution (tests/submissions/correct_loops), run as a student runs them: `pytest`
in a folder holding their `nnbasics/` and the released `tests/`.

Target (issue 11): at most 5 s. Run it with `.venv/bin/python bench/public_tests.py
[--repeat 3]` (`make bench` runs it too); it prints the median and every run, in seconds.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KIT = Path(__file__).resolve().parent.parent
SUBMISSION = KIT / "tests" / "submissions" / "correct_loops" / "nnbasics"
PUBLIC_TESTS = KIT / "assignment" / "tests"
TARGET_SECONDS = 5.0


def run_once(folder: Path) -> float:
    """Wall time of one `pytest tests` in `folder`, seconds; exits if a test fails."""
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"the public tests failed on {SUBMISSION}:\n{proc.stdout[-2000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs to time (default 3)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nnkit-public-") as tmp:
        folder = Path(tmp)
        shutil.copytree(SUBMISSION, folder / "nnbasics")
        shutil.copytree(PUBLIC_TESTS, folder / "tests")
        runs = [run_once(folder) for _ in range(args.repeat)]
    median = statistics.median(runs)
    verdict = "within" if median <= TARGET_SECONDS else "OVER"
    print(
        f"public tests on correct_loops: median {median:.2f} s over {len(runs)} runs "
        f"({', '.join(f'{s:.2f}' for s in runs)}); {verdict} the {TARGET_SECONDS:g} s target"
    )


if __name__ == "__main__":
    main()
