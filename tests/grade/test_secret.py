"""The course secret (issue 10, class 10): every command that grades for real refuses a
missing or empty NNKIT_SECRET with one line and exit code 2; the public built-in secret is
used only when asked for (`--local`, the demo), with a warning."""

from __future__ import annotations

import json
import os
import zipfile

import pytest

from grading.course.paths import SAMPLES_DIR, SOLUTION_DIR
from grading.grade.secret import (
    DEFAULT_SECRET,
    SecretError,
    default_secret,
    secret_fingerprint,
    secret_mismatch,
    uses_public_secret,
)

GRADE_HINT = (
    "set it to your course secret, or pass --local to try the kit with the public built-in secret"
)
BUNDLE_HINT = (
    "set it to your course secret before building the zip (Gradescope grades with the copy inside)"
)
WARNING = (
    "nnkit: warning: grading with the public built-in secret: anyone can compute these "
    "random inputs in advance (set NNKIT_SECRET for real grades)\n"
)
# What NNKIT_SECRET holds in the environment -> how the error names it.
NO_SECRET = [(None, "not set"), ("", "empty"), ("  \t", "empty")]


def environment(secret: str | None) -> dict[str, str]:
    """This process's environment with NNKIT_SECRET removed (None) or set to `secret`."""
    env = {k: v for k, v in os.environ.items() if k != "NNKIT_SECRET"}
    if secret is not None:
        env["NNKIT_SECRET"] = secret
    return env


@pytest.mark.parametrize(("value", "said"), NO_SECRET)
def test_default_secret_refuses_a_missing_or_empty_secret(value, said, monkeypatch):
    if value is None:
        monkeypatch.delenv("NNKIT_SECRET", raising=False)
    else:
        monkeypatch.setenv("NNKIT_SECRET", value)
    with pytest.raises(SecretError) as caught:
        default_secret()
    assert str(caught.value) == f"NNKIT_SECRET is {said}"
    assert default_secret(local=True) == DEFAULT_SECRET
    assert uses_public_secret(default_secret(local=True))


def test_default_secret_is_nnkit_secret_even_for_local_use(monkeypatch):
    monkeypatch.setenv("NNKIT_SECRET", "course-2026")
    assert default_secret() == default_secret(local=True) == b"course-2026"
    assert not uses_public_secret(default_secret())


@pytest.mark.parametrize("config", [None, {}, {"secret": None}, {"secret": " "}, {"secret": 7}])
def test_a_bundle_without_a_secret_falls_back_to_nnkit_secret(config, monkeypatch):
    monkeypatch.setenv("NNKIT_SECRET", "course-2026")
    assert default_secret(bundle=config) == b"course-2026"
    monkeypatch.delenv("NNKIT_SECRET")
    with pytest.raises(SecretError, match="^NNKIT_SECRET is not set$"):
        default_secret(bundle=config)


def test_a_bundles_secret_wins_over_nnkit_secret_and_the_difference_is_named(monkeypatch):
    monkeypatch.setenv("NNKIT_SECRET", "course-2026")
    secret = default_secret(bundle={"secret": "bundle-2026"})
    assert secret == b"bundle-2026"
    assert secret_mismatch(secret, "course-2026") == (
        f"NNKIT_SECRET (course secret {secret_fingerprint(b'course-2026')}) is not this "
        f"autograder's ({secret_fingerprint(b'bundle-2026')}): grading with the autograder's"
    )
    assert secret_mismatch(secret, "bundle-2026") is None
    assert secret_mismatch(secret, None) is None


def test_the_fingerprint_is_12_hex_digits_of_sha256():
    assert secret_fingerprint(b"abc") == "ba7816bf8f01"  # sha256("abc") starts so
    assert secret_fingerprint(b"abd") != secret_fingerprint(b"abc")


@pytest.mark.parametrize(("value", "said"), NO_SECRET)
def test_grade_without_a_secret_is_a_one_line_error(value, said, nnkit, tmp_path):
    results = tmp_path / "results.json"
    proc = nnkit("grade", SOLUTION_DIR, "--results", results, env=environment(value))
    assert proc.returncode == 2
    assert proc.stderr == f"nnkit: error: NNKIT_SECRET is {said}: {GRADE_HINT}\n"
    assert proc.stdout == "" and not results.exists()


@pytest.mark.parametrize(("value", "said"), NO_SECRET)
def test_grade_all_without_a_secret_is_a_one_line_error(value, said, nnkit, tmp_path):
    out = tmp_path / "out"
    proc = nnkit("grade-all", SAMPLES_DIR / "submissions", "--out", out, env=environment(value))
    assert proc.returncode == 2
    assert proc.stderr == f"nnkit: error: NNKIT_SECRET is {said}: {GRADE_HINT}\n"
    assert proc.stdout == "" and not out.exists()


@pytest.mark.parametrize(("value", "said"), NO_SECRET)
def test_building_the_gradescope_zip_without_a_secret_is_a_one_line_error(
    value, said, nnkit, tmp_path
):
    out = tmp_path / "autograder.zip"
    proc = nnkit("gradescope", "--out", out, env=environment(value))
    assert proc.returncode == 2
    assert proc.stderr == f"nnkit: error: NNKIT_SECRET is {said}: {BUNDLE_HINT}\n"
    assert proc.stdout == "" and not out.exists()


def test_the_zip_holds_the_secret_and_names_it_by_fingerprint_only(nnkit, tmp_path):
    out = tmp_path / "autograder.zip"
    proc = nnkit("gradescope", "--out", out, env=environment("course-2026-s3cr3t"))
    assert proc.returncode == 0, proc.stderr
    fingerprint = secret_fingerprint(b"course-2026-s3cr3t")
    assert f"(course secret {fingerprint})" in proc.stdout
    assert "course-2026-s3cr3t" not in proc.stdout + proc.stderr
    with zipfile.ZipFile(out) as zf:
        config = json.loads(zf.read("nnkit.json"))
    assert config["secret"] == "course-2026-s3cr3t"
    assert config["secret_fingerprint"] == fingerprint


@pytest.mark.parametrize("value", [None, ""])
def test_local_grades_with_the_public_secret_and_says_so(value, nnkit, tmp_path):
    results = tmp_path / "results.json"
    proc = nnkit(
        "grade", SOLUTION_DIR, "--results", results, "--quiet", "--local", env=environment(value)
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == WARNING
    assert proc.stdout == "100 / 100\n"


def test_local_is_not_needed_and_says_nothing_with_a_secret(nnkit, tmp_path):
    results = tmp_path / "results.json"
    proc = nnkit(
        "grade", SOLUTION_DIR, "--results", results, "--quiet", "--local", env=environment("s")
    )
    assert proc.returncode == 0 and proc.stderr == ""


def test_the_demo_works_without_setup_and_warns(nnkit, tmp_path):
    proc = nnkit("demo", "--out", tmp_path / "demo", env=environment(None))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.startswith(WARNING)
    assert json.loads((tmp_path / "demo" / "solution.json").read_text())["score"] == 100
