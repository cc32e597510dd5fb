"""The class gradebook: one SQLite file that remembers every graded submission.

Grades are looked up by what was graded: the submission's content sha256 (as
`grading.sandbox.uploads.prepare` computes it) and the hidden suite's version. A submission
whose content and suite are unchanged is never graded twice. Rows are stored per
submission id and suite version, so that two students who hand in identical files both
keep their row, and a resubmission replaces its older row instead of adding a second one.

Beside that table of current grades, the `history` table keeps every grade ever recorded
for a submission (its id, suite version, content sha256, seed, time, total and the verdict
on each check), appended and never overwritten: what `grading.results.regrades` compares
when the hidden suite changes.

Each row also keeps its submitters (`Person`: name, email, student id, as Gradescope's
export lists them), so that `grading.results.lms` can give every member of a group a row.

Every `record` commits at once (WAL journal), so an interrupted batch loses nothing it had
already graded. Only the grader's own process opens the file; `copy_from` reads another
gradebook (a shard's) into this one.
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


SCHEMA_VERSION = 3  # 2 added the history table, 3 the submitters; older files are upgraded

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
    people TEXT NOT NULL DEFAULT '[]',  -- JSON [{"name", "email", "sid"}] per submitter
    PRIMARY KEY (submission_id, suite_version)
);
CREATE INDEX IF NOT EXISTS grades_by_content ON grades (sha256, suite_version);
CREATE TABLE IF NOT EXISTS history (
    entry INTEGER PRIMARY KEY,     -- increases with every grade recorded
    submission_id TEXT NOT NULL,
    suite_version TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    seed INTEGER,
    graded_at TEXT NOT NULL,
    total REAL NOT NULL,
    error TEXT NOT NULL DEFAULT '',
    verdicts TEXT NOT NULL         -- JSON {check title: "passed" | "failed"}
);
CREATE INDEX IF NOT EXISTS history_by_submission ON history (submission_id, entry);
"""

_HISTORY_FIELDS = "submission_id, suite_version, sha256, seed, graded_at, total, error, verdicts"

_FIELDS = (
    "submission_id, suite_version, sha256, seed, name, email, parts, total, max_total, error, "
    "results_json, graded_at, people"
)


@dataclass(frozen=True)
class Person:
    """One submitter of a submission, as the class's metadata names them ("" when not
    given): `sid` is the student id (Gradescope's SID, an LMS's "ID number")."""

    name: str = ""
    email: str = ""
    sid: str = ""


def _people_json(people: Sequence[Person]) -> str:
    return json.dumps([p.__dict__ for p in people])


def _people_of(text: str) -> tuple[Person, ...]:
    return tuple(Person(**{k: str(v) for k, v in p.items()}) for p in json.loads(text or "[]"))


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
    people: tuple[Person, ...] = ()  # the submitters, in the metadata's order

    @classmethod
    def _from_db(cls, row: tuple[Any, ...]) -> GradebookRow:
        values = list(row)
        values[6] = json.loads(values[6])
        values[12] = _people_of(values[12])
        return cls(*values)


@dataclass(frozen=True)
class HistoryEntry:
    """One grade of one submission as the history keeps it. `verdicts` maps each check's
    title (results.json `tests[].name`) to "passed" or "failed"."""

    submission_id: str
    suite_version: str
    sha256: str
    seed: int | None
    graded_at: str
    total: float
    error: str
    verdicts: dict[str, str]

    @classmethod
    def of(cls, row: GradebookRow) -> HistoryEntry:
        """The history entry of a gradebook row."""
        return cls(
            row.submission_id,
            row.suite_version,
            row.sha256,
            row.seed,
            row.graded_at,
            row.total,
            row.error,
            verdicts(row.results_json),
        )

    @classmethod
    def _from_db(cls, row: tuple[Any, ...]) -> HistoryEntry:
        values = list(row)
        values[7] = json.loads(values[7])
        return cls(*values)


def verdicts(results_json: str) -> dict[str, str]:
    """{check title: "passed" | "failed"} from a results.json text ({} if it has no tests
    or cannot be read)."""
    try:
        tests = json.loads(results_json).get("tests", [])
        return {str(t["name"]): str(t["status"]) for t in tests}
    except (ValueError, AttributeError, TypeError, KeyError):
        return {}


class Gradebook:
    """The SQLite gradebook at `path` (created with its folder if missing)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=30.0)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, 1, 2, SCHEMA_VERSION):
            self._db.close()
            raise RuntimeError(
                f"{self.path} was written by another version of nnkit (schema {version})"
            )
        with self._db:
            columns = {r[1] for r in self._db.execute("PRAGMA table_info(grades)")}
            if columns and "people" not in columns:  # before version 3: no submitters known
                self._db.execute("ALTER TABLE grades ADD COLUMN people TEXT NOT NULL DEFAULT '[]'")
            self._db.executescript(_SCHEMA)
            if version == 1:  # before the history: each current grade is its first entry
                for row in self.rows():
                    self._append_history(HistoryEntry.of(row))
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
        people: Sequence[Person] = (),
    ) -> GradebookRow:
        """Store (or replace) the grade of `submission_id` under `suite_version`, and append
        it to the history unless the same grade is there already (a stored grade recorded
        again under new names); committed before this returns."""
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
            people=tuple(people),
        )
        values = list(row.__dict__.values())
        values[6] = json.dumps(row.parts)
        values[12] = _people_json(row.people)
        with self._db:  # one transaction, committed on exit
            self._db.execute(
                f"INSERT OR REPLACE INTO grades ({_FIELDS}) VALUES ({', '.join('?' * 13)})",
                values,
            )
            self._append_history(HistoryEntry.of(row))
        return row

    def _append_history(self, entry: HistoryEntry) -> None:
        values = list(entry.__dict__.values())
        values[7] = json.dumps(entry.verdicts)
        self._db.execute(
            f"INSERT INTO history ({_HISTORY_FIELDS}) SELECT {', '.join('?' * 8)} "
            "WHERE NOT EXISTS (SELECT 1 FROM history WHERE submission_id = ? "
            "AND suite_version = ? AND sha256 = ? AND seed IS ? AND graded_at = ? AND error = ?)",
            [*values, *values[:5], values[6]],
        )

    def history(self, submission_id: str) -> list[HistoryEntry]:
        """Every grade recorded for `submission_id`, oldest first."""
        query = f"SELECT {_HISTORY_FIELDS} FROM history WHERE submission_id = ? ORDER BY entry"
        return [HistoryEntry._from_db(r) for r in self._db.execute(query, (submission_id,))]

    def earlier_grade(self, row: GradebookRow) -> HistoryEntry | None:
        """What a regrade of `row` is compared with: the submission's most recently recorded
        successful grade under another suite version, or under the same suite version and
        content with another seed (the course secret changed). None if there is none.
        A resubmission under the same suite is a new hand-in, not a regrade."""
        found = self._db.execute(
            f"SELECT {_HISTORY_FIELDS} FROM history WHERE submission_id = ? AND error = '' "
            "AND (suite_version != ? OR (sha256 = ? AND seed IS NOT ?)) "
            "ORDER BY entry DESC LIMIT 1",
            (row.submission_id, row.suite_version, row.sha256, row.seed),
        ).fetchone()
        return HistoryEntry._from_db(found) if found else None

    def copy_from(
        self, other: Path, suite_version: str, submission_ids: Iterable[str]
    ) -> list[str]:
        """Copy the grades of `submission_ids` under `suite_version`, with every history
        entry of those ids, from the gradebook at `other` (a shard's) into this one, in one
        transaction. Returns the ids `other` holds no such grade for; when there is one,
        nothing is copied. History already here is not added twice."""
        Gradebook(other).close()  # checks (and upgrades) its schema
        self._db.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (id TEXT PRIMARY KEY)")
        self._db.execute("ATTACH DATABASE ? AS other", (str(other),))
        try:
            with self._db:
                self._db.execute("DELETE FROM wanted")
                self._db.executemany(
                    "INSERT OR IGNORE INTO wanted VALUES (?)", ((i,) for i in submission_ids)
                )
                missing = [
                    r[0]
                    for r in self._db.execute(
                        "SELECT id FROM wanted WHERE id NOT IN (SELECT submission_id FROM "
                        "other.grades WHERE suite_version = ?) ORDER BY id",
                        (suite_version,),
                    )
                ]
                if missing:
                    return missing
                self._db.execute(
                    f"INSERT OR REPLACE INTO grades ({_FIELDS}) SELECT {_FIELDS} FROM "
                    "other.grades WHERE suite_version = ? AND submission_id IN wanted",
                    (suite_version,),
                )
                fields = ", ".join(f"h.{f.strip()}" for f in _HISTORY_FIELDS.split(","))
                self._db.execute(
                    f"INSERT INTO history ({_HISTORY_FIELDS}) SELECT {fields} FROM "
                    "other.history h WHERE h.submission_id IN wanted AND NOT EXISTS "
                    "(SELECT 1 FROM history m WHERE m.submission_id = h.submission_id AND "
                    "m.suite_version = h.suite_version AND m.sha256 = h.sha256 AND "
                    "m.seed IS h.seed AND m.graded_at = h.graded_at AND m.error = h.error) "
                    "ORDER BY h.entry"
                )
            return []
        finally:
            self._db.execute("DETACH DATABASE other")

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


def csv_cell(text: str) -> str:
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
                csv_cell(row.submission_id),
                csv_cell(row.name),
                csv_cell(row.email),
                *(format_points(row.parts.get(column, 0.0)) for column in part_columns),
                format_points(row.total),
                csv_cell(row.error),
            ]
        )
    write_atomic(Path(path), buffer.getvalue())
