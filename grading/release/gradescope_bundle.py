"""Gradescope: build the autograder zip, and run inside it.

The zip holds `setup.sh` (pip only: a venv with the grader's dependencies from
`requirements.txt`), `run_autograder`, the kit's engine, the hidden suite, the reference
solution with `solution/assignment.toml`, and `nnkit.json` (the course secret, its
fingerprint, the visibility of tests whose checks declare none, and the submission policy
of `grading.grade.policy`, if any). Both scripts work
from wherever the zip is unpacked: the root is the folder above the unpacked source
(Gradescope: `/autograder`) unless
`AUTOGRADER_ROOT` says otherwise. `run_autograder` grades `ROOT/submission` and writes
`ROOT/results/results.json`, always: an unreadable submission gets a valid results file
with score 0 and the reason, never "autograder failed".
"""

from __future__ import annotations

import json
import re
import stat
import zipfile
from pathlib import Path
from typing import Any

from grading.course.assignment import ASSIGNMENT_FILE, assignment
from grading.course.paths import KIT_ROOT
from grading.grade.policy import SubmissionPolicy
from grading.grade.secret import secret_fingerprint
from grading.results.model import DEFAULT_VISIBILITY, VISIBILITIES

ENGINE_FOLDERS = ("grading", "autograder")  # their .py files; then the course's own files:
COURSE_FILES = ("solution/slide_examples.toml",)  # read by the hidden checks
PACKAGE_MARK = "@PACKAGE@"  # in SETUP_SH: the student package's name
CONFIG_NAME = "nnkit.json"
REQUIREMENTS_NAME = "requirements.txt"
SCRIPTS = ("setup.sh", "run_autograder")
# What makes a zip an nnkit autograder (grading.release.try_bundle checks for these).
ENTRIES = (*SCRIPTS, REQUIREMENTS_NAME, CONFIG_NAME)
# The kit's dependencies that grading never imports.
NOT_FOR_GRADING = frozenset({"matplotlib", "copydetect"})  # plots; the similarity report

SETUP_SH = r"""#!/usr/bin/env bash
# Runs once, as root, while Gradescope builds the image (Ubuntu 22.04). pip only.
# Works from wherever the zip is unpacked: the root is the folder above the source folder
# unless AUTOGRADER_ROOT says otherwise, and the venv is ROOT/nnkit-venv unless NNKIT_VENV
# names another (`nnkit gradescope --try` keeps one per requirements there). A venv that
# is there already is reused, and pip adds only what it lacks.
set -euo pipefail
SOURCE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="${AUTOGRADER_ROOT:-$(dirname "$SOURCE")}"
VENV="${NNKIT_VENV:-$ROOT/nnkit-venv}"
if ! "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
    if ! python3 -c "import ensurepip" >/dev/null 2>&1; then  # Debian, Ubuntu: python3-venv
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    fi
    python3 -m venv --clear "$VENV"
fi
PYTHON="$VENV/bin/python"
"$PYTHON" -m pip install --quiet --disable-pip-version-check --no-cache-dir \
    -r "$SOURCE/requirements.txt"
# Bytecode now, so that grading writes nothing beside the source.
"$PYTHON" -m compileall -q "$SOURCE"
# Check the image before any student does: the reference solution scores full marks.
CHECK="$(mktemp -d)"
trap 'rm -rf "$CHECK"' EXIT
mkdir "$CHECK/results"
cp -r "$SOURCE/solution/@PACKAGE@" "$CHECK/submission"
(cd "$SOURCE" && NNKIT_ROOT="$SOURCE" "$PYTHON" -m grading.cli run-autograder --root "$CHECK")
"$PYTHON" - "$CHECK/results/results.json" <<'CHECK_SCORE'
import json, sys
document = json.load(open(sys.argv[1]))
full = sum(test["max_score"] for test in document["tests"])
if not document["tests"] or document["score"] != full:
    sys.exit(f"setup.sh: the reference solution scores {document['score']:g} of {full:g} here")
CHECK_SCORE
"""

RUN_AUTOGRADER = r"""#!/usr/bin/env bash
# Gradescope runs this for every submission, as /autograder/run_autograder. It also runs
# from the unpacked source folder, whose parent is then the root (AUTOGRADER_ROOT wins).
# The grader's Python: NNKIT_PYTHON, else the venv setup.sh made (NNKIT_VENV, as there).
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ -d "$HERE/grading" ]; then
    SOURCE="$HERE"
    ROOT="${AUTOGRADER_ROOT:-$(dirname "$HERE")}"
else
    ROOT="${AUTOGRADER_ROOT:-$HERE}"
    SOURCE="$ROOT/source"
fi
PYTHON="${NNKIT_PYTHON:-${NNKIT_VENV:-$ROOT/nnkit-venv}/bin/python}"
cd "$SOURCE" && NNKIT_ROOT="$SOURCE" exec "$PYTHON" -m grading.cli run-autograder --root "$ROOT"
"""


def grading_requirements(pyproject: Path | None = None) -> list[str]:
    """The kit's `[project] dependencies` (pyproject.toml) that grading needs, as pip
    requirement lines. Read with a pattern, not tomllib, so that Python 3.10 builds too."""
    text = (pyproject or KIT_ROOT / "pyproject.toml").read_text()
    table = re.search(r"^\[project\]\s*$(.*?)(?=^\[)", text + "\n[", re.M | re.S)
    listed = table and re.search(r"^dependencies\s*=\s*\[(.*?)^\]", table.group(1), re.M | re.S)
    if not listed:
        raise ValueError("pyproject.toml lists no [project] dependencies")
    lines = (line.split("#", 1)[0] for line in listed.group(1).splitlines())
    found = [req for line in lines for req in re.findall(r'"([^"]+)"', line)]
    return [r for r in found if re.split(r"[\s<>=!~;\[]", r)[0].lower() not in NOT_FOR_GRADING]


def build_bundle(
    out: Path,
    *,
    secret: str,
    visibility: str = DEFAULT_VISIBILITY,
    policy: SubmissionPolicy | None = None,
) -> None:
    """Write the Gradescope autograder zip to `out`, holding the course secret `secret`;
    `visibility` is for the tests whose checks declare none; `policy` limits graded
    submissions or makes the best score count (run_autograder enforces it)."""
    if visibility not in VISIBILITIES:
        raise ValueError(f"visibility must be one of {', '.join(VISIBILITIES)}")
    if not secret.strip():
        raise ValueError("the autograder needs a course secret")
    config = {
        "secret": secret,
        "secret_fingerprint": secret_fingerprint(secret.encode()),
        "visibility": visibility,
    }
    if policy is not None and policy.active:
        config["policy"] = policy.as_config()
    requirements = "".join(f"{line}\n" for line in grading_requirements())
    course = assignment()
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        scripts = (SETUP_SH.replace(PACKAGE_MARK, course.package), RUN_AUTOGRADER)
        for name, script in zip(SCRIPTS, scripts, strict=True):
            _add_text(zf, name, script, executable=True)
        _add_text(zf, REQUIREMENTS_NAME, requirements)
        _add_text(zf, CONFIG_NAME, json.dumps(config, indent=2) + "\n")
        for path in bundled_files():
            zf.write(path, path.relative_to(KIT_ROOT).as_posix())


def bundled_files() -> list[Path]:
    """The kit's files a grader needs (the zip's and an export's hidden copy): the engine,
    the hidden suite, the reference solution and the course's data files."""
    folders = (*ENGINE_FOLDERS, f"solution/{assignment().package}")
    files = [
        path
        for folder in folders
        for path in sorted((KIT_ROOT / folder).rglob("*.py"))
        if "__pycache__" not in path.parts
    ]
    return [*files, ASSIGNMENT_FILE, *(KIT_ROOT / name for name in COURSE_FILES)]


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
    return {"secret": None, "visibility": DEFAULT_VISIBILITY}
