"""A process pool in which a process that dies costs only the task it held.

concurrent.futures' ProcessPoolExecutor shares one call queue and one result queue, and
their locks, between all its processes: a process SIGKILLed while it holds one (during
start-up, or while it sends a result) can leave the whole pool waiting forever (it did,
once in three runs of tests/grade/test_batch.py). Here every process has a pipe of its
own that no other process touches, and the parent waits on all pipes and all process
sentinels at once, with a deadline per task. So whenever a process dies (killed, out of
memory, crashed at start-up or mid-reply) or overruns its deadline, the parent learns it
at once, kills it, reports that one task as lost, and starts a fresh process for the
tasks still waiting; nothing another process does can block the parent.

Processes are `spawn`ed: `task` and `initializer` must be importable module-level
functions, and the arguments and results picklable. A script that uses the pool must do
so under `if __name__ == "__main__":`.

With `pin_to_cpus`, each process (and everything it starts) runs on one CPU of those this
process may use, the one the fewest running processes have (a replacement takes the
place of the process it replaces). A grading process and its sandboxed worker take turns,
one waiting while the other runs, so on one CPU they lose no parallelism, and each of the
hundreds of round trips of a grade wakes a process that is on the same CPU: no wake-up of
another CPU, and caches still warm. Where another CPU is idle, a round trip then costs
about a quarter less CPU time; where every CPU is busy, the scheduler mostly keeps the
two together already, and the gain is small.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

from grading.confined.limits import POOL_STOP_GRACE_SECONDS as STOP_GRACE_SECONDS


@dataclass(frozen=True)
class Lost:
    """A task whose process died or overran its deadline before it replied; `reason` is
    one line for the user ("killed by signal 9", "no reply within 600 s")."""

    reason: str


@dataclass
class _Process:
    """One pool process, its end of its own pipe, and the task it holds (if any)."""

    process: BaseProcess
    conn: Connection
    cpu: int | None = None  # the one CPU it runs on (`pin_to_cpus`)
    key: Hashable | None = None
    deadline: float = field(default=float("inf"))  # time.monotonic() by which it must reply


def run_tasks(
    task: Callable[..., Any],
    arguments: dict[Hashable, tuple[Any, ...]],
    *,
    processes: int,
    deadline_seconds: float,
    initializer: Callable[[], None] | None = None,
    pin_to_cpus: bool = False,
) -> Iterator[tuple[Hashable, Any]]:
    """`(key, task(*arguments[key]))` for every key, computed on at most `processes`
    spawned processes (each runs `initializer()` once first; with `pin_to_cpus`, each on
    one CPU: see the module's docstring), yielded as each finishes;
    `(key, Lost(reason))` for a task whose process died, or did not reply within
    `deadline_seconds` of receiving it. An exception `task` raises is not caught: it
    ends its process, so the task is Lost. Every process is gone when the iterator ends,
    is closed, or raises."""
    if processes < 1:
        raise ValueError("processes must be at least 1")
    context = multiprocessing.get_context("spawn")
    waiting = list(arguments)
    running: list[_Process] = []
    try:
        while waiting or any(p.key is not None for p in running):
            for proc in running:  # give idle processes work
                if proc.key is None and waiting:
                    _assign(proc, waiting.pop(0), arguments, deadline_seconds)
            while waiting and len(running) < processes:
                key = waiting.pop(0)
                cpu = _least_used_cpu(running) if pin_to_cpus else None
                try:
                    proc = _start(context, task, initializer, cpu)
                except OSError as exc:  # it died before it read its start-up data
                    yield key, Lost(f"it died while starting ({type(exc).__name__})")
                    continue
                running.append(proc)
                _assign(proc, key, arguments, deadline_seconds)
            busy = [p for p in running if p.key is not None]
            if not busy:  # every task left failed to start
                continue
            soonest = min(p.deadline for p in busy)
            ready = wait(
                [p.conn for p in busy] + [p.process.sentinel for p in running],
                timeout=max(0.0, soonest - time.monotonic()),
            )
            for proc in list(running):
                outcome = _collect(proc, ready, deadline_seconds)
                if outcome is None:
                    continue
                key = proc.key
                if isinstance(outcome, Lost):
                    _end(proc)
                    running.remove(proc)
                proc.key, proc.deadline = None, float("inf")
                if key is not None:
                    yield key, outcome
    finally:
        for proc in running:
            _end(proc)


def _least_used_cpu(running: list[_Process]) -> int | None:
    """The CPU this process may use that the fewest of `running` are pinned to (the lowest
    on a tie); None where CPUs cannot be chosen."""
    if not hasattr(os, "sched_getaffinity"):
        return None
    cpus = sorted(os.sched_getaffinity(0))
    return min(cpus, key=lambda cpu: (sum(p.cpu == cpu for p in running), cpu))


def _start(
    context: Any,
    task: Callable[..., Any],
    initializer: Callable[[], None] | None,
    cpu: int | None = None,
) -> _Process:
    ours, theirs = context.Pipe(duplex=True)
    process = context.Process(target=_serve, args=(theirs, task, initializer, cpu), daemon=True)
    try:
        process.start()  # BrokenPipeError if it is killed before it reads what it is sent
    except OSError:
        ours.close()
        raise
    finally:
        theirs.close()  # only the child holds its end: its death reads as end-of-file here
    return _Process(process, ours, cpu)


def _assign(
    proc: _Process, key: Hashable, arguments: dict[Hashable, tuple[Any, ...]], seconds: float
) -> None:
    """Hand `key`'s task to an idle process. A process that died meanwhile cannot take it:
    the send fails (or lands in a pipe nobody reads) and its sentinel reports the loss."""
    proc.key, proc.deadline = key, time.monotonic() + seconds
    try:
        proc.conn.send(arguments[key])
    except OSError:  # BrokenPipeError: already dead; `_collect` sees the sentinel
        pass


def _collect(proc: _Process, ready: list[Any], deadline_seconds: float) -> Any:
    """This process's news: its task's result, a Lost (it died, or it overran its
    deadline), or None (nothing yet; or it died idle, which is also a Lost)."""
    if proc.conn in ready:
        try:
            return proc.conn.recv()
        except (EOFError, OSError):  # it died before or while replying
            return Lost(_death(proc))
    if proc.process.sentinel in ready:
        return Lost(_death(proc))
    if proc.key is not None and time.monotonic() >= proc.deadline:
        return Lost(f"no reply within {deadline_seconds:g} s")
    return None


def _death(proc: _Process) -> str:
    proc.process.join(timeout=STOP_GRACE_SECONDS)
    code = proc.process.exitcode
    if code is None:
        return "its pipe closed while it still ran"
    return f"killed by signal {-code}" if code < 0 else f"exited with status {code}"


def _end(proc: _Process) -> None:
    """Stop the process: ask an idle one to exit, kill one that does not (or is busy)."""
    if proc.key is None and proc.process.is_alive():
        try:
            proc.conn.send(None)
        except OSError:
            pass
        proc.process.join(timeout=STOP_GRACE_SECONDS)
    if proc.process.is_alive():
        proc.process.kill()
        proc.process.join()
    proc.conn.close()
    proc.process.close()


def _serve(
    conn: Connection,
    task: Callable[..., Any],
    initializer: Callable[[], None] | None,
    cpu: int | None = None,
):
    """In a pool process: move to `cpu` (if given), run `initializer`, then `task(*args)`
    for each `args` received, sending back each result, until told to stop (None) or the
    parent is gone. Ctrl-C is the parent's to handle: it stops the pool, which ends this
    process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if cpu is not None:
        try:  # before any thread or child starts: they inherit it
            os.sched_setaffinity(0, {cpu})
        except OSError:  # that CPU was taken away meanwhile: run anywhere
            pass
    if initializer is not None:
        initializer()
    while True:
        try:
            args = conn.recv()
        except (EOFError, OSError):
            return
        if args is None:
            return
        conn.send(task(*args))
