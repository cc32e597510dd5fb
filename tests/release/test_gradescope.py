"""The Gradescope bundle, run as Gradescope runs it: the real run_autograder script on a
laid-out AUTOGRADER_ROOT, results.json checked against Gradescope's spec."""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path

import jsonschema
import pytest
from support import GRADESCOPE_SCHEMA, lay_out, run_script

from grading.course.paths import ASSIGNMENT_DIR, KIT_ROOT, SOLUTION_DIR
from grading.grade.one_submission import submission_seed
from grading.grade.secret import secret_fingerprint
from grading.release.gradescope_bundle import build_bundle, grading_requirements

SCHEMA = GRADESCOPE_SCHEMA


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bundle") / "autograder.zip"
    build_bundle(out, secret="test-secret", visibility="hidden")
    return out


def results_of(root: Path) -> dict:
    """ROOT/results/results.json, parsed strictly (no NaN or Infinity) and schema-checked."""

    def refuse(constant: str) -> None:
        raise ValueError(f"results.json holds {constant}")

    document = json.loads((root / "results" / "results.json").read_text(), parse_constant=refuse)
    jsonschema.validate(document, SCHEMA)
    return document


def run_autograder(bundle: Path, root: Path, submission: Path) -> dict:
    """Lay out ROOT as Gradescope does, run the bundle's run_autograder, return results."""
    lay_out(bundle, root, submission)
    proc = run_script(root)
    assert proc.returncode == 0, proc.stderr
    return results_of(root)


def test_bundle_has_what_gradescope_needs(bundle):
    with zipfile.ZipFile(bundle) as zf:
        names = set(zf.namelist())
        modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in zf.infolist()}
    assert {"setup.sh", "run_autograder", "nnkit.json", "requirements.txt"} <= names
    assert modes["run_autograder"] == 0o755 and modes["setup.sh"] == 0o755
    assert "grading/confined/boot.py" in names and "solution/nnbasics/layers.py" in names
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


def test_requirements_are_the_kits_dependencies_but_the_reports(bundle):
    """The class report's plots and the similarity report are never made in the zip."""
    with zipfile.ZipFile(bundle) as zf:
        lines = zf.read("requirements.txt").decode().splitlines()
    assert lines == grading_requirements()
    tomllib = pytest.importorskip("tomllib")
    with open(KIT_ROOT / "pyproject.toml", "rb") as fh:
        declared = tomllib.load(fh)["project"]["dependencies"]
    assert lines == [r for r in declared if not r.startswith(("matplotlib", "copydetect"))]


def test_run_autograder_works_from_the_unpacked_source_folder(bundle, tmp_path):
    """Without AUTOGRADER_ROOT, the root is the folder above the script's source folder."""
    lay_out(bundle, tmp_path, SOLUTION_DIR / "nnbasics")
    proc = run_script(tmp_path, use_root=False)
    assert proc.returncode == 0, proc.stderr
    assert results_of(tmp_path)["score"] == 100


# -- the course secret the bundle holds (issue 10, class 10) ---------------------------------

NO_SECRET_ERROR = (
    "nnkit: error: this autograder holds no course secret (nnkit.json) and NNKIT_SECRET is "
    "{said}: rebuild it with NNKIT_SECRET set (nnkit gradescope)\n"
)


def drop_secret(root: Path, config: dict | None) -> None:
    """ROOT/source/nnkit.json replaced by `config`, or removed (None)."""
    config_file = root / "source" / "nnkit.json"
    if config is None:
        config_file.unlink()
    else:
        config_file.write_text(json.dumps(config))


@pytest.mark.parametrize(("value", "said"), [(None, "not set"), ("", "empty")])
@pytest.mark.parametrize("config", [None, {"visibility": "hidden"}, {"secret": " "}])
def test_without_a_secret_in_the_bundle_or_nnkit_secret_nothing_is_graded(
    bundle, tmp_path, config, value, said
):
    lay_out(bundle, tmp_path, SOLUTION_DIR / "nnbasics")
    drop_secret(tmp_path, config)
    proc = run_script(tmp_path, env={} if value is None else {"NNKIT_SECRET": value})
    assert proc.returncode == 2
    assert proc.stderr == NO_SECRET_ERROR.format(said=said)
    document = results_of(tmp_path)
    assert document["score"] == 0 and document["tests"] == []
    assert document["output"] == (
        "Your submission could not be graded: the autograder is not set up (it holds no "
        "course secret). Please tell your instructor."
    )


def test_without_a_secret_in_the_bundle_nnkit_secret_is_the_course_secret(bundle, tmp_path):
    lay_out(bundle, tmp_path, SOLUTION_DIR / "nnbasics")
    drop_secret(tmp_path, None)
    proc = run_script(tmp_path, env={"NNKIT_SECRET": "from-the-environment"})
    assert proc.returncode == 0 and proc.stderr == ""
    document = results_of(tmp_path)
    sha = document["extra_data"]["submission_sha256"]
    assert document["extra_data"]["seed"] == submission_seed(b"from-the-environment", sha)


def test_grading_under_another_nnkit_secret_says_so_and_uses_the_bundles(bundle, tmp_path):
    lay_out(bundle, tmp_path, SOLUTION_DIR / "nnbasics")
    proc = run_script(tmp_path, env={"NNKIT_SECRET": "another-secret"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == (
        f"nnkit: warning: NNKIT_SECRET (course secret {secret_fingerprint(b'another-secret')})"
        f" is not this autograder's ({secret_fingerprint(b'test-secret')}): grading with the "
        "autograder's\n"
    )
    document = results_of(tmp_path)
    sha = document["extra_data"]["submission_sha256"]
    assert document["extra_data"]["seed"] == submission_seed(b"test-secret", sha)


def test_the_same_nnkit_secret_says_nothing(bundle, tmp_path):
    lay_out(bundle, tmp_path, SOLUTION_DIR / "nnbasics")
    proc = run_script(tmp_path, env={"NNKIT_SECRET": "test-secret"})
    assert proc.returncode == 0 and proc.stderr == ""


def test_build_bundle_refuses_an_empty_secret(tmp_path):
    with pytest.raises(ValueError, match="^the autograder needs a course secret$"):
        build_bundle(tmp_path / "a.zip", secret=" ")
    assert not (tmp_path / "a.zip").exists()


@pytest.mark.parametrize(("value", "said"), [(None, "not set"), ("", "empty")])
def test_building_the_zip_without_nnkit_secret_is_a_one_line_error(nnkit, tmp_path, value, said):
    """Never a random or built-in secret: the zip would grade with other inputs than
    `nnkit grade` under the course secret."""
    env = {k: v for k, v in os.environ.items() if k != "NNKIT_SECRET"}
    if value is not None:
        env["NNKIT_SECRET"] = value
    proc = nnkit("gradescope", "--out", tmp_path / "autograder.zip", env=env)
    assert proc.returncode == 2
    assert proc.stderr == (
        f"nnkit: error: NNKIT_SECRET is {said}: set it to your course secret before building "
        "the zip (Gradescope grades with the copy inside)\n"
    )
    assert not (tmp_path / "autograder.zip").exists()
