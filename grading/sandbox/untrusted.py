"""The trust boundary for data: everything a worker sends is checked and cleaned here, once.

A worker runs student code, so every byte it sends or prints is hostile: an exception
message may hold a lone surrogate (not encodable as UTF-8), terminal escape sequences
(ESC [ ... m recolours a line, OSC 52 writes the clipboard), 15 MB of text, or words
that pose as the grader's diagnosis; a timing may be inf or nan.
`grading.sandbox.client` (replies), `grading.sandbox.sandboxed_student` (errors, printed
output, confinement notes), `grading.sandbox.stand_ins` (questions to the grader's
functions) and nothing else read raw worker data; they pass it through the functions
below and hand typed results on.

What a clean string is (`clean_text`): a `str` of at most a fixed number of characters
(cut first, so a huge string costs no more than its limit), no lone surrogates (each
becomes U+FFFD), no control characters but newline where allowed (C0, DEL, C1, the
Unicode bidirectional overrides that reorder a line on screen, and the noncharacters
U+FFFE/U+FFFF; a tab becomes a space). Clean text is still the student's words: outputs
show it quoted or escaped for their own format (Markdown, HTML, XML, CSV, terminal, plots).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from grading.confined import wire
from grading.confined.limits import (
    MAX_CALL_SECONDS,
    MAX_ERROR_TYPE_CHARS,
    MAX_MESSAGE_CHARS,
    MAX_NOTE_CHARS,
    MAX_NOTES,
    MAX_STAND_IN_ARRAY_BYTES,
    MAX_VALUE_TEXT_CHARS,
    MAX_WARNING_CHARS,
    MAX_WARNINGS,
)
from grading.confined.limits import MAX_STUDENT_OUTPUT_CHARS as MAX_OUTPUT_CHARS
from grading.confined.wire import Handle

ELLIPSIS = "\u2026"
REPLACEMENT = "\ufffd"

_SURROGATES = re.compile("[\ud800-\udfff]")
# C0 controls but tab and newline, DEL, C1 controls, bidi embeddings/overrides/isolates,
# line/paragraph separators (they break lines where newlines are not allowed), noncharacters.
_CONTROLS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff]"
)
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_WHERE = re.compile(r"[a-z_][a-z0-9_]{0,60}/[A-Za-z_][A-Za-z0-9_]{0,60}\.py, line [0-9]{1,7}")


def clean_text(value: Any, limit: int, *, newlines: bool = False) -> str:
    """`value` as clean text of at most `limit` characters (see the module docstring);
    anything but a `str` (or bytes, decoded as UTF-8) gives "". Newlines become spaces
    unless `newlines`; an over-long text ends with an ellipsis."""
    if type(value) is bytes or type(value) is bytearray:
        value = bytes(value[: 4 * limit + 4]).decode("utf-8", "replace")
    if type(value) is not str:
        return ""
    cut = len(value) > limit
    text = value[: limit + 1]
    text = _SURROGATES.sub(REPLACEMENT, text)
    text = text.replace("\t", " ").replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROLS.sub("", text)
    if not newlines:
        text = " ".join(text.split("\n"))
    if cut or len(text) > limit:
        text = text[: limit - 1] + ELLIPSIS
    return text


def clean_seconds(value: Any) -> float:
    """A call's time in seconds, or 0.0 when the worker's figure is not believable."""
    if type(value) is not float and type(value) is not int:
        return 0.0
    try:
        seconds = float(value)
    except OverflowError:  # an int of hundreds of digits
        return 0.0
    return seconds if math.isfinite(seconds) and 0.0 <= seconds <= MAX_CALL_SECONDS else 0.0


@dataclass(frozen=True)
class StudentFault:
    """An exception student code raised, as the worker reported it (cleaned).

    `kind`: its type name, a Python identifier (else "Exception"), safe in grader text;
    `message`: its message (student text); `where`: "<package>/x.py, line N" or "".
    """

    kind: str
    message: str
    where: str


def clean_fault(error: Any) -> StudentFault | None:
    """The `error` field of a failed reply, checked; None when it is not a dict."""
    if type(error) is not dict:
        return None
    kind = error.get("type")
    if type(kind) is not str or len(kind) > MAX_ERROR_TYPE_CHARS or not _IDENTIFIER.fullmatch(kind):
        kind = "Exception"
    where = error.get("where")
    if type(where) is not str or not _WHERE.fullmatch(where):
        where = ""
    return StudentFault(kind, clean_text(error.get("message"), MAX_MESSAGE_CHARS), where)


@dataclass(frozen=True)
class CallReport:
    """What the worker reported about a call besides its value (cleaned)."""

    warnings: tuple[str, ...]
    seconds: float


def clean_call_report(reply: dict[str, Any]) -> CallReport:
    """The warnings (at most MAX_WARNINGS, each cut) and the time of a reply."""
    raw = reply.get("warnings")
    items = raw[:MAX_WARNINGS] if type(raw) is list else []
    warnings = tuple(clean_text(w, MAX_WARNING_CHARS) for w in items if type(w) is str)
    return CallReport(warnings, clean_seconds(reply.get("seconds")))


def clean_notes(notes: Any) -> list[str]:
    """A worker's notes on its confinement (instructor-only output)."""
    items = notes[:MAX_NOTES] if type(notes) in (list, tuple, set, frozenset) else []
    return [text for n in items if (text := clean_text(n, MAX_NOTE_CHARS))]


def clean_output(data: bytes | bytearray) -> str:
    """The student's printed output (bytes, already capped by the sandbox) as clean text
    of at most MAX_OUTPUT_CHARS characters, newlines kept."""
    return clean_text(bytes(data), MAX_OUTPUT_CHARS, newlines=True)


def clean_names(names: Any, known: frozenset[str]) -> frozenset[str]:
    """The names of `known` a worker listed in `names` (anything else is dropped): which of
    the functions it was told to watch it says were called."""
    if type(names) is not list:
        return frozenset()
    return frozenset(n for n in names[: len(known) + 1] if type(n) is str and n in known)


@dataclass(frozen=True)
class StandInCall:
    """A call of a grader's function a worker asked for (decoded and cleaned): `name`
    ("layers.dense_forward"), `args` and `kwargs` as grading.confined.wire decoded them
    (student objects are `Handle`s, the grader's caches `GraderHandle`s)."""

    name: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]


class RefusedQuestion(ValueError):
    """A stand-in question the grader does not answer; the message is the grader's own."""


def clean_stand_in_call(
    question: dict[str, Any], known: frozenset[str], caches: Mapping[int, Any]
) -> StandInCall:
    """A worker's question {"stand_in": name, "args": [...], "kwargs": {...}} for one of the
    functions in `known`, checked in one walk: decoded by the wire, strings cleaned, each
    grader handle replaced by its cache in `caches` (an id not there is refused, and so is
    any object of the worker's), its arrays at most MAX_STAND_IN_ARRAY_BYTES together.
    RefusedQuestion otherwise."""
    name = question.get("stand_in")
    if type(name) is not str or name not in known:
        raise RefusedQuestion("the grader answers for this function only in a test that uses it")
    args, kwargs = question.get("args"), question.get("kwargs")
    if type(args) is not list or type(kwargs) is not dict:
        raise RefusedQuestion("malformed question")
    reader = _stand_in_reader(caches)
    try:
        values = [reader.read(a) for a in args]
        named = {_clean_value_text(str(k)): reader.read(v) for k, v in kwargs.items()}
    except wire.WireError as exc:
        raise RefusedQuestion(str(exc)) from None
    if reader.array_bytes > MAX_STAND_IN_ARRAY_BYTES:
        raise RefusedQuestion(
            f"arrays of more than {MAX_STAND_IN_ARRAY_BYTES} bytes in one call of {name}"
        )
    return StandInCall(name, tuple(values), named)


def _stand_in_reader(caches: Mapping[int, Any]) -> wire.Reader:
    """Reads a stand-in question's values: the grader's functions take numbers, arrays,
    strings and the caches they made, nothing of the worker's."""

    def cache(cid: int) -> Any:
        if cid not in caches:
            raise wire.WireError("a cache the grader does not know")
        return caches[cid]

    return wire.Reader(handle=_not_data, grader=cache, text=_clean_value_text, probe=_not_data)


def _not_data(*_: Any) -> Any:
    raise wire.WireError("the grader's functions take only numbers and arrays")


def _clean_value_text(text: str) -> str:
    return clean_text(text, MAX_VALUE_TEXT_CHARS)


def _clean_handle(hid: int, kind: str) -> Handle:
    return Handle(hid, clean_text(kind[: wire.MAX_TYPE_NAME_CHARS], MAX_ERROR_TYPE_CHARS))


def read_value(data: Any) -> Any:
    """A value from a worker's reply, in one walk: decoded and checked by the wire, every
    string in it cleaned (arrays and numbers are judged by the checks; strings could reach
    a message), and the type names of its handles. Raises wire.WireError."""
    return wire.Reader(handle=_clean_handle, text=_clean_value_text).read(data)
