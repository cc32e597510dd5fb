"""`StudentClient`: the Student protocol of grading.suite, built on one `_ask` method.

It turns calls, lookups and graph programs into plain-data requests and checks the
replies; subclasses only say where a request goes (`RemoteStudent`: a sandboxed worker;
`LocalStudent`: this process, for the kit's own development). Replies are untrusted:
every field is type-checked here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from grading import wire
from grading.suite import CallInfo, GraphResult, StudentError

Callback = Callable[[dict[str, Any]], dict[str, Any]]


class StudentClient:
    """The calls a hidden test makes; `_ask(target, request, timeout)` returns the reply."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.last = CallInfo()
        self.touched: set[str] = set()  # targets called since the grader last cleared it
        self.student_seconds = 0.0  # time spent in student code, as the worker measured it

    def _ask(
        self,
        target: str,
        request: dict[str, Any],
        timeout: float | None,
        callback: Callback | None = None,
    ) -> dict[str, Any]:
        """The worker's reply to `request`; `callback(question) -> answer` answers the
        questions the worker asks while it runs (probe evaluations)."""
        raise NotImplementedError

    def _reply(
        self,
        target: str,
        request: dict[str, Any],
        timeout: float | None,
        callback: Callback | None = None,
    ) -> dict[str, Any]:
        self.touched.add(target)
        reply = self._ask(target, request, timeout, callback)
        if type(reply.get("seconds")) is float:
            self.student_seconds += reply["seconds"]
        return reply

    def call(self, target: str, *args: Any, timeout: float | None = None, **kwargs: Any) -> Any:
        request = {
            "op": "call",
            "target": target,
            "args": [wire.encode_value(a) for a in args],
            "kwargs": {k: wire.encode_value(v) for k, v in kwargs.items()},
        }
        probes = {a.name: a for a in (*args, *kwargs.values()) if isinstance(a, wire.Probe)}
        callback = _probe_answers(probes) if probes else None
        reply = self._reply(target, request, timeout, callback)
        self.last = CallInfo(
            warnings=[str(w) for w in _list(reply.get("warnings"))],
            args_after=tuple(wire.decode_value(a) for a in _list(reply.get("args_after"))),
            seconds=float(reply["seconds"]) if type(reply.get("seconds")) is float else 0.0,
        )
        return wire.decode_value(reply.get("value"))

    def get(self, target: str) -> Any:
        reply = self._reply(target, {"op": "get", "target": target}, None)
        return wire.decode_value(reply.get("value"))

    def graph(
        self,
        ops: Sequence[tuple[Any, ...]],
        backward_from: int | None = -1,
        timeout: float | None = None,
    ) -> GraphResult:
        request = {
            "op": "graph",
            "target": "graph.Value",
            "ops": list(ops),  # tuples of names, indices and numbers: plain JSON arrays
            "backward_from": backward_from,
        }
        reply = self._reply("graph.Value", request, timeout)
        value = wire.decode_value(reply.get("value"))
        if type(value) is not dict or set(value) != {"data", "grad"}:
            raise StudentError("graph.Value: the worker sent a malformed answer")
        data, grad = _numbers(value["data"], len(ops)), _numbers(value["grad"], len(ops))
        if data is None or grad is None:
            raise StudentError("graph.Value: the worker sent a malformed answer")
        return GraphResult(data, grad)


def _probe_answers(probes: dict[str, wire.Probe]) -> Callback:
    """Answers to the worker's {"probe": name, "x": array}: f(x), evaluated here."""

    def answer(question: dict[str, Any]) -> dict[str, Any]:
        probe = probes.get(question.get("probe"))  # type: ignore[arg-type]
        if probe is None:
            return {"error": "no such function"}
        try:
            return {"value": probe.evaluate(wire.decode_value(question.get("x")))}
        except wire.WireError as exc:
            return {"error": str(exc)}

    return answer


def _list(value: Any) -> list[Any]:
    return value if type(value) is list else []


def _numbers(arrays: Any, n: int) -> list[float | None] | None:
    """The n numbers of a worker's `number_arrays` (None where unknown), or None when
    the reply does not hold exactly that."""
    if type(arrays) is not dict or set(arrays) != {"values", "known"}:
        return None
    values, known = arrays["values"], arrays["known"]
    shapes_ok = all(isinstance(a, np.ndarray) and a.shape == (n,) for a in (values, known))
    if not shapes_ok or values.dtype != np.float64 or known.dtype != np.bool_:
        return None
    numbers: list[float | None] = values.tolist()
    for i in np.flatnonzero(~known).tolist():
        numbers[i] = None
    return numbers
