"""`RemoteStudent`: the `Student` of grading.suite, backed by sandboxed worker processes.

Calls are sent to a worker; a crash or a timeout fails the call that caused it and the
next call starts a fresh worker. A call that fails on a worker that had served other
calls is tried again on a fresh one first, so that it pays only for its own code. A
function that timed out once is not called again (each later call fails at once), so a
hanging submission cannot stretch grading time.
"""

from __future__ import annotations

import time
from typing import Any

from grading.client import Callback, StudentClient
from grading.sandbox import Worker, WorkerConfig, WorkerCrashed, WorkerGone
from grading.suite import StudentError


class RemoteStudent(StudentClient):
    """The submission behind a trust boundary; see grading.suite.Student."""

    def __init__(self, config: WorkerConfig, seed: int, budget_seconds: float = 300.0) -> None:
        super().__init__(seed)
        self.config = config
        self.output = bytearray()
        self.notes: set[str] = set()  # what workers said of their confinement
        self._worker: Worker | None = None
        self._timed_out: dict[str, str] = {}
        self._deadline = time.monotonic() + budget_seconds

    # -- plumbing -------------------------------------------------------------------------

    def _ask(
        self,
        target: str,
        request: dict[str, Any],
        timeout: float | None,
        callback: Callback | None = None,
    ) -> dict[str, Any]:
        name = target
        if target in self._timed_out:
            raise StudentError(self._timed_out[target])
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise StudentError("grading time for this submission ran out before this test")
        timeout = min(timeout or self.config.limits.call_timeout, left)
        try:
            reply = self._request(request, timeout, callback)
        except TimeoutError:
            self._stop_worker()
            message = f"{name} did not finish within {timeout:g} s (an endless loop?)"
            self._timed_out[target] = message
            raise StudentError(message) from None
        except WorkerCrashed as exc:
            self._stop_worker()
            raise StudentError(f"{name} crashed the process: {exc}") from None
        if reply.get("ok") is True:
            return reply
        raise StudentError(error_message(name, reply.get("error")))

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
            self.notes.update(self._worker.notes or [])
            self._worker.kill()
            self.output += self._worker.output
            self._worker = None

    def close(self) -> None:
        """Stop the worker; nothing it started survives."""
        self._stop_worker()


def error_message(name: str, error: Any) -> str:
    """`dense_forward raised ValueError: ... (nnbasics/layers.py, line 12)` from a reply."""
    if type(error) is not dict:
        return f"{name} failed"
    kind = str(error.get("type", "Error"))[:80]
    message = str(error.get("message", ""))[:400]
    where = str(error.get("where", ""))[:120]
    suffix = f" ({where})" if where else ""
    if kind == "NotImplementedError":
        return f"{name} is not implemented yet{suffix}"
    if kind in ("ModuleNotFoundError", "SyntaxError", "IndentationError", "ImportError"):
        module = name.split(".")[0]
        return f"nnbasics/{module}.py could not be imported: {kind}: {message}{suffix}"
    if kind == "AttributeError" and "has no" in message:
        return f"{message}"
    return f"{name} raised {kind}: {message}{suffix}"
