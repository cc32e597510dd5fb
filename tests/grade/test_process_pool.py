"""The crash-safe process pool: a process that dies at any moment, or overruns its
deadline, costs only its own task, and the pool never waits forever."""

from __future__ import annotations

import os
import signal
import time

import pytest
from support import spawned_children

from grading.grade.process_pool import Lost, run_tasks

STARTUP_FLAG = "TEST_POOL_DIE_AT_START"


def square_or_die(n: int) -> int:
    """n squared; n < 0 SIGKILLs its own process (as the OOM killer would)."""
    if n < 0:
        os.kill(os.getpid(), signal.SIGKILL)
    return n * n


def sleep_then_square(n: int, seconds: float) -> int:
    time.sleep(seconds)
    return n * n


def die_at_start() -> None:
    """An initializer that kills its process, as a SIGKILL during start-up would."""
    if os.environ.get(STARTUP_FLAG):
        os.kill(os.getpid(), signal.SIGKILL)


def results(*args, **kwargs) -> dict:
    started = time.monotonic()
    got = dict(run_tasks(*args, **kwargs))
    assert time.monotonic() - started < 60
    return got


def test_every_task_gets_its_result():
    got = results(square_or_die, {n: (n,) for n in range(6)}, processes=2, deadline_seconds=60)
    assert got == {n: n * n for n in range(6)}


def test_a_killed_process_costs_only_its_own_task():
    tasks = {"a": (2,), "dies": (-1,), "b": (3,), "c": (4,)}
    got = results(square_or_die, tasks, processes=2, deadline_seconds=60)
    assert got == {"a": 4, "dies": Lost("killed by signal 9"), "b": 9, "c": 16}


def test_processes_killed_while_starting_lose_their_tasks_without_a_hang(monkeypatch):
    monkeypatch.setenv(STARTUP_FLAG, "1")
    got = results(
        square_or_die,
        {n: (n,) for n in range(3)},
        processes=2,
        deadline_seconds=60,
        initializer=die_at_start,
    )
    assert got == dict.fromkeys(range(3), Lost("killed by signal 9"))


def test_a_task_past_its_deadline_is_lost_and_its_process_killed():
    tasks = {"slow": (1, 30.0), "quick": (2, 0.0)}
    started = time.monotonic()
    got = results(sleep_then_square, tasks, processes=2, deadline_seconds=3)
    assert got == {"slow": Lost("no reply within 3 s"), "quick": 4}
    assert time.monotonic() - started < 20


def test_closing_the_pool_early_ends_every_process():
    tasks = {"quick": (1, 0.0), "slow": (2, 30.0), "slower": (3, 60.0)}
    pool = run_tasks(sleep_then_square, tasks, processes=2, deadline_seconds=120)
    assert next(pool) == ("quick", 1)
    pool.close()
    assert spawned_children() == []


def test_processes_must_be_positive():
    with pytest.raises(ValueError, match="^processes must be at least 1$"):
        next(run_tasks(square_or_die, {1: (1,)}, processes=0, deadline_seconds=1))


def cpus_after(seconds: float, die: bool = False) -> list[int]:
    """The CPUs this process may run on, after `seconds`; `die` SIGKILLs it first."""
    if die:
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(seconds)
    return sorted(os.sched_getaffinity(0))


ALLOWED = sorted(os.sched_getaffinity(0))
# pinned or not is the same on one CPU; one process per CPU and one more must stay cheap
some_cpus = pytest.mark.skipif(not 2 <= len(ALLOWED) <= 8, reason="needs 2 to 8 CPUs")


@some_cpus
def test_pinned_processes_each_get_a_cpu_of_their_own_while_cpus_last():
    n = len(ALLOWED)
    tasks = {k: (1.0,) for k in range(n)}  # each busy while the others start
    got = results(cpus_after, tasks, processes=n, deadline_seconds=60, pin_to_cpus=True)
    assert got == {k: [ALLOWED[k]] for k in range(n)}


@some_cpus
def test_more_processes_than_cpus_share_them_evenly():
    n = len(ALLOWED) + 1
    got = results(
        cpus_after,
        {k: (1.0,) for k in range(n)},
        processes=n,
        deadline_seconds=60,
        pin_to_cpus=True,
    )
    assert [cpus for k, cpus in sorted(got.items())] == [[c] for c in [*ALLOWED, ALLOWED[0]]]


@some_cpus
def test_a_replacement_process_takes_the_cpu_of_the_one_that_died():
    tasks = {"dies": (0.0, True), "busy": (3.0,), "next": (0.0,)}
    got = results(cpus_after, tasks, processes=2, deadline_seconds=60, pin_to_cpus=True)
    assert got == {"dies": Lost("killed by signal 9"), "busy": [ALLOWED[1]], "next": [ALLOWED[0]]}


@some_cpus
def test_unpinned_processes_run_on_every_cpu_the_parent_may_use():
    got = results(cpus_after, {"a": (0.0,)}, processes=1, deadline_seconds=60)
    assert got == {"a": ALLOWED}
