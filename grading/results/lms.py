"""Gradebooks a learning management system imports: one row per student.

A gradebook row is one submission; a group's submission names each member
(`GradebookRow.people`, from Gradescope's `submission_metadata.yml`). Here every member
gets the group's score, with their own name, email and student id (SID). A student named
by several submissions (in two groups, or a group and alone) gets one row, from the
submission that scored best (then the first by id); `StudentGrade.also_in` names the
others. A submission that names nobody (a plain folder of hand-ins) gives no student row:
`StudentBook.unnamed` lists it.

Three files, each UTF-8 CSV with a header row, text cells escaped as gradebook.csv's are
(`csv_cell`: a cell starting with = + - @ is never read as a formula):

- `export_students`: nnkit's own, every student with the submission, points per part,
  total and error.
- `export_canvas`: what Canvas's Gradebook > Import reads (its GradebookImporter,
  app/models/gradebook_importer.rb in instructure/canvas-lms). The header must start with
  a column containing "Student" then one containing "ID"; "SIS User ID" and "SIS Login ID"
  follow, and a column containing "Section" ends the student columns; every later column
  is an assignment, matched by "Title (assignment id)" or its title, or created. A first
  cell containing "Points Possible" makes that row the assignments' points. A student is
  found by ID (Canvas's own user id, which nnkit cannot know: left empty), else SIS User
  ID (here the SID), else SIS Login ID (here the email), else the name.
- `export_moodle`: what Moodle's Grades > Import > CSV file reads (gradeimport_csv,
  grade/import/csv/classes/load_data.php). At import the teacher maps one column to a user
  field (here "Email address" to email address, or "ID number" to ID number) and the
  grade column to a grade item. A row whose mapped cell is empty is skipped, so a student
  with neither an email nor a SID is left out (`MoodleExport.left_out`); a grade is a
  number, at most the site's gradepointmax (100 unless raised).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from grading.results.files import write_atomic
from grading.results.gradebook import GradebookRow, Person, csv_cell, format_points

CANVAS_STUDENT_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
CANVAS_POINTS_ROW = "Points Possible"
MOODLE_STUDENT_COLUMNS = ("Full name", "Email address", "ID number")


def students_columns(part_columns: Sequence[str]) -> tuple[str, ...]:
    """students.csv's header: name, email, sid, submission, the parts, total, error."""
    return ("name", "email", "sid", "submission", *part_columns, "total", "error")


@dataclass(frozen=True)
class StudentGrade:
    """One student's grade: their submission's points (`parts` by `PartScore.column`)."""

    person: Person
    submission_id: str
    parts: dict[str, float]
    total: float
    max_total: float
    error: str
    also_in: tuple[str, ...] = ()  # other submissions naming this student, not counted


@dataclass
class StudentBook:
    """Every student of a class, sorted by name then email, and the submissions that name
    no one."""

    students: list[StudentGrade] = field(default_factory=list)
    unnamed: list[str] = field(default_factory=list)


def _identity(person: Person) -> str:
    """Who a person is, across submissions: the email (case-insensitive), else the SID,
    else the name; "" for a person the metadata gives nothing for."""
    for kind, value in (("email", person.email), ("sid", person.sid), ("name", person.name)):
        if value.strip():
            return f"{kind}:{value.strip().casefold()}"
    return ""


def student_grades(rows: Iterable[GradebookRow]) -> StudentBook:
    """One `StudentGrade` per student named by `rows` (see the module docstring)."""
    best: dict[str, tuple[GradebookRow, Person]] = {}
    seen_in: dict[str, list[str]] = {}
    book = StudentBook()
    for row in sorted(rows, key=lambda r: r.submission_id):
        named = [(person, _identity(person)) for person in row.people]
        named = [(person, key) for person, key in named if key]
        if not named:
            book.unnamed.append(row.submission_id)
        for person, key in named:
            seen_in.setdefault(key, []).append(row.submission_id)
            if key not in best or row.total > best[key][0].total:
                best[key] = (row, person)
    for key, (row, person) in best.items():
        book.students.append(
            StudentGrade(
                person=person,
                submission_id=row.submission_id,
                parts=dict(row.parts),
                total=row.total,
                max_total=row.max_total,
                error=row.error,
                also_in=tuple(i for i in seen_in[key] if i != row.submission_id),
            )
        )
    book.students.sort(key=lambda s: (s.person.name.casefold(), s.person.email.casefold()))
    return book


def _write(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    write_atomic(Path(path), buffer.getvalue())


def export_students(book: StudentBook, path: Path, part_columns: Sequence[str]) -> None:
    """Write students.csv (`students_columns`), atomically."""
    _write(
        path,
        students_columns(part_columns),
        (
            [
                csv_cell(s.person.name),
                csv_cell(s.person.email),
                csv_cell(s.person.sid),
                csv_cell(s.submission_id),
                *(format_points(s.parts.get(column, 0.0)) for column in part_columns),
                format_points(s.total),
                csv_cell(s.error),
            ]
            for s in book.students
        ),
    )


def export_canvas(book: StudentBook, path: Path, assignment: str, max_points: float) -> None:
    """Write Canvas's gradebook import (see the module docstring): the student columns,
    one column `assignment` (its Canvas title, or "Title (id)" to match by id), a
    "Points Possible" row with `max_points`, then one row per student."""
    blanks = [""] * (len(CANVAS_STUDENT_COLUMNS) - 1)
    points = [CANVAS_POINTS_ROW, *blanks, format_points(max_points)]
    students = (
        [
            csv_cell(s.person.name),
            "",
            csv_cell(s.person.sid),
            csv_cell(s.person.email),
            "",
            format_points(s.total),
        ]
        for s in book.students
    )
    _write(path, (*CANVAS_STUDENT_COLUMNS, csv_cell(assignment)), [points, *students])


@dataclass(frozen=True)
class MoodleExport:
    """What `export_moodle` wrote: rows, and the students it left out (no email, no SID)."""

    rows: int
    left_out: tuple[Person, ...]


def export_moodle(book: StudentBook, path: Path, assignment: str) -> MoodleExport:
    """Write Moodle's CSV grade import (see the module docstring): full name, email
    address, ID number, and the grade column `assignment`; a student with neither an
    email nor a SID is left out (Moodle could not place them)."""
    placed = [bool(s.person.email.strip() or s.person.sid.strip()) for s in book.students]
    kept = [s for s, ok in zip(book.students, placed) if ok]
    _write(
        path,
        (*MOODLE_STUDENT_COLUMNS, csv_cell(assignment)),
        (
            [
                csv_cell(s.person.name),
                csv_cell(s.person.email),
                csv_cell(s.person.sid),
                format_points(s.total),
            ]
            for s in kept
        ),
    )
    left_out = tuple(s.person for s, ok in zip(book.students, placed) if not ok)
    return MoodleExport(rows=len(kept), left_out=left_out)
