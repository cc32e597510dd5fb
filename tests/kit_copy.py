"""A copy of the kit's course side (solution/, autograder/) in a temporary folder, for
tests that run the real CLI on it with NNKIT_ROOT, and edits of its slide examples."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np

from grading.checks.reference import ref
from grading.checks.slide_examples import SlideExample, load
from grading.course.paths import AUTOGRADER_DIR, SOLUTION_DIR


def kit_copy(tmp_path: Path) -> Path:
    """A kit root under `tmp_path` holding a copy of the course, solution/ and autograder/
    (whose checks carry the points), to point NNKIT_ROOT at."""
    root = tmp_path / "kit"
    skip = shutil.ignore_patterns("__pycache__")
    shutil.copytree(SOLUTION_DIR, root / "solution", ignore=skip)
    shutil.copytree(AUTOGRADER_DIR, root / "autograder", ignore=skip)
    return root


def changed_logistic_example(root: Path, theta: list[float]) -> SlideExample:
    """Give the kit copy at `root` another logistic-regression example: `theta`, with the
    printed values the solution computes from it (rounded as the file says)."""
    path = root / "solution" / "slide_examples.toml"
    old = load(path)["logistic_regression"]
    new_inputs = dict(old.inputs, theta=np.array(theta))
    values = SlideExample(
        old.name, old.slides, old.decimals, new_inputs, old.printed, {}, old.calls
    )
    exact = values.evaluate(lambda module: getattr(ref, module))
    text = path.read_text(encoding="utf-8")
    start = text.index('name = "logistic_regression"')
    end = text.index("[[example]]", start)
    section = re.sub(r"(?m)^theta = \[.*?\]", f"theta = {theta}", text[start:end], count=1)
    for key in old.printed:
        rounded = np.round(np.asarray(exact[key], dtype=np.float64), old.decimals)
        section = re.sub(
            rf"(?m)^{key} = [^#\n]*", f"{key} = {rounded.tolist()}  ", section, count=1
        )
    path.write_text(text[:start] + section + text[end:], encoding="utf-8")
    return load(path)["logistic_regression"]
