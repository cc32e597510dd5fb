"""The submission policy in the Gradescope zip, enforced by the zip's own run_autograder
from a synthetic /autograder/submission_metadata.json (Gradescope's documented format:
`created_at`, `previous_submissions` with `submission_time`, `score` and `results`)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import jsonschema
import pytest
from support import GRADESCOPE_SCHEMA, lay_out, run_script

from grading.course.paths import SAMPLES_DIR, SOLUTION_DIR
from grading.grade.policy import SubmissionPolicy
from grading.release.gradescope_bundle import build_bundle

NOW = "2026-12-06T14:22:32.365935-07:00"
BUGGY = SAMPLES_DIR / "submissions" / "buggy_bce_sum"


def make_bundle(folder: Path, **policy: object) -> Path:
    out = folder / "autograder.zip"
    build_bundle(out, secret="test-secret", policy=SubmissionPolicy(**policy))
    return out


@pytest.fixture(scope="module")
def bundles(tmp_path_factory) -> dict[str, Path]:
    """Zips under four policies, built once."""
    made = {}
    for name, policy in {
        "2_per_day_last": {"limit": 2},
        "2_per_day_best": {"limit": 2, "counts": "best"},
        "1_per_assignment": {"limit": 1, "window": "assignment"},
        "best_only": {"counts": "best"},
    }.items():
        made[name] = make_bundle(tmp_path_factory.mktemp(name), **policy)
    return made


@pytest.fixture(scope="module")
def buggy_results(bundles, tmp_path_factory) -> dict:
    """What the zip wrote for a buggy sample graded under the policy (the first
    submission): a real earlier results.json."""
    root = tmp_path_factory.mktemp("first")
    return graded(bundles["2_per_day_last"], root, BUGGY, metadata(NOW))


def metadata(created_at: str, *previous: tuple[str, dict | None]) -> dict:
    """Gradescope's submission_metadata.json with (submission_time, results) earlier ones."""
    return {
        "id": 123456,
        "created_at": created_at,
        "assignment": {"title": "nnbasics", "total_points": "100.0"},
        "submission_method": "upload",
        "users": [{"email": "alan@example.org", "id": 1, "name": "Alan Turing"}],
        "previous_submissions": [
            {
                "submission_time": when,
                "score": (results or {}).get("score", 0.0),
                "results": results,
            }
            for when, results in previous
        ],
    }


def graded(bundle: Path, root: Path, submission: Path, meta: dict | str | None) -> dict:
    """Run the zip's run_autograder on `submission` with `meta` as the metadata file (a
    document, raw text, or None for no file); results.json, schema-checked."""
    lay_out(bundle, root, submission)
    if meta is not None:
        text = meta if isinstance(meta, str) else json.dumps(meta)
        (root / "submission_metadata.json").write_text(text)
    proc = run_script(root)
    assert proc.returncode == 0, proc.stderr
    document = json.loads((root / "results" / "results.json").read_text())
    jsonschema.validate(document, GRADESCOPE_SCHEMA)
    document["_stderr"] = proc.stderr
    return document


def earlier(score: float, graded: bool = True) -> dict:
    """A results.json the zip wrote for an earlier submission (graded or over the limit)."""
    tests = [{"name": "t", "score": score, "max_score": 100, "status": "passed"}] if graded else []
    record = {"graded": graded, "own_score": score if graded else None, "score": score}
    return {"score": score, "tests": tests, "extra_data": {"policy": record}}


def test_the_zip_keeps_the_policy(bundles):
    with zipfile.ZipFile(bundles["2_per_day_best"]) as zf:
        config = json.loads(zf.read("nnkit.json"))
    assert config["policy"] == {"limit": 2, "window": "24h", "counts": "best"}


def test_without_a_policy_the_zip_keeps_none(tmp_path):
    with zipfile.ZipFile(make_bundle(tmp_path)) as zf:
        assert "policy" not in json.loads(zf.read("nnkit.json"))


def test_a_first_submission_is_graded_and_told_its_place(buggy_results):
    assert buggy_results["tests"] and 0 < buggy_results["score"] < 100
    assert buggy_results["output"].startswith(
        "This was graded submission 1 of 2 in the last 24 hours.\n\n"
    )
    record = buggy_results["extra_data"]["policy"]
    assert record["graded"] is True and record["own_score"] == buggy_results["score"]
    assert buggy_results["_stderr"] == ""


def test_over_the_limit_the_code_never_runs_and_the_last_score_counts(
    bundles, buggy_results, tmp_path
):
    """Two graded in the last 24 hours: the third is not graded (an empty upload, which
    would otherwise be 'could not be graded'), and gets the last graded score."""
    first = {k: v for k, v in buggy_results.items() if k != "_stderr"}
    meta = metadata(
        NOW,
        ("2026-12-05T20:00:00.000000-07:00", earlier(90.0)),
        ("2026-12-06T09:14:05.5-07:00", first),
    )
    empty = tmp_path / "empty"
    empty.mkdir()
    document = graded(bundles["2_per_day_last"], tmp_path / "root", empty, meta)
    assert document["score"] == first["score"]
    assert document["tests"] == []
    assert document["output"] == (
        "This submission was not graded: you have used your 2 graded submissions in the last "
        "24 hours.\n\n"
        "Your next graded submission is possible from 2026-12-06 20:00 (UTC-07:00).\n\n"
        f"The score that counts is {first['score']:g}, from your last graded submission "
        "(2026-12-06 09:14 (UTC-07:00))."
    )
    record = document["extra_data"]["policy"]
    assert record["graded"] is False and record["next_graded"] == "2026-12-06T20:00:00-07:00"


def test_over_the_limit_with_best_the_best_score_counts(bundles, tmp_path):
    meta = metadata(
        NOW,
        ("2026-12-06T01:00:00Z", earlier(80.0)),
        ("2026-12-06T02:00:00Z", earlier(40.0)),
    )
    document = graded(bundles["2_per_day_best"], tmp_path, SOLUTION_DIR / "nnbasics", meta)
    assert document["score"] == 80.0 and document["tests"] == []
    assert document["output"].endswith(
        "The score that counts is 80, from your best graded submission "
        "(2026-12-05 18:00 (UTC-07:00))."
    )
    assert (
        "next graded submission is possible from 2026-12-06 18:00 (UTC-07:00)"
        in (document["output"])
    )


def test_within_the_limit_with_best_a_lower_score_keeps_the_best(bundles, buggy_results, tmp_path):
    meta = metadata(NOW, ("2026-12-01T08:00:00-07:00", earlier(97.5)))
    document = graded(bundles["best_only"], tmp_path, BUGGY, meta)
    own = sum(t["score"] for t in document["tests"])
    assert own == buggy_results["score"] < 97.5
    assert document["score"] == 97.5
    assert document["output"].startswith(
        f"This submission scored {own:g}; your best graded submission (2026-12-01 08:00 "
        "(UTC-07:00)) scored 97.5, and the best score counts.\n\n"
    )
    assert document["extra_data"]["policy"]["own_score"] == own


def test_within_the_limit_with_best_a_higher_score_is_its_own(bundles, tmp_path):
    meta = metadata(NOW, ("2026-12-01T08:00:00-07:00", earlier(50.0)))
    document = graded(bundles["best_only"], tmp_path, SOLUTION_DIR / "nnbasics", meta)
    assert document["score"] == 100 and not document["output"].startswith("This submission")


def test_per_assignment_no_more_graded_submissions(bundles, tmp_path):
    meta = metadata(NOW, ("2026-10-01T08:00:00-07:00", earlier(55.0)))
    document = graded(bundles["1_per_assignment"], tmp_path, SOLUTION_DIR / "nnbasics", meta)
    assert document["score"] == 55.0 and document["tests"] == []
    assert document["output"] == (
        "This submission was not graded: you have used your 1 graded submission for this "
        "assignment.\n\n"
        "No more submissions will be graded for this assignment.\n\n"
        "The score that counts is 55, from your last graded submission "
        "(2026-10-01 08:00 (UTC-07:00))."
    )


@pytest.mark.parametrize(
    "previous",
    [
        pytest.param([("2026-12-05T14:22:32.365935-07:00", 1)] * 2, id="older_than_24_hours"),
        pytest.param([("2026-12-06T10:00:00-07:00", 0)] * 3, id="over_the_limit_ones"),
        pytest.param([("2026-12-06T10:00:00-07:00", None)] * 3, id="ungraded_uploads"),
        pytest.param([("2026-12-07T10:00:00-07:00", 1)] * 2, id="later_ones_in_a_regrade"),
    ],
)
def test_submissions_that_do_not_count_towards_the_limit(bundles, tmp_path, previous):
    results = {1: earlier(60.0), 0: earlier(60.0, graded=False), None: None}
    meta = metadata(NOW, *[(when, results[kind]) for when, kind in previous])
    document = graded(bundles["2_per_day_last"], tmp_path, SOLUTION_DIR / "nnbasics", meta)
    assert document["score"] == 100 and document["tests"]
    assert document["output"].startswith("This was graded submission 1 of 2 in the last 24 hours.")


def test_results_without_the_policys_record_count_when_they_have_tests(bundles, tmp_path):
    """Submissions graded before the policy was set (results.json without the record)."""
    plain = {"score": 70.0, "tests": [{"name": "t", "score": 70, "max_score": 100}]}
    meta = metadata(NOW, ("2026-12-06T10:00:00-07:00", plain), ("2026-12-06T11:00:00", plain))
    document = graded(bundles["2_per_day_last"], tmp_path, SOLUTION_DIR / "nnbasics", meta)
    assert document["score"] == 70.0 and document["tests"] == []


@pytest.mark.parametrize(
    ("meta", "reason"),
    [
        (None, "there is no submission_metadata.json"),
        ("{not json", "submission_metadata.json cannot be read (JSONDecodeError)"),
        ("[]", "submission_metadata.json is not a JSON object"),
        ({"created_at": NOW, "previous_submissions": {}},
         "submission_metadata.json: previous_submissions is not a list"),
        ({"created_at": "yesterday"},
         "submission_metadata.json: created_at is not a time ('yesterday')"),
        ({"created_at": NOW, "previous_submissions": [{"submission_time": 5}]},
         "submission_metadata.json: previous submission 1's submission_time is not a time "
         "('5')"),
        ({"created_at": NOW, "previous_submissions": ["x"]},
         "submission_metadata.json: previous submission 1 is not an object"),
    ],
)  # fmt: skip
def test_unreadable_metadata_grades_as_usual_with_a_note(bundles, tmp_path, meta, reason):
    document = graded(bundles["2_per_day_last"], tmp_path, SOLUTION_DIR / "nnbasics", meta)
    note = f"submission policy not applied: {reason}; graded as usual"
    assert document["score"] == 100 and len(document["tests"]) > 0
    assert document["extra_data"]["notes"][-1] == note
    assert "policy" not in document["extra_data"]
    assert document["_stderr"] == f"nnkit: warning: {note}\n"


# -- the command line --------------------------------------------------------------------


def test_gradescope_writes_the_policy_and_says_so(nnkit, tmp_path):
    out = tmp_path / "autograder.zip"
    env_args = ("--out", out, "--submission-limit", "3", "--score-counts", "best")
    proc = nnkit("gradescope", *env_args, env=secret_env())
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.endswith(
        "Submission policy: at most 3 graded submissions per 24 hours; the best graded "
        "submission's score counts.\n"
    )
    with zipfile.ZipFile(out) as zf:
        policy = json.loads(zf.read("nnkit.json"))["policy"]
    assert policy == {"limit": 3, "window": "24h", "counts": "best"}


def secret_env() -> dict[str, str]:
    import os

    return {**os.environ, "NNKIT_SECRET": "test-secret"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--submission-limit", "0"), "--submission-limit must be a whole number of at least "
         "1, not '0'"),
        (("--submission-limit", "three"), "--submission-limit must be a whole number of at "
         "least 1, not 'three'"),
        (("--submission-limit", "2.5"), "--submission-limit must be a whole number of at least "
         "1, not '2.5'"),
        (("--submission-limit", "3", "--limit-per", "week"), "--limit-per must be 24h or "
         "assignment, not 'week'"),
        (("--limit-per", "assignment"), "--limit-per goes with --submission-limit N"),
        (("--score-counts", "first"), "--score-counts must be last or best, not 'first'"),
        (("--bundle", "x.zip", "--try", "y", "--score-counts", "best"), "the policy options "
         "build a zip; --bundle tries one already built"),
    ],
)  # fmt: skip
def test_bad_policy_options_are_one_line_errors(nnkit, tmp_path, args, message):
    out = () if "--bundle" in args else ("--out", tmp_path / "a.zip")
    proc = nnkit("gradescope", *out, *args, env=secret_env())
    assert proc.returncode == 2
    assert proc.stderr == f"nnkit: error: {message}\n"
    assert not (tmp_path / "a.zip").exists()


def test_an_upload_that_cannot_be_read_does_not_count_and_keeps_the_score(bundles, tmp_path):
    meta = metadata(NOW, ("2026-12-06T10:00:00-07:00", earlier(60.0)))
    empty = tmp_path / "empty"
    empty.mkdir()
    document = graded(bundles["2_per_day_last"], tmp_path / "root", empty, meta)
    assert document["score"] == 60.0 and document["tests"] == []
    assert document["output"].startswith(
        "This submission does not count towards your submission limit. The score that counts "
        "is 60, from your last graded submission (2026-12-06 10:00 (UTC-07:00)).\n\n"
        "Your submission could not be graded: no nnbasics modules found in "
    )
    assert document["extra_data"]["policy"]["graded"] is False
