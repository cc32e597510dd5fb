"""Where did the class struggle? A report over many graded submissions.

`write_class_report(items, out_dir)` takes graded submissions in any of the forms the kit
has (GradeReport, `(name, GradeReport)` pairs, results.json documents, or gradebook rows
from `nnkit grade-all`) and writes to `out_dir`:

- `pass_rates.png`: the share of submissions passing each test, labelled by test number
  and name;
- `scores.png`: the histogram of total scores;
- `diagnoses.png`: the most common diagnoses (the likely mistakes that failed tests
  named, read from each test's `grading.results.failure.Failure`, never from student text;
  counted once per submission);
- `class_report.html`: the three plots embedded (base64, so the page stands alone), with
  the same numbers as tables, HTML-escaped;
- `class_report.json`: the numbers;
- `test_pass_rates.csv`, `common_mistakes.csv`: the tables of
  `grading.results.class_stats`, linked from the page.

The numbers are `grading.results.class_stats.summarize`'s. The page may link other
class-wide pages (the similarity report), by paths relative to it.

Plots use matplotlib with the Agg backend, imported only here; their text goes through
`plot_text` (a `$` would start mathtext, and bad mathtext raises while drawing) and is drawn
without TeX.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from grading.confined.limits import MAX_LABEL_CHARS
from grading.results.class_stats import (
    MISTAKES_CSV,
    TESTS_CSV,
    ClassSummary,
    number_key,
    summarize,
    write_csvs,
)
from grading.results.files import write_atomic, write_json_atomic

__all__ = ["ClassSummary", "plot_text", "summarize", "write_class_report"]


def axis_label(number: str, name: str) -> str:
    """The label "3.2 name", cut to MAX_LABEL_CHARS with an ellipsis."""
    label = f"{number} {name}".strip()
    if len(label) <= MAX_LABEL_CHARS:
        return label
    return label[: MAX_LABEL_CHARS - 1] + "\u2026"


def plot_text(text: str) -> str:
    """`text` as matplotlib draws it literally: every `$` escaped (no mathtext)."""
    return str(text).replace("$", r"\$")


def _plots(summary: ClassSummary) -> dict[str, bytes]:
    """PNG bytes of the three plots."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    with matplotlib.rc_context({"text.usetex": False}):
        return _draw(summary)


def _draw(summary: ClassSummary) -> dict[str, bytes]:
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    pngs: dict[str, bytes] = {}

    def save(fig: Figure, name: str) -> None:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
        pngs[name] = buffer.getvalue()

    n = max(len(summary.tests), 1)
    fig = Figure(figsize=(9, 0.19 * n + 1.2))
    ax = fig.add_subplot()
    labels = [plot_text(axis_label(r["number"], r["name"])) for r in summary.tests][::-1]
    rates = [100 * r["rate"] for r in summary.tests][::-1]
    colors = ["#c62828" if r < 50 else "#f9a825" if r < 80 else "#2e7d32" for r in rates]
    ax.barh(range(len(rates)), rates, color=colors)
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    ax.set_ylim(-0.6, len(rates) - 0.4)
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of submissions passing")
    ax.set_title(f"Pass rate per test ({summary.graded} graded submissions)")
    save(fig, "pass_rates.png")

    fig = Figure(figsize=(7, 3.6))
    ax = fig.add_subplot()
    top = summary.max_score or 100.0
    bins = [top * i / 20 for i in range(21)]
    ax.hist(summary.scores, bins=bins, color="#1565c0", edgecolor="white")
    ax.set_xlim(0, top)
    ax.set_xlabel(f"score (out of {top:g})")
    ax.set_ylabel("submissions")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title("Scores")
    save(fig, "scores.png")

    fig = Figure(figsize=(8, 0.45 * max(len(summary.diagnoses), 1) + 1.2))
    ax = fig.add_subplot()
    titles = [plot_text(d["title"]) for d in summary.diagnoses][::-1]
    counts = [d["count"] for d in summary.diagnoses][::-1]
    ax.barh(range(len(counts)), counts, color="#6a1b9a")
    ax.set_yticks(range(len(titles)), titles, fontsize=8)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("submissions with this diagnosis")
    ax.set_title("Most common diagnoses")
    if not counts:
        ax.text(0.5, 0.5, "no diagnosed mistakes", ha="center", va="center")
    save(fig, "diagnoses.png")
    return pngs


def _page(
    summary: ClassSummary, pngs: dict[str, bytes], title: str, links: Sequence[tuple[str, str]]
) -> str:
    esc = html.escape

    def img(name: str, alt: str) -> str:
        data = base64.b64encode(pngs[name]).decode("ascii")
        return f'<img src="data:image/png;base64,{data}" alt="{esc(alt)}">'

    mean = summary.as_dict()["mean_score"]
    hardest = sorted(summary.tests, key=lambda r: (r["rate"], number_key(r["number"])))[:15]
    test_rows = "\n".join(
        f"<tr><td>{esc(r['number'])}</td><td>{esc(r['name'])}</td>"
        f"<td class=num>{100 * r['rate']:.0f}%</td>"
        f"<td class=num>{r['passed']} / {r['graded']}</td></tr>"
        for r in hardest
    )
    diag_rows = "\n".join(
        f"<tr><td class=num>{d['count']}</td><td>{esc(d['title'])}</td>"
        f"<td>{esc(d['sentence'])}</td></tr>"
        for d in summary.diagnoses
    )
    css = (
        "body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;color:#222}"
        "table{border-collapse:collapse;margin:1em 0}td,th{padding:.25em .7em;"
        "border-bottom:1px solid #ddd;text-align:left;vertical-align:top}td.num{text-align:right}"
        "img{max-width:100%;display:block;margin:1em 0}"
    )
    mean_text = f"{mean:g}" if mean is not None else "-"
    return (
        "<!DOCTYPE html>\n<html lang=en>\n<head>\n<meta charset=utf-8>\n"
        f"<title>{esc(title)}</title>\n<style>{css}</style>\n</head>\n<body>\n"
        f"<h1>{esc(title)}</h1>\n"
        f"<p>{summary.submissions} submissions, {summary.graded} graded"
        f"{f', {summary.errors} could not be graded' if summary.errors else ''}; "
        f"mean score {mean_text} / {summary.max_score:g}.</p>\n"
        f"<h2>Scores</h2>\n{img('scores.png', 'histogram of scores')}\n"
        f"<h2>Pass rate per test</h2>\n{img('pass_rates.png', 'pass rate per test')}\n"
        "<h3>The hardest tests</h3>\n<table><tr><th>Test</th><th>Name</th><th>Passing</th>"
        f"<th></th></tr>\n{test_rows}\n</table>\n"
        f"<h2>Most common diagnoses</h2>\n{img('diagnoses.png', 'most common diagnoses')}\n"
        "<table><tr><th>Submissions</th><th>Mistake</th><th>What students were told</th></tr>\n"
        f"{diag_rows}\n</table>\n{_links_section(links)}</body>\n</html>\n"
    )


def _links_section(links: Sequence[tuple[str, str]]) -> str:
    """ "See also": the CSV tables and other class-wide pages, by relative path."""
    esc = html.escape
    files = [(TESTS_CSV, TESTS_CSV), (MISTAKES_CSV, MISTAKES_CSV), *links]
    items = "\n".join(
        f'<li><a href="{esc(quote(href), quote=True)}">{esc(text)}</a></li>' for text, href in files
    )
    return f"<h2>See also</h2>\n<ul>\n{items}\n</ul>\n"


def write_class_report(
    reports_or_rows: Iterable[Any],
    out_dir: Path,
    title: str = "nnkit class report",
    titles: Mapping[str, str] | None = None,
    links: Sequence[tuple[str, str]] = (),
) -> Path:
    """Write the plots, `class_report.html`, `class_report.json` and the CSV tables to
    `out_dir`; returns the HTML page's path. `titles` as for `summarize`; `links` are
    (text, path relative to `out_dir`) of other pages the report links to."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = summarize(reports_or_rows, titles)
    pngs = _plots(summary)
    for name, data in pngs.items():
        (out_dir / name).write_bytes(data)
    write_json_atomic(summary.as_dict(), out_dir / "class_report.json")
    page = out_dir / "class_report.html"
    write_csvs(summary, out_dir)
    write_atomic(page, _page(summary, pngs, title, links))
    return page
