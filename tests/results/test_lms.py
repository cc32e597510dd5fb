"""Per-student gradebooks, read back as Canvas and Moodle read them.

`canvas_import` follows Canvas's GradebookImporter (app/models/gradebook_importer.rb in
instructure/canvas-lms): the header's student columns, the "Points Possible" row, and a
student found by ID, SIS User ID, SIS Login ID, then name. `moodle_import` follows Moodle's
gradeimport_csv (grade/import/csv/classes/load_data.php): one column mapped to a user
field, a blank cell skips the row, an unknown user stops the import, a grade is a number
at most gradepointmax (100)."""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from pathlib import Path

import pytest

from grading.results.gradebook import Gradebook, GradebookRow, Person
from grading.results.lms import (
    export_canvas,
    export_moodle,
    export_students,
    student_grades,
    students_columns,
)

PARTS = ["1 activations", "2 losses"]
ADA = Person("Ada Lovelace", "ada@example.edu", "19970001")
ALAN = Person("Alan Turing", "alan@example.edu", "19970002")
GRACE = Person("Grace Hopper", "grace@example.edu", "")
NO_EMAIL = Person("Kurt Gödel", "", "19970004")
NAME_ONLY = Person("Emmy Noether", "", "")


def row(sub_id: str, total: float, *people: Person, error: str = "") -> GradebookRow:
    return GradebookRow(
        submission_id=sub_id, suite_version="v1", sha256="s", seed=1,
        name="; ".join(p.name for p in people), email="; ".join(p.email for p in people),
        parts={PARTS[0]: total / 2, PARTS[1]: total / 2}, total=total, max_total=20.0,
        error=error, results_json="{}", graded_at="2026-01-01T00:00:00+00:00", people=people,
    )  # fmt: skip


CLASS = [
    row("submission_1", 20.0, ADA),
    row("submission_2", 15.5, ALAN, GRACE),  # a group of two
    row("submission_3", 9.0, GRACE),  # Grace again, alone: her better grade counts
    row("submission_4", 7.0, NO_EMAIL, NAME_ONLY),
    row("loose_folder", 3.0),  # no metadata: no student
]


def read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def test_every_member_of_a_group_gets_the_groups_score():
    book = student_grades(CLASS)
    got = {s.person: (s.submission_id, s.total, s.also_in) for s in book.students}
    assert got == {
        ADA: ("submission_1", 20.0, ()),
        ALAN: ("submission_2", 15.5, ()),
        GRACE: ("submission_2", 15.5, ("submission_3",)),
        NO_EMAIL: ("submission_4", 7.0, ()),
        NAME_ONLY: ("submission_4", 7.0, ()),
    }
    assert book.unnamed == ["loose_folder"]
    # One row per student, however the email is capitalised in the other submission.
    shouting = Person("GRACE HOPPER", "Grace@Example.EDU", "")
    again = student_grades([*CLASS, row("submission_5", 1.0, shouting)])
    assert [s.person.email.lower() for s in again.students].count("grace@example.edu") == 1


def test_students_csv_has_one_row_per_student_with_their_parts(tmp_path):
    path = tmp_path / "students.csv"
    export_students(student_grades(CLASS), path, PARTS)
    header, *rows = read(path)
    assert tuple(header) == students_columns(PARTS)
    assert ["Alan Turing", "alan@example.edu", "19970002", "submission_2", "7.75", "7.75",
            "15.5", ""] in rows  # fmt: skip
    assert len(rows) == 5


# -- Canvas ---------------------------------------------------------------------------------

CANVAS_RESERVED = ("Current Score", "Current Points", "Final Score", "Final Grade")


def canvas_import(path: Path, roster: list[Person]) -> tuple[dict[str, float], dict[str, float]]:
    """({assignment: points possible}, {roster email: grade}) as Canvas's importer reads
    the file; AssertionError where Canvas would reject it or not find a student."""
    header, *rows = read(path)
    assert len(header) > 3 and "Student" in header[0] and "ID" in header[1], header
    student_columns = 3
    if re.search(r"SIS\s+Login\s+ID", header[2]):
        student_columns += 1
    elif re.search(r"SIS\s+User\s+ID", header[2]) and re.search(r"SIS\s+Login\s+ID", header[3]):
        student_columns += 2
    assert "Section" in header[student_columns - 1], "Invalid header row"
    assignments = [
        (i, name)
        for i, name in enumerate(header)
        if i >= student_columns and not any(r in name for r in CANVAS_RESERVED)
    ]
    points, grades = {}, {}
    for cells in rows:
        if "Points Possible" in cells[0]:
            points = {name: float(cells[i]) for i, name in assignments}
            continue
        sis_user, sis_login, name = cells[2], cells[3], cells[0]
        found = [
            p
            for p in roster
            if (sis_user and p.sid == sis_user)
            or (sis_login and p.email == sis_login)
            or (p.name == name)
        ]
        assert len(found) == 1, f"Canvas finds no single student for {cells}"
        (i, _), = assignments  # fmt: skip
        grades[found[0].email or found[0].sid] = float(cells[i].replace(",", "."))
    return points, grades


def test_canvas_reads_the_export_by_its_header_rules(tmp_path):
    path = tmp_path / "canvas.csv"
    export_canvas(student_grades(CLASS), path, "Lab 3 (4711)", 20.0)
    roster = [ADA, ALAN, GRACE, NO_EMAIL, NAME_ONLY]
    points, grades = canvas_import(path, roster)
    assert points == {"Lab 3 (4711)": 20.0}
    assert grades == {
        "ada@example.edu": 20.0,
        "alan@example.edu": 15.5,
        "grace@example.edu": 15.5,
        "19970004": 7.0,  # found by SIS User ID
        "": 7.0,  # Emmy: found by her name alone
    }
    header, points_row, *_ = read(path)
    assert header == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Lab 3 (4711)"]
    assert points_row == ["Points Possible", "", "", "", "", "20"]


# -- Moodle ---------------------------------------------------------------------------------


def moodle_import(path: Path, map_from: str, field: str, roster: list[Person]) -> dict[str, float]:
    """{user's `field` value: grade}, mapping column `map_from` to the user field `field`
    ("email" or "sid") and the last column to the grade item, as Moodle's importer does."""
    header, *rows = read(path)
    header = [h.strip() for h in header]
    user_column = header.index(map_from)
    grades = {}
    for cells in rows:
        value = cells[user_column]
        if not value:
            continue  # Moodle skips a row whose user cell is blank
        users = [p for p in roster if getattr(p, field) == value]
        assert len(users) == 1, f"user mapping error, could not find user with {field} {value}"
        grade = cells[-1]
        assert re.fullmatch(r"-?\d+(\.\d+)?", grade), f"bad grade {grade!r}"
        assert float(grade) <= 100, "grade value too big"
        grades[value] = float(grade)
    return grades


def test_moodle_reads_the_export_by_email_or_by_id_number(tmp_path):
    path = tmp_path / "moodle.csv"
    written = export_moodle(student_grades(CLASS), path, "Lab 3")
    roster = [ADA, ALAN, GRACE, NO_EMAIL, NAME_ONLY]
    assert read(path)[0] == ["Full name", "Email address", "ID number", "Lab 3"]
    by_email = moodle_import(path, "Email address", "email", roster)
    assert by_email == {
        "ada@example.edu": 20.0,
        "alan@example.edu": 15.5,
        "grace@example.edu": 15.5,
    }
    by_id = moodle_import(path, "ID number", "sid", roster)
    assert by_id == {"19970001": 20.0, "19970002": 15.5, "19970004": 7.0}
    # Emmy has neither: Moodle could not place her, so she is named as left out.
    assert (written.rows, written.left_out) == (4, (NAME_ONLY,))


def test_text_cells_are_never_formulas(tmp_path):
    evil = Person('=HYPERLINK("http://x")', "+cmd@example.edu", "-1")
    book = student_grades([row("submission_9", 1.0, evil)])
    export_students(book, tmp_path / "students.csv", PARTS)
    export_canvas(book, tmp_path / "canvas.csv", "@Lab", 20.0)
    export_moodle(book, tmp_path / "moodle.csv", "@Lab")
    assert read(tmp_path / "students.csv")[1][:4] == [
        '\'=HYPERLINK("http://x")',
        "'+cmd@example.edu",
        "'-1",
        "submission_9",
    ]
    canvas = read(tmp_path / "canvas.csv")
    assert canvas[0][-1] == "'@Lab"
    assert canvas[2][:4] == ['\'=HYPERLINK("http://x")', "", "'-1", "'+cmd@example.edu"]
    moodle = read(tmp_path / "moodle.csv")
    assert moodle[0][-1] == "'@Lab"
    assert moodle[1][:3] == ['\'=HYPERLINK("http://x")', "'+cmd@example.edu", "'-1"]


# -- the gradebook keeps the submitters ----------------------------------------------------


def test_the_gradebook_keeps_each_submitter_and_upgrades_older_files(tmp_path):
    path = tmp_path / "gradebook.sqlite"
    with Gradebook(path) as book:
        book.record(
            submission_id="g", suite_version="v1", sha256="s", parts={}, total=1.0,
            max_total=1.0, results_json=json.dumps({"tests": []}), people=(ALAN, GRACE),
        )  # fmt: skip
        assert book.rows()[0].people == (ALAN, GRACE)
    # A version 2 file (before the submitters): its rows come back naming no one.
    old = tmp_path / "v2.sqlite"
    with sqlite3.connect(old) as db:
        db.executescript(
            "CREATE TABLE grades (submission_id TEXT NOT NULL, suite_version TEXT NOT NULL,"
            " sha256 TEXT NOT NULL, seed INTEGER, name TEXT NOT NULL DEFAULT '', email TEXT"
            " NOT NULL DEFAULT '', parts TEXT NOT NULL, total REAL NOT NULL, max_total REAL"
            " NOT NULL, error TEXT NOT NULL DEFAULT '', results_json TEXT NOT NULL, graded_at"
            " TEXT NOT NULL, PRIMARY KEY (submission_id, suite_version));"
            "INSERT INTO grades VALUES ('a', 'v1', 's', 1, 'A', 'a@x', '{}', 1, 1, '', '{}',"
            " '2026-01-01');"
            "PRAGMA user_version = 2;"
        )
    with Gradebook(old) as book:
        (upgraded,) = book.rows()
        assert (upgraded.name, upgraded.people) == ("A", ())
        book.record(
            submission_id="a", suite_version="v1", sha256="s", parts={}, total=1.0,
            max_total=1.0, results_json="{}", people=(ADA,),
        )  # fmt: skip
        assert book.rows()[0].people == (ADA,)


@pytest.mark.parametrize("ids", [["g"], ["g", "missing"]])
def test_copy_from_takes_grades_and_history_or_nothing(tmp_path, ids):
    shard = tmp_path / "shard.sqlite"
    with Gradebook(shard) as book:
        for total in (1.0, 2.0):  # two grades: the history keeps both
            book.record(
                submission_id="g", suite_version="v1", sha256=f"s{total}", parts={},
                total=total, max_total=2.0, results_json="{}", people=(ADA,),
            )  # fmt: skip
    with Gradebook(tmp_path / "merged.sqlite") as merged:
        missing = merged.copy_from(shard, "v1", ids)
        if "missing" in ids:
            assert (missing, merged.rows()) == (["missing"], [])
            return
        assert missing == []
        merged.copy_from(shard, "v1", ids)  # again: nothing doubles
        assert [(r.total, r.people) for r in merged.rows()] == [(2.0, (ADA,))]
        assert [e.total for e in merged.history("g")] == [1.0, 2.0]
