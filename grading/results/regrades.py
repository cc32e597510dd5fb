"""Regrades with a diff: what changed for each student when the hidden suite changed.

A submission's current grade is compared with its earlier grade as the gradebook's
history holds it (`Gradebook.earlier_grade`: under another suite version, or the same
content under another course secret). A change names the old and new score and suite
version and the checks (by title, as results.json names its tests) whose verdict flipped.
`export_changes` writes them as CSV for the Gradescope or LMS update, escaped as
gradebook.csv is.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from grading.results.files import write_atomic
from grading.results.gradebook import HistoryEntry, csv_cell, format_points

CHANGES_COLUMNS = (
    "id",
    "name",
    "email",
    "old score",
    "new score",
    "old suite",
    "new suite",
    "passed->failed",
    "failed->passed",
    "added",
    "removed",
)
"""The header of regrade_changes.csv; each check column lists titles joined by "; "."""


@dataclass(frozen=True)
class RegradeChange:
    """One submission's regrade: scores in points, checks by title, each tuple sorted."""

    submission_id: str
    name: str
    email: str
    old_score: float
    new_score: float
    old_suite: str
    new_suite: str
    passed_to_failed: tuple[str, ...]
    failed_to_passed: tuple[str, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]

    @property
    def score_changed(self) -> bool:
        return round(self.new_score - self.old_score, 4) != 0

    @property
    def changed(self) -> bool:
        """The score or a check's verdict changed (the rows the CSV keeps)."""
        return self.score_changed or any(
            (self.passed_to_failed, self.failed_to_passed, self.added, self.removed)
        )


def compare(old: HistoryEntry, new: HistoryEntry, name: str = "", email: str = "") -> RegradeChange:
    """The change from grade `old` to grade `new` of one submission."""
    common = old.verdicts.keys() & new.verdicts.keys()
    return RegradeChange(
        submission_id=new.submission_id,
        name=name,
        email=email,
        old_score=old.total,
        new_score=new.total,
        old_suite=old.suite_version,
        new_suite=new.suite_version,
        passed_to_failed=_flipped(old, new, common, "passed"),
        failed_to_passed=_flipped(old, new, common, "failed"),
        added=tuple(sorted(new.verdicts.keys() - old.verdicts.keys())),
        removed=tuple(sorted(old.verdicts.keys() - new.verdicts.keys())),
    )


def _flipped(old: HistoryEntry, new: HistoryEntry, common: set[str], was: str) -> tuple[str, ...]:
    return tuple(sorted(t for t in common if old.verdicts[t] == was and new.verdicts[t] != was))


def export_changes(changes: Iterable[RegradeChange], path: Path) -> None:
    """Write the changes that changed something to `path` as UTF-8 CSV with the header
    CHANGES_COLUMNS, atomically (a header alone when nothing changed)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(CHANGES_COLUMNS)
    for change in changes:
        if not change.changed:
            continue
        writer.writerow(
            [
                csv_cell(change.submission_id),
                csv_cell(change.name),
                csv_cell(change.email),
                format_points(change.old_score),
                format_points(change.new_score),
                change.old_suite,
                change.new_suite,
                *(
                    csv_cell("; ".join(titles))
                    for titles in (
                        change.passed_to_failed,
                        change.failed_to_passed,
                        change.added,
                        change.removed,
                    )
                ),
            ]
        )
    write_atomic(Path(path), buffer.getvalue())


def summary_line(changes: Sequence[RegradeChange], submissions: int, suite: str) -> str:
    """ "3 of 40 submissions changed score under suite <new> (was <old>)": `changes` are
    the run's comparisons, `submissions` the number of submissions in the run."""
    changed = sum(change.score_changed for change in changes)
    was = ", ".join(sorted({change.old_suite for change in changes}))
    return f"{changed} of {submissions} submissions changed score under suite {suite} (was {was})"
