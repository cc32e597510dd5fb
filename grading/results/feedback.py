"""Feedback for one submission: Markdown for Gradescope, and a self-contained HTML page.

- `with_markdown(document)`: post-processes the results.json document of
  `grading.results.gradescope.to_gradescope` so that Gradescope renders every test's output as
  Markdown (`"output_format": "md"` per test, and for the top-level output): the summary
  of the failure, **Likely mistake**, the values when shown, and the inputs' seed, each on
  its own line; what the student's code said is shown as inline code.
- `html_page(report_or_document)`: one HTML page (inline CSS, no scripts, no external
  resources) with the score per part and every test, failures first in each part; every
  piece of text is HTML-escaped.

Both lay out the fields of each test's `grading.results.failure.Failure` (results.json
`extra_data.failure`); nothing is parsed out of a message.
"""

from __future__ import annotations

import copy
import html
import re
from typing import Any

from grading.course.assignment import assignment
from grading.results.failure import Failure, of_test

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


def failure_markdown(failure: Failure) -> str:
    """One test's failure as Markdown: the summary, what the student's code said (as code),
    then the likely mistake in bold, the values as code, and the inputs, each as its own
    paragraph."""
    head = md_escape(failure.summary)
    if failure.where:
        head += f" ({md_escape(failure.where)})"
    blocks = [head + "."]
    if failure.student_text:
        blocks.append(f"Your code said: {md_code(failure.student_text)}")
    if failure.likely_mistake:
        blocks.append(f"**Likely mistake:** {md_escape(failure.likely_mistake)}.")
    if failure.got or failure.expected:
        blocks.append(f"Got {md_code(failure.got)}, expected {md_code(failure.expected)}.")
    if failure.inputs:
        blocks.append(f"*Inputs: {md_escape(failure.inputs)}.*")
    return "\n\n".join(blocks)


def summary_markdown(document: dict[str, Any]) -> str:
    """The score per part and the total as a Markdown table, from a results.json document."""
    tests = document.get("tests", [])
    rows = ["| Part | Points | Possible |", "|:--|--:|--:|"]
    for part in assignment().parts:
        mine = [t for t in tests if (t.get("tags") or [None])[0] == part.module]
        earned = sum(float(t.get("score", 0)) for t in mine)
        possible = sum(float(t.get("max_score", 0)) for t in mine)
        rows.append(f"| {part.number}. {md_escape(part.title)} | {earned:g} | {possible:g} |")
    total = sum(float(t.get("max_score", 0)) for t in tests)
    rows.append(f"| **Total** | **{float(document.get('score', 0)):g}** | **{total:g}** |")
    return "\n".join(rows)


def with_markdown(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of the results.json `document` whose test outputs (and top-level output) are
    Markdown, marked `"output_format": "md"` for Gradescope. Passed tests say "Passed."."""
    doc = copy.deepcopy(document)
    for test in doc.get("tests", []):
        failure = of_test(test)
        if failure is not None:
            test["output"] = failure_markdown(failure)
        test["output_format"] = "md"
    if doc.get("tests"):
        doc["output"] = summary_markdown(doc)
        doc["output_format"] = "md"
    return doc


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
.bar { display: inline-block; height: .7em; background: #2e7d32; vertical-align: middle; }
"""


def _document(report_or_document: Any) -> dict[str, Any]:
    if isinstance(report_or_document, dict):
        return report_or_document
    from grading.results.gradescope import to_gradescope

    return to_gradescope(report_or_document)


def failure_html(failure: Failure) -> str:
    """A failure as HTML paragraphs, every field escaped; the student's words quoted."""
    esc = html.escape
    where = f" ({esc(failure.where)})" if failure.where else ""
    out = [f'<p class="summary">{esc(failure.summary)}{where}.</p>']
    if failure.student_text:
        out.append(f'<p class="said">Your code said: <q>{esc(failure.student_text)}</q></p>')
    if failure.likely_mistake:
        out.append(f'<p class="mistake"><b>Likely mistake:</b> {esc(failure.likely_mistake)}.</p>')
    if failure.got or failure.expected:
        out.append(
            f'<p class="values">Got <code>{esc(failure.got)}</code>, expected '
            f"<code>{esc(failure.expected)}</code>.</p>"
        )
    if failure.inputs:
        out.append(f'<p class="inputs">Inputs: {esc(failure.inputs)}.</p>')
    return "\n".join(out)


def html_page(report_or_document: Any, title: str = "nnkit feedback") -> str:
    """A self-contained HTML page for one graded submission (a GradeReport or its
    results.json document): score per part, then every test, failures first."""
    doc = _document(report_or_document)
    esc = html.escape
    tests = doc.get("tests", [])
    extra = doc.get("extra_data", {}) or {}
    possible = sum(float(t.get("max_score", 0)) for t in tests)
    parts_rows = []
    sections = []
    for part in assignment().parts:
        mine = [t for t in tests if (t.get("tags") or [None])[0] == part.module]
        earned = sum(float(t.get("score", 0)) for t in mine)
        total = sum(float(t.get("max_score", 0)) for t in mine)
        width = int(round(100 * earned / total)) if total else 0
        parts_rows.append(
            f"<tr><td>{part.number}. {esc(part.title)}</td><td class=num>{earned:g}</td>"
            f'<td class=num>{total:g}</td><td><span class="bar" style="width:{width}px">'
            f"</span></td></tr>"
        )
        if not mine:
            continue
        items = []
        for t in sorted(mine, key=lambda t: t.get("status") == "passed"):
            failure = of_test(t)
            failed = failure is not None
            body = failure_html(failure) if failure is not None else ""
            verdict = "FAIL" if failed else "PASS"
            name = f"{verdict} {t.get('number', '')} {t.get('name', '')}"
            items.append(
                f'<div class="test{" failed" if failed else ""}">'
                f'<span class="pts">{float(t.get("score", 0)):g} / '
                f"{float(t.get('max_score', 0)):g}</span>"
                f'<span class="name">{esc(name)}</span>\n{body}</div>'
            )
        sections.append(f"<h2>{part.number}. {esc(part.title)}</h2>\n" + "\n".join(items))
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
        '<table class="parts"><tr><th>Part</th><th>Points</th><th>Possible</th><th></th></tr>\n'
        + "\n".join(parts_rows)
        + "\n</table>\n"
        + "\n".join(sections)
        + "\n</body>\n</html>\n"
    )
