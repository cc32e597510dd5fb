"""`RemoteStudent`: the `Student` of grading.checks.suite, backed by sandboxed worker processes.

Calls are sent to a worker; a crash or a timeout fails the call that caused it and the
next call starts a fresh worker. A call that fails on a worker that had served other
calls is tried again on a fresh one first, so that it pays only for its own code. A
function that timed out once is not called again (each later call fails at once), so a
hanging submission cannot stretch grading time. A check's second run, with the grader's
functions standing in for other parts (grading.sandbox.stand_ins), gives each call
SECOND_RUN_TIMEOUT_FACTOR times its time for the round trips. A worker that held stand-ins
for some functions serves a later request only if the grader answers for all of those
then too (a second run of the same or a later part), else it is stopped first: no worker
that held them serves a first run, or a check of a part they belong to.
"""

from __future__ import annotations

import re
import time
from typing import Any

from grading.checks.suite import StudentError, StudentErrorKind
from grading.confined.limits import BUDGET_SECONDS, SECOND_RUN_TIMEOUT_FACTOR
from grading.course.assignment import assignment
from grading.results.failure import Failure
from grading.sandbox import untrusted
from grading.sandbox.client import Callback, StudentClient
from grading.sandbox.workers import Worker, WorkerConfig, WorkerCrashed, WorkerGone


class RemoteStudent(StudentClient):
    """The submission behind a trust boundary; see grading.checks.suite.Student."""

    def __init__(
        self, config: WorkerConfig, seed: int, budget_seconds: float = BUDGET_SECONDS
    ) -> None:
        super().__init__(seed)
        self.config = config
        self._output = bytearray()  # raw, as printed: read it through printed_output()
        self.notes: set[str] = set()  # what workers said of their confinement
        self._worker: Worker | None = None
        self._timed_out: dict[str, str] = {}
        self._held: frozenset[str] = frozenset()  # stand-ins the current worker has held
        self._deadline = time.monotonic() + budget_seconds

    # -- plumbing -------------------------------------------------------------------------

    def _ask(
        self,
        target: str,
        request: dict[str, Any],
        timeout: float | None,
        callback: Callback | None = None,
    ) -> dict[str, Any]:
        allowed = self._oracle.known if self._oracle is not None else frozenset()
        if not self._held <= allowed:
            self._stop_worker()
        try:
            return self._answer(target, request, timeout, callback)
        finally:
            if self._worker is not None:
                self._held |= allowed

    def _answer(
        self,
        target: str,
        request: dict[str, Any],
        timeout: float | None,
        callback: Callback | None,
    ) -> dict[str, Any]:
        name = target
        if target in self._timed_out:
            raise StudentError(self._timed_out[target], kind=StudentErrorKind.TIMED_OUT)
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise StudentError(
                "grading time for this submission ran out before this test",
                kind=StudentErrorKind.TIMED_OUT,
            )
        timeout = timeout or self.config.limits.call_timeout
        if self._oracle is not None:
            timeout *= SECOND_RUN_TIMEOUT_FACTOR
        timeout = min(timeout, left)
        try:
            reply = self._request(request, timeout, callback)
        except TimeoutError:
            self._stop_worker()
            message = f"{name} did not finish within {timeout:g} s (an endless loop?)"
            if self._oracle is None:  # a second run's timeout may be its round trips' doing
                self._timed_out[target] = message
            raise StudentError(message, kind=StudentErrorKind.TIMED_OUT) from None
        except WorkerCrashed as exc:
            self._stop_worker()
            raise crash_error(name, str(exc)) from None
        if reply.get("ok") is True:
            return reply
        self._heard(reply)
        raise student_error(name, reply.get("error"))

    def _request(
        self, request: dict[str, Any], timeout: float, callback: Callback | None
    ) -> dict[str, Any]:
        """The reply to `request`, blaming a failure on this call only when a worker on
        which nothing else ran fails too. A worker that served earlier requests may have
        been broken by their code (a thread left running, a replaced serve loop, an
        unread request), so such a failure is tried again, once, on a fresh worker."""
        worker = self._ensure_worker()
        try:
            return worker.request(request, timeout, callback)
        except (TimeoutError, WorkerCrashed) as exc:
            if not (isinstance(exc, WorkerGone) or worker.requests > 1):
                raise
        self._stop_worker()
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        return self._ensure_worker().request(request, min(timeout, left), callback)

    def _ensure_worker(self) -> Worker:
        if self._worker is None:
            self._worker = Worker(self.config)
            self.workers += 1
        return self._worker

    def _stop_worker(self) -> None:
        if self._worker is not None:
            self.notes.update(untrusted.clean_notes(self._worker.notes))
            self._worker.kill()
            self._held = frozenset()
            room = self.config.limits.output_bytes - len(self._output)  # over all workers
            self._output += self._worker.output[: max(room, 0)]
            self._worker = None

    def close(self) -> None:
        """Stop the worker; nothing it started survives."""
        self._stop_worker()

    def printed_output(self) -> str:
        """What the submission printed (every worker's, the first output_bytes), cleaned."""
        return untrusted.clean_output(self._output)


_PLAIN_WORDS = re.compile(r"[A-Za-z0-9 (),.:?_-]*")


def crash_error(name: str, detail: str) -> StudentError:
    """`name crashed the process: <why>`. The why is grading.sandbox.workers's own words, but a
    protocol error may quote a bit of the reply (a dtype): anything beyond plain words
    goes in the student's field."""
    if _PLAIN_WORDS.fullmatch(detail):
        return StudentError(f"{name} crashed the process: {detail}", kind=StudentErrorKind.CRASHED)
    said = untrusted.clean_text(detail, untrusted.MAX_MESSAGE_CHARS)
    return StudentError(
        Failure(f"{name} crashed the process", student_text=said), kind=StudentErrorKind.CRASHED
    )


IMPORT_ERRORS = ("ModuleNotFoundError", "SyntaxError", "IndentationError", "ImportError")


def student_error(name: str, error: Any) -> StudentError:
    """The verdict on a failed reply to a call of `name` ("layers.dense_forward"): the
    grader's summary ("layers.dense_forward raised ValueError"), and the exception's message
    as student text, after grading.sandbox.untrusted cleaned it."""
    fault = untrusted.clean_fault(error)
    if fault is None:
        return StudentError(f"{name} failed", kind=StudentErrorKind.CRASHED)
    module, _, attr = name.partition(".")
    package = assignment().package
    text, where = fault.message, fault.where
    if fault.kind == "NotImplementedError":
        return StudentError(
            Failure(f"{name} is not implemented yet", where=where),
            kind=StudentErrorKind.NOT_IMPLEMENTED,
        )
    if fault.kind in IMPORT_ERRORS:
        summary = f"{package}/{module}.py could not be imported: {fault.kind}"
        failure = Failure(summary, student_text=text, where=where)
        return StudentError(failure, StudentErrorKind.IMPORT_FAILED, fault.kind)
    if fault.kind == "AttributeError" and text == f"{package}/{module}.py has no {attr!r}":
        # exactly the worker's lookup words
        return StudentError(text, kind=StudentErrorKind.MISSING_NAME)
    summary = f"{name} raised {fault.kind}"
    failure = Failure(summary, student_text=text, where=where)
    return StudentError(failure, StudentErrorKind.RAISED, fault.kind)
