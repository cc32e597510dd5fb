"""The submission policy's rules on their own (grading.grade.policy); the zip's
run_autograder applying them is tested in tests/release/test_gradescope_policy.py."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from grading.grade.policy import (
    Earlier,
    History,
    MetadataError,
    PolicyError,
    SubmissionPolicy,
    decide,
    read_history,
)

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=timezone.utc)


def hours_ago(*hours: float, graded: bool = True, score: float = 50.0) -> list[Earlier]:
    return [Earlier(NOW - timedelta(hours=h), graded, score) for h in sorted(hours, reverse=True)]


@pytest.mark.parametrize(
    "policy",
    [
        SubmissionPolicy(3),
        SubmissionPolicy(1, "assignment", "best"),
        SubmissionPolicy(counts="best"),
    ],
)
def test_the_config_gives_back_the_policy(policy):
    assert SubmissionPolicy.from_config(json.loads(json.dumps(policy.as_config()))) == policy


def test_no_policy_is_inactive_and_writes_nothing():
    assert not SubmissionPolicy().active and SubmissionPolicy().as_config() is None
    assert SubmissionPolicy.from_config(None) == SubmissionPolicy()


def test_a_damaged_config_names_the_file():
    with pytest.raises(
        PolicyError, match=r"^nnkit.json: --score-counts must be last or best, not 'x'$"
    ):
        SubmissionPolicy.from_config({"counts": "x"})


def test_a_submission_exactly_24_hours_old_has_left_the_window():
    policy = SubmissionPolicy(2)
    assert decide(policy, History(NOW, hours_ago(24, 1))).grade
    assert not decide(policy, History(NOW, hours_ago(23.99, 1))).grade


def test_after_the_limit_was_lowered_the_next_time_waits_for_enough_to_leave():
    """Four graded in the window under an older, higher limit; the limit is now 2: two
    must leave the window, so the next graded one is 24 hours after the third oldest."""
    decision = decide(SubmissionPolicy(2), History(NOW, hours_ago(20, 10, 5, 1)))
    assert not decision.grade and decision.used == 4
    assert decision.next_graded == NOW + timedelta(hours=19)


def test_last_counts_the_last_graded_and_best_the_best():
    earlier = [*hours_ago(30, score=90.0), *hours_ago(3, score=20.0), *hours_ago(2, graded=False)]
    earlier.sort(key=lambda e: e.time)
    last = decide(SubmissionPolicy(1), History(NOW, earlier))
    best = decide(SubmissionPolicy(1, counts="best"), History(NOW, earlier))
    assert last.counted.score == 20.0 and best.counted.score == 90.0
    assert not last.grade and last.used == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2018-07-01T14:22:32.365935-07:00", (2018, 7, 1, 21, 22, 32, 365935)),
        ("2018-07-01T21:22:32Z", (2018, 7, 1, 21, 22, 32)),
        ("2018-07-01 21:22:32.5", (2018, 7, 1, 21, 22, 32, 500000)),
        ("2018-07-01T23:22:32.123456789+0200", (2018, 7, 1, 21, 22, 32, 123456)),
        ("2018-07-01T21:22", (2018, 7, 1, 21, 22)),
    ],
)  # fmt: skip
def test_times_as_gradescope_may_write_them(tmp_path, text, expected):
    path = tmp_path / "submission_metadata.json"
    path.write_text(json.dumps({"created_at": text}))
    assert read_history(path).now == datetime(*expected, tzinfo=timezone.utc)


def test_an_impossible_date_is_a_metadata_error(tmp_path):
    path = tmp_path / "submission_metadata.json"
    path.write_text(json.dumps({"created_at": "2018-02-30T10:00:00Z"}))
    with pytest.raises(
        MetadataError, match=r"created_at is not a time \('2018-02-30T10:00:00Z'\)$"
    ):
        read_history(path)


def test_scores_come_from_the_record_then_the_results_then_gradescope(tmp_path):
    path = tmp_path / "submission_metadata.json"
    record = {"extra_data": {"policy": {"graded": True, "own_score": 40}}, "score": 95}
    results = [(1, record), (1, {"tests": [{}], "score": "61.5"}), (77, {"tests": [{}]})]
    results.append((True, {"tests": [{}]}))
    previous = [
        {"submission_time": f"2026-12-06T0{hour}:00:00Z", "score": score, "results": result}
        for hour, (score, result) in enumerate(results, 1)
    ]
    path.write_text(
        json.dumps({"created_at": "2026-12-06T12:00:00Z", "previous_submissions": previous})
    )
    earlier = read_history(path).earlier
    assert [(e.graded, e.score) for e in earlier] == [
        (True, 40.0),
        (True, 61.5),
        (True, 77.0),
        (False, 0.0),  # no score anywhere: it cannot count
    ]
