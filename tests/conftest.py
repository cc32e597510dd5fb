"""Shared fixture: `nnkit`, which runs the real CLI in a subprocess; and how the suite
runs in parallel.

Grading needs a course secret (grading.grade.one_submission.default_secret): the session
gets a random one unless NNKIT_SECRET is set; tests about a missing secret pass their own
environment.

`make test` runs the suite twice over: everything not marked `serial` on every core
(pytest-xdist, `--dist loadgroup`), then the `serial` tests alone, one at a time: those
that change what every other test relies on (the kit's permissions) or that must not
share the machine with the rest (Gradescope's container). Within the parallel run, the
tests that share a fixture of module scope (an expensive grading reused by many
assertions) run in one worker, so it is made once; tests that must not run at the same
time as each other (fixed ports, one shared user) share an `xdist_group` named for what
they share.
"""

from __future__ import annotations

import os
import secrets
import sys

import pytest
from support import run_nnkit

if not os.environ.get("NNKIT_SECRET", "").strip():
    os.environ["NNKIT_SECRET"] = f"nnkit-tests-{secrets.token_hex(12)}"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "serial: must run while no other test runs (make test runs these after the rest)",
    )


RUN_SLOW = os.environ.get("NNKIT_SLOW") == "1"  # CI sets it (.ci/run); `make test` does not


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked `slow` run only with NNKIT_SLOW=1. Tests that use a fixture of module
    scope, and no group of their own, share a group named for their module: under
    `--dist loadgroup` they run in one worker."""
    for item in items:
        if not RUN_SLOW and item.get_closest_marker("slow") is not None:
            item.add_marker(pytest.mark.skip(reason="slow: set NNKIT_SLOW=1 to run (CI does)"))
        if item.get_closest_marker("xdist_group") is not None:
            continue
        fixtures = getattr(item, "_fixtureinfo", None)
        definitions = fixtures.name2fixturedefs.values() if fixtures else ()
        if any(defs and defs[-1].scope == "module" for defs in definitions):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))


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
