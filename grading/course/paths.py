"""Where the kit's folders are: everything is found relative to the kit's root."""

from __future__ import annotations

import os
from pathlib import Path

KIT_ROOT = Path(os.environ.get("NNKIT_ROOT", Path(__file__).resolve().parents[2]))
SOLUTION_DIR = KIT_ROOT / "solution"
SOLUTION_PACKAGE = SOLUTION_DIR / "nnbasics"
ASSIGNMENT_DIR = KIT_ROOT / "assignment"
AUTOGRADER_DIR = KIT_ROOT / "autograder"
SAMPLES_DIR = KIT_ROOT / "samples"
