"""`LocalStudent`: the Student protocol in-process, for developing the hidden suite.

It runs the package in THIS process (no isolation at all), through the same worker
session and wire format as the sandbox, so a check behaves the same as when graded.
Never use it on untrusted code. `python -m grading.grade.unsandboxed PACKAGE_PARENT` runs the suite
and prints PASS/FAIL per check.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

from grading.confined import wire, worker
from grading.course.assignment import assignment
from grading.sandbox.client import Callback, StudentClient
from grading.sandbox.sandboxed_student import student_error


class LocalStudent(StudentClient):
    """The student package (solution/assignment.toml) found in `package_parent`, imported
    in-process."""

    def __init__(self, package_parent: Path | str, seed: int = 0) -> None:
        super().__init__(seed)
        self.package = assignment().package
        forget_package(self.package)
        sys.path.insert(0, str(package_parent))
        importlib.invalidate_caches()
        self._session = worker.Session(self.package)

    def _ask(
        self,
        target: str,
        request: dict[str, Any],
        timeout: float | None,
        callback: Callback | None = None,
    ) -> dict[str, Any]:
        """Answer in this process, through the wire format both ways, like the worker;
        the worker's questions go to `callback` the same way."""

        def ask(question: dict[str, Any]) -> dict[str, Any]:
            if callback is None:
                raise ConnectionError("the grader did not answer")
            return _through_wire(callback(_through_wire(question)))

        self._session.ask = ask
        request = _through_wire(request)
        try:
            reply = self._session.handle(request)
        except Exception as exc:  # noqa: BLE001 - same as the worker's loop
            self._heard({"others_called": sorted(self._session.others.called)})
            raise student_error(target, worker.describe_exception(exc, self.package)) from None
        return _through_wire(reply)


def forget_package(package: str) -> None:
    """Drop `package` and its modules from sys.modules (the next import reads the files)."""
    for name in [m for m in sys.modules if m == package or m.startswith(f"{package}.")]:
        del sys.modules[name]


def _through_wire(message: dict[str, Any]) -> dict[str, Any]:
    return wire.unpack_body(wire.pack(message)[4:])


def main(argv: list[str]) -> int:
    """Run the hidden suite in-process on a package parent folder; print PASS/FAIL lines."""
    from grading.grade.one_submission import load_checks, run_checks

    student = LocalStudent(argv[0] if argv else "solution")
    results = run_checks(student, load_checks())
    for r in results:
        status = "PASS" if r.passed else "FAIL"
        print(
            f"{status} {r.number:>5} [{r.score:g}/{r.check.points:g}] {r.check.title}"
            + (f"\n        {r.message}" if r.message else "")
        )
    total = sum(r.score for r in results)
    print(
        f"{sum(r.passed for r in results)} passed, {sum(not r.passed for r in results)} failed;"
        f" score {total:g} / {sum(r.check.points for r in results):g}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
