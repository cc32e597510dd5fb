"""The class gradebook: one SQLite file that remembers every graded submission.

Grades are looked up by what was graded: the submission's content sha256 (as
`grading.sandbox.uploads.prepare` computes it) and the hidden suite's version. A submission
whose content and suite are unchanged is never graded twice. Rows are stored per
submission id and suite version, so that two students who hand in identical files both
keep their row, and a resubmission replaces its older row instead of adding a second one.

Every `record` commits at once (WAL journal), so an interrupted batch loses nothing it had
already graded. Only the grader's own process opens the file.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from grading.results.files import write_atomic


def csv_columns(part_columns: Sequence[str]) -> tuple[str, ...]:
    """The CSV header: id, name, email, the part columns (`PartScore.column`, "1
    activations", ... in part order), total, error."""
    return ("id", "name", "email", *part_columns, "total", "error")


SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS grades (
    submission_id TEXT NOT NULL,
    suite_version TEXT NOT NULL,
    sha256 TEXT NOT NULL,          -- content hash; '' when the submission could not be read
    seed INTEGER,                  -- the grading seed (depends on the course secret)
    name TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    parts TEXT NOT NULL,           -- JSON {"1 activations": points, ...}
    total REAL NOT NULL,
    max_total REAL NOT NULL,
    error TEXT NOT NULL DEFAULT '',
    results_json TEXT NOT NULL,    -- the results.json text written for the submission
    graded_at TEXT NOT NULL,       -- ISO 8601, UTC
    PRIMARY KEY (submission_id, suite_version)
);
CREATE INDEX IF NOT EXISTS grades_by_content ON grades (sha256, suite_version);
"""

_FIELDS = (
    "submission_id, suite_version, sha256, seed, name, email, parts, total, max_total, error, "
    "results_json, graded_at"
)


@dataclass(frozen=True)
class GradebookRow:
    """One submission's grade under one suite version."""

    submission_id: str
    suite_version: str
    sha256: str
    seed: int | None
    name: str
    email: str
    parts: dict[str, float]
    total: float
    max_total: float
    error: str
    results_json: str
    graded_at: str

    @classmethod
    def _from_db(cls, row: tuple[Any, ...]) -> GradebookRow:
        values = list(row)
        values[6] = json.loads(values[6])
        return cls(*values)


class Gradebook:
    """The SQLite gradebook at `path` (created with its folder if missing)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=30.0)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, SCHEMA_VERSION):
            self._db.close()
            raise RuntimeError(
                f"{self.path} was written by another version of nnkit (schema {version})"
            )
        with self._db:
            self._db.executescript(_SCHEMA)
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Gradebook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def lookup(self, sha256: str, suite_version: str) -> GradebookRow | None:
        """The most recent successful grade of this content under this suite, if any
        (whichever submission id it was recorded for). Failed gradings are never returned,
        so they are retried."""
        if not sha256:
            return None
        row = self._db.execute(
            f"SELECT {_FIELDS} FROM grades WHERE sha256 = ? AND suite_version = ? "
            "AND error = '' ORDER BY graded_at DESC LIMIT 1",
            (sha256, suite_version),
        ).fetchone()
        return GradebookRow._from_db(row) if row else None

    def get(self, submission_id: str, suite_version: str) -> GradebookRow | None:
        """The row of `submission_id` under this suite, if any."""
        row = self._db.execute(
            f"SELECT {_FIELDS} FROM grades WHERE submission_id = ? AND suite_version = ?",
            (submission_id, suite_version),
        ).fetchone()
        return GradebookRow._from_db(row) if row else None

    def record(
        self,
        *,
        submission_id: str,
        suite_version: str,
        sha256: str,
        parts: dict[str, float],
        total: float,
        max_total: float,
        results_json: str,
        seed: int | None = None,
        name: str = "",
        email: str = "",
        error: str = "",
        graded_at: str | None = None,
    ) -> GradebookRow:
        """Store (or replace) the grade of `submission_id` under `suite_version`; committed
        before this returns."""
        row = GradebookRow(
            submission_id=submission_id,
            suite_version=suite_version,
            sha256=sha256,
            seed=seed,
            name=name,
            email=email,
            parts={key: float(value) for key, value in parts.items()},
            total=float(total),
            max_total=float(max_total),
            error=error,
            results_json=results_json,
            graded_at=graded_at or now_iso(),
        )
        values = list(row.__dict__.values())
        values[6] = json.dumps(row.parts)
        with self._db:  # one transaction, committed on exit
            self._db.execute(
                f"INSERT OR REPLACE INTO grades ({_FIELDS}) VALUES ({', '.join('?' * 12)})",
                values,
            )
        return row

    def rows(self, suite_version: str | None = None) -> list[GradebookRow]:
        """Every row (of one suite version, if given), ordered by submission id."""
        query = f"SELECT {_FIELDS} FROM grades"
        params: tuple[str, ...] = ()
        if suite_version is not None:
            query += " WHERE suite_version = ?"
            params = (suite_version,)
        query += " ORDER BY submission_id, suite_version"
        return [GradebookRow._from_db(r) for r in self._db.execute(query, params)]


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def format_points(value: float) -> str:
    """10.0 -> "10", 1.5 -> "1.5": what a spreadsheet reads back as the same number."""
    return f"{round(value, 4):g}"


def _cell(text: str) -> str:
    """Text as a spreadsheet will show it: one line, and never read as a formula (a cell
    starting with = + - @, the characters Excel, LibreOffice and Sheets evaluate)."""
    text = " ".join(text.split())
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def export_csv(rows: Iterable[GradebookRow], path: Path, part_columns: Sequence[str]) -> None:
    """Write `rows` to `path` as plain UTF-8 CSV with a header row (`csv_columns`): one
    column per part of `part_columns`. Replaces `path` atomically."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(csv_columns(part_columns))
    for row in rows:
        writer.writerow(
            [
                _cell(row.submission_id),
                _cell(row.name),
                _cell(row.email),
                *(format_points(row.parts.get(column, 0.0)) for column in part_columns),
                format_points(row.total),
                _cell(row.error),
            ]
        )
    write_atomic(Path(path), buffer.getvalue())
