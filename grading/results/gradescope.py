"""Gradescope's results.json: the kit's one serializer of a graded submission.

`to_gradescope(report)` is what `nnkit grade`, `demo`, `grade-all` and `run-autograder`
all write, so one submission graded with one secret gives one document whichever command
graded it (apart from the timings). Test outputs are Markdown (`"output_format": "md"`,
laid out by `grading.results.feedback`); the failure's parts travel under
`extra_data.failure` and the score per part under `extra_data.parts`, so that every other
writer derives from the document without parsing text. The file is written only by the
grader, after every worker is gone.
"""

from __future__ import annotations

from typing import Any

from grading.confined.limits import MAX_OUTPUT_CHARS
from grading.results.causes import Causes, blame_as_dict, settled
from grading.results.feedback import (
    causes_markdown,
    failure_markdown,
    passed_markdown,
    summary_markdown,
)
from grading.results.files import write_json_atomic
from grading.results.model import DEFAULT_VISIBILITY, VISIBILITIES, GradeReport

__all__ = ["KIT_VERSION", "summary_text", "to_gradescope", "write_json_atomic"]

KIT_VERSION = "0.1.0"
NOT_GRADED = "Your submission could not be graded: {reason}"
PER_RUN_FIELDS = ("execution_time", "extra_data.student_seconds")
"""What differs between two gradings of one submission with one secret: the timings."""


def summary_text(report: GradeReport) -> str:
    """Plain text for a log: score per part and the total (or why nothing was graded)."""
    if report.error:
        return NOT_GRADED.format(reason=report.error)
    lines = [f"{p.label}: {p.earned:g} / {p.possible:g}" for p in report.parts]
    lines.append(f"Total: {report.score:g} / {report.max_score:g}")
    return "\n".join(lines)


def to_gradescope(
    report: GradeReport, *, default_visibility: str = DEFAULT_VISIBILITY
) -> dict[str, Any]:
    """The results.json document (Gradescope's autograder specification). A check's
    declared visibility is kept; `default_visibility` (the policy) is for the others."""
    if default_visibility not in VISIBILITIES:
        raise ValueError(f"unknown visibility {default_visibility!r}")
    tests = []
    failures = []
    for r in report.results:
        failure = settled(r)  # a cause the grader's second run placed upstream is moved there
        failures.append(failure)
        test: dict[str, Any] = {
            "name": r.check.title,
            "number": r.number,
            "score": r.score,
            "max_score": r.check.points,
            "status": "passed" if r.passed else "failed",
            "output": "",  # below, once the document can say which parts lost points
            "output_format": "md",
            "visibility": r.check.visibility or default_visibility,
            "tags": [r.check.part, *r.check.tags],
            "extra_data": {"calls": sorted(r.targets)},
        }
        if failure is not None:  # the parts, for every renderer (grading.results.failure)
            test["extra_data"]["failure"] = failure.as_dict()
        if r.blame is not None:
            test["extra_data"]["blame"] = blame_as_dict(r.blame)
        tests.append(test)
    extra: dict[str, Any] = {
        "kit_version": KIT_VERSION,
        "suite_version": report.suite_version,
        "seed": report.seed,
        "student_seconds": round(report.student_seconds, 3),
        "submission_sha256": report.submission_sha256,
        "student_output": report.student_output[:MAX_OUTPUT_CHARS],
        "notes": report.notes,
        "parts": [p.as_dict() for p in report.parts],
        "package": report.package,
    }
    document: dict[str, Any] = {
        "score": report.score,
        "execution_time": round(report.seconds, 3),
        "output": summary_markdown(report.parts, report.score, report.max_score),
        "output_format": "md",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": extra,
    }
    causes = Causes(document)
    for test, failure in zip(tests, failures):
        notes = causes.notes(test)
        test["output"] = (
            passed_markdown(notes)
            if failure is None
            else failure_markdown(failure, causes.label(test), notes)
        )
    shared = causes_markdown(causes.lines())
    if shared:  # first: several failures with one likely cause
        document["output"] = f"{shared}\n\n{document['output']}"
    if report.error:  # plain text: the reason may quote the upload's file names
        extra["error"] = report.error
        document["output"] = NOT_GRADED.format(reason=report.error)
        del document["output_format"]
    document["output"] = document["output"][:MAX_OUTPUT_CHARS]
    return document
