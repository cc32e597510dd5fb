"""Class statistics: pass rate per test and the most common diagnosed mistakes, as CSV files
beside the class report, and the report's plot labelled by test name."""

from __future__ import annotations

import csv
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest
from buggy import BY_NAME, build

from grading.checks.diagnose import SIGNATURES, mistake_titles
from grading.checks.suite import Check
from grading.course.paths import SOLUTION_DIR
from grading.grade.one_submission import load_checks, part_summary, run_checks
from grading.grade.unsandboxed import LocalStudent
from grading.results.class_report import axis_label, write_class_report
from grading.results.class_stats import (
    MISTAKES_COLUMNS,
    MISTAKES_CSV,
    TESTS_COLUMNS,
    TESTS_CSV,
    summarize,
    write_csvs,
)
from grading.results.failure import Failure
from grading.results.gradescope import to_gradescope
from grading.results.model import CheckResult, GradeReport, score_parts

pytestmark = pytest.mark.usefixtures("forget_imported_submissions")


def local_report(folder: Path) -> GradeReport:
    results = run_checks(LocalStudent(folder, seed=3), load_checks())
    return GradeReport(results, 3, "0" * 64, "local", 0.1, parts=part_summary(results))


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def class_folder(tmp_path_factory) -> Path:
    """A class of four graded locally: the solution, two with the transposed-dW bug, one
    with the bias gradient not summed; its class report."""
    tmp = tmp_path_factory.mktemp("class")
    reports = [local_report(SOLUTION_DIR)]
    for name in ("transposed_dW", "transposed_dW", "db_not_summed"):
        reports.append(local_report(build(BY_NAME[name], tmp / f"{name}{len(reports)}")))
    write_class_report(reports, tmp / "report", titles=mistake_titles())
    return tmp / "report"


def test_pass_rates_csv_has_every_test_by_number_and_name(class_folder):
    rows = read_csv(class_folder / TESTS_CSV)
    checks = load_checks()
    assert list(rows[0]) == list(TESTS_COLUMNS)
    assert len(rows) == len(checks)
    assert {r["name"] for r in rows} == {c.title for c in checks}
    assert rows[0]["test"] == "1.1" and all(r["graded"] == "4" for r in rows)
    for row in rows:
        assert float(row["pass_rate"]) == pytest.approx(int(row["passed"]) / 4)
    assert {r["pass_rate"] for r in rows} >= {"1.0000", "0.2500"}


def test_common_mistakes_csv_counts_each_submission_once(class_folder):
    rows = read_csv(class_folder / MISTAKES_CSV)
    assert list(rows[0]) == list(MISTAKES_COLUMNS)
    by_title = {r["mistake"]: r for r in rows}
    transposed = by_title[SIGNATURES["transposed"].title]
    assert transposed["submissions"] == "2" and transposed["share_of_graded"] == "0.5000"
    assert transposed["students_were_told"] == SIGNATURES["transposed"].sentence
    tests = transposed["tests"].split()
    assert tests and all(t.count(".") == 1 for t in tests)
    counts = [int(r["submissions"]) for r in rows]
    assert counts == sorted(counts, reverse=True)


def test_the_page_links_the_tables_and_other_pages_escaped(tmp_path):
    document = to_gradescope(_report(Failure("s", "m")))
    links = [("similarity <b>", "../similarity/index.html"), ("x", 'a"b.html')]
    page = write_class_report([document], tmp_path, links=links).read_text()

    class Links(HTMLParser):
        found: list[str] = []

        def handle_starttag(self, tag, attrs):
            if tag == "a":
                self.found.append(dict(attrs)["href"])

    parser = Links()
    parser.feed(page)
    assert parser.found == [TESTS_CSV, MISTAKES_CSV, "../similarity/index.html", "a%22b.html"]
    assert "similarity &lt;b&gt;" in page and "<b>" not in page


def _check(title: str) -> Check:
    return Check("c", title, "layers", 2.0, "visible", (), lambda student: None)


def _report(failure: Failure | None, title: str = "a check") -> GradeReport:
    results = [CheckResult(_check(title), failure is None, failure, "3.1")]
    parts = score_parts(results, [SimpleNamespace(number=3, module="layers", title="Layers")])
    return GradeReport(results, 7, "0" * 64, "suite", 1.5, "", [], 0.5, parts)


def test_cells_are_escaped_as_in_the_gradebook(tmp_path):
    """A check's title or hint that a spreadsheet would run as a formula, or that holds a
    comma, a quote or a line break, reads back as text."""
    title = '=HYPERLINK("http://x", "click"), and more'
    hint = "-1 + 2, the sign\nis flipped"
    summary = summarize([to_gradescope(_report(Failure("s", hint), title))])
    write_csvs(summary, tmp_path)
    (test,) = read_csv(tmp_path / TESTS_CSV)
    (mistake,) = read_csv(tmp_path / MISTAKES_CSV)
    assert test["name"] == "'" + title
    assert mistake["mistake"] == "'-1 + 2, the sign is flipped"
    assert mistake["students_were_told"] == "'-1 + 2, the sign is flipped"
    assert mistake["tests"] == "3.1"


def test_labels_are_number_and_name_cut_to_length():
    assert axis_label("3.2", "dense_backward: dW") == "3.2 dense_backward: dW"
    long = axis_label("10.12", "x" * 100)
    assert len(long) == 60 and long.startswith("10.12 xxx") and long.endswith("\u2026")
