"""`Failure`: why a check failed, as a structure that travels from the judge to every output.

The grader's own words (the summary, the likely mistake, got/expected, the inputs) and the
student's words (what their code raised or warned) are separate fields, so student text can
never pose as a diagnosis: no renderer parses a message back into parts, each renderer lays
the fields out and quotes or escapes `student_text` for its own format.

A diagnosed failure also carries its `Cause` as structure (which known mistake, in which
student functions), so that failures sharing one cause can be summarised once
(`grading.results.causes`), and `see_parts`: the other parts whose code the check's result
rests on, for a pointer shown only when one of them lost points.

In results.json a failed test carries the structure under `extra_data.failure` (see
`as_dict` / `from_dict`); its `output` is `plain()`, for readers that only show text.
This module imports only the standard library (result writers import it).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from grading.confined.limits import MAX_CAUSE_NAMES, MAX_FIELD_CHARS

FIELDS = ("summary", "likely_mistake", "got", "expected", "inputs", "student_text", "where")

WRONG_INPUT = "wrong_input"
"""The key of a cause that is the wrong result of the cause's functions (the failing code
is right for what they returned): such a failure joins those functions' shared cause."""

_KEY = re.compile(r"[a-z][a-z0-9_]{0,63}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}(\.[A-Za-z_][A-Za-z0-9_]{0,99}){0,3}")


@dataclass(frozen=True)
class Cause:
    """The known mistake a failure was diagnosed as, as structure.

    `key`: the mistake's key in `grading.checks.diagnose.SIGNATURES` ("overwrite");
    `text`: its sentence, the same for every failure it explains (a failure's
        `likely_mistake` may add a detail such as "m = 8 here");
    `functions`: the student functions the mistake is in, "module.name"
        ("losses.binary_cross_entropy", "graph.Value"); empty when not known.
    """

    key: str
    text: str
    functions: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "text": self.text, "functions": list(self.functions)}

    @classmethod
    def from_dict(cls, data: Any) -> Cause | None:
        """A Cause from results.json (`extra_data.failure.cause`); None unless `key` is a
        signature-like key, `text` a string and `functions` a list of dotted names."""
        if type(data) is not dict:
            return None
        key, text, functions = data.get("key"), data.get("text"), data.get("functions", [])
        if type(key) is not str or not _KEY.fullmatch(key) or type(text) is not str:
            return None
        names = dotted_names(functions)
        return None if names is None else cls(key, text[:MAX_FIELD_CHARS], names)


def dotted_names(data: Any) -> tuple[str, ...] | None:
    """A results.json list of dotted names ("layers.dense_backward", at most
    MAX_CAUSE_NAMES) as a tuple; None when it is anything else."""
    if type(data) is not list or len(data) > MAX_CAUSE_NAMES:
        return None
    if not all(type(n) is str and _NAME.fullmatch(n) for n in data):
        return None
    return tuple(data)


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
    `where`: "<package>/x.py, line 12" (checked to have that form by grading.sandbox.untrusted);
    `cause`: the diagnosed mistake as structure (None when the failure matches no known one);
    `see_parts`: modules of the other parts whose code the checked result rests on
        ("network", "layers"): a renderer points at those that lost points in the report.
    """

    summary: str
    likely_mistake: str = ""
    got: str = ""
    expected: str = ""
    inputs: str = ""
    student_text: str = ""
    where: str = ""
    cause: Cause | None = None
    see_parts: tuple[str, ...] = ()

    def but(self, **changes: Any) -> Failure:
        """A copy with some fields changed (e.g. a check adding its own likely mistake)."""
        return dataclasses.replace(self, **changes)

    def plain(self, label: str = "Likely mistake", notes: Sequence[str] = ()) -> str:
        """One line of plain text: `summary: "student text" (where). Likely mistake: ....
        Notes. Got ...; expected .... Inputs: ....` (parts left out when empty). `label`
        and `notes` are the report's words on the failure (`grading.results.causes`)."""
        text = self.summary
        if self.student_text:
            text += f': "{self.student_text}"'
        if self.where:
            text += f" ({self.where})"
        pieces = [text]
        if self.likely_mistake:
            pieces.append(f"{label}: {self.likely_mistake}")
        pieces.extend(notes)
        if self.got or self.expected:
            pieces.append(f"Got {self.got}; expected {self.expected}")
        if self.inputs:
            pieces.append(f"Inputs: {self.inputs}.")
        return ". ".join(pieces)

    def as_dict(self) -> dict[str, Any]:
        """The non-empty fields, for results.json's `extra_data.failure`."""
        data: dict[str, Any] = {name: getattr(self, name) for name in FIELDS if getattr(self, name)}
        if self.cause is not None:
            data["cause"] = self.cause.as_dict()
        if self.see_parts:
            data["see_parts"] = list(self.see_parts)
        return data

    @classmethod
    def from_dict(cls, data: Any, fallback: str = "") -> Failure:
        """A Failure from a results.json `extra_data.failure` dict (fields type-checked and
        cut to MAX_FIELD_CHARS). Without one, `fallback` (a test's plain `output`) becomes
        student text under a neutral summary: text of unknown origin never fills a
        grader's field. A malformed `cause` or `see_parts` is left out."""
        if type(data) is not dict:
            if not fallback:
                return cls("This test failed")
            return cls("This test failed", student_text=str(fallback)[:MAX_FIELD_CHARS])
        values = {
            name: str(data[name])[:MAX_FIELD_CHARS] if type(data.get(name)) is str else ""
            for name in FIELDS
        }
        see_parts = dotted_names(data.get("see_parts", [])) or ()
        return cls(**values, cause=Cause.from_dict(data.get("cause")), see_parts=see_parts)


def of_test(test: dict[str, Any]) -> Failure | None:
    """The Failure of a results.json test entry (None when it passed)."""
    if test.get("status") == "passed":
        return None
    extra = test.get("extra_data")
    data = extra.get("failure") if type(extra) is dict else None
    return Failure.from_dict(data, fallback="" if data else str(test.get("output", "")))
