"""Compare `nnkit grade-all` of this kit with another copy of it, in one run.

    python bench/compare_class.py OTHER_KIT [--class-size 500] [--rounds 2]

OTHER_KIT is another checkout with its own `.venv` (for example `git worktree add` of an
earlier commit, then `make setup` there). Both kits grade the same synthetic class (built
by this kit's `bench/run.py`: 70% correct, 20% buggy, 10% quick hostile cases), in turns,
`--rounds` times each, so that a noisy machine weighs on both alike. Prints the wall time
per submission of each run and the ratio of the medians (this kit / the other); the CPU
time of each run's whole process tree (grade-all, its grading processes, their fork
servers and workers: less moved than wall time by a busy host), with the ratio of its
medians; the ratio of each round's two runs (back to back, so least moved by a machine
that slows down or speeds up), and their median; then where the difference lies: each
submission's own grading time (`execution_time` of its results.json), summed per kind of
submission (correct, each buggy sample, hostile), median over the rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import class_plan, make_class  # noqa: E402 - the benchmark's own synthetic class

KIT = HERE.parent


def grade_class(kit: Path, folder: Path, out: Path, jobs: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of `kit`'s `nnkit grade-all` on `folder` (a fresh OUT
    each time). The CPU time is user and system time of the whole process tree: every
    process in it is waited for by its parent, so the kernel adds it to its parent's
    children's usage, up to this process."""
    shutil.rmtree(out, ignore_errors=True)
    env = {**os.environ, "NNKIT_SECRET": os.environ.get("NNKIT_SECRET", "bench-compare")}
    command = [str(kit / ".venv" / "bin" / "nnkit"), "grade-all", str(folder), "--out", str(out)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [*command, "--jobs", str(jobs)], env=env, capture_output=True, text=True, cwd=kit
    )
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"compare_class: {kit}: grade-all failed:\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu


def seconds_per_kind(out: Path, plan: list[tuple[str, str]]) -> dict[str, float]:
    """The `execution_time` of every submission graded into `out`, summed per kind
    ("correct", "hostile", or the buggy sample's name)."""
    sums: dict[str, float] = {}
    for i, (kind, name) in enumerate(plan):
        results = json.loads((out / "submissions" / f"s{i:04d}" / "results.json").read_text())
        label = name if kind == "buggy" else kind
        sums[label] = sums.get(label, 0.0) + float(results["execution_time"])
    return sums


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("other", type=Path, help="another checkout of the kit, with .venv")
    parser.add_argument("--class-size", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    other = args.other.resolve()
    if not (other / ".venv" / "bin" / "nnkit").exists():
        raise SystemExit(f"compare_class: {other} has no .venv/bin/nnkit (run make setup there)")
    work = Path(tempfile.mkdtemp(prefix="nnkit-compare-"))
    try:
        make_class(work / "class", args.class_size)
        plan = class_plan(args.class_size)
        times: dict[str, list[float]] = {"this": [], "other": []}
        cpus: dict[str, list[float]] = {"this": [], "other": []}
        kinds: dict[str, list[dict[str, float]]] = {"this": [], "other": []}
        for round_ in range(args.rounds):
            # the order alternates (ABBA...), so a machine that slows or speeds up over the
            # run weighs on both kits alike
            order = [("other", other), ("this", KIT)]
            for name, kit in order if round_ % 2 == 0 else order[::-1]:
                seconds, cpu = grade_class(kit, work / "class", work / f"out-{name}", args.jobs)
                times[name].append(seconds)
                cpus[name].append(cpu)
                kinds[name].append(seconds_per_kind(work / f"out-{name}", plan))
                print(
                    f"round {round_ + 1}: {name:5} {kit}: {seconds:.1f} s, "
                    f"{seconds / args.class_size:.3f} s per submission, {cpu:.1f} s of CPU",
                    flush=True,
                )
        this, that = statistics.median(times["this"]), statistics.median(times["other"])
        print(
            f"median: this {this / args.class_size:.3f} s, other {that / args.class_size:.3f} s "
            f"per submission; this / other = {this / that:.2f}"
        )
        this, that = statistics.median(cpus["this"]), statistics.median(cpus["other"])
        print(
            f"CPU time, median: this {this:.1f} s, other {that:.1f} s; "
            f"this / other = {this / that:.3f}"
        )
        # each round's two runs are back to back: their ratio is the least moved by drift
        for label, runs in (("wall", times), ("CPU", cpus)):
            ratios = [a / b for a, b in zip(runs["this"], runs["other"], strict=True)]
            print(
                f"{label} time per round, this / other: "
                + ", ".join(f"{r:.3f}" for r in ratios)
                + f"; median {statistics.median(ratios):.3f}"
            )
        print("grading time summed per kind of submission (median over rounds):")
        total = {"this": 0.0, "other": 0.0}
        for label in sorted(kinds["this"][0]):
            count = sum(1 for kind, name in plan if label in (kind, name))
            each = {
                who: statistics.median(r[label] for r in rounds) for who, rounds in kinds.items()
            }
            for who in total:
                total[who] += each[who]
            extra_ms = 1000 * (each["this"] - each["other"]) / count
            print(
                f"  {label:28} {count:4} submissions: this {each['this']:6.1f} s, "
                f"other {each['other']:6.1f} s, {extra_ms:+6.0f} ms each"
            )
        print(
            f"  all: this {total['this']:.1f} s, other {total['other']:.1f} s, "
            f"this / other = {total['this'] / total['other']:.3f}"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
