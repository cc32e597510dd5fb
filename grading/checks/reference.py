"""The instructor's solution, loaded in the grader's process as package `nnkit_reference`.

Hidden tests compute expected values on random inputs with it: `from grading.checks.reference
import ref` then `ref.layers.dense_forward(...)`. It is never loaded by the worker.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from grading.checks.loader import load_package
from grading.course.paths import solution_package

PACKAGE = "nnkit_reference"


class _Reference:
    """Attribute access `ref.<module>` imports `solution/<package>/<module>.py` on first use."""

    def __getattr__(self, module: str) -> ModuleType:
        if module.startswith("_"):
            raise AttributeError(module)
        load_package(PACKAGE, solution_package())
        return importlib.import_module(f"{PACKAGE}.{module}")


ref = _Reference()
