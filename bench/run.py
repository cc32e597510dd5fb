"""nnkit's benchmark: prints its figures (run it with `make bench`).

(a) `nnkit grade` on one submission against `otter run` on an equivalent one-question
    otter assignment, same machine, same run: medians and their ratio.
(b) `nnkit grade-all` on a synthetic class (correct, buggy and hostile submissions mixed):
    wall time, seconds per submission, peak memory of the whole process tree, and the
    grading overhead (time not spent in student code) per submission.
(c) Gradescope's `run_autograder` pinned to one CPU: wall time and peak memory.

Targets (issue 4): (a) at least 6x faster than otter; (b) at most 0.12 s per submission
on 2 cores; (c) at most 10 s and 400 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

KIT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SOLUTION = KIT / "solution" / "nnbasics"
BUGGY = KIT / "samples" / "submissions"
HOSTILE = KIT / "tests" / "hostile" / "cases"
# Hostile cases that finish quickly (the ones that hang cost their timeout, by design).
QUICK_HOSTILE = (
    "sys_exit_call",
    "os_exit_call",
    "numpy_patch",
    "liar_object",
    "fork_bomb",
    "worker_tamper",
    "stack_inspect",
    "read_kit_files",
    "results_overwrite",
)


class PeakMemory:
    """Samples the resident memory of a process and all its descendants every 20 ms."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak_kb, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kb = max(self.peak_kb, _tree_rss_kb(self.pid))
            time.sleep(0.02)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak_kb / 1024


def _tree_rss_kb(root: int) -> int:
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def timed(command: list[str], **kwargs) -> tuple[float, float, subprocess.CompletedProcess]:
    """(wall seconds, peak MB of the process tree, finished process)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs
    )
    memory = PeakMemory(proc.pid)
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    return seconds, memory.stop(), subprocess.CompletedProcess(command, proc.returncode, out, err)


def median_of(runs: int, command: list[str], **kwargs) -> float:
    times = []
    for _ in range(runs):
        seconds, _mb, proc = timed(command, **kwargs)
        if proc.returncode != 0:
            raise SystemExit(f"bench: {' '.join(command)} failed:\n{proc.stderr[-2000:]}")
        times.append(seconds)
    return statistics.median(times)


# -- (a) one submission against otter ------------------------------------------------------

OTTER_MASTER = {
    "cells": [
        {
            "cell_type": "raw",
            "metadata": {},
            "source": [
                "# ASSIGNMENT CONFIG\n",
                "name: sigmoid\n",
                "tests:\n",
                "  ok_format: false\n",
                "generate: true\n",
                "files: []\n",
            ],
        },
        {
            "cell_type": "code",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": ["import numpy as np"],
        },
        {
            "cell_type": "raw",
            "metadata": {},
            "source": ["# BEGIN QUESTION\n", "name: q1\n", "points: 10\n"],
        },
        {
            "cell_type": "code",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": [
                "def sigmoid(z):\n",
                "    # BEGIN SOLUTION\n",
                "    z = np.asarray(z, dtype=float)\n",
                "    e = np.exp(-np.abs(z))\n",
                "    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))\n",
                "    # END SOLUTION\n",
            ],
        },
        {"cell_type": "raw", "metadata": {}, "source": ["# BEGIN TESTS\n"]},
        {
            "cell_type": "code",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": [
                "def test_half(sigmoid):\n",
                "    import numpy as np\n",
                "    assert np.isclose(sigmoid(0.0), 0.5)\n",
                "\n",
                "test_half(sigmoid)",
            ],
        },
        {
            "cell_type": "code",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": [
                "# HIDDEN\n",
                "def test_extremes(sigmoid):\n",
                "    import numpy as np\n",
                "    assert np.allclose(sigmoid(np.array([-1e4, 1e4])), [0, 1])\n",
                "\n",
                "test_extremes(sigmoid)",
            ],
        },
        {"cell_type": "raw", "metadata": {}, "source": ["# END TESTS\n"]},
        {"cell_type": "raw", "metadata": {}, "source": ["# END QUESTION\n"]},
    ],
    "metadata": {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}


def bench_one(runs: int, work: Path) -> dict[str, float | None]:
    nnkit = median_of(
        runs,
        [
            str(BIN / "nnkit"),
            "grade",
            str(SOLUTION.parent),
            "--quiet",
            "--results",
            str(work / "r.json"),
        ],
    )
    otter_bin = BIN / "otter"
    if not otter_bin.exists():
        print("  otter-grader is not installed here (make bench installs it): skipped")
        return {"nnkit_s": nnkit, "otter_s": None}
    master = work / "otter" / "sigmoid.ipynb"
    master.parent.mkdir(parents=True)
    master.write_text(json.dumps(OTTER_MASTER))
    dist = work / "otter" / "dist"
    proc = subprocess.run(
        [str(otter_bin), "assign", str(master), str(dist)],
        capture_output=True,
        text=True,
        cwd=master.parent,
    )
    if proc.returncode != 0:
        raise SystemExit(f"bench: otter assign failed:\n{proc.stderr[-2000:]}")
    zips = sorted((dist / "autograder").glob("*.zip"))
    submission = dist / "autograder" / "sigmoid.ipynb"  # the solution notebook
    (work / "otter-out").mkdir()
    otter = median_of(
        runs,
        [
            str(otter_bin),
            "run",
            "-a",
            str(zips[0]),
            "-o",
            str(work / "otter-out"),
            "--no-logo",
            str(submission),
        ],
        cwd=work,
    )
    return {"nnkit_s": nnkit, "otter_s": otter}


# -- (b) a synthetic class ------------------------------------------------------------------


def class_plan(size: int) -> list[tuple[str, str]]:
    """What each of `size` submissions is, in order: ("correct", ""), ("buggy", sample name:
    a folder of samples/submissions) or ("hostile", case name: a quick case of
    tests/hostile/cases). 70% correct, 20% buggy, 10% hostile."""
    buggy = sorted(p.name for p in BUGGY.iterdir() if p.is_dir())
    plan = []
    for i in range(size):
        slot = i % 10
        if slot == 9:
            plan.append(("hostile", QUICK_HOSTILE[(i // 10) % len(QUICK_HOSTILE)]))
        elif slot >= 7:
            plan.append(("buggy", buggy[i % len(buggy)]))
        else:
            plan.append(("correct", ""))
    return plan


def make_class(folder: Path, size: int) -> dict[str, int]:
    """The submissions of `class_plan(size)` in `folder`/sNNNN/ (each made unique); returns
    how many of each kind."""
    kinds = {"correct": 0, "buggy": 0, "hostile": 0}
    for i, (kind, name) in enumerate(class_plan(size)):
        dest = folder / f"s{i:04d}" / "nnbasics"
        dest.mkdir(parents=True)
        for path in SOLUTION.glob("*.py"):
            shutil.copy(path, dest / path.name)
        if kind == "hostile":
            for path in (HOSTILE / name).glob("*.py"):  # an attack, over an honest copy
                shutil.copy(SOLUTION / path.name, dest / f"_honest_{path.name}")
                shutil.copy(path, dest / path.name)
        elif kind == "buggy":
            for path in (BUGGY / name / "nnbasics").glob("*.py"):
                shutil.copy(path, dest / path.name)
        kinds[kind] += 1
        with open(dest / "losses.py", "a") as fh:
            fh.write(f"\n# submission {i}\n")  # every submission's content is its own
    return kinds


def bench_class(size: int, jobs: int, work: Path) -> dict[str, float]:
    folder = work / "class"
    kinds = make_class(folder, size)
    out = work / "class-out"
    seconds, peak_mb, proc = timed(
        [str(BIN / "nnkit"), "grade-all", str(folder), "--out", str(out), "--jobs", str(jobs)]
    )
    if proc.returncode != 0:
        raise SystemExit(f"bench: grade-all failed:\n{proc.stderr[-2000:]}")
    overheads, students = [], []
    for results in out.glob("submissions/*/results.json"):
        doc = json.loads(results.read_text())
        extra = doc.get("extra_data", {})
        if "student_seconds" in extra:
            students.append(extra["student_seconds"])
            overheads.append(doc["execution_time"] - extra["student_seconds"])
    return {
        "submissions": size,
        **kinds,
        "jobs": jobs,
        "wall_s": seconds,
        "s_per_submission": seconds / size,
        "peak_mb": peak_mb,
        "median_student_s": statistics.median(students),
        "median_overhead_s": statistics.median(overheads),
    }


# -- (c) run_autograder on one CPU -------------------------------------------------------


def bench_gradescope(work: Path) -> dict[str, float]:
    sys.path.insert(0, str(KIT))
    from grading.release.gradescope_bundle import build_bundle

    bundle = work / "autograder.zip"
    build_bundle(bundle, secret="bench")
    root = work / "gs"
    (root / "results").mkdir(parents=True)
    with zipfile.ZipFile(bundle) as zf:
        zf.extractall(root / "source")
    shutil.copytree(SOLUTION, root / "submission")
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "NNKIT_PYTHON": sys.executable}
    seconds, peak_mb, proc = timed(
        ["taskset", "-c", "0", "bash", str(root / "source" / "run_autograder")], env=env
    )
    score = json.loads((root / "results" / "results.json").read_text())["score"]
    return {"wall_s": seconds, "peak_mb": peak_mb, "score": score}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per median in (a)")
    parser.add_argument("--class-size", type=int, default=500)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="nnkit-bench-"))
    try:
        print(
            f"machine: {os.cpu_count()} cores, {os.uname().machine}, Python "
            f"{sys.version.split()[0]}"
        )
        one = bench_one(args.runs, work)
        print(
            f"(a) one submission, median of {args.runs}: nnkit grade {one['nnkit_s']:.2f} s", end=""
        )
        if one["otter_s"] is not None:
            ratio = one["otter_s"] / one["nnkit_s"]
            print(f", otter run {one['otter_s']:.2f} s: nnkit is {ratio:.1f}x faster (target 6x)")
        else:
            print()
        c = bench_class(args.class_size, args.jobs, work)
        print(
            f"(b) grade-all, {c['submissions']} submissions ({c['correct']} correct, "
            f"{c['buggy']} buggy, {c['hostile']} hostile), {c['jobs']} jobs: "
            f"{c['wall_s']:.1f} s wall, {c['s_per_submission']:.3f} s per submission "
            f"(target 0.12), peak memory {c['peak_mb']:.0f} MB; per submission (median) "
            f"{c['median_student_s']:.3f} s in student code, {c['median_overhead_s']:.3f} s "
            f"of grading overhead"
        )
        if one["otter_s"] is not None:
            print(
                f"    that is {one['otter_s'] / c['s_per_submission']:.0f}x otter run's time per "
                f"submission (target 25x)"
            )
        g = bench_gradescope(work)
        print(
            f"(c) run_autograder on one CPU: {g['wall_s']:.2f} s wall, peak memory "
            f"{g['peak_mb']:.0f} MB, score {g['score']:g} (targets 10 s, 400 MB)"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
