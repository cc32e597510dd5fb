"""Feedback formats: Markdown in results.json, an HTML page per submission, and the class
report with its plots."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest
from buggy import BY_NAME, build
from support import GRADESCOPE_SCHEMA

from grading.checks.diagnose import SIGNATURES, mistake_titles
from grading.course.paths import ASSIGNMENT_DIR, SOLUTION_DIR
from grading.grade.one_submission import grade, load_checks, part_summary, run_checks
from grading.grade.unsandboxed import LocalStudent
from grading.results.class_report import summarize, write_class_report
from grading.results.failure import Failure
from grading.results.feedback import failure_markdown, html_page, md_escape
from grading.results.gradescope import to_gradescope
from grading.results.model import GradeReport

pytestmark = pytest.mark.usefixtures("forget_imported_submissions")

SCHEMA = GRADESCOPE_SCHEMA
FAILURE = Failure(
    "dW from dense_backward(dZ, cache) for A_prev (5, 3) should have shape (4, 3), got (3, 4)",
    "the result is transposed (rows and columns swapped)",
    got="[[1, 2]]",
    expected="[[2, 1]]",
    inputs="random, seed 7",
)


def local_report(folder: Path, seed: int = 3) -> GradeReport:
    results = run_checks(LocalStudent(folder, seed=seed), load_checks())
    return GradeReport(results, seed, "0" * 64, "local", 0.1, parts=part_summary(results))


@pytest.fixture(scope="module")
def buggy_report(tmp_path_factory) -> GradeReport:
    return grade(build(BY_NAME["transposed_dW"], tmp_path_factory.mktemp("transposed")))


def test_markdown_results_are_valid_gradescope_json(buggy_report):
    doc = to_gradescope(buggy_report)
    jsonschema.validate(doc, SCHEMA)
    assert doc["output_format"] == "md"
    assert all(t["output_format"] == "md" for t in doc["tests"])
    assert "| **Total** |" in doc["output"]


def test_markdown_lays_out_the_diagnosis(buggy_report):
    doc = to_gradescope(buggy_report)
    failed = next(t for t in doc["tests"] if t["status"] == "failed" and "dW from" in t["output"])
    assert "A\\_prev" in failed["output"]
    assert f"**Likely mistake:** {md_escape(SIGNATURES['transposed'].sentence)}" in failed["output"]
    assert "*Inputs: random, seed" in failed["output"]
    passed = next(t for t in doc["tests"] if t["status"] == "passed")
    assert passed["output"] == "Passed."


def test_failure_markdown_parts_and_escaping():
    text = failure_markdown(FAILURE)
    assert text.split("\n\n") == [
        "dW from dense\\_backward(dZ, cache) for A\\_prev (5, 3) should have shape (4, 3), "
        "got (3, 4).",
        "**Likely mistake:** the result is transposed (rows and columns swapped).",
        "Got `[[1, 2]]`, expected `[[2, 1]]`.",
        "*Inputs: random, seed 7.*",
    ]
    assert failure_markdown(Failure("x * y <b>[a](b)</b>")) == r"x \* y \<b\>\[a\](b)\</b\>."


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def test_html_page_is_self_contained_and_escaped(buggy_report):
    doc = to_gradescope(buggy_report)
    doc["tests"][0]["name"] = "<script>alert(1)</script>"
    doc["tests"][0]["status"] = "failed"
    doc["tests"][0]["output"] = "x <img src=x onerror=alert(1)> & y. Likely mistake: a < b"
    page = html_page(doc, title="feedback for <student>")
    parser = _Collector()
    parser.feed(page)
    assert "script" not in parser.tags and "img" not in parser.tags
    assert "<img" not in page and "<script" not in page and "http" not in page
    assert "&lt;script&gt;" in page and "&lt;img src=x" in page
    text = "".join(parser.text)
    assert "Score: " in text and "Likely mistake:" in text
    assert "the result is transposed" in html_page(buggy_report)


def test_html_page_of_the_solution_shows_every_test_passing():
    page = html_page(grade(SOLUTION_DIR))
    assert "Score: 100 / 100" in page
    assert page.count('class="test"') == len(load_checks())
    assert 'class="test failed"' not in page


def test_class_report_writes_plots_and_page(tmp_path, buggy_report):
    reports = [
        ("solution", local_report(SOLUTION_DIR)),
        ("release", local_report(ASSIGNMENT_DIR)),
        ("transposed", buggy_report),
    ]
    for name in ("db_not_summed", "bce_grad_sign", "gradient_ascent"):
        reports.append((name, local_report(build(BY_NAME[name], tmp_path / name))))
    page = write_class_report(reports, tmp_path / "report", titles=mistake_titles())
    for name in ("pass_rates.png", "scores.png", "diagnoses.png"):
        data = (tmp_path / "report" / name).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
    text = page.read_text()
    assert text.count("data:image/png;base64,") == 3
    assert SIGNATURES["transposed"].title in text
    summary = json.loads((tmp_path / "report" / "class_report.json").read_text())
    assert summary["submissions"] == 6 and summary["graded"] == 6
    assert sorted(summary["scores"])[0] == 0.0 and max(summary["scores"]) == 100.0
    first = summary["tests"][0]
    assert first["number"] == "1.1" and first["graded"] == 6


def test_class_report_reads_documents_and_gradebook_rows(buggy_report):
    class Row:
        results_json = json.dumps(to_gradescope(buggy_report))

    error_doc = {"score": 0.0, "tests": [], "output": "could not be graded"}
    summary = summarize([Row(), to_gradescope(buggy_report), error_doc], mistake_titles())
    assert (summary.submissions, summary.graded, summary.errors) == (3, 2, 1)
    titles = {d["title"]: d["count"] for d in summary.diagnoses}
    assert titles[SIGNATURES["transposed"].title] == 2
    rates = {r["number"]: r["rate"] for r in summary.tests}
    assert rates["1.1"] == 1.0
