"""Gradescope: build the autograder zip, and run inside it.

The zip holds `setup.sh` (pip only: a venv with numpy, click and rich), `run_autograder`,
the kit's engine, the hidden suite and the reference solution, and `nnkit.json` (the
course secret and the visibility of tests that are not slide examples). On Gradescope,
`run_autograder` grades `$AUTOGRADER_ROOT/submission` (default `/autograder`) and writes
`$AUTOGRADER_ROOT/results/results.json`, always: an unreadable submission gets a valid
results file with score 0 and the reason, never "autograder failed".
"""

from __future__ import annotations

import json
import secrets
import stat
import zipfile
from pathlib import Path
from typing import Any

from grading.paths import KIT_ROOT
from grading.suite import VISIBILITIES

BUNDLED = ("grading", "autograder", "solution/nnbasics")
CONFIG_NAME = "nnkit.json"

SETUP_SH = """\
#!/usr/bin/env bash
# Runs once, as root, while Gradescope builds the image (Ubuntu 22.04). pip only.
set -euo pipefail
if ! python3 -m venv --help >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq python3-venv python3-pip >/dev/null
fi
python3 -m venv /autograder/nnkit-venv
/autograder/nnkit-venv/bin/pip install --quiet --disable-pip-version-check /autograder/source
"""

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope runs this for every submission. AUTOGRADER_ROOT lets it run outside a container.
set -uo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PYTHON="${NNKIT_PYTHON:-$ROOT/nnkit-venv/bin/python}"
SOURCE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ -d "$SOURCE/grading" ] || SOURCE="$ROOT/source"
cd "$SOURCE" && NNKIT_ROOT="$SOURCE" exec "$PYTHON" -m grading.cli run-autograder --root "$ROOT"
"""

PYPROJECT = """\
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "nnkit-autograder"
version = "0.1.0"
requires-python = ">=3.10"
dependencies = ["numpy>=1.24", "click>=8.1", "rich>=13", "pyyaml>=6"]

[tool.setuptools.packages.find]
include = ["grading*"]
"""


def build_bundle(
    out: Path, *, secret: str | None = None, visibility: str = "after_published"
) -> None:
    """Write the Gradescope autograder zip to `out`."""
    if visibility not in VISIBILITIES:
        raise ValueError(f"visibility must be one of {', '.join(VISIBILITIES)}")
    config = {"secret": secret or secrets.token_hex(32), "visibility": visibility}
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        _add_text(zf, "setup.sh", SETUP_SH, executable=True)
        _add_text(zf, "run_autograder", RUN_AUTOGRADER, executable=True)
        _add_text(zf, "pyproject.toml", PYPROJECT)
        _add_text(zf, CONFIG_NAME, json.dumps(config, indent=2) + "\n")
        for folder in BUNDLED:
            for path in sorted((KIT_ROOT / folder).rglob("*.py")):
                if "__pycache__" not in path.parts:
                    zf.write(path, path.relative_to(KIT_ROOT).as_posix())


def _add_text(zf: zipfile.ZipFile, name: str, text: str, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    mode = 0o755 if executable else 0o644
    info.external_attr = (stat.S_IFREG | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    zf.writestr(info, text)


def load_config(source: Path) -> dict[str, Any]:
    """The bundle's nnkit.json (secret, visibility); defaults when it is missing."""
    path = source / CONFIG_NAME
    if path.exists():
        return json.loads(path.read_text())
    return {"secret": None, "visibility": "after_published"}


def apply_visibility(document: dict[str, Any], visibility: str) -> dict[str, Any]:
    """Slide-example tests stay visible; every other test gets `visibility`."""
    for test in document["tests"]:
        if "slide" not in test.get("tags", []):
            test["visibility"] = visibility
    return document


def error_document(message: str) -> dict[str, Any]:
    """A valid results.json for a submission that could not be graded at all."""
    return {
        "score": 0.0,
        "execution_time": 0.0,
        "output": f"Your submission could not be graded: {message}",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": [],
    }
