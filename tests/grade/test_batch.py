"""Class-wide batch grading: real submissions, real grading, a real SQLite gradebook."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import threading
import time
import zipfile
from pathlib import Path

import pytest
from rich.console import Console
from support import GRADESCOPE_METADATA, spawned_children

from grading.course.paths import ASSIGNMENT_DIR, SAMPLES_DIR, SOLUTION_DIR
from grading.grade.one_submission import assignment_parts
from grading.grade.whole_class import (
    BatchError,
    content_sha,
    find_submissions,
    grade_all,
    print_summary,
)
from grading.results.gradebook import Gradebook, Person, csv_columns
from grading.sandbox.uploads import SubmissionError, prepare

SECRET = b"nnkit-batch-test-secret"
BUGGY = SAMPLES_DIR / "submissions" / "buggy_graph_overwrite"
PART_COLUMNS = [part.column for part in assignment_parts()]


def read_csv(text: str) -> list[dict[str, str]]:
    """gradebook.csv's rows, checking its header."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert tuple(reader.fieldnames or ()) == csv_columns(PART_COLUMNS)
    return list(reader)


def csv_text(path: Path) -> str:
    with path.open(encoding="utf-8", newline="") as fh:
        return fh.read()


def by_id(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {row["id"]: row for row in rows}


def zip_folder(folder: Path, archive: Path) -> None:
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(folder.rglob("*.py")):
            zf.write(path, path.relative_to(folder.parent).as_posix())


@pytest.fixture(scope="module")
def class_runs(tmp_path_factory):
    """One class graded four times into the same OUT: as handed in, unchanged, after one
    student changed a file, and after a copy of the solution was added."""
    root = tmp_path_factory.mktemp("class")
    subs, out = root / "submissions", root / "out"
    subs.mkdir()
    shutil.copytree(SOLUTION_DIR, subs / "solution")
    zip_folder(ASSIGNMENT_DIR / "nnbasics", subs / "release.zip")
    shutil.copytree(BUGGY, subs / "buggy")
    (subs / "x.zip").write_text("this is not a zip file\n")
    with pytest.raises(SubmissionError) as caught:
        prepare(subs / "x.zip", root / "scratch")
    runs = {"broken_error": str(caught.value), "subs": subs, "out": out}

    def run(name: str) -> None:
        summary = grade_all(subs, out, jobs=2, secret=SECRET, progress=False)
        with Gradebook(out / "gradebook.sqlite") as book:
            stored = {row.submission_id: row for row in book.rows(summary.suite_version)}
        runs[name] = (summary, csv_text(out / "gradebook.csv"), stored)

    run("first")
    run("again")
    with (subs / "buggy" / "nnbasics" / "graph.py").open("a") as fh:
        fh.write("\n# resubmitted with a comment\n")
    run("changed")
    shutil.copytree(subs / "solution", subs / "solution_copy")
    run("copied")
    return runs


def test_first_run_grades_every_submission_into_the_csv(class_runs):
    summary, text, _ = class_runs["first"]
    assert (summary.graded, summary.reused, summary.failed) == (3, 0, 1)
    rows = by_id(read_csv(text))
    assert sorted(rows) == ["buggy", "release.zip", "solution", "x.zip"]
    assert rows["solution"]["total"] == "100"
    assert rows["release.zip"]["total"] == "0"
    assert 0 < float(rows["buggy"]["total"]) < 100
    assert float(rows["buggy"]["4 graph"]) < 15  # the bug is in part 4
    assert rows["x.zip"]["total"] == "0"
    assert rows["x.zip"]["error"] == class_runs["broken_error"]
    for row in rows.values():
        parts = sum(float(row[column]) for column in PART_COLUMNS)
        assert parts == pytest.approx(float(row["total"]))
        if row["id"] != "x.zip":
            assert row["error"] == ""
    assert [row.submission_id for row in summary.rows] == [
        "buggy",
        "release.zip",
        "solution",
        "x.zip",
    ]


def test_each_submission_gets_results_json_and_feedback(class_runs):
    out = class_runs["out"] / "submissions"
    _, _, stored = class_runs["first"]
    expected = {"solution": 100, "release.zip": 0, "buggy": stored["buggy"].total, "x.zip": 0}
    for sub_id, score in expected.items():
        doc = json.loads((out / sub_id / "results.json").read_text())
        assert doc["score"] == score, sub_id
        assert doc["extra_data"]["suite_version"] == class_runs["first"][0].suite_version
        assert (out / sub_id / "feedback.md").is_file()
    solution_doc = json.loads((out / "solution" / "results.json").read_text())
    assert solution_doc["extra_data"]["submission_sha256"] == content_sha(SOLUTION_DIR)
    assert len(solution_doc["tests"]) > 0
    assert all(t["status"] == "passed" for t in solution_doc["tests"])
    buggy_doc = json.loads((out / "buggy" / "results.json").read_text())
    failed = [t for t in buggy_doc["tests"] if t["status"] == "failed"]
    feedback = (out / "buggy" / "feedback.md").read_text()
    assert "| 4. Backpropagation on a computational graph |" in feedback
    for t in failed:
        assert t["name"] in feedback and t["output"] in feedback
    assert "All tests passed." in (out / "solution" / "feedback.md").read_text()
    assert class_runs["broken_error"] in (out / "x.zip" / "feedback.md").read_text()


def test_rerun_reuses_every_readable_submission_and_retries_the_broken_one(class_runs):
    summary, text, stored = class_runs["again"]
    # Grades are reused by content; an unreadable submission has no content to key on and
    # is checked again (cheaply) every run, still as a failure.
    assert (summary.graded, summary.reused, summary.failed) == (0, 3, 1)
    assert text == class_runs["first"][1]
    first = class_runs["first"][2]
    for sub_id in ("buggy", "release.zip", "solution"):
        assert stored[sub_id].graded_at == first[sub_id].graded_at


def test_changing_one_file_regrades_only_that_submission(class_runs):
    summary, text, stored = class_runs["changed"]
    assert (summary.graded, summary.reused, summary.failed) == (1, 2, 1)
    before = class_runs["again"][2]
    assert stored["buggy"].sha256 != before["buggy"].sha256
    assert stored["buggy"].total == before["buggy"].total  # only a comment changed
    for sub_id in ("release.zip", "solution"):
        assert stored[sub_id] == before[sub_id]
    rows = read_csv(text)
    assert len(rows) == 4  # the resubmission replaced its row


def test_identical_content_reuses_the_grade_under_its_own_id(class_runs):
    summary, text, stored = class_runs["copied"]
    assert (summary.graded, summary.reused, summary.failed) == (0, 4, 1)
    assert stored["solution_copy"].total == 100
    assert stored["solution_copy"].sha256 == stored["solution"].sha256
    rows = by_id(read_csv(text))
    assert len(rows) == 5 and rows["solution_copy"]["total"] == "100"
    doc = json.loads(
        (class_runs["out"] / "submissions" / "solution_copy" / "results.json").read_text()
    )
    assert doc["score"] == 100


def test_summary_table_fits_80_columns(class_runs):
    summary = class_runs["first"][0]
    buffer = io.StringIO()
    print_summary(summary, title="class", console=Console(file=buffer, width=80))
    text = buffer.getvalue()
    lines = text.splitlines()
    where = lines.index(f"Gradebook written to {summary.csv_path}")  # whole, however long
    assert all(len(line) <= 80 for line in lines[:where])
    # Then the per-student files, also whole: this class names no student.
    out = summary.csv_path.parent
    assert lines[where + 1 :] == [
        f"0 students, one row each, written to {out / 'students.csv'}, "
        f"{out / 'canvas.csv'}, {out / 'moodle.csv'}",
        "4 submissions name no student (no submission_metadata.yml entry), so no per-student "
        "file has them: buggy, release.zip, solution, x.zip",
    ]
    for sub_id in ("buggy", "release.zip", "solution", "x.zip"):
        assert f" {sub_id} " in text
    assert "3 graded, 0 unchanged (reused), 1 failed" in text


def test_gradescope_export_gives_names_and_emails(tmp_path):
    export = tmp_path / "assignment_42_export"
    export.mkdir()
    (export / "submission_metadata.yml").write_text(GRADESCOPE_METADATA)
    first = export / "submission_1001"
    first.mkdir()
    for path in (ASSIGNMENT_DIR / "nnbasics").glob("*.py"):  # module files, no package
        shutil.copy(path, first / path.name)
    shutil.copytree(
        ASSIGNMENT_DIR, export / "submission_1002", ignore=shutil.ignore_patterns("*.md")
    )
    (export / "submission_1003").mkdir()  # uploaded nothing readable

    # Pointing at the folder that holds the unzipped export finds the same submissions.
    assert find_submissions(tmp_path) == find_submissions(export)

    out = tmp_path / "out"
    summary = grade_all(export, out, jobs=2, secret=SECRET, progress=False)
    # 1001 and 1002 both hand in the unchanged release: graded once, reused for the other.
    assert (summary.graded, summary.reused, summary.failed) == (1, 1, 1)
    rows = by_id(read_csv(csv_text(out / "gradebook.csv")))
    assert sorted(rows) == ["submission_1001", "submission_1002", "submission_1003"]
    assert (rows["submission_1001"]["name"], rows["submission_1001"]["email"]) == (
        "Ada Lovelace",
        "ada@example.edu",
    )
    assert rows["submission_1002"]["name"] == "Alan Turing; Grace Hopper"
    assert rows["submission_1002"]["email"] == "alan@example.edu; grace@example.edu"
    assert rows["submission_1003"]["name"] == "Nobody Submitted"
    # Each submitter, with the SID in either key style, is kept for the per-student files.
    people = {row.submission_id: row.people for row in summary.rows}
    assert people["submission_1002"] == (
        Person("Alan Turing", "alan@example.edu", "19970002"),
        Person("Grace Hopper", "grace@example.edu", ""),
    )
    assert people["submission_1001"] == (Person("Ada Lovelace", "ada@example.edu", "19970001"),)
    zeros = ["0"] * (len(PART_COLUMNS) + 1)  # the parts and the total
    students = list(csv.reader(io.StringIO(csv_text(out / "students.csv"), newline="")))
    assert students[1:] == [
        ["Ada Lovelace", "ada@example.edu", "19970001", "submission_1001", *zeros, ""],
        ["Alan Turing", "alan@example.edu", "19970002", "submission_1002", *zeros, ""],
        ["Grace Hopper", "grace@example.edu", "", "submission_1002", *zeros, ""],
        ["Nobody Submitted", "nobody@example.edu", "", "submission_1003", *zeros,
         rows["submission_1003"]["error"]],
    ]  # fmt: skip
    assert rows["submission_1003"]["error"].startswith("no nnbasics modules found in ")
    assert all(row["total"] == "0" for row in rows.values())  # stubs and an empty folder
    feedback = (out / "submissions" / "submission_1001" / "feedback.md").read_text()
    assert "Ada Lovelace \\(ada@example\\.edu\\)" in feedback

    again = grade_all(export, out, jobs=2, secret=SECRET, progress=False)
    assert (again.graded, again.reused, again.failed) == (0, 2, 1)
    # Another course secret means other random inputs: nothing graded under the old one
    # is reused.
    other = grade_all(export, out, jobs=2, secret=b"another-secret", progress=False)
    assert (other.graded, other.reused, other.failed) == (1, 1, 1)


def test_find_submissions_names_and_skips(tmp_path):
    (tmp_path / "anna").mkdir()
    (tmp_path / "anna.zip").write_bytes(b"")
    (tmp_path / "bo.zip").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("not a submission")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "__MACOSX").mkdir()
    (tmp_path / "out").mkdir()  # grade_all's OUT may sit inside SUBMISSIONS
    found = [(s.id, s.path.name) for s in find_submissions(tmp_path, exclude=[tmp_path / "out"])]
    assert found == [("anna", "anna"), ("anna.zip", "anna.zip"), ("bo.zip", "bo.zip")]


def test_missing_or_unusable_class_folder_is_a_batch_error(tmp_path):
    with pytest.raises(BatchError, match="submissions folder not found"):
        grade_all(tmp_path / "nope", tmp_path / "out", progress=False)
    (tmp_path / "file").write_text("")
    with pytest.raises(BatchError, match="is not a folder"):
        find_submissions(tmp_path / "file")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "submission_metadata.yml").write_text("a: [unclosed\n")
    with pytest.raises(BatchError, match="cannot read"):
        find_submissions(tmp_path / "bad")


# -- issue 10, class 5: names that collide, hostile metadata, a failure while recording --


def test_names_that_look_like_outputs_or_each_other_get_their_own_rows(tmp_path):
    """Folders named like the class files, and `b.zip` beside `b.zip.zip`: every one is
    graded into its own row and folder, twice with the same ids, and the class files are
    intact."""
    subs, out = tmp_path / "subs", tmp_path / "out"
    subs.mkdir()
    for name in ("gradebook.csv", "gradebook.sqlite", "submissions", "class_report"):
        shutil.copytree(SOLUTION_DIR, subs / name)
    zip_folder(SOLUTION_DIR / "nnbasics", subs / "b.zip")
    zip_folder(ASSIGNMENT_DIR / "nnbasics", subs / "b.zip.zip")
    names = ["b.zip", "b.zip.zip", "class_report", "gradebook.csv", "gradebook.sqlite"]
    names.append("submissions")
    for _attempt in range(2):
        summary = grade_all(subs, out, jobs=2, secret=SECRET, progress=False)
        assert [row.submission_id for row in summary.rows] == names
        assert summary.failed == 0
        rows = by_id(read_csv(csv_text(out / "gradebook.csv")))
        assert sorted(rows) == names
        assert rows["b.zip"]["total"] == "100" and rows["b.zip.zip"]["total"] == "0"
        for name in names:
            doc = json.loads((out / "submissions" / name / "results.json").read_text())
            assert doc["score"] == float(rows[name]["total"])
    assert (summary.graded, summary.reused) == (0, 6)  # the rerun found every id again


def test_ids_are_stable_unique_and_safe():
    from grading.grade.whole_class import MAX_ID_BYTES, submission_id

    assert submission_id("alice.zip") == "alice.zip"
    assert submission_id("Zoë Smith (2)") == "Zoë Smith (2)"
    assert submission_id("a%41") == "a%2541"  # "%" itself is escaped: no two names meet
    assert submission_id("x\x1b[31m") == "x%1B%5B31m"
    assert submission_id("caf\udce9") == "caf%E9"  # a non-UTF-8 byte, as os.listdir gives it
    assert submission_id("=cmd|$x$") == "%3Dcmd%7C%24x%24"
    long_a, long_b = "a" * 250, "a" * 249 + "b"
    assert submission_id(long_a) != submission_id(long_b)
    assert len(submission_id(long_a).encode()) <= MAX_ID_BYTES
    assert submission_id(long_a).startswith("a" * 100) and "~" in submission_id(long_a)


HOSTILE_METADATA = """\
submission_1:
  :submitters:
  - :name: "Eve\\e[32m PASS\\e]52;c;aGk=\\a [bold red]boss[/] \\u202egnp.exe"
    :email: "=HYPERLINK(\\"http://evil\\")"
  - :name: "# Heading\\n[link](http://evil) <script>x</script> $\\\\frac{1}{0}$"
    :email: {nested: [1, 2]}
"""


def test_metadata_names_are_cleaned_then_escaped_for_each_output(tmp_path):
    export = tmp_path / "export"
    export.mkdir()
    (export / "submission_metadata.yml").write_text(HOSTILE_METADATA)
    shutil.copytree(ASSIGNMENT_DIR, export / "submission_1", ignore=shutil.ignore_patterns("*.md"))
    out = tmp_path / "out"
    summary = grade_all(export, out, jobs=1, secret=SECRET, progress=False)
    (row,) = summary.rows
    # Clean: one line, no ESC, BEL or bidi override; non-strings dropped.
    assert row.name == (
        "Eve[32m PASS]52;c;aGk= [bold red]boss[/] gnp.exe; "
        "# Heading [link](http://evil) <script>x</script> $\\frac{1}{0}$"
    )
    assert row.email == '=HYPERLINK("http://evil")'
    # CSV: the formula is text.
    (cells,) = read_csv(csv_text(out / "gradebook.csv"))
    assert cells["email"] == '\'=HYPERLINK("http://evil")'
    # Markdown: nothing is a heading, link, tag or math.
    feedback = (out / "submissions" / "submission_1" / "feedback.md").read_text()
    who = feedback.splitlines()[2]
    assert who.startswith("Eve\\[32m PASS\\]52;c;aGk= \\[bold red\\]boss\\[/\\] gnp\\.exe; ")
    assert "\\# Heading \\[link\\]\\(http\\://evil\\) &lt;script&gt;x&lt;/script&gt;" in who
    assert "\\$\\\\frac\\{1\\}\\{0\\}\\$" in who
    assert "<script>" not in feedback and "](http" not in feedback
    # Terminal: the markup is shown as text, and no control character reaches it.
    buffer = io.StringIO()
    print_summary(summary, console=Console(file=buffer, width=200, force_terminal=True))
    text = buffer.getvalue()
    assert "[bold red]boss[/]" in text
    assert "\x07" not in text and "]52;" in text and "\u202e" not in text
    assert all(c == "\x1b" and text[i + 1] == "[" for i, c in enumerate(text) if c == "\x1b")


def test_a_submission_whose_files_cannot_be_written_is_an_error_row(tmp_path):
    """OUT/submissions/alice is a file: alice's grade cannot be written; she gets an error
    row, bob is graded, the gradebook is written."""
    subs, out = tmp_path / "subs", tmp_path / "out"
    subs.mkdir()
    shutil.copytree(SOLUTION_DIR, subs / "alice")
    shutil.copytree(SOLUTION_DIR, subs / "bob")
    (out / "submissions").mkdir(parents=True)
    (out / "submissions" / "alice").write_text("in the way\n")
    summary = grade_all(subs, out, jobs=1, secret=SECRET, progress=False)
    assert (summary.graded, summary.reused, summary.failed) == (0, 1, 1)
    rows = by_id(read_csv(csv_text(out / "gradebook.csv")))
    assert rows["bob"]["total"] == "100" and rows["bob"]["error"] == ""
    blocked = out / "submissions" / "alice"
    assert rows["alice"]["total"] == "0"
    assert rows["alice"]["error"] == (
        f"its grade could not be recorded: FileExistsError: [Errno 17] File exists: "
        f"'{blocked}'; its files could not be written: FileExistsError: [Errno 17] File "
        f"exists: '{blocked}'"
    )


def test_a_grading_process_that_dies_costs_no_one_their_grade(tmp_path):
    """The first grading process is SIGKILLed (as the OOM killer would): the pool breaks,
    every submission it left unfinished is graded again alone, and all get their grade."""
    subs, out = tmp_path / "subs", tmp_path / "out"
    subs.mkdir()
    shutil.copytree(SOLUTION_DIR, subs / "solution")
    shutil.copytree(BUGGY, subs / "buggy")
    zip_folder(ASSIGNMENT_DIR / "nnbasics", subs / "release.zip")
    killed: list[int] = []

    def kill_the_first_grader() -> None:
        deadline = time.monotonic() + 120
        while not killed and time.monotonic() < deadline:
            for pid in spawned_children():
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
                return
            time.sleep(0.005)

    killer = threading.Thread(target=kill_the_first_grader)
    killer.start()
    try:
        summary = grade_all(subs, out, jobs=2, secret=SECRET, progress=False)
    finally:
        killer.join()
    assert len(killed) == 1
    assert (summary.graded, summary.failed) == (3, 0)
    totals = {row.submission_id: row.total for row in summary.rows}
    assert totals["solution"] == 100 and totals["release.zip"] == 0
    assert 0 < totals["buggy"] < 100
