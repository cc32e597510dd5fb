"""The instructor's solution, loaded in the grader's process as package `nnkit_reference`.

Hidden tests compute expected values on random inputs with it: `from grading.checks.reference
import ref` then `ref.layers.dense_forward(...)`. It is never loaded by the worker.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import sys
from types import ModuleType

from grading.checks.loader import load_package
from grading.course.assignment import assignment
from grading.course.paths import solution_package

PACKAGE = "nnkit_reference"


class _Reference:
    """Attribute access `ref.<module>` imports `solution/<package>/<module>.py` on first use."""

    def __getattr__(self, module: str) -> ModuleType:
        if module.startswith("_"):
            raise AttributeError(module)
        loaded = sys.modules.get(f"{PACKAGE}.{module}")  # checks ask thousands of times a grade
        if loaded is not None:
            return loaded
        load_package(PACKAGE, solution_package())
        return importlib.import_module(f"{PACKAGE}.{module}")


ref = _Reference()


@functools.cache
def functions_before(part: str) -> dict[str, tuple[str, ...]]:
    """{module: (name, ...)}: the public functions the reference defines in every part
    listed before `part` in solution/assignment.toml (a part builds on the ones before
    it). A check of `part` may have the grader answer calls of these in its second run;
    a part added later gets them without more code. Classes and constants are left out."""
    found: dict[str, tuple[str, ...]] = {}
    for module in assignment().modules:
        if module == part:
            break
        namespace = getattr(ref, module)
        names = tuple(
            sorted(
                name
                for name, obj in vars(namespace).items()
                if not name.startswith("_")
                and inspect.isfunction(obj)
                and obj.__module__ == namespace.__name__
            )
        )
        if names:
            found[module] = names
    return found
