"""Gradescope's results.json (the kit's native format) and the per-part summary.

Other formats derive from the dict built here. The file is written atomically and only
by the grader, after every worker is gone.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from grading.course.assignment import assignment
from grading.grade.one_submission import GradeReport

KIT_VERSION = "0.1.0"
MAX_OUTPUT_CHARS = 90_000  # Gradescope truncates at 100,000


def part_scores(report: GradeReport) -> list[tuple[str, float, float]]:
    """`(part title, earned, possible)` for each part, in order."""
    rows = []
    for part in assignment().parts:
        mine = [r for r in report.results if r.check.part == part.module]
        earned = sum(r.score for r in mine)
        possible = sum(r.check.points for r in mine)
        rows.append((f"{part.number}. {part.title}", round(earned, 4), round(possible, 4)))
    return rows


def summary_text(report: GradeReport) -> str:
    """Plain text shown at the top of the results: score per part and the total."""
    lines = [
        f"{title}: {earned:g} / {possible:g}" for title, earned, possible in part_scores(report)
    ]
    lines.append(f"Total: {report.score:g} / {report.max_score:g}")
    return "\n".join(lines)


def to_gradescope(report: GradeReport) -> dict[str, Any]:
    """The results.json document (Gradescope's autograder specification)."""
    tests = []
    for r in report.results:
        part = r.check.part
        tests.append(
            {
                "name": r.check.title,
                "number": r.number,
                "score": r.score,
                "max_score": r.check.points,
                "status": "passed" if r.passed else "failed",
                "output": "Passed." if r.failure is None else r.failure.plain(),
                "visibility": r.check.visibility,
                "tags": [part, *r.check.tags],
                "extra_data": {"calls": sorted(r.targets)},
            }
        )
        if r.failure is not None:  # the parts, for every renderer (grading.results.failure)
            tests[-1]["extra_data"]["failure"] = r.failure.as_dict()
    return {
        "score": report.score,
        "execution_time": round(report.seconds, 3),
        "output": summary_text(report)[:MAX_OUTPUT_CHARS],
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": {
            "kit_version": KIT_VERSION,
            "suite_version": report.suite_version,
            "seed": report.seed,
            "student_seconds": round(report.student_seconds, 3),
            "submission_sha256": report.submission_sha256,
            "student_output": report.student_output[:MAX_OUTPUT_CHARS],
            "notes": report.notes,
        },
    }


def write_json_atomic(document: dict[str, Any], path: Path) -> None:
    """Write `document` to `path` via a temporary file and a rename, replacing what was there.

    Strict JSON only: a nan or inf anywhere raises ValueError (Gradescope's parser rejects
    `NaN` and `Infinity`), and so does a string that is not valid Unicode (a lone surrogate
    cannot be written as UTF-8); grading.sandbox.untrusted keeps both out of every document."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".results-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(document, fh, indent=2, allow_nan=False, ensure_ascii=False)
            fh.write("\n")
        os.chmod(tmp, 0o644)  # readable by course staff, like any report
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
