"""`LocalStudent`: the Student protocol in-process, for developing the hidden suite.

It runs the package in THIS process (no isolation at all), through the same worker
session and wire format as the sandbox, so a check behaves the same as when graded.
Never use it on untrusted code. `python -m grading.local PACKAGE_PARENT` runs the suite
and prints PASS/FAIL per check.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from grading import wire, worker
from grading.remote import error_message
from grading.suite import CallInfo, GraphResult, StudentError


class LocalStudent:
    """The package `nnbasics` found in `package_parent`, imported in-process."""

    def __init__(self, package_parent: Path | str, seed: int = 0) -> None:
        for name in [m for m in sys.modules if m == "nnbasics" or m.startswith("nnbasics.")]:
            del sys.modules[name]
        sys.path.insert(0, str(package_parent))
        importlib.invalidate_caches()
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.last = CallInfo()
        self.touched: set[str] = set()
        self._session = worker.Session()

    def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        self.touched.add(str(request["target"]))
        request = wire.unpack_body(wire.pack(request)[4:])
        try:
            reply = self._session.handle(request)
        except Exception as exc:  # noqa: BLE001 - same as the worker's loop
            info = worker.describe_exception(exc)
            raise StudentError(error_message(str(request.get("target")), info)) from None
        return wire.unpack_body(wire.pack(reply)[4:])

    def call(self, target: str, *args: Any, timeout: float | None = None, **kwargs: Any) -> Any:
        reply = self._ask(
            {
                "op": "call",
                "target": target,
                "args": [wire.encode_value(a) for a in args],
                "kwargs": {k: wire.encode_value(v) for k, v in kwargs.items()},
            }
        )
        self.last = CallInfo(
            reply["warnings"],
            tuple(wire.decode_value(a) for a in reply["args_after"]),
            reply["seconds"],
        )
        return wire.decode_value(reply["value"])

    def get(self, target: str) -> Any:
        return wire.decode_value(self._ask({"op": "get", "target": target})["value"])

    def graph(
        self,
        ops: Sequence[tuple[Any, ...]],
        backward_from: int | None = -1,
        timeout: float | None = None,
    ) -> GraphResult:
        ops_data = [[wire.encode_value(x) for x in op] for op in ops]
        value = wire.decode_value(
            self._ask(
                {
                    "op": "graph",
                    "target": "graph.Value",
                    "ops": ops_data,
                    "backward_from": backward_from,
                }
            )["value"]
        )
        return GraphResult(value["data"], value["grad"])


def main(argv: list[str]) -> int:
    """Run the hidden suite in-process on a package parent folder; print PASS/FAIL lines."""
    from grading.grader import load_checks, run_checks

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
