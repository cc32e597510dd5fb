"""The Gradescope bundle, run as Gradescope runs it: the real run_autograder script on a
laid-out AUTOGRADER_ROOT, results.json checked against Gradescope's spec."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest

from grading.gradescope import build_bundle
from grading.paths import ASSIGNMENT_DIR, SOLUTION_DIR

SCHEMA = json.loads((Path(__file__).parent / "gradescope_results.schema.json").read_text())


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bundle") / "autograder.zip"
    build_bundle(out, secret="test-secret", visibility="hidden")
    return out


def run_autograder(bundle: Path, root: Path, submission: Path) -> dict:
    """Lay out ROOT as Gradescope does, run the bundle's run_autograder, return results."""
    (root / "results").mkdir(parents=True)
    with zipfile.ZipFile(bundle) as zf:
        zf.extractall(root / "source")
    shutil.copytree(submission, root / "submission")
    script = root / "source" / "run_autograder"
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "NNKIT_PYTHON": sys.executable}
    proc = subprocess.run(
        ["bash", str(script)], env=env, capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stderr
    document = json.loads((root / "results" / "results.json").read_text())
    jsonschema.validate(document, SCHEMA)
    return document


def test_bundle_has_what_gradescope_needs(bundle):
    with zipfile.ZipFile(bundle) as zf:
        names = set(zf.namelist())
        modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in zf.infolist()}
    assert {"setup.sh", "run_autograder", "nnkit.json", "pyproject.toml"} <= names
    assert modes["run_autograder"] == 0o755 and modes["setup.sh"] == 0o755
    assert "grading/boot.py" in names and "solution/nnbasics/layers.py" in names
    assert "autograder/__init__.py" in names
    assert not any(n.startswith(("tests/", "assignment/", "samples/")) for n in names)


def test_setup_sh_uses_pip_only(bundle):
    with zipfile.ZipFile(bundle) as zf:
        setup = zf.read("setup.sh").decode()
    assert "pip install" in setup and "conda" not in setup and "chrom" not in setup


def test_solution_scores_100_with_configured_visibility(bundle, tmp_path):
    document = run_autograder(bundle, tmp_path, SOLUTION_DIR / "nnbasics")
    assert document["score"] == 100
    visibilities = {t["visibility"] for t in document["tests"] if "slide" not in t["tags"]}
    assert visibilities == {"hidden"}
    assert {t["visibility"] for t in document["tests"] if "slide" in t["tags"]} == {"visible"}


def test_release_scores_0(bundle, tmp_path):
    assert run_autograder(bundle, tmp_path, ASSIGNMENT_DIR / "nnbasics")["score"] == 0


def test_a_submission_that_forges_results_gets_its_honest_score(bundle, tmp_path):
    submission = tmp_path / "sub"
    shutil.copytree(SOLUTION_DIR / "nnbasics", submission)
    forged = '{"score": 1000, "tests": []}'
    target = tmp_path / "root" / "results" / "results.json"
    attack = (
        "\nimport glob as _glob\n"
        "def relative_error(a, b):\n"
        f"    for p in ['/autograder/results/results.json', {str(target)!r},\n"
        "              *_glob.glob('/tmp/*/results/results.json')]:\n"
        "        try:\n"
        f"            open(p, 'w').write({forged!r})\n"
        "        except OSError:\n            pass\n"
        "    raise SystemExit(0)\n"
    )
    with open(submission / "gradcheck.py", "a") as fh:
        fh.write(attack)
    document = run_autograder(bundle, tmp_path / "root", submission)
    attacked = [
        t for t in document["tests"] if "gradcheck.relative_error" in t["extra_data"]["calls"]
    ]
    failed = [t for t in document["tests"] if t["status"] == "failed"]
    assert attacked and failed == attacked
    assert document["score"] == 100 - sum(t["max_score"] for t in attacked)


def test_an_empty_submission_still_gets_a_valid_results_file(bundle, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    document = run_autograder(bundle, tmp_path / "root", empty)
    assert document["score"] == 0
    assert document["output"].startswith("Your submission could not be graded: no nnbasics modules")
