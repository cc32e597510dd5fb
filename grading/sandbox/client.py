"""`StudentClient`: the Student protocol of grading.checks.suite, built on one `_ask` method.

It turns calls, lookups and graph programs into plain-data requests and checks the
replies; subclasses only say where a request goes (`RemoteStudent`: a sandboxed worker;
`LocalStudent`: this process, for the kit's own development). Replies are untrusted:
every field is type-checked here, and everything else the worker said (warnings, timings,
strings in values) is cleaned by grading.sandbox.untrusted before a check sees it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from grading.checks.suite import CallInfo, GraphResult, StudentError, StudentErrorKind
from grading.confined import wire
from grading.sandbox import untrusted
from grading.sandbox.stand_ins import Oracle, dotted_names, refuse
from grading.sandbox.workers import WorkerCrashed

Callback = Callable[[dict[str, Any]], dict[str, Any]]


class StudentClient:
    """The calls a hidden test makes; `_ask(target, request, timeout)` returns the reply."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.last = CallInfo()
        self.touched: set[str] = set()  # targets called since the grader last cleared it
        self.student_seconds = 0.0  # time spent in student code, as the worker measured it
        self.workers = 0  # workers started so far (handles do not outlive their worker)
        self._built_on: int | None = None  # `workers` when a graph's first build returned
        self.others = {}  # other parts' functions, watched in calls
        self.others_called: set[str] = set()  # of those, the ones the worker said it called
        self._oracle: Oracle | None = None  # open during a second run (`stand_ins`)

    @property
    def others(self) -> dict[str, tuple[str, ...]]:
        """{module: (name, ...)}: other parts' functions, watched in calls (or stood in for)."""
        return self._others

    @others.setter
    def others(self, functions: dict[str, tuple[str, ...]]) -> None:
        # what every request and reply needs of them, made once per check, not per request
        self._others = functions
        self._others_wire = {m: list(names) for m, names in functions.items()}
        self._others_known = dotted_names(functions)

    @contextmanager
    def stand_ins(self) -> Iterator[set[str]]:
        """A second run: during it, every call has the grader's functions stand in for
        `others` (grading.sandbox.stand_ins). Yields the set of "module.function"s the
        grader answered, filled as the run goes; after it, the grader answers none."""
        self._oracle = Oracle(self.others)
        try:
            yield self._oracle.answered
        finally:
            self._oracle.close()
            self._oracle = None

    def _with_others(
        self, request: dict[str, Any], probes: dict[str, wire.Probe] | None = None
    ) -> Callback:
        """Add the other parts' functions to `request` (watched, or in a second run stood
        in for) and return the answers to the worker's questions during it."""
        request["others"] = self._others_wire
        request["stand_in"] = self._oracle is not None
        if self._oracle is None:
            return _answers(probes or {}, refuse)
        self._oracle.new_request()
        return _answers(probes or {}, self._oracle.answer)

    def _heard(self, reply: dict[str, Any]) -> None:
        """Note which watched functions a reply (answer or error) says were called."""
        called = untrusted.clean_names(reply.get("others_called"), self._others_known)
        if called:
            self.others_called |= called

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
        self._heard(reply)
        self.student_seconds += untrusted.clean_seconds(reply.get("seconds"))
        return reply

    def call(self, target: str, *args: Any, timeout: float | None = None, **kwargs: Any) -> Any:
        request = {
            "op": "call",
            "target": target,
            "args": [wire.encode_value(a) for a in args],
            "kwargs": {k: wire.encode_value(v) for k, v in kwargs.items()},
        }
        probes = {a.name: a for a in (*args, *kwargs.values()) if isinstance(a, wire.Probe)}
        reply = self._reply(target, request, timeout, self._with_others(request, probes))
        report = untrusted.clean_call_report(reply)
        self.last = CallInfo(
            warnings=list(report.warnings),
            args_after=tuple(_decode(a) for a in _list(reply.get("args_after"))),
            seconds=report.seconds,
        )
        return _decode(reply.get("value"))

    def get(self, target: str) -> Any:
        reply = self._reply(target, {"op": "get", "target": target}, None)
        return _decode(reply.get("value"))

    def graph(
        self,
        value_class: str,
        ops: Sequence[tuple[Any, ...]],
        backward_from: int | None = -1,
        timeout: float | None = None,
        split: int | None = None,
    ) -> GraphResult:
        """Build `ops` with the student's scalar class `value_class` ("module.Class") in the
        worker (the nodes stay there as
        handles; with `split`, the first `split` nodes in one request and the rest, on
        top of them, in a second), then, in one more request, call `.backward()` on node
        `backward_from` through its handle and read every node's `.data` and `.grad`."""
        if split is None:
            return self.graphs(value_class, [ops], backward_from, timeout)[0]
        return self._on_one_worker(
            lambda: self._split_graph(value_class, ops, backward_from, timeout, split)
        )

    def _split_graph(
        self,
        value_class: str,
        ops: Sequence[tuple[Any, ...]],
        backward_from: int | None,
        timeout: float | None,
        split: int,
    ) -> GraphResult:
        first = self._build(value_class, [list(ops[:split])], timeout)[0]
        rest = [_operands(op, split, first) for op in ops[split:]]
        second = self._build(value_class, [rest], timeout)[0]
        backward = None
        if backward_from is not None:
            k = backward_from % len(ops)
            backward = {"H": first, "i": k} if k < split else {"H": second, "i": k - split}
        read = {"backward": backward, "graphs": [first, second]}
        return self._read(value_class, [read], [len(ops)], [first, second], timeout)[0]

    def graphs(
        self,
        value_class: str,
        programs: Sequence[Sequence[tuple[Any, ...]]],
        backward_from: int | None = -1,
        timeout: float | None = None,
    ) -> list[GraphResult]:
        """`graph` for several independent programs in two requests: all are built, then
        for each in turn backward is called (on its node `backward_from`) and its nodes
        are read."""
        return self._on_one_worker(
            lambda: self._graphs(value_class, programs, backward_from, timeout)
        )

    def _graphs(
        self,
        value_class: str,
        programs: Sequence[Sequence[tuple[Any, ...]]],
        backward_from: int | None,
        timeout: float | None,
    ) -> list[GraphResult]:
        gids = self._build(value_class, [list(ops) for ops in programs], timeout)
        reads = [
            {
                "backward": None
                if backward_from is None
                else {"H": g, "i": backward_from % len(ops)},
                "graphs": [g],
            }
            for g, ops in zip(gids, programs)
        ]
        return self._read(value_class, reads, [len(ops) for ops in programs], gids, timeout)

    def _on_one_worker(self, steps: Callable[[], Any]) -> Any:
        """`steps()`, a sequence of requests on the handles its first request makes; once
        more from the start when a later request failed on another worker than the one
        that made them (a new worker took over: the handles were gone)."""
        self._built_on = None
        try:
            return steps()
        except StudentError:
            if self._built_on is None or self._built_on == self.workers:
                raise
        return steps()

    def _build(
        self, value_class: str, programs: list[list[Any]], timeout: float | None
    ) -> list[int]:
        request = {"op": "graph", "target": value_class, "programs": programs}
        answers = self._with_others(request)
        gids = wire.decode_value(self._reply(value_class, request, timeout, answers).get("value"))
        if self._built_on is None:
            self._built_on = self.workers
        if type(gids) is not list or len(gids) != len(programs):
            raise _malformed(value_class)
        if not all(type(g) is int for g in gids):
            raise _malformed(value_class)
        return gids

    def _read(
        self,
        value_class: str,
        reads: list[dict[str, Any]],
        sizes: list[int],
        release: list[int],
        timeout: float | None,
    ) -> list[GraphResult]:
        request = {"op": "read", "target": value_class, "reads": reads, "release": release}
        answers = self._with_others(request)
        values = wire.decode_value(self._reply(value_class, request, timeout, answers).get("value"))
        if type(values) is not list or len(values) != len(reads):
            raise _malformed(value_class)
        results = []
        for value, n in zip(values, sizes):
            if type(value) is not dict or set(value) != {"data", "grad"}:
                raise _malformed(value_class)
            data, grad = _numbers(value["data"], n), _numbers(value["grad"], n)
            if data is None or grad is None:
                raise _malformed(value_class)
            results.append(GraphResult(data, grad))
        return results


_OPERANDS = {  # op name -> positions of its node operands (the rest are numbers)
    "value": (),
    "neg": (1,),
    "add": (1, 2),
    "sub": (1, 2),
    "mul": (1, 2),
    "add_const": (1,),
    "sub_const": (1,),
    "mul_const": (1,),
    "radd_const": (2,),
    "rsub_const": (2,),
    "rmul_const": (2,),
}


def _operands(op: tuple[Any, ...], base: int, first: int) -> list[Any]:
    """`op` for a request whose nodes start at node `base`: operands made by it become its
    indices, earlier ones nodes of the first request's handle `first` ({"H": id, "i": k})."""
    out = list(op)
    for pos in _OPERANDS.get(op[0], (1,)):
        k = out[pos]
        out[pos] = k - base if k >= base else {"H": first, "i": k}
    return out


def _answers(probes: dict[str, wire.Probe], stand_ins: Callback) -> Callback:
    """Answers to the worker's questions during a call: {"stand_in": ...} go to `stand_ins`
    (an open oracle, or a refusal); {"probe": name, "x": array} get f(x), evaluated here,
    for a probe of the call; any other question is a broken protocol."""

    def answer(question: dict[str, Any]) -> dict[str, Any]:
        if "stand_in" in question:
            return stand_ins(question)
        if not probes:
            raise WorkerCrashed("the worker broke the protocol (a question out of turn)")
        probe = probes.get(question.get("probe"))  # type: ignore[arg-type]
        if probe is None:
            return {"error": "no such function"}
        try:
            return {"value": probe.evaluate(wire.decode_value(question.get("x")))}
        except wire.WireError as exc:
            return {"error": str(exc)}

    return answer


def _decode(data: Any) -> Any:
    """A value from a reply: decoded (grading.confined.wire checks it) and its strings cleaned."""
    return untrusted.read_value(data)


def _malformed(value_class: str) -> StudentError:
    return StudentError(
        f"{value_class}: the worker sent a malformed answer", kind=StudentErrorKind.MALFORMED
    )


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
