"""Shared fixture: `nnkit`, which runs the real CLI in a subprocess.

Grading needs a course secret (grading.grade.one_submission.default_secret): the session
gets a random one unless NNKIT_SECRET is set; tests about a missing secret pass their own
environment.
"""

from __future__ import annotations

import os
import secrets
import sys

import pytest
from support import run_nnkit

if not os.environ.get("NNKIT_SECRET", "").strip():
    os.environ["NNKIT_SECRET"] = f"nnkit-tests-{secrets.token_hex(12)}"


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
