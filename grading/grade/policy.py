"""A Gradescope submission policy: at most N graded submissions per 24 hours or per
assignment, and which graded submission's score counts (the last or the best).

The instructor sets the policy when building the zip (`nnkit gradescope --submission-limit
N --limit-per 24h|assignment --score-counts last|best`); the zip's `nnkit.json` keeps it
and `run-autograder` enforces it from Gradescope's `/autograder/submission_metadata.json`:
`created_at` (this submission's time) and `previous_submissions`, each with its
`submission_time`, `score` and `results` (the results.json the autograder wrote for it).

- A submission within the limit is graded. With `best`, its results.json `score` (which
  overrides the sum of the tests on Gradescope) is the best of its own and every earlier
  graded submission's; its tests stay its own.
- A submission over the limit is not graded (its code never runs): its results.json has
  the score that counts (the last or best earlier graded one), no tests, and an output
  saying why and when the next graded submission is possible.
- Every results.json the policy touched records under `extra_data.policy` whether the
  submission was graded and its own score, which is how later submissions count it. An
  earlier results.json without that record (graded before the policy was set) counts as
  graded when it has tests; one that could not be graded (no tests) never counts.

The metadata is Gradescope's, not the student's, but its format may change: anything
unreadable in it means the submission is graded as if there were no policy, with a note
for the instructor (`extra_data.notes`, and run_autograder's log), never a zero.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

WINDOWS = ("24h", "assignment")
"""What `--limit-per` takes: a rolling 24 hours before each submission, or the assignment."""
COUNTS = ("last", "best")
"""What `--score-counts` takes: the last graded submission's score, or the best one's."""
WINDOW_HOURS = 24
"""The rolling window of `--limit-per 24h`, hours."""
METADATA_FILE = "submission_metadata.json"  # in Gradescope's root, /autograder
RECORD_KEY = "policy"  # results.json extra_data[RECORD_KEY]: {"graded", "own_score", ...}

_TIME = re.compile(
    r"(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d(?::\d\d)?)(?:\.(\d+))?\s*(Z|[+-]\d\d:?\d\d)?",
    re.IGNORECASE,
)


class PolicyError(ValueError):
    """A bad policy option or a malformed policy in nnkit.json; one line for the user."""


class MetadataError(ValueError):
    """Gradescope's submission metadata cannot be read; one line for the instructor."""


@dataclass(frozen=True)
class SubmissionPolicy:
    """`limit` graded submissions per `window` (None: no limit), and whose score counts."""

    limit: int | None = None
    window: str = "24h"
    counts: str = "last"

    @classmethod
    def from_options(
        cls, limit: str | None, window: str | None, counts: str | None
    ) -> SubmissionPolicy:
        """The policy of `nnkit gradescope`'s option values (None: not given); raises
        PolicyError naming the option."""
        number: int | None = None
        if limit is not None:
            text = str(limit).strip()
            if not text.isdigit() or int(text) < 1:
                raise PolicyError(
                    f"--submission-limit must be a whole number of at least 1, not {limit!r}"
                )
            number = int(text)
        if window is not None:
            if number is None:
                raise PolicyError("--limit-per goes with --submission-limit N")
            if window not in WINDOWS:
                raise PolicyError(f"--limit-per must be {' or '.join(WINDOWS)}, not {window!r}")
        if counts is not None and counts not in COUNTS:
            raise PolicyError(f"--score-counts must be {' or '.join(COUNTS)}, not {counts!r}")
        return cls(number, window or WINDOWS[0], counts or COUNTS[0])

    @classmethod
    def from_config(cls, data: Any) -> SubmissionPolicy:
        """The policy nnkit.json keeps (`as_config`); none when `data` is None."""
        if data is None:
            return cls()
        if type(data) is not dict:
            raise PolicyError("nnkit.json: the submission policy is not a mapping")
        limit = data.get("limit")
        window = None if limit is None else data.get("window")  # a window needs a limit
        try:
            return cls.from_options(
                None if limit is None else str(limit), window, data.get("counts")
            )
        except PolicyError as exc:
            raise PolicyError(f"nnkit.json: {exc}") from None

    def as_config(self) -> dict[str, Any] | None:
        """For nnkit.json; None when there is no policy."""
        if not self.active:
            return None
        return {"limit": self.limit, "window": self.window, "counts": self.counts}

    @property
    def active(self) -> bool:
        """Whether the policy changes anything (a limit, or the best score counting)."""
        return self.limit is not None or self.counts != "last"

    def describe(self) -> str:
        """One line for the instructor, e.g. "at most 3 graded submissions per 24 hours;
        the best score counts"."""
        parts = []
        if self.limit is not None:
            parts.append(f"at most {_graded(self.limit)} {_per(self.window)}")
        parts.append(f"the {self.counts} graded submission's score counts")
        return "; ".join(parts)


@dataclass(frozen=True)
class Earlier:
    """An earlier submission: when, whether it was graded, and its own score."""

    time: datetime
    graded: bool
    score: float


@dataclass(frozen=True)
class History:
    """This submission's time and its earlier submissions, oldest first."""

    now: datetime
    earlier: list[Earlier] = field(default_factory=list)


@dataclass(frozen=True)
class Decision:
    """What the policy does with one submission.

    `grade`: whether to grade it; `used`: graded submissions in the window before it;
    `counted`: the earlier graded submission whose score counts when it beats (or, not
    graded, replaces) this one's; `next_graded`: when a graded submission is possible
    again (24-hour window, over the limit); `note`: why the policy was not applied ("" when
    it was)."""

    grade: bool
    used: int = 0
    counted: Earlier | None = None
    next_graded: datetime | None = None
    now: datetime | None = None
    note: str = ""


def read_history(path: Path) -> History:
    """The history in Gradescope's `submission_metadata.json` at `path`; raises
    MetadataError when the file is missing or anything in it is not as documented.
    Earlier submissions made at or after this one (a regrade of an old submission) are
    left out."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MetadataError(f"there is no {path.name}") from None
    except (OSError, ValueError) as exc:
        raise MetadataError(f"{path.name} cannot be read ({type(exc).__name__})") from None
    if type(data) is not dict:
        raise MetadataError(f"{path.name} is not a JSON object")
    now = _time(data.get("created_at"), "created_at")
    previous = data.get("previous_submissions", [])
    if type(previous) is not list:
        raise MetadataError(f"{path.name}: previous_submissions is not a list")
    earlier = []
    for number, entry in enumerate(previous, 1):
        where = f"previous submission {number}"
        if type(entry) is not dict:
            raise MetadataError(f"{path.name}: {where} is not an object")
        when = _time(entry.get("submission_time"), f"{where}'s submission_time")
        if when < now:
            earlier.append(_earlier(when, entry.get("results"), entry.get("score")))
    return History(now, sorted(earlier, key=lambda e: e.time))


def _earlier(when: datetime, results: Any, score: Any) -> Earlier:
    """An earlier submission from its `results` (the results.json written for it, if any)
    and the `score` Gradescope recorded."""
    if type(results) is not dict:
        return Earlier(when, False, 0.0)
    extra = results.get("extra_data")
    record = extra.get(RECORD_KEY) if type(extra) is dict else None
    if type(record) is dict and type(record.get("graded")) is bool:
        own = _number(record.get("own_score"))
        graded = record["graded"]
    else:
        tests = results.get("tests")
        own, graded = None, type(tests) is list and len(tests) > 0
    for candidate in (own, _number(results.get("score")), _number(score)):
        if candidate is not None:
            return Earlier(when, graded, candidate)
    return Earlier(when, False, 0.0)  # graded, but with no score to count


def _number(value: Any) -> float | None:
    if type(value) in (int, float):
        return float(value)
    if type(value) is str:  # a decimal Gradescope wrote as text
        try:
            number = float(value)
        except ValueError:
            return None
        return number if number == number and abs(number) != float("inf") else None
    return None


def _time(value: Any, what: str) -> datetime:
    """An ISO 8601 time as Gradescope writes it ("2018-07-01T14:22:32.365935-07:00"), with
    or without fractions or an offset (none: UTC); any Python 3.10 reads it."""
    match = _TIME.fullmatch(value.strip()) if type(value) is str else None
    if match is None:
        raise MetadataError(f"{METADATA_FILE}: {what} is not a time ({str(value)[:40]!r})")
    day, clock, fraction, offset = match.groups()
    clock = clock if clock.count(":") == 2 else f"{clock}:00"
    micro = (fraction or "")[:6].ljust(6, "0")
    zone = "+00:00" if offset is None or offset.upper() == "Z" else offset
    zone = zone if ":" in zone else f"{zone[:3]}:{zone[3:]}"
    try:
        return datetime.fromisoformat(f"{day}T{clock}.{micro}{zone}")
    except ValueError:
        raise MetadataError(f"{METADATA_FILE}: {what} is not a time ({value[:40]!r})") from None


def decide(policy: SubmissionPolicy, history: History) -> Decision:
    """Whether to grade this submission, and which earlier score counts (see the module)."""
    graded = [e for e in history.earlier if e.graded]
    if policy.window == "24h":
        start = history.now - timedelta(hours=WINDOW_HOURS)
        in_window = [e for e in graded if e.time > start]
    else:
        in_window = graded
    counted = None
    if graded:
        counted = graded[-1] if policy.counts == "last" else max(graded, key=lambda e: e.score)
    if policy.limit is None or len(in_window) < policy.limit:
        return Decision(True, len(in_window), counted, now=history.now)
    next_graded = None
    if policy.window == "24h":  # when enough of them have left the window
        oldest_to_leave = in_window[len(in_window) - policy.limit]
        next_graded = _minute_up(oldest_to_leave.time + timedelta(hours=WINDOW_HOURS))
    return Decision(False, len(in_window), counted, next_graded, history.now)


def _minute_up(moment: datetime) -> datetime:
    """`moment` rounded up to the minute, as students are told it (never too early)."""
    if moment.second or moment.microsecond:
        return moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return moment


def not_applied(reason: str) -> Decision:
    """Grade as without a policy, saying why (`reason`, one line)."""
    return Decision(True, note=f"submission policy not applied: {reason}; graded as usual")


def decision_for(policy: SubmissionPolicy, root: Path) -> Decision:
    """The policy's decision for the submission in Gradescope's `root`, from
    `root/submission_metadata.json`; a missing or malformed file: `not_applied`."""
    try:
        return decide(policy, read_history(root / METADATA_FILE))
    except MetadataError as exc:
        return not_applied(str(exc))


# -- what the student reads --------------------------------------------------------------


def over_limit_document(policy: SubmissionPolicy, decision: Decision) -> dict[str, Any]:
    """The results.json of a submission over the limit: the score that counts, no tests,
    and why (a valid Gradescope document: `score` is the total)."""
    counted = decision.counted
    score = counted.score if counted is not None else 0.0
    lines = [
        f"This submission was not graded: you have used your {_graded(policy.limit or 0)} "
        f"{_window_phrase(policy.window)}."
    ]
    if decision.next_graded is not None and decision.now is not None:
        when = _when(decision.next_graded, decision.now)
        lines.append(f"Your next graded submission is possible from {when}.")
    else:
        lines.append("No more submissions will be graded for this assignment.")
    lines.append(_counts_sentence(policy, decision, score))
    return {
        "score": score,
        "output": "\n\n".join(lines),
        "output_format": "md",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": [],
        "extra_data": {RECORD_KEY: _record(policy, decision, graded=False, own=None, score=score)},
    }


def apply(policy: SubmissionPolicy, decision: Decision, document: dict[str, Any]) -> dict[str, Any]:
    """`document` (a graded submission's results.json) under the policy: the score that
    counts, a paragraph saying so before the summary, and the record later submissions
    count by; with a `note`, unchanged but for the note in `extra_data.notes`. A
    submission that could not be graded (no tests) is not counted, and says so."""
    extra = document.setdefault("extra_data", {})
    if decision.note:
        extra["notes"] = [*extra.get("notes", []), decision.note]
        return document
    own = float(document.get("score", 0.0))
    graded = bool(document.get("tests"))
    score = own
    lines = []
    if not graded and policy.limit is not None:
        lines.append("This submission does not count towards your submission limit.")
    elif policy.limit is not None:
        lines.append(
            f"This was graded submission {decision.used + 1} of {policy.limit} "
            f"{_window_phrase(policy.window)}."
        )
    counted = decision.counted
    if graded and policy.counts == "best" and counted is not None and counted.score > own:
        score = counted.score
        lines.append(
            f"This submission scored {own:g}; your best graded submission "
            f"({_when(counted.time, decision.now or counted.time)}) scored {counted.score:g}, "
            "and the best score counts."
        )
    elif not graded and counted is not None:
        score = counted.score
        lines.append(_counts_sentence(policy, decision, score))
    document["score"] = score
    extra[RECORD_KEY] = _record(policy, decision, graded=graded, own=own, score=score)
    if lines:
        text = " ".join(lines)
        output = document.get("output", "")
        document["output"] = f"{text}\n\n{output}" if output else text
    return document


def _counts_sentence(policy: SubmissionPolicy, decision: Decision, score: float) -> str:
    counted = decision.counted
    if counted is None:
        return f"The score that counts is {score:g}: no earlier submission was graded."
    when = _when(counted.time, decision.now or counted.time)
    return (
        f"The score that counts is {score:g}, from your {policy.counts} graded submission ({when})."
    )


def _record(
    policy: SubmissionPolicy, decision: Decision, *, graded: bool, own: float | None, score: float
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "graded": graded,
        "own_score": own,
        "score": score,
        "rule": policy.as_config(),
        "graded_before": decision.used,
    }
    if decision.next_graded is not None:
        record["next_graded"] = decision.next_graded.isoformat()
    return record


def _graded(count: int) -> str:
    return f"{count} graded submission{'s' if count != 1 else ''}"


def _per(window: str) -> str:
    return f"per {WINDOW_HOURS} hours" if window == "24h" else "for this assignment"


def _window_phrase(window: str) -> str:
    return f"in the last {WINDOW_HOURS} hours" if window == "24h" else "for this assignment"


def _when(moment: datetime, like: datetime) -> str:
    """`moment` in `like`'s time zone (the one Gradescope wrote this submission's time in),
    to the minute: "2026-12-06 14:22 (UTC-07:00)"."""
    local = moment.astimezone(like.tzinfo or timezone.utc)
    return f"{local:%Y-%m-%d %H:%M} ({local.tzname() or 'UTC'})"
