"""The numbers of a class: pass rate per test and the most common diagnosed mistakes,
over many graded submissions, and the same numbers as CSV files for a spreadsheet.

`summarize(items)` takes graded submissions in any of the forms the kit has (GradeReport,
`(name, GradeReport)` pairs, results.json documents, or gradebook rows from `nnkit
grade-all`). A diagnosis is the likely mistake the grader named for a failed test, read
from the test's `grading.results.failure.Failure` (never from student text) and counted
once per submission. `write_csvs(summary, folder)` writes `test_pass_rates.csv` and
`common_mistakes.csv` (plain UTF-8, a header row, cells escaped as in gradebook.csv);
`grading.results.class_report` draws the same numbers.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grading.results.failure import of_test
from grading.results.files import write_atomic
from grading.results.gradebook import csv_cell
from grading.results.model import possible_of

TOP_DIAGNOSES = 12
"""Diagnoses the report plots and common_mistakes.csv lists, most common first."""
TESTS_CSV = "test_pass_rates.csv"
MISTAKES_CSV = "common_mistakes.csv"
TESTS_COLUMNS = ("test", "name", "part", "passed", "graded", "pass_rate")
MISTAKES_COLUMNS = ("mistake", "submissions", "share_of_graded", "tests", "students_were_told")


@dataclass
class ClassSummary:
    """The numbers of a class report."""

    submissions: int
    graded: int
    scores: list[float]
    max_score: float
    tests: list[dict[str, Any]] = field(default_factory=list)  # number, name, part, passed, rate
    diagnoses: list[dict[str, Any]] = field(default_factory=list)  # title, sentence, count, tests
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
    named_in: dict[tuple[str, str], set[str]] = {}  # diagnosis -> numbers of its tests
    for d in graded:
        seen: set[tuple[str, str]] = set()
        for t in d["tests"]:
            key = str(t.get("number", ""))
            row = tests.setdefault(
                key,
                {
                    "number": key,
                    "name": str(t.get("name", "")),
                    "part": str((t.get("tags") or [""])[0]),
                    "passed": 0,
                    "graded": 0,
                },
            )
            row["graded"] += 1
            if t.get("status") == "passed":
                row["passed"] += 1
                continue
            failure = of_test(t)
            mistake = ""
            if failure is not None:  # a diagnosed cause's sentence is the same in every test
                mistake = failure.cause.text if failure.cause else failure.likely_mistake
            known = next((s for s in titles if mistake and mistake.startswith(s)), None)
            diagnosis = (titles[known], known) if known is not None else (mistake[:80], mistake)
            if mistake:
                seen.add(diagnosis)
                named_in.setdefault(diagnosis, set()).add(key)
        diagnoses.update(seen)
    rows = sorted(tests.values(), key=lambda r: number_key(r["number"]))
    for r in rows:
        r["rate"] = round(r["passed"] / r["graded"], 4) if r["graded"] else 0.0
    top = [
        {
            "title": title,
            "sentence": sentence,
            "count": count,
            "tests": sorted(named_in[title, sentence], key=number_key),
        }
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


def number_key(number: str) -> tuple[int, ...]:
    """A test number ("3.12") as a sort key in test order; anything else sorts last."""
    try:
        return tuple(int(p) for p in number.split("."))
    except ValueError:
        return (10**6,)


def write_csvs(summary: ClassSummary, folder: Path) -> list[Path]:
    """Write `TESTS_CSV` (one row per test, in test order; `pass_rate` a fraction of
    `graded`) and `MISTAKES_CSV` (one row per diagnosis, most common first; `tests` the
    numbers of the tests it was named in) to `folder`; returns their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tests = [
        [r["number"], csv_cell(r["name"]), csv_cell(r["part"]), r["passed"], r["graded"]]
        + [f"{r['rate']:.4f}"]
        for r in summary.tests
    ]
    mistakes = [
        [csv_cell(d["title"]), d["count"], f"{d['count'] / max(summary.graded, 1):.4f}"]
        + [" ".join(d["tests"]), csv_cell(d["sentence"])]
        for d in summary.diagnoses
    ]
    written = []
    for name, header, rows in (
        (TESTS_CSV, TESTS_COLUMNS, tests),
        (MISTAKES_CSV, MISTAKES_COLUMNS, mistakes),
    ):
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(rows)
        write_atomic(folder / name, buffer.getvalue())
        written.append(folder / name)
    return written
