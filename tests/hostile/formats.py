"""Every output format of one graded submission, checked for what class 4 of issue 10 broke:
strict JSON of bounded size, well-formed XML, encodable HTML without markup from the
student, a terminal transcript whose verdicts are the grader's, Markdown the student cannot
restructure, a class report that draws, and no student text in a grader's field.

The attacks in cases/untrusted_* write the marker SPOOF into the text they send.
"""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from rich.console import Console

from grading.results.class_report import summarize, write_class_report
from grading.results.feedback import html_page
from grading.results.gradescope import to_gradescope, write_json_atomic
from grading.results.junit import to_junit
from grading.results.model import GradeReport
from grading.results.terminal import print_report

SPOOF = "SPOOF"
MAX_RESULTS_BYTES = 512 * 1024  # a results.json, whatever the submission sent
_OUR_SGR = re.compile(r"\x1b\[[0-9;]*m")  # the colours rich itself writes
_BAD_CHARS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)*?\1")
_SETEXT = re.compile(r"\s*(=+|-+)\s*")  # under a line of text, a heading


class NotStrictJSON(ValueError):
    """results.json holds NaN, Infinity or -Infinity."""


def _reject(constant: str) -> Any:
    raise NotStrictJSON(f"results.json holds {constant}")


def strict_json(text: str) -> Any:
    """json.loads as Gradescope's parser reads: NaN and Infinity are errors."""
    return json.loads(text, parse_constant=_reject)


def _strings(x: Any) -> list[str]:
    if isinstance(x, str):
        return [x]
    if isinstance(x, dict):
        return [s for k, v in x.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(x, list):
        return [s for v in x for s in _strings(v)]
    return []


def results_problems(path: Path) -> list[str]:
    """A written results.json: small, UTF-8, strict JSON, no control characters inside."""
    data = path.read_bytes()
    problems = []
    if len(data) > MAX_RESULTS_BYTES:
        problems.append(f"results.json is {len(data)} bytes")
    try:
        document = strict_json(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return problems + [f"results.json is not strict UTF-8 JSON: {exc}"]
    bad = [s[:80] for s in _strings(document) if _BAD_CHARS.search(s.replace("\n", ""))]
    if bad:
        problems.append(f"results.json holds control characters or surrogates: {bad[:2]!r}")
    return problems


def terminal_problems(report: GradeReport) -> list[str]:
    """`nnkit grade`'s transcript on a colour terminal: only rich's own colour codes, one
    verdict line per check, each the grader's."""
    buffer = io.StringIO()
    console = Console(
        file=buffer, force_terminal=True, color_system="standard", width=100, highlight=False
    )
    print_report(report, Path("submission"), console)
    text = _OUR_SGR.sub("", buffer.getvalue())
    problems = []
    if any(c in text for c in "\x1b\x07\r\x9b\x9d"):
        problems.append("the terminal output holds control sequences")
    verdicts = [ln for ln in text.splitlines() if ln.startswith(("PASS", "FAIL"))]
    expected = [("PASS" if r.passed else "FAIL") + f" {r.number:>5}" for r in report.results]
    if [v[:10] for v in verdicts] != expected:
        problems.append("the terminal's PASS/FAIL lines are not one per check, in order")
    if len(text) > 200_000:
        problems.append(f"the terminal output is {len(text)} characters")
    return problems


def markdown_problems(document: dict[str, Any]) -> list[str]:
    """Each failed test's Markdown: outside code spans, no heading (ATX or setext), fence,
    quote, list, link, bare URL or tag."""
    problems = []
    for test in document["tests"]:
        outside = _CODE_SPAN.sub("", test["output"])
        for line in outside.splitlines():
            starts = line.lstrip().startswith(("#", "```", "~~~", "<", ">", "- ", "* ", "+ "))
            if starts or _SETEXT.fullmatch(line):
                problems.append(f"test {test['number']}: a Markdown line starts {line[:30]!r}")
        link = "](" in outside.replace("\\](", "") or re.search(r"(?<!\\)<", outside)
        if link or re.search(r"https?://|www\.", outside):
            problems.append(f"test {test['number']}: a link or tag outside code: {outside[:200]!r}")
    return problems


def _grader_fields(result: Any) -> dict[str, str]:
    """The fields of a check's failure that only the grader may fill."""
    names = ("summary", "likely_mistake", "got", "expected", "inputs", "where")
    failure = getattr(result, "failure", None)
    if failure is not None:
        return {name: getattr(failure, name) for name in names}
    if result.passed:
        return {}
    from grading.checks.diagnose import (
        parse,  # the kit before grading.results.failure: a parsed message
    )

    parsed = parse(result.message)
    return {"summary": parsed.summary, "likely_mistake": parsed.mistake, "got": parsed.values}


def spoof_problems(report: GradeReport, document: dict[str, Any]) -> list[str]:
    """Student text only in the student's field: never a summary, mistake, value or input."""
    problems = []
    for r in report.results:
        for name, text in _grader_fields(r).items():
            if SPOOF in text:
                problems.append(f"{r.number}: student text in the grader's `{name}`")
    for diagnosis in summarize([document]).diagnoses:
        if SPOOF in diagnosis["title"] + diagnosis["sentence"]:
            problems.append(f"the class report counts a spoofed diagnosis: {diagnosis['title']}")
    return problems


def all_format_problems(report: GradeReport, folder: Path) -> list[str]:
    """Render `report` in every format into `folder`; the problems found."""
    folder.mkdir(parents=True, exist_ok=True)
    document = markdown = to_gradescope(report)  # results.json's outputs are Markdown
    problems: list[str] = []
    try:
        write_json_atomic(document, folder / "results.json")
    except ValueError as exc:  # allow_nan=False, or a lone surrogate
        return [f"results.json could not be written: {exc}"]
    problems += results_problems(folder / "results.json")
    try:
        ET.fromstring(to_junit(document, name="submission").encode("utf-8"))
    except (ET.ParseError, UnicodeEncodeError) as exc:
        problems.append(f"junit.xml is not well-formed: {exc}")
    try:
        page = html_page(document).encode("utf-8").decode("utf-8")
        if "<script" in page or "<img" in page:
            problems.append("the HTML page holds the student's tags")
    except UnicodeEncodeError as exc:
        problems.append(f"the HTML page cannot be written as UTF-8: {exc}")
    try:
        problems += terminal_problems(report)
    except UnicodeEncodeError as exc:
        problems.append(f"the terminal report crashed: {exc}")
    problems += markdown_problems(markdown)
    problems += spoof_problems(report, document)
    try:
        write_class_report([document], folder / "class_report")
    except Exception as exc:  # noqa: BLE001 - any crash is the finding
        problems.append(f"the class report crashed: {type(exc).__name__}: {str(exc)[:200]}")
    return problems
