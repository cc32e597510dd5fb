"""The model of a graded submission, as every writer of results receives it.

`GradeReport` holds the verdict on each check (`CheckResult`) and the score per part
(`PartScore`), computed once by `score_parts` when the submission is graded; a submission
that could not be graded at all is `GradeReport.could_not_grade(reason)`. Writers read
this model (or the results.json document made from it, which carries the same parts under
`extra_data.parts`), never the grader, the sandbox or the course: everything they show is
in here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from grading.results.failure import Failure

VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
DEFAULT_VISIBILITY = "after_published"
"""Gradescope visibility of a test whose check declares none (a bundle may choose another)."""


class CheckInfo(Protocol):
    """What the model needs of a check (grading.checks.suite.Check has it)."""

    name: str
    title: str
    part: str  # the part's module
    points: float
    visibility: str | None  # None: not declared, the policy decides
    tags: tuple[str, ...]


class PartInfo(Protocol):
    """What the model needs of a part of the assignment (wherever the list comes from)."""

    number: int
    module: str
    title: str


@dataclass(frozen=True)
class Blame:
    """Whose code a check's verdict rests on, when the check ran student code that calls
    functions of other parts (the network calls the layers, training calls the network).

    `functions`: those other parts' functions ("layers.dense_backward") whose calls the
        grader answered with its own correct results, in a second run of the check;
    `upstream`: True when that second run passed: the check fails only because of those
        functions, so their parts are charged and this one is not (unless the assignment
        charges downstream parts too); False when it failed as well: the mistake is in
        the check's own part.
    """

    functions: tuple[str, ...]
    upstream: bool


@dataclass(frozen=True)
class CheckResult:
    """The verdict on one check."""

    check: CheckInfo
    passed: bool
    failure: Failure | None  # why it failed (None when it passed)
    number: str  # "part.index", e.g. "3.2"
    targets: frozenset[str] = frozenset()  # the student functions the check called
    blame: Blame | None = None  # set when a second run with the grader's functions was made

    @property
    def score(self) -> float:
        return self.check.points if self.passed else 0.0

    @property
    def message(self) -> str:
        """The failure as one line of plain text ("" when the check passed)."""
        return self.failure.plain() if self.failure is not None else ""


@dataclass(frozen=True)
class PartScore:
    """Points earned and possible in one part."""

    number: int
    module: str
    title: str
    earned: float
    possible: float

    @property
    def label(self) -> str:
        """ "3. One neuron: logistic regression"."""
        return f"{self.number}. {self.title}"

    @property
    def column(self) -> str:
        """The part's gradebook column: "3 neuron"."""
        return f"{self.number} {self.module}"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> PartScore | None:
        """A PartScore from results.json `extra_data.parts[i]`; None when malformed."""
        try:
            return cls(
                int(data["number"]),
                str(data["module"]),
                str(data["title"]),
                float(data["earned"]),
                float(data["possible"]),
            )
        except (KeyError, TypeError, ValueError):
            return None


def score_parts(results: Iterable[CheckResult], parts: Iterable[PartInfo]) -> list[PartScore]:
    """The score per part, in the order of `parts`: the one place it is computed."""
    results = list(results)
    scores = []
    for part in parts:
        mine = [r for r in results if r.check.part == part.module]
        scores.append(
            PartScore(
                part.number,
                part.module,
                part.title,
                round(sum(r.score for r in mine), 4),
                round(sum(r.check.points for r in mine), 4),
            )
        )
    return scores


@dataclass
class GradeReport:
    """Everything the result formats need about one graded submission.

    `error` is empty for a graded submission; for one that could not be graded it is the
    one-line reason (see `could_not_grade`), and `results` is empty.
    """

    results: list[CheckResult]
    seed: int | None
    submission_sha256: str
    suite_version: str
    seconds: float
    student_output: str = ""
    notes: list[str] = field(default_factory=list)
    student_seconds: float = 0.0  # of `seconds`, the time spent in student code
    parts: list[PartScore] = field(default_factory=list)
    error: str = ""
    package: str = ""  # the student package's name, e.g. "nnbasics"

    @classmethod
    def could_not_grade(
        cls,
        reason: str,
        *,
        submission_sha256: str = "",
        suite_version: str = "",
        parts: Sequence[PartScore] = (),
    ) -> GradeReport:
        """A submission that could not be graded: score 0 and `reason` (one line). `parts`
        may name the assignment's parts (their points as possible, none earned)."""
        zeroed = [PartScore(p.number, p.module, p.title, 0.0, p.possible) for p in parts]
        return cls([], None, submission_sha256, suite_version, 0.0, parts=zeroed, error=reason)

    @property
    def score(self) -> float:
        return round(sum(r.score for r in self.results), 4)

    @property
    def max_score(self) -> float:
        if not self.results and self.parts:
            return round(sum(p.possible for p in self.parts), 4)
        return round(sum(r.check.points for r in self.results), 4)


def parts_of(document: dict[str, Any]) -> list[PartScore]:
    """The per-part scores a results.json document carries (`extra_data.parts`), in
    order; [] for a document without them. The one place writers of documents read them."""
    extra = document.get("extra_data")
    rows = extra.get("parts") if type(extra) is dict else None
    if type(rows) is not list:
        return []
    return [p for p in map(PartScore.from_dict, rows) if p is not None]


def possible_of(document: dict[str, Any]) -> float:
    """The points a results.json document's tests are worth together."""
    tests = document.get("tests")
    if type(tests) is not list:
        return 0.0
    return round(sum(float(t.get("max_score", 0)) for t in tests if type(t) is dict), 4)
