"""One results pipeline: the same submission graded with the same course secret gives the
same results.json from `nnkit grade`, `nnkit demo`, `nnkit grade-all` and the Gradescope
bundle's `run_autograder`; a check's declared visibility survives the bundle's policy."""

from __future__ import annotations

import copy
import json
import os
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from support import GRADESCOPE_SCHEMA, lay_out, run_nnkit, run_script

from grading.checks.suite import Check
from grading.course.paths import SAMPLES_DIR
from grading.grade.one_submission import load_checks
from grading.release.gradescope_bundle import build_bundle
from grading.results.failure import Failure
from grading.results.gradescope import PER_RUN_FIELDS, to_gradescope
from grading.results.model import DEFAULT_VISIBILITY, CheckResult, GradeReport

SECRET = "one-pipeline-secret"
SAMPLE = SAMPLES_DIR / "submissions" / "buggy_transposed_dW"
# What may differ between two gradings of one submission: how long they took, nothing else.
assert PER_RUN_FIELDS == ("execution_time", "extra_data.student_seconds")


def without_per_run_fields(document: dict[str, Any]) -> dict[str, Any]:
    """`document` without the fields of PER_RUN_FIELDS (dotted paths)."""
    document = copy.deepcopy(document)
    for dotted in PER_RUN_FIELDS:
        *parents, name = dotted.split(".")
        holder = document
        for key in parents:
            holder = holder[key]
        del holder[name]
    return document


def read(path: Path) -> dict[str, Any]:
    document = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(document, GRADESCOPE_SCHEMA)
    return document


def nnkit(*args: str | Path) -> None:
    env = {**os.environ, "NNKIT_SECRET": SECRET}
    proc = run_nnkit(*args, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> dict[str, dict[str, Any]]:
    """{command: the results.json it wrote for SAMPLE under SECRET}."""
    tmp = tmp_path_factory.mktemp("pipeline")
    nnkit("grade", SAMPLE, "--results", tmp / "grade.json", "--quiet")
    nnkit("demo", "--out", tmp / "demo")
    shutil.copytree(SAMPLE, tmp / "class" / "student")
    nnkit("grade-all", tmp / "class", "--out", tmp / "all", "--no-class-report")
    bundle = tmp / "autograder.zip"
    build_bundle(bundle, secret=SECRET)  # the default visibility policy, as `grade` has
    lay_out(bundle, tmp / "root", SAMPLE)
    proc = run_script(tmp / "root")
    assert proc.returncode == 0, proc.stderr[-2000:]
    return {
        "grade": read(tmp / "grade.json"),
        "demo": read(tmp / "demo" / f"{SAMPLE.name}.json"),
        "grade-all": read(tmp / "all" / "submissions" / "student" / "results.json"),
        "run-autograder": read(tmp / "root" / "results" / "results.json"),
    }


def test_every_command_writes_the_same_results_json(documents):
    stripped = {command: without_per_run_fields(doc) for command, doc in documents.items()}
    reference = stripped["grade"]
    assert 0 < reference["score"] < 100  # a buggy sample: failures are in the comparison
    assert any(t["status"] == "failed" for t in reference["tests"])
    for command, document in stripped.items():
        assert document == reference, command


def test_every_command_writes_markdown_with_the_declared_visibility(documents):
    declared = [c.visibility for c in load_checks()]
    for command, document in documents.items():
        assert document["output_format"] == "md", command
        assert {t["output_format"] for t in document["tests"]} == {"md"}, command
        assert [t["visibility"] for t in document["tests"]] == [
            v or DEFAULT_VISIBILITY for v in declared
        ], command


def test_the_bundles_policy_is_only_the_default(tmp_path):
    bundle = tmp_path / "autograder.zip"
    build_bundle(bundle, secret=SECRET, visibility="hidden")
    lay_out(bundle, tmp_path / "root", SAMPLE)
    proc = run_script(tmp_path / "root")
    assert proc.returncode == 0, proc.stderr[-2000:]
    document = read(tmp_path / "root" / "results" / "results.json")
    checks = load_checks()
    assert {c.visibility for c in checks} == {"visible", None}  # both kinds are graded here
    shown = [t["visibility"] for t in document["tests"]]
    assert shown == ["visible" if c.visibility == "visible" else "hidden" for c in checks]


def test_a_declared_visibility_is_kept_and_an_undeclared_one_takes_the_policy():
    def result(name: str, visibility: str | None) -> CheckResult:
        check = Check(name, name, "layers", 1.0, visibility, (), lambda student: None)
        return CheckResult(check, False, Failure("wrong"), "5.1")

    declared = ["after_due_date", "visible", "hidden", "after_published", None]
    report = GradeReport([result(f"c{i}", v) for i, v in enumerate(declared)], 1, "", "", 0.0)
    document = to_gradescope(report, default_visibility="hidden")
    assert [t["visibility"] for t in document["tests"]] == [
        "after_due_date",
        "visible",
        "hidden",
        "after_published",
        "hidden",
    ]


def test_a_submission_that_could_not_be_graded_is_one_document():
    document = to_gradescope(GradeReport.could_not_grade("no nnbasics modules found in x"))
    jsonschema.validate(document, GRADESCOPE_SCHEMA)
    assert (document["score"], document["tests"]) == (0.0, [])
    assert document["output"] == (
        "Your submission could not be graded: no nnbasics modules found in x"
    )
    assert document["extra_data"]["error"] == "no nnbasics modules found in x"
