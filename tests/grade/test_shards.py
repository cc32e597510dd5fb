"""Sharded grading and the merge: real gradings of a small Gradescope export, split in two."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from support import GRADESCOPE_METADATA, run_nnkit

from grading.course.paths import ASSIGNMENT_DIR, SAMPLES_DIR, SOLUTION_DIR
from grading.grade.merge import check_shards, merge_shards
from grading.grade.secret import secret_fingerprint
from grading.grade.shards import MANIFEST_FILE, Manifest, Shard, ShardError, parse_shard, shard_of
from grading.grade.whole_class import grade_all, submission_id

SECRET = b"nnkit-shard-test-secret"
CLASS_FILES = ("gradebook.csv", "students.csv", "canvas.csv", "moodle.csv")


# -- K/N ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shard"), [("1/1", Shard(1, 1)), ("3/20", Shard(3, 20)), (" 20/20 ", Shard(20, 20))]
)
def test_a_shard_is_k_of_n(text, shard):
    assert parse_shard(text) == shard


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0/3", "--shard 0/3: K must be between 1 and 3"),
        ("4/3", "--shard 4/3: K must be between 1 and 3"),
        ("1/0", "--shard 1/0: N must be at least 1"),
        ("2", "--shard must be K/N with whole numbers, as in 2/5 (got '2')"),
        ("-1/3", "--shard must be K/N with whole numbers, as in 2/5 (got '-1/3')"),
        ("a/b", "--shard must be K/N with whole numbers, as in 2/5 (got 'a/b')"),
    ],
)
def test_a_bad_shard_says_what_is_wrong(text, message):
    with pytest.raises(ShardError) as caught:
        parse_shard(text)
    assert str(caught.value) == message


def test_a_bad_shard_on_the_command_line_is_one_line(tmp_path):
    proc = run_nnkit("grade-all", tmp_path, "--out", tmp_path / "out", "--shard", "3/2")
    assert (proc.returncode, proc.stderr) == (
        2,
        "nnkit: error: --shard 3/2: K must be between 1 and 2\n",
    )


def test_the_split_is_even_and_depends_on_the_id_alone():
    ids = [submission_id(f"student {i}.zip") for i in range(2000)]
    for count in (1, 7, 20):
        sizes = [sum(Shard(k, count).holds(i) for i in ids) for k in range(1, count + 1)]
        assert sum(sizes) == len(ids)  # every submission in exactly one shard
        assert max(sizes) - min(sizes) <= 0.35 * len(ids) / count
    # A class twice as large: the first half keeps its shards.
    before = {i: shard_of(i, 20) for i in ids}
    larger = ids + [submission_id(f"late {i}") for i in range(2000)]
    assert {i: shard_of(i, 20) for i in larger[:2000]} == before


# -- a class graded whole, and in two shards --------------------------------------------------


def make_export(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "submission_metadata.yml").write_text(GRADESCOPE_METADATA, encoding="utf-8")
    shutil.copytree(SOLUTION_DIR / "nnbasics", folder / "submission_1001" / "nnbasics")
    shutil.copytree(SAMPLES_DIR / "submissions" / "buggy_bce_sum", folder / "submission_1002")
    shutil.copytree(ASSIGNMENT_DIR / "nnbasics", folder / "submission_1003" / "nnbasics")
    (folder / "submission_1004").mkdir()  # uploaded nothing readable, and names no one
    return folder


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("shards")
    export = make_export(root / "export")
    runs = {"root": root, "export": export}
    runs["whole"] = grade_all(export, root / "whole", jobs=2, secret=SECRET, progress=False)
    for k in (1, 2):
        runs[k] = grade_all(
            export, root / f"s{k}", jobs=2, secret=SECRET, progress=False, shard=Shard(k, 2)
        )
    return runs


def test_each_shard_grades_its_part_and_says_so_in_batch_json(graded):
    root = graded["root"]
    assert [r.submission_id for r in graded[1].rows] == ["submission_1002", "submission_1004"]
    assert [r.submission_id for r in graded[2].rows] == ["submission_1001", "submission_1003"]
    first = Manifest.read(root / "s1")
    assert first == Manifest(
        shard=Shard(1, 2),
        suite_version=graded["whole"].suite_version,
        secret_fingerprint=secret_fingerprint(SECRET),
        class_size=4,
        class_listing=Manifest.read(root / "whole").class_listing,
        submissions=("submission_1002", "submission_1004"),
    )
    assert SECRET.decode() not in (root / "s1" / MANIFEST_FILE).read_text()


def test_the_merged_shards_are_the_whole_class(graded, tmp_path):
    root = graded["root"]
    summary = merge_shards([root / "s2", root / "s1"], tmp_path / "merged")
    merged, whole = tmp_path / "merged", root / "whole"
    for name in CLASS_FILES:
        assert (merged / name).read_text() == (whole / name).read_text(), name
    assert sorted(p.name for p in (merged / "submissions").iterdir()) == [
        "submission_1001",
        "submission_1002",
        "submission_1003",
        "submission_1004",
    ]
    for sub in (merged / "submissions").iterdir():
        doc = json.loads((sub / "results.json").read_text())
        same = json.loads((whole / "submissions" / sub.name / "results.json").read_text())
        assert (doc["score"], doc["tests"]) == (same["score"], same["tests"])
        assert (sub / "feedback.md").is_file() and (sub / "junit.xml").is_file()
    assert Manifest.read(merged) == Manifest.read(whole)
    assert (summary.shards, len(summary.rows), summary.lms.students) == (2, 4, 4)
    assert summary.lms.unnamed == ("submission_1004",)
    # The merged output is a grade-all output: grading the class into it regrades nothing.
    again = grade_all(graded["export"], merged, jobs=2, secret=SECRET, progress=False)
    assert (again.graded, again.reused, again.failed) == (0, 3, 1)


def error_of(*outs: Path) -> str:
    with pytest.raises(ShardError) as caught:
        check_shards(list(outs))
    return str(caught.value)


def edited(source: Path, dest: Path, **changes: object) -> Path:
    """A copy of the shard output `source` whose batch.json has `changes`, as a run under
    other conditions (another suite, another N) would have written it."""
    shutil.copytree(source, dest)
    data = json.loads((dest / MANIFEST_FILE).read_text())
    data.update(changes)
    (dest / MANIFEST_FILE).write_text(json.dumps(data))
    return dest


def test_missing_or_repeated_shards_are_refused(graded, tmp_path):
    s1, s2 = graded["root"] / "s1", graded["root"] / "s2"
    assert error_of(s1) == "shard 2 of 2 is missing"
    copy = shutil.copytree(s1, tmp_path / "s1-again")
    assert error_of(s1, copy, s2) == f"shard 1/2 is given 2 times: {s1}, {copy}"
    assert (
        error_of(tmp_path)
        == f"{tmp_path} holds no batch.json: it is not a finished grade-all output"
    )
    bare = shutil.copytree(s2, tmp_path / "s2-bare")
    (bare / "gradebook.sqlite").unlink()
    assert error_of(s1, bare) == f"{bare} holds no gradebook.sqlite: grade that shard again"
    with pytest.raises(ShardError) as caught:
        merge_shards([s1, s2], graded["root"] / "whole")
    assert (
        str(caught.value)
        == f"{graded['root'] / 'whole'} is not an empty folder: merge into a new one"
    )


def test_shards_under_another_secret_or_suite_are_refused(graded, tmp_path):
    s1, s2 = graded["root"] / "s1", graded["root"] / "s2"
    other = shutil.copytree(s2, tmp_path / "s2-other-secret")
    grade_all(graded["export"], other, jobs=2, secret=b"another", progress=False, shard=Shard(2, 2))
    mine, theirs = secret_fingerprint(SECRET), secret_fingerprint(b"another")
    assert error_of(s1, other) == (
        f"the shards were graded with different course secrets (course secret {mine}: {s1}; "
        f"course secret {theirs}: {other})"
    )
    suite = graded["whole"].suite_version
    older = edited(s2, tmp_path / "s2-old-suite", suite_version="0123456789ab")
    assert error_of(s1, older) == (
        f"the shards were graded with different hidden suites (suite {suite}: {s1}; "
        f"suite 0123456789ab: {older})"
    )
    three = edited(s2, tmp_path / "s2-of-3", shard={"index": 2, "count": 3})
    assert error_of(s1, three) == f"the shards were cut for different N (N=2: {s1}; N=3: {three})"


def test_shards_of_another_class_or_split_are_refused(graded, tmp_path):
    root, s1, s2 = graded["root"], graded["root"] / "s1", graded["root"] / "s2"
    # A late submission (a copy of 1001, so shard 2 reuses every grade) after shard 1 ran.
    export = shutil.copytree(graded["export"], tmp_path / "export")
    shutil.copytree(export / "submission_1001", export / "submission_1005")
    assert shard_of("submission_1005", 2) == 2
    late = shutil.copytree(s2, tmp_path / "s2-late")
    rerun = grade_all(export, late, jobs=2, secret=SECRET, progress=False, shard=Shard(2, 2))
    assert rerun.graded == 0
    # The submissions already there kept their shard.
    assert [r.submission_id for r in rerun.rows] == [
        *Manifest.read(s2).submissions,
        "submission_1005",
    ]
    listing = Manifest.read(s1).class_listing
    assert error_of(s1, late) == (
        f"the shards were cut from different class folders (4 submissions (listing {listing}): "
        f"{s1}; 5 submissions (listing {Manifest.read(late).class_listing}): {late})"
    )
    # A shard holding a submission another nnkit's split would put elsewhere.
    moved = edited(s2, tmp_path / "s2-moved", submissions=["submission_1001", "submission_1002"])
    assert error_of(s1, moved) == (
        f"{moved} holds submission submission_1002, which belongs to shard 1/2, not 2/2: grade "
        "every shard and merge with the same nnkit"
    )
    short = edited(s2, tmp_path / "s2-short", submissions=["submission_1001"])
    assert error_of(s1, short) == (
        "the shards hold 3 submissions, but their class has 4: grade the missing ones again"
    )
    assert root  # the fixture's outputs are left as they were


def test_merge_shards_on_the_command_line(graded, tmp_path):
    s1, s2 = graded["root"] / "s1", graded["root"] / "s2"
    proc = run_nnkit("merge-shards", s1, "--out", tmp_path / "m")
    assert (proc.returncode, proc.stderr) == (2, "nnkit: error: shard 2 of 2 is missing\n")
    assert not (tmp_path / "m").exists()
    proc = run_nnkit("merge-shards", s1, s2, "--out", tmp_path / "m")
    assert proc.returncode == 0, proc.stderr
    first, *_, last = proc.stdout.splitlines()
    assert first.startswith(
        f"Merged 2 shards: 4 submissions graded under suite {graded['whole'].suite_version} "
        f"(course secret {secret_fingerprint(SECRET)}) in "
    )
    assert (
        last == f"Class report written to {tmp_path / 'm' / 'class_report' / 'class_report.html'}"
    )
    assert "4 students, one row each, written to " in proc.stdout
    report = json.loads((tmp_path / "m" / "class_report" / "class_report.json").read_text())
    assert report["submissions"] == 4
