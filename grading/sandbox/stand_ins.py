"""The grader's functions standing in for a student's other parts during a check's second run.

When a check of one part fails and the student's code it ran called functions of the parts
before it, grading.grade.one_submission runs it again with those functions answered here,
by the reference solution (grading.checks.reference), so that a bug is charged in the part
it lives in. The worker holds only stand-ins that ask (grading.confined.worker); every
question comes here through the request under way, and is answered only while an `Oracle`
is open, only for its functions, at most MAX_STAND_IN_ANSWERS times per request. Caches
the reference returns (grading.checks.suite.returns_cache) stay here: the worker gets an
opaque `wire.GraderHandle`, resolved only by the oracle that made it.
"""

from __future__ import annotations

import itertools
import json
import warnings
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from grading.checks.reference import ref
from grading.checks.suite import cache_positions
from grading.confined import wire
from grading.confined.limits import (
    MAX_REASON_CHARS,
    MAX_REMEMBERED_ANSWERS,
    MAX_STAND_IN_ANSWERS,
)
from grading.sandbox import untrusted

NOT_NOW = "the grader answers for other parts' functions only in a test that uses them"
_CACHE_IDS = itertools.count(1)  # ids are never reused: a kept one is unknown to later oracles
KEPT_TYPES = ("ValueError", "TypeError")
"""Exception types a stand-in raises as the reference did (else ValueError), so a student's
`except ValueError` behaves the same."""


class Answers:
    """The grader's answers to questions asked before, in this process: the reference is a
    pure function of its arguments, and students whose code upstream of a bug is the same
    ask the same questions (training's XOR check: one per epoch). Keyed by the function's
    name and its arguments as sent, JSON and raw bytes (a question written differently is
    only a miss); at most MAX_REMEMBERED_ANSWERS, the least recently used dropped first.
    Only answers that hold no cache are kept (a cache belongs to one oracle)."""

    def __init__(self, size: int = MAX_REMEMBERED_ANSWERS) -> None:
        self.size = size
        self._kept: OrderedDict[tuple[str, bytes], Any] = OrderedDict()

    @staticmethod
    def key(question: dict[str, Any]) -> tuple[str, bytes] | None:
        """The key of a question, as the worker sent it (not yet checked): its JSON text,
        and the raw bytes of its arrays (wire.Payload); None when it may hold a grader
        handle (a cache). A question is checked and decoded by a pure function of these and
        the oracle's functions, so the same question asked of an oracle that knows its
        function is answered as it was the first time: one found here needs no second
        check."""
        data: list[bytes] = []

        def payload(obj: Any) -> int:
            if type(obj) is not wire.Payload:
                raise TypeError("not a wire value")
            if not data:
                data.append(obj.data)
            elif obj.data is not data[0]:
                raise TypeError("arrays of two messages")
            return obj.offset

        try:
            text = json.dumps(
                [question.get("stand_in"), question.get("args"), question.get("kwargs")],
                separators=(",", ":"),
                default=payload,
            )
        except TypeError:
            return None
        return None if '{"G":' in text else (text, data[0] if data else b"")

    def __len__(self) -> int:
        return len(self._kept)

    def get(self, key: tuple[str, bytes]) -> Any:
        """The encoded answer kept for `key`, or None."""
        found = self._kept.get(key)
        if found is not None:
            self._kept.move_to_end(key)
        return found

    def keep(self, key: tuple[str, bytes], encoded: Any) -> None:
        """Keep the encoded answer to the question of `key` (dropping the oldest past size)."""
        self._kept[key] = encoded
        if len(self._kept) > self.size:
            self._kept.popitem(last=False)


REMEMBERED = Answers()


def dotted_names(functions: Mapping[str, Sequence[str]]) -> frozenset[str]:
    """{"layers": ("dense_forward", ...)} as {"layers.dense_forward", ...}."""
    return frozenset(f"{m}.{n}" for m, names in functions.items() for n in names)


def refuse(question: dict[str, Any]) -> dict[str, Any]:
    """The answer to a stand-in question when no oracle is open: an error, never a value."""
    return {"error": NOT_NOW}


class Oracle:
    """Answers calls of `functions` ({module: (name, ...)}) with the reference, for one run
    of one check. `answered`: the "module.name"s it answered (the blame of that run)."""

    def __init__(self, functions: Mapping[str, Sequence[str]]) -> None:
        self.known = dotted_names(functions)
        self.answered: set[str] = set()
        self._caches: dict[int, Any] = {}
        self._answers = 0  # in the request under way
        self._open = True

    def new_request(self) -> None:
        """Start counting answers for a new request."""
        self._answers = 0

    def close(self) -> None:
        """Answer nothing more and forget every cache (their ids become errors)."""
        self._open = False
        self._caches.clear()

    def answer(self, question: dict[str, Any]) -> dict[str, Any]:
        """{"value": ...} for a question the worker asked, or {"error": text[, "type"]}."""
        if not self._open:
            return refuse(question)
        if self._answers >= MAX_STAND_IN_ANSWERS:
            return {"error": f"more than {MAX_STAND_IN_ANSWERS} calls of the grader's functions"}
        self._answers += 1
        name = question.get("stand_in")
        key = None
        if type(name) is str and name in self.known and not cache_positions(name):
            key = REMEMBERED.key(question)
        if key is not None and (remembered := REMEMBERED.get(key)) is not None:
            self.answered.add(name)
            return {"value": remembered}
        try:
            call = untrusted.clean_stand_in_call(question, self.known, self._caches)
        except untrusted.RefusedQuestion as exc:
            return {"error": str(exc)}
        module, _, name = call.name.partition(".")
        try:  # on the student's numbers: quietly (the grader's output is not theirs)
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                value = getattr(getattr(ref, module), name)(*call.args, **call.kwargs)
        except Exception as exc:  # noqa: BLE001 - the student's arguments may be anything
            kind = type(exc).__name__
            text = f"{call.name} (the grader's) raised {kind}: {exc}"[:MAX_REASON_CHARS]
            return {"error": text, "type": kind if kind in KEPT_TYPES else "ValueError"}
        self.answered.add(call.name)
        try:
            encoded = wire.encode_value(self._keep_caches(call.name, value))
        except wire.WireError as exc:  # not for the reference's values; kept as an answer
            return {"error": f"{call.name}: {exc}"}
        if key is not None:
            REMEMBERED.keep(key, encoded)
        return {"value": encoded}

    def _keep_caches(self, name: str, value: Any) -> Any:
        """`value` with the declared cache positions of a tuple replaced by grader handles."""
        positions = cache_positions(name)
        if not positions or type(value) is not tuple:
            return value
        out = list(value)
        for k in positions:
            if k < len(out):
                cid = next(_CACHE_IDS)
                self._caches[cid] = out[k]
                out[k] = wire.GraderHandle(cid)
        return tuple(out)
