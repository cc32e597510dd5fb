"""Where the kit's folders are: everything is found relative to the kit's root
(NNKIT_ROOT when set, e.g. for a copy of the kit)."""

from __future__ import annotations

import os
from pathlib import Path

KIT_ROOT = Path(os.environ.get("NNKIT_ROOT", Path(__file__).resolve().parents[2]))
SOLUTION_DIR = KIT_ROOT / "solution"
ASSIGNMENT_DIR = KIT_ROOT / "assignment"
AUTOGRADER_DIR = KIT_ROOT / "autograder"
SAMPLES_DIR = KIT_ROOT / "samples"


def solution_package() -> Path:
    """`solution/<package>/`: the reference solution, named in solution/assignment.toml."""
    from grading.course.assignment import assignment

    return SOLUTION_DIR / assignment().package
