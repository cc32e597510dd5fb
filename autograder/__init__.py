"""The hidden test suite: importing this package registers every check in
`grading.checks.suite.CHECKS`, by importing each `checks_<module>.py` here (one module per
part of solution/assignment.toml; see README.md for what each covers)."""

import importlib
import pkgutil

for _module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if _module.name.startswith("checks_"):
        importlib.import_module(f"{__name__}.{_module.name}")
