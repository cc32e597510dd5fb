"""Where did the class struggle? A report over many graded submissions.

`write_class_report(items, out_dir)` takes graded submissions in any of the forms the kit
has (GradeReport, `(name, GradeReport)` pairs, results.json documents, or gradebook rows
from `nnkit grade-all`) and writes to `out_dir`:

- `pass_rates.png`: the share of submissions passing each test, by test number;
- `scores.png`: the histogram of total scores;
- `diagnoses.png`: the most common diagnoses (the likely mistakes that failed tests
  named, read from each test's `grading.results.failure.Failure`, never from student text;
  counted once per submission);
- `class_report.html`: the three plots embedded (base64, so the page stands alone), with
  the same numbers as tables, HTML-escaped;
- `class_report.json`: the numbers.

Plots use matplotlib with the Agg backend, imported only here; their text goes through
`plot_text` (a `$` would start mathtext, and bad mathtext raises while drawing) and is drawn
without TeX.
"""

from __future__ import annotations

import base64
import html
import io
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grading.results.failure import of_test
from grading.results.files import write_atomic, write_json_atomic
from grading.results.model import possible_of

TOP_DIAGNOSES = 12


@dataclass
class ClassSummary:
    """The numbers of a class report."""

    submissions: int
    graded: int
    scores: list[float]
    max_score: float
    tests: list[dict[str, Any]] = field(default_factory=list)  # number, name, part, passed, rate
    diagnoses: list[dict[str, Any]] = field(default_factory=list)  # title, sentence, count
    errors: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "submissions": self.submissions,
            "graded": self.graded,
            "errors": self.errors,
            "max_score": self.max_score,
            "mean_score": round(sum(self.scores) / len(self.scores), 3) if self.scores else None,
            "scores": self.scores,
            "tests": self.tests,
            "diagnoses": self.diagnoses,
        }


def _documents(items: Iterable[Any]) -> list[dict[str, Any]]:
    """results.json documents from reports, (name, report) pairs, documents or rows."""
    from grading.results.gradescope import to_gradescope

    docs = []
    for item in items:
        if isinstance(item, tuple) and len(item) == 2 and not isinstance(item[1], (str, bytes)):
            item = item[1]
        if isinstance(item, dict):
            docs.append(item)
        elif hasattr(item, "results_json"):
            docs.append(json.loads(item.results_json) if item.results_json else {"tests": []})
        elif hasattr(item, "results"):
            docs.append(to_gradescope(item))
        else:
            raise TypeError(f"cannot read a graded submission from {type(item).__name__}")
    return docs


def summarize(items: Iterable[Any], titles: Mapping[str, str] | None = None) -> ClassSummary:
    """Pass rate per test, scores, and the most common diagnoses. `titles` maps a known
    mistake's sentence to its short title (grading.checks.diagnose.mistake_titles); a likely
    mistake that starts with none of them is its own title (cut to 80 characters)."""
    titles = titles or {}
    docs = _documents(items)
    graded = [d for d in docs if d.get("tests")]
    scores = [float(d.get("score", 0.0)) for d in docs]
    max_score = max((possible_of(d) for d in graded), default=100.0)
    tests: dict[str, dict[str, Any]] = {}
    diagnoses: Counter[tuple[str, str]] = Counter()
    for d in graded:
        seen: set[tuple[str, str]] = set()
        for t in d["tests"]:
            key = str(t.get("number", ""))
            row = tests.setdefault(
                key,
                {
                    "number": key,
                    "name": str(t.get("name", "")),
                    "part": (t.get("tags") or [""])[0],
                    "passed": 0,
                    "graded": 0,
                },
            )
            row["graded"] += 1
            if t.get("status") == "passed":
                row["passed"] += 1
                continue
            failure = of_test(t)
            mistake = failure.likely_mistake if failure is not None else ""
            known = next((s for s in titles if mistake and mistake.startswith(s)), None)
            if known is not None:
                seen.add((titles[known], known))
            elif mistake:
                seen.add((mistake[:80], mistake))
        diagnoses.update(seen)
    rows = sorted(tests.values(), key=lambda r: _number_key(r["number"]))
    for r in rows:
        r["rate"] = round(r["passed"] / r["graded"], 4) if r["graded"] else 0.0
    top = [
        {"title": title, "sentence": sentence, "count": count}
        for (title, sentence), count in sorted(diagnoses.items(), key=lambda kv: (-kv[1], kv[0]))
    ][:TOP_DIAGNOSES]
    return ClassSummary(
        submissions=len(docs),
        graded=len(graded),
        scores=scores,
        max_score=max_score,
        tests=rows,
        diagnoses=top,
        errors=len(docs) - len(graded),
    )


def _number_key(number: str) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in number.split("."))
    except ValueError:
        return (10**6,)


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
    fig = Figure(figsize=(max(8.0, 0.16 * n), 3.6))
    ax = fig.add_subplot()
    labels = [plot_text(r["number"]) for r in summary.tests]
    rates = [100 * r["rate"] for r in summary.tests]
    colors = ["#c62828" if r < 50 else "#f9a825" if r < 80 else "#2e7d32" for r in rates]
    ax.bar(range(len(rates)), rates, color=colors)
    ax.set_xticks(range(len(labels)), labels, rotation=90, fontsize=7)
    ax.set_ylim(0, 100)
    ax.set_ylabel("% of submissions passing")
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


def _page(summary: ClassSummary, pngs: dict[str, bytes], title: str) -> str:
    esc = html.escape

    def img(name: str, alt: str) -> str:
        data = base64.b64encode(pngs[name]).decode("ascii")
        return f'<img src="data:image/png;base64,{data}" alt="{esc(alt)}">'

    mean = summary.as_dict()["mean_score"]
    hardest = sorted(summary.tests, key=lambda r: (r["rate"], _number_key(r["number"])))[:15]
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
        f"{diag_rows}\n</table>\n</body>\n</html>\n"
    )


def write_class_report(
    reports_or_rows: Iterable[Any],
    out_dir: Path,
    title: str = "nnkit class report",
    titles: Mapping[str, str] | None = None,
) -> Path:
    """Write the plots, `class_report.html` and `class_report.json` to `out_dir`; returns
    the HTML page's path. `titles` as for `summarize`."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = summarize(reports_or_rows, titles)
    pngs = _plots(summary)
    for name, data in pngs.items():
        (out_dir / name).write_bytes(data)
    write_json_atomic(summary.as_dict(), out_dir / "class_report.json")
    page = out_dir / "class_report.html"
    write_atomic(page, _page(summary, pngs, title))
    return page
