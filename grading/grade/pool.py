"""The one way the kit starts processes that grade in parallel (`grade-all`, `mutants`).

`spawn`ed, never forked: a fork would copy the grader's threads and open files (the fork
server's channel) into each child. Children ignore Ctrl-C, so that only the parent decides
what an interrupt stops. What to do when a pool breaks stays with each caller.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor


def process_pool(workers: int, initializer: Callable[[], None]) -> ProcessPoolExecutor:
    """A pool of `workers` spawned processes, each running `initializer` (a module-level
    function) once it ignores Ctrl-C."""
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start,
        initargs=(initializer,),
    )


def _start(initializer: Callable[[], None]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    initializer()
