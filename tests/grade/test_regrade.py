"""Regrades with a diff: a real class graded, the hidden suite changed on a copy of the kit,
the class graded again; regrade_changes.csv, the summary line and the gradebook's history."""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

import pytest
from kit_copy import kit_copy
from support import run_nnkit

from grading.course.paths import SAMPLES_DIR, SOLUTION_DIR
from grading.results.gradebook import Gradebook, HistoryEntry
from grading.results.regrades import CHANGES_COLUMNS, compare, export_changes

UNSTABLE = SAMPLES_DIR / "submissions" / "buggy_unstable_sigmoid"
STABLE_TITLE = "sigmoid: values in [0, 1], no nan and no warning for z from -1e4 to 1e4"
WIDE_Z = "np.array([-1e4, -1000.0, -710.0, -50.0, -1.0, 0.0, 1.0, 50.0, 710.0, 1000.0, 1e4])"
NARROW_Z = "np.array([-50.0, -1.0, 0.0, 1.0, 50.0])"  # np.exp(50) does not overflow


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


@pytest.fixture(scope="module")
def regrades(tmp_path_factory):
    """The solution and buggy_unstable_sigmoid graded by `nnkit grade-all` on a kit copy:
    as is; after the sigmoid-stability check stopped testing |z| > 50 (so the unstable
    sigmoid no longer overflows); again unchanged; then under another course secret."""
    root = tmp_path_factory.mktemp("regrade")
    kit = kit_copy(root)
    subs, out = root / "submissions", root / "out"
    subs.mkdir()
    shutil.copytree(SOLUTION_DIR, subs / "solution")
    shutil.copytree(UNSTABLE, subs / "unstable")
    env = {**os.environ, "NNKIT_ROOT": str(kit), "NNKIT_SECRET": "regrade-secret-1"}
    runs = {"out": out}

    def run(name: str, **extra: str) -> None:
        proc = run_nnkit(
            "grade-all", subs, "--out", out, "--jobs", "2", "--no-class-report",
            env={**env, **extra},
        )  # fmt: skip
        assert proc.returncode == 0, proc.stdout + proc.stderr
        with Gradebook(out / "gradebook.sqlite") as book:
            history = {sub: book.history(sub) for sub in ("solution", "unstable")}
        runs[name] = (proc.stdout, read_rows(out / "regrade_changes.csv"), history)

    run("first")
    checks = kit / "autograder" / "checks_activations.py"
    text = checks.read_text(encoding="utf-8")
    assert text.count(WIDE_Z) == 1
    checks.write_text(text.replace(WIDE_Z, NARROW_Z), encoding="utf-8")
    run("changed")
    run("again")
    run("new_secret", NNKIT_SECRET="regrade-secret-2")
    return runs


def test_a_first_run_has_nothing_to_compare(regrades):
    stdout, rows, history = regrades["first"]
    assert rows == [list(CHANGES_COLUMNS)]
    assert "changed score" not in stdout
    assert [len(entries) for entries in history.values()] == [1, 1]


def test_a_changed_suite_lists_the_flipped_check_and_the_scores(regrades):
    _, _, before = regrades["first"]
    stdout, rows, history = regrades["changed"]
    old, new = before["unstable"][0], history["unstable"][-1]
    assert old.suite_version != new.suite_version
    assert old.verdicts[STABLE_TITLE] == "failed" and new.verdicts[STABLE_TITLE] == "passed"
    assert new.total == old.total + 1.5
    # the solution's grade did not change, so it has no row
    assert rows == [
        list(CHANGES_COLUMNS),
        ["unstable", "", "", f"{old.total:g}", f"{new.total:g}", old.suite_version,
         new.suite_version, "", STABLE_TITLE, "", ""],
    ]  # fmt: skip
    line = (
        f"1 of 2 submissions changed score under suite {new.suite_version} "
        f"(was {old.suite_version})"
    )
    assert line in stdout.splitlines()
    # the history keeps both grades of each submission, oldest first
    for sub in ("solution", "unstable"):
        assert [e.suite_version for e in history[sub]] == [old.suite_version, new.suite_version]
        assert history[sub][0] == before[sub][0]


def test_an_unchanged_rerun_keeps_the_changes_and_adds_no_history(regrades):
    _, rows, history = regrades["changed"]
    stdout, rows_again, history_again = regrades["again"]
    assert rows_again == rows
    assert history_again == history
    assert "1 of 2 submissions changed score" in stdout


def test_another_secret_is_compared_with_the_same_suite(regrades):
    _, _, before = regrades["again"]
    stdout, rows, history = regrades["new_secret"]
    suite = before["solution"][-1].suite_version
    for sub in ("solution", "unstable"):
        assert len(history[sub]) == 3
        assert history[sub][-1].suite_version == suite
        assert history[sub][-1].seed != history[sub][-2].seed
    assert rows == [list(CHANGES_COLUMNS)]  # same verdicts and scores under either seed
    line = f"0 of 2 submissions changed score under suite {suite} (was {suite})"
    assert line in stdout.splitlines()


def entry(total: float, suite: str, **verdicts: str) -> HistoryEntry:
    return HistoryEntry("alice", suite, "sha", 1, "2026-01-01T00:00:00+00:00", total, "", verdicts)


def test_compare_names_each_kind_of_flip():
    old = entry(3.0, "v1", a="passed", b="failed", c="passed", gone="passed")
    new = entry(2.5, "v2", a="failed", b="passed", c="passed", new="failed")
    change = compare(old, new, "Alice", "alice@example.org")
    assert (change.passed_to_failed, change.failed_to_passed) == (("a",), ("b",))
    assert (change.added, change.removed) == (("new",), ("gone",))
    assert (change.old_score, change.new_score, change.score_changed) == (3.0, 2.5, True)
    same = compare(old, old)
    assert not same.changed and not same.score_changed


def test_the_history_keeps_a_resubmission_the_grades_table_replaces(tmp_path):
    document = {"tests": [{"name": "t1", "status": "passed"}]}
    with Gradebook(tmp_path / "gradebook.sqlite") as book:
        for sha, graded_at in (("sha1", "2026-01-01T00:00:00+00:00"), ("sha2", "2026-01-02")):
            book.record(
                submission_id="alice", suite_version="v1", sha256=sha, parts={}, total=1.0,
                max_total=1.0, results_json=json.dumps(document), seed=7, graded_at=graded_at,
            )  # fmt: skip
        assert [row.sha256 for row in book.rows()] == ["sha2"]
        assert [(e.sha256, e.verdicts) for e in book.history("alice")] == [
            ("sha1", {"t1": "passed"}),
            ("sha2", {"t1": "passed"}),
        ]
        # a resubmission under the same suite is a new hand-in, not a regrade
        assert book.earlier_grade(book.rows()[0]) is None


def test_a_version_1_gradebook_gets_its_grades_as_history(tmp_path):
    path = tmp_path / "gradebook.sqlite"
    with Gradebook(path) as book:
        book.record(
            submission_id="bob", suite_version="v1", sha256="s", parts={}, total=2.0,
            max_total=2.0, results_json=json.dumps({"tests": []}),
        )  # fmt: skip
        book._db.execute("DROP TABLE history")
        book._db.execute("PRAGMA user_version = 1")
        book._db.commit()
    with Gradebook(path) as book:
        assert [(e.submission_id, e.total) for e in book.history("bob")] == [("bob", 2.0)]


def test_the_changes_csv_escapes_cells_as_the_gradebook_does(tmp_path):
    old = entry(1.0, "v1", **{"=HYPERLINK(1)": "passed"})
    new = entry(0.0, "v2", **{"=HYPERLINK(1)": "failed"})
    unchanged = compare(old, old)
    export_changes([compare(old, new, "-Mallory\nX", "@m"), unchanged], tmp_path / "c.csv")
    assert read_rows(tmp_path / "c.csv") == [
        list(CHANGES_COLUMNS),
        ["alice", "'-Mallory X", "'@m", "1", "0", "v1", "v2", "'=HYPERLINK(1)", "", "", ""],
    ]
