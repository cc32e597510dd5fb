"""The `nnkit` command as a user runs it: exit codes, one-line errors, files written."""

from __future__ import annotations

import json
import shutil
import zipfile

from support import GRADESCOPE_SCHEMA

from grading.course.assignment import assignment
from grading.course.paths import ASSIGNMENT_DIR, SOLUTION_DIR


def test_grade_a_zip_writes_results_and_prints_the_table(nnkit, tmp_path):
    archive = tmp_path / "hw.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in (SOLUTION_DIR / "nnbasics").glob("*.py"):
            zf.write(path, f"handin/nnbasics/{path.name}")
    results = tmp_path / "out" / "results.json"
    proc = nnkit("grade", archive, "--results", results)
    assert proc.returncode == 0, proc.stderr
    assert "Total" in proc.stdout and "100" in proc.stdout
    document = json.loads(results.read_text())
    assert document["score"] == 100
    assert {t["status"] for t in document["tests"]} == {"passed"}


def test_grade_overwrites_an_existing_results_file(nnkit, tmp_path):
    results = tmp_path / "results.json"
    results.write_text('{"score": 1000}')
    proc = nnkit("grade", SOLUTION_DIR, "--results", results, "--quiet")
    assert proc.returncode == 0
    assert proc.stdout.strip() == "100 / 100"
    assert json.loads(results.read_text())["score"] == 100


def test_missing_submission_is_a_one_line_error(nnkit, tmp_path):
    proc = nnkit("grade", tmp_path / "nope", "--results", tmp_path / "r.json")
    assert proc.returncode == 2
    assert proc.stderr == f"nnkit: error: submission not found: {tmp_path / 'nope'}\n"
    assert not (tmp_path / "r.json").exists()


def test_unreadable_zip_is_a_one_line_error(nnkit, tmp_path):
    bad = tmp_path / "hw.zip"
    bad.write_bytes(b"PK\x05\x06" + b"\0" * 18)  # an empty archive is still a zip
    proc = nnkit("grade", bad, "--results", tmp_path / "r.json")
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"nnkit: error: no nnbasics modules found in {bad} ")
    assert proc.stderr.count("\n") == 1


def test_unknown_option_is_a_usage_error(nnkit, tmp_path):
    proc = nnkit("grade", SOLUTION_DIR, "--bogus")
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[0] == "Usage: nnkit grade [OPTIONS] SUBMISSION"
    assert proc.stderr.splitlines()[-1] == "Error: No such option '--bogus'."


def test_release_check_passes_on_the_committed_release(nnkit):
    proc = nnkit("release", "--check")
    assert proc.returncode == 0
    assert proc.stdout == "assignment/ and autograder/CHECKS.md are up to date.\n"


def test_grade_all_grades_a_folder_and_writes_the_gradebook(nnkit, tmp_path):
    shutil.copytree(SOLUTION_DIR, tmp_path / "class" / "alice")
    (tmp_path / "class" / "bob.zip").write_text("not a zip")
    proc = nnkit("grade-all", tmp_path / "class", "--out", tmp_path / "out", "--jobs", "2")
    assert proc.returncode == 0, proc.stderr
    rows = (tmp_path / "out" / "gradebook.csv").read_text().splitlines()
    assert rows[0].startswith("id,name,email,1 activations")
    assert any(r.startswith("alice,") and ",100," in r for r in rows)
    assert any(
        r.startswith("bob.zip,") and "is neither a folder nor a .zip file" in r for r in rows
    )
    assert (
        (tmp_path / "out" / "submissions" / "alice" / "feedback.html")
        .read_text()
        .startswith("<!DOCTYPE html>")
    )
    assert (tmp_path / "out" / "class_report" / "class_report.html").exists()


def test_grade_all_on_a_missing_folder_is_a_one_line_error(nnkit, tmp_path):
    proc = nnkit("grade-all", tmp_path / "nope", "--out", tmp_path / "out")
    assert proc.returncode == 2
    assert proc.stderr == f"nnkit: error: submissions folder not found: {tmp_path / 'nope'}\n"


def test_grade_writes_junit_xml_with_a_suite_per_part(nnkit, tmp_path):
    import xml.etree.ElementTree as ET

    junit = tmp_path / "junit.xml"
    proc = nnkit("grade", ASSIGNMENT_DIR, "--results", tmp_path / "r.json", "--junit", junit)
    assert proc.returncode == 0, proc.stderr
    root = ET.parse(junit).getroot()
    suites = root.findall("testsuite")
    parts = assignment().parts
    assert [s.get("name") for s in suites] == [f"Part {p.number} {p.module}" for p in parts]
    cases = root.findall(".//testcase")
    assert len(cases) == int(root.get("tests"))
    assert all(c.find("failure") is not None for c in cases)


def test_grade_writes_markdown_results_and_an_html_page(nnkit, tmp_path):
    page = tmp_path / "feedback.html"
    results = tmp_path / "r.json"
    sample = SOLUTION_DIR.parent / "samples" / "submissions" / "buggy_graph_overwrite"
    proc = nnkit("grade", sample, "--results", results, "--html", page, "--quiet")
    assert proc.returncode == 0, proc.stderr
    document = json.loads(results.read_text())
    assert {t["output_format"] for t in document["tests"]} == {"md"}
    assert "buggy_graph_overwrite" in page.read_text() and "<script" not in page.read_text()


def test_run_autograder_writes_a_result_even_when_the_grader_fails(tmp_path):
    """A bundle whose nnkit.json is damaged (the grader itself fails, not the upload):
    results.json is still written, strict JSON with score 0 and a one-line reason."""
    import os
    import subprocess
    import sys

    import jsonschema

    from grading.release.gradescope_bundle import build_bundle

    bundle = tmp_path / "autograder.zip"
    build_bundle(bundle, secret="test-secret")
    root = tmp_path / "root"
    with zipfile.ZipFile(bundle) as zf:
        zf.extractall(root / "source")
    (root / "source" / "nnkit.json").write_text('{"secret": "test-sec')  # cut short
    shutil.copytree(SOLUTION_DIR, root / "submission")
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "NNKIT_PYTHON": sys.executable}
    proc = subprocess.run(
        ["bash", str(root / "source" / "run_autograder")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.startswith("nnkit: grading failed: JSONDecodeError: ")
    assert proc.stderr.count("\n") == 1

    def refuse(name: str) -> None:
        raise ValueError(name)

    text = (root / "results" / "results.json").read_text()
    document = json.loads(text, parse_constant=refuse)
    schema = GRADESCOPE_SCHEMA
    jsonschema.validate(document, schema)
    assert (document["score"], document["tests"]) == (0.0, [])
    assert document["output"] == (
        "Your submission could not be graded: the grader failed (JSONDecodeError); "
        "please tell your instructor"
    )
