"""What several test folders share: the tests' own folder and the results.json schema."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parent
# Gradescope's results.json, as its autograder specification describes it.
GRADESCOPE_SCHEMA = json.loads(
    (TESTS_DIR / "results" / "gradescope_results.schema.json").read_text()
)


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
