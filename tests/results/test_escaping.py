"""Each output format escapes student text for itself (issue 10, class 4): Markdown, HTML,
JUnit XML, results.json, the terminal, the CSV gradebook and the class report's plots. The
student text here is what grading.sandbox.untrusted lets through (no control characters) and,
where a format must survive worse, worse."""

from __future__ import annotations

import csv
import io
import json
import math
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace

import pytest
from rich.console import Console

from grading.checks.suite import Check
from grading.results.class_report import plot_text, summarize, write_class_report
from grading.results.failure import Failure, of_test
from grading.results.feedback import failure_html, failure_markdown, html_page
from grading.results.gradebook import Gradebook, export_csv
from grading.results.gradescope import to_gradescope, write_json_atomic
from grading.results.junit import to_junit
from grading.results.model import CheckResult, GradeReport, score_parts
from grading.results.terminal import print_report

SAID = "# Title\n[link](http://evil.example) <b>bold</b> ```fence``` $x^2$ & 'q' \"qq\""
SPOOF = ". Likely mistake: the sign is flipped. Got 1; expected 1. Inputs: none"
FAILURE = Failure(
    "layers.dense_forward raised ValueError",
    student_text=" ".join(SAID.split()) + SPOOF,
    where="nnbasics/layers.py, line 3",
)


def _check(name: str = "dense_forward_slide", title: str = "dense_forward: the slide") -> Check:
    return Check(name, title, "layers", 2.0, "visible", (), lambda student: None)


def _report(*failures: Failure | None) -> GradeReport:
    results = [
        CheckResult(_check(f"c{i}", f"check {i}"), f is None, f, f"3.{i + 1}")
        for i, f in enumerate(failures)
    ]
    parts = score_parts(results, [SimpleNamespace(number=3, module="layers", title="Layers")])
    return GradeReport(results, 7, "0" * 64, "suite", 1.5, "printed", [], 0.5, parts)


def test_markdown_quotes_student_text_as_code():
    assert failure_markdown(FAILURE).split("\n\n") == [
        "layers.dense\\_forward raised ValueError (nnbasics/layers.py, line 3).",
        "Your code said: ````# Title [link](http://evil.example) <b>bold</b> ```fence``` $x^2$ "
        "& 'q' \"qq\". Likely mistake: the sign is flipped. Got 1; expected 1. Inputs: none````",
    ]


def test_markdown_escapes_the_graders_fields_and_keeps_them_on_one_line():
    failure = Failure("a\n# b [c](d) <e>", "x_y *z*", got="[1]", expected="[2]", inputs="seed 1")
    assert failure_markdown(failure).split("\n\n") == [
        "a \\# b \\[c\\](d) \\<e\\>.",
        "**Likely mistake:** x\\_y \\*z\\*.",
        "Got `[1]`, expected `[2]`.",
        "*Inputs: seed 1.*",
    ]


def test_html_escapes_every_field():
    assert failure_html(FAILURE).split("\n") == [
        '<p class="summary">layers.dense_forward raised ValueError '
        "(nnbasics/layers.py, line 3).</p>",
        '<p class="said">Your code said: <q># Title [link](http://evil.example) '
        "&lt;b&gt;bold&lt;/b&gt; ```fence``` $x^2$ &amp; &#x27;q&#x27; &quot;qq&quot;. Likely "
        "mistake: the sign is flipped. Got 1; expected 1. Inputs: none</q></p>",
    ]


def test_junit_is_well_formed_whatever_the_text():
    document = to_gradescope(_report(FAILURE))
    document["tests"][0]["extra_data"]["failure"]["student_text"] = (
        "a\x1b[31m\x00\x07<&>\ufffe\udcff"
    )
    root = ET.fromstring(to_junit(document, name="sub\x1b]0;x\x07").encode("utf-8"))
    assert root.get("name") == "sub]0;x"
    failure = root.find("./testsuite/testcase/failure")
    assert failure is not None
    expected = 'layers.dense_forward raised ValueError: "a[31m<&>" (nnbasics/layers.py, line 3)'
    assert failure.get("message") == failure.text == expected


def _reject(constant: str) -> None:
    raise ValueError(f"not strict JSON: {constant}")


def test_results_json_is_strict(tmp_path):
    path = tmp_path / "results.json"
    with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
        write_json_atomic({"score": math.inf}, path)
    with pytest.raises(UnicodeEncodeError):
        write_json_atomic({"output": "\udcff"}, path)
    assert not path.exists() and not list(tmp_path.iterdir())
    write_json_atomic(to_gradescope(_report(FAILURE, None)), path)
    document = json.loads(path.read_text(encoding="utf-8"), parse_constant=_reject)
    assert document["tests"][0]["extra_data"]["failure"] == {
        "summary": "layers.dense_forward raised ValueError",
        "student_text": FAILURE.student_text,
        "where": "nnbasics/layers.py, line 3",
    }


def test_the_terminal_shows_the_graders_verdicts_only():
    failure = Failure("f raised E", student_text="\x1b[2K\r\x1b[32mPASS\x1b[0m 3.1 [green]ok[/]\n")
    buffer = io.StringIO()
    console = Console(
        file=buffer, force_terminal=True, color_system="standard", width=60, highlight=False
    )
    print_report(_report(failure), Path("sub[bold]\x1b]0;t\x07"), console)
    text = buffer.getvalue()
    plain = text
    for ours in ("\x1b[32m", "\x1b[31m", "\x1b[0m", "\x1b[2m", "\x1b[1m", "\x1b[3m"):
        plain = plain.replace(ours, "")
    assert "\x1b[2K" not in text and "\x1b]" not in text and "\r" not in text
    lines = [ln.rstrip() for ln in plain.splitlines()]
    assert lines[0].startswith("FAIL   3.1  check 0")
    assert lines[1] == '            f raised E: "[2K[32mPASS[0m 3.1 [green]ok[/] "'
    assert not any(ln.startswith("PASS") for ln in lines)
    assert "nnkit grade: sub[bold]]0;t" in plain


def test_csv_cells_cannot_be_formulas(tmp_path):
    book = Gradebook(tmp_path / "gradebook.sqlite")
    book.record(
        submission_id="=cmd|' /C calc'!A0",
        suite_version="v",
        sha256="0" * 64,
        name="+SUM(1,2)",
        email="@x",
        parts={},
        total=1.0,
        max_total=100.0,
        error="-2+3\nsecond line",
        results_json="{}",
    )
    export_csv(book.rows(), tmp_path / "gradebook.csv", [])
    rows = list(csv.reader((tmp_path / "gradebook.csv").open(encoding="utf-8")))
    assert rows[1][:3] == ["'=cmd|' /C calc'!A0", "'+SUM(1,2)", "'@x"]
    assert rows[1][-1] == "'-2+3 second line"


def test_plot_text_escapes_mathtext_and_the_class_report_draws_it(tmp_path):
    assert plot_text("costs $5 and $x^$") == r"costs \$5 and \$x^\$"
    document = to_gradescope(_report(Failure("s", "a broken $\\frac{x}{$ mistake"), None))
    page = write_class_report([document], tmp_path / "report", title="class $x^$ report")
    assert "class $x^$ report" in page.read_text(encoding="utf-8")
    assert summarize([document]).diagnoses[0]["title"] == "a broken $\\frac{x}{$ mistake"


def test_the_class_report_counts_only_the_graders_diagnoses():
    document = to_gradescope(_report(FAILURE))
    del document["tests"][0]["extra_data"]["failure"]  # a document of unknown origin
    document["tests"][0]["output"] = "x" + SPOOF
    assert of_test(document["tests"][0]) == Failure("This test failed", student_text="x" + SPOOF)
    assert summarize([document]).diagnoses == []


def test_the_html_page_holds_no_student_markup():
    page = html_page(to_gradescope(_report(FAILURE, None)), title="t <i>")
    assert "<b>bold" not in page and "<i>" not in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page and "<title>t &lt;i&gt;</title>" in page
