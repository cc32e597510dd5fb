"""Feedback for one submission: Markdown for Gradescope, and a self-contained HTML page.

- `failure_markdown(failure)`, `summary_markdown(parts, ...)`: what results.json
  (`grading.results.gradescope`) shows, rendered by Gradescope as Markdown: the summary
  of the failure, **Likely mistake**, the values when shown, and the inputs' seed, each on
  its own line; what the student's code said is shown as inline code.
- `html_page(report_or_document)`: one HTML page (inline CSS, no scripts, no external
  resources) with the score per part and every test, failures first in each part; every
  piece of text is HTML-escaped.

Every page starts with the likely causes shared by several failures, and each test carries
the report's notes on it (both from `grading.results.causes`).

Both lay out the fields of each test's `grading.results.failure.Failure` (results.json
`extra_data.failure`); nothing is parsed out of a message.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from grading.results.causes import Causes
from grading.results.failure import Failure, of_test
from grading.results.model import PartScore, parts_of, possible_of

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~!])")


def md_escape(text: str) -> str:
    """`text` as literal Markdown text on one line: Markdown's special characters
    backslash-escaped (so `x * y`, `A_prev`, `[1, 2]` or `<script>` stay text) and line
    breaks made spaces (so no line can start a heading, a list or a code fence)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def md_code(text: str) -> str:
    """`text` (one line) as inline code, with a fence longer than any run of backticks
    inside: nothing in a code span is Markdown or HTML, so links and tags stay text."""
    text = " ".join(text.split())
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def failure_markdown(
    failure: Failure, label: str = "Likely mistake", notes: Sequence[str] = ()
) -> str:
    """One test's failure as Markdown: the summary, what the student's code said (as code),
    then the likely mistake in bold (under `label`), the report's `notes` on it
    (`grading.results.causes.Causes.notes`), the values as code, and the inputs, each as its
    own paragraph."""
    head = md_escape(failure.summary)
    if failure.where:
        head += f" ({md_escape(failure.where)})"
    blocks = [head + "."]
    if failure.student_text:
        blocks.append(f"Your code said: {md_code(failure.student_text)}")
    if failure.likely_mistake:
        blocks.append(f"**{md_escape(label)}:** {md_escape(failure.likely_mistake)}.")
    blocks.extend(f"{md_escape(note)}." for note in notes)
    if failure.got or failure.expected:
        blocks.append(f"Got {md_code(failure.got)}, expected {md_code(failure.expected)}.")
    if failure.inputs:
        blocks.append(f"*Inputs: {md_escape(failure.inputs)}.*")
    return "\n\n".join(blocks)


def passed_markdown(notes: Sequence[str] = ()) -> str:
    """A passed test's output: "Passed.", and the report's notes on it (a test the
    grader's own functions rescued says so)."""
    return "\n\n".join(["Passed.", *(f"{md_escape(note)}." for note in notes)])


def causes_markdown(lines: Sequence[str]) -> str:
    """The shared causes (`grading.results.causes.Causes.lines`) as Markdown paragraphs,
    each starting in bold; "" when there are none."""
    return "\n\n".join(f"**Likely cause:** {md_escape(line)}" for line in lines)


def summary_markdown(parts: Sequence[PartScore], score: float, max_score: float) -> str:
    """The score per part and the total as a Markdown table."""
    rows = ["| Part | Points | Possible |", "|:--|--:|--:|"]
    for part in parts:
        rows.append(f"| {md_escape(part.label)} | {part.earned:g} | {part.possible:g} |")
    rows.append(f"| **Total** | **{score:g}** | **{max_score:g}** |")
    return "\n".join(rows)


_PAGE_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~:$])")


def md_text(text: str) -> str:
    """`text` (a name, an email, an id) as literal Markdown on one line, stricter than
    `md_escape`: HTML's `& < >` as entities, and every character Markdown or its
    extensions (math, tables, autolinks) give a meaning backslash-escaped."""
    text = " ".join(text.split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _PAGE_SPECIAL.sub(r"\\\1", text)


def _fenced(text: str) -> list[str]:
    fence = "```"
    while fence in text:
        fence += "`"
    return [f"{fence}text", text, fence]


def markdown_page(document: dict[str, Any], title: str, byline: str = "") -> str:
    """A Markdown page for one graded submission (its results.json `document`): the likely
    causes shared by several failures, the score per part, each failed test with the
    Markdown results.json shows for it, then the passed tests with a note (rescued by the
    grader's own functions)."""
    lines = [f"# {md_text(title)}", ""]
    if byline:
        lines += [md_text(byline), ""]
    extra = document.get("extra_data") if type(document.get("extra_data")) is dict else {}
    if extra.get("error"):
        return "\n".join(
            [*lines, "This submission could not be graded:", "", *_fenced(str(extra["error"])), ""]
        )
    tests = document.get("tests", [])
    score = float(document.get("score", 0))
    causes = Causes(document)
    shared = causes_markdown(causes.lines())
    if shared:
        lines += [shared, ""]
    lines += [summary_markdown(parts_of(document), score, possible_of(document))]
    lines.append("")
    failed = [t for t in tests if of_test(t) is not None]
    noted = [t for t in tests if of_test(t) is None and causes.notes(t)]
    if not failed:
        lines += ["All tests passed.", ""]
    else:
        lines += ["## Failed tests", ""]
    for t in failed:
        body = failure_markdown(of_test(t), causes.label(t), causes.notes(t))
        lines += [_test_heading(t), "", body, ""]
    if noted:  # passed with the grader's own functions: say why
        lines += ["## Passed tests with a note", ""]
    for t in noted:
        lines += [_test_heading(t), "", passed_markdown(causes.notes(t)), ""]
    return "\n".join(lines)


def _test_heading(test: dict[str, Any]) -> str:
    """ "### 5.3 <title> (0 / 2)": the grader's own titles."""
    points = f"{float(test.get('score', 0)):g} / {float(test.get('max_score', 0)):g}"
    return f"### {test.get('number', '')} {test.get('name', '')} ({points})"


# -- HTML ------------------------------------------------------------------------------------

_CSS = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
h1 { font-size: 1.5em; margin-bottom: .2em; }
.meta { color: #666; font-size: .9em; }
table.parts { border-collapse: collapse; margin: 1em 0; }
table.parts td, table.parts th { padding: .25em .8em; border-bottom: 1px solid #ddd; }
table.parts td.num { text-align: right; }
.test { border-left: 4px solid #2e7d32; padding: .3em .8em; margin: .5em 0; background: #f7fbf7; }
.test.failed { border-color: #c62828; background: #fdf5f5; }
.test .name { font-weight: 600; }
.test .pts { float: right; color: #555; }
.mistake { margin: .3em 0; }
.mistake b { color: #c62828; }
.values code { background: #eee; padding: 0 .2em; }
.inputs { color: #666; font-size: .9em; }
.note { margin: .3em 0; }
.cause { border-left: 4px solid #c62828; padding: .3em .8em; background: #fdf5f5; }
.bar { display: inline-block; height: .7em; background: #2e7d32; vertical-align: middle; }
"""


def _document(report_or_document: Any) -> dict[str, Any]:
    if isinstance(report_or_document, dict):
        return report_or_document
    from grading.results.gradescope import to_gradescope

    return to_gradescope(report_or_document)


def failure_html(failure: Failure, label: str = "Likely mistake", notes: Sequence[str] = ()) -> str:
    """A failure as HTML paragraphs, every field escaped; the student's words quoted;
    `label` and `notes` as for `failure_markdown`."""
    esc = html.escape
    where = f" ({esc(failure.where)})" if failure.where else ""
    out = [f'<p class="summary">{esc(failure.summary)}{where}.</p>']
    if failure.student_text:
        out.append(f'<p class="said">Your code said: <q>{esc(failure.student_text)}</q></p>')
    if failure.likely_mistake:
        out.append(f'<p class="mistake"><b>{esc(label)}:</b> {esc(failure.likely_mistake)}.</p>')
    out.extend(_notes_html(notes))
    if failure.got or failure.expected:
        out.append(
            f'<p class="values">Got <code>{esc(failure.got)}</code>, expected '
            f"<code>{esc(failure.expected)}</code>.</p>"
        )
    if failure.inputs:
        out.append(f'<p class="inputs">Inputs: {esc(failure.inputs)}.</p>')
    return "\n".join(out)


def _notes_html(notes: Sequence[str]) -> list[str]:
    return [f'<p class="note">{html.escape(note)}.</p>' for note in notes]


def html_page(report_or_document: Any, title: str = "nnkit feedback") -> str:
    """A self-contained HTML page for one graded submission (a GradeReport or its
    results.json document): score per part, then every test, failures first."""
    doc = _document(report_or_document)
    causes = Causes(doc)
    esc = html.escape
    tests = doc.get("tests", [])
    extra = doc.get("extra_data", {}) or {}
    possible = possible_of(doc)
    parts_rows = []
    sections = []
    for part in parts_of(doc):
        mine = [t for t in tests if (t.get("tags") or [None])[0] == part.module]
        width = int(round(100 * part.earned / part.possible)) if part.possible else 0
        parts_rows.append(
            f"<tr><td>{esc(part.label)}</td><td class=num>{part.earned:g}</td>"
            f'<td class=num>{part.possible:g}</td><td><span class="bar" style="width:{width}px">'
            f"</span></td></tr>"
        )
        if not mine:
            continue
        items = []
        for t in sorted(mine, key=lambda t: t.get("status") == "passed"):
            failure = of_test(t)
            failed = failure is not None
            notes = causes.notes(t)
            if failure is not None:
                body = failure_html(failure, causes.label(t), notes)
            else:
                body = "\n".join(_notes_html(notes))
            verdict = "FAIL" if failed else "PASS"
            name = f"{verdict} {t.get('number', '')} {t.get('name', '')}"
            items.append(
                f'<div class="test{" failed" if failed else ""}">'
                f'<span class="pts">{float(t.get("score", 0)):g} / '
                f"{float(t.get('max_score', 0)):g}</span>"
                f'<span class="name">{esc(name)}</span>\n{body}</div>'
            )
        sections.append(f"<h2>{esc(part.label)}</h2>\n" + "\n".join(items))
    error = extra.get("error")
    if error:
        sections.insert(0, f'<div class="test failed"><p>{esc(str(error))}</p></div>')
    meta = []
    for key in ("suite_version", "seed", "submission_sha256"):
        if extra.get(key) is not None:
            meta.append(f"{key.replace('_', ' ')} {esc(str(extra[key]))}")
    return (
        "<!DOCTYPE html>\n<html lang=en>\n<head>\n<meta charset=utf-8>\n"
        f"<title>{esc(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"<h1>{esc(title)}</h1>\n"
        f'<p class="score"><b>Score: {float(doc.get("score", 0)):g} / {possible:g}</b></p>\n'
        f'<p class="meta">{" · ".join(meta)}</p>\n'
        + "".join(
            f'<p class="cause"><b>Likely cause:</b> {esc(line)}</p>\n' for line in causes.lines()
        )
        + '<table class="parts"><tr><th>Part</th><th>Points</th><th>Possible</th><th></th></tr>\n'
        + "\n".join(parts_rows)
        + "\n</table>\n"
        + "\n".join(sections)
        + "\n</body>\n</html>\n"
    )
