"""`Failure`: why a check failed, as a structure that travels from the judge to every output.

The grader's own words (the summary, the likely mistake, got/expected, the inputs) and the
student's words (what their code raised or warned) are separate fields, so student text can
never pose as a diagnosis: no renderer parses a message back into parts, each renderer lays
the fields out and quotes or escapes `student_text` for its own format.

In results.json a failed test carries the structure under `extra_data.failure` (see
`as_dict` / `from_dict`); its `output` is `plain()`, for readers that only show text.
This module imports only the standard library (result writers import it).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from grading.confined.limits import MAX_FIELD_CHARS

FIELDS = ("summary", "likely_mistake", "got", "expected", "inputs", "student_text", "where")


@dataclass(frozen=True)
class Failure:
    """One failed check, in parts (any part but `summary` may be empty).

    `summary`: the grader's sentence, e.g. "dense_forward(X (5, 3), W (4, 3), b (4,)) is
        wrong in 12 of 20 entries: ...";
    `likely_mistake`: a sentence of `grading.checks.diagnose.SIGNATURES` or a check's own hint;
    `got`, `expected`: values as the grader formatted them (empty when hidden);
    `inputs`: "random, seed 1234" when the check drew random inputs;
    `student_text`: what the student's code said (an exception message, a warning), cleaned
        by `grading.sandbox.untrusted`; the only field a student controls, always shown quoted;
    `where`: "<package>/x.py, line 12" (checked to have that form by grading.sandbox.untrusted).
    """

    summary: str
    likely_mistake: str = ""
    got: str = ""
    expected: str = ""
    inputs: str = ""
    student_text: str = ""
    where: str = ""

    def but(self, **changes: str) -> Failure:
        """A copy with some fields changed (e.g. a check adding its own likely mistake)."""
        return dataclasses.replace(self, **changes)

    def plain(self) -> str:
        """One line of plain text: `summary: "student text" (where). Likely mistake: ....
        Got ...; expected .... Inputs: ....` (parts left out when empty)."""
        text = self.summary
        if self.student_text:
            text += f': "{self.student_text}"'
        if self.where:
            text += f" ({self.where})"
        pieces = [text]
        if self.likely_mistake:
            pieces.append(f"Likely mistake: {self.likely_mistake}")
        if self.got or self.expected:
            pieces.append(f"Got {self.got}; expected {self.expected}")
        if self.inputs:
            pieces.append(f"Inputs: {self.inputs}.")
        return ". ".join(pieces)

    def as_dict(self) -> dict[str, str]:
        """The non-empty fields, for results.json's `extra_data.failure`."""
        return {name: getattr(self, name) for name in FIELDS if getattr(self, name)}

    @classmethod
    def from_dict(cls, data: Any, fallback: str = "") -> Failure:
        """A Failure from a results.json `extra_data.failure` dict (fields type-checked and
        cut to MAX_FIELD_CHARS). Without one, `fallback` (a test's plain `output`) becomes
        student text under a neutral summary: text of unknown origin never fills a
        grader's field."""
        if type(data) is not dict:
            if not fallback:
                return cls("This test failed")
            return cls("This test failed", student_text=str(fallback)[:MAX_FIELD_CHARS])
        values = {
            name: str(data[name])[:MAX_FIELD_CHARS] if type(data.get(name)) is str else ""
            for name in FIELDS
        }
        return cls(**values)


def of_test(test: dict[str, Any]) -> Failure | None:
    """The Failure of a results.json test entry (None when it passed)."""
    if test.get("status") == "passed":
        return None
    extra = test.get("extra_data")
    data = extra.get("failure") if type(extra) is dict else None
    return Failure.from_dict(data, fallback="" if data else str(test.get("output", "")))
