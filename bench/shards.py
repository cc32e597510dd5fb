"""Sharded grading, measured: prints its figures (`python bench/shards.py`).

A synthetic class (bench/run.py's `make_class`: 70% correct, 20% buggy, 10% hostile, every
submission's content unique, so nothing is reused) is graded as N shards, one
`nnkit grade-all --shard K/N` after another on this machine (each as one CI runner would
run it), then `nnkit merge-shards` combines them. Printed: per-shard wall time and
throughput, the merge time, and from those the projected wall time of a larger class on
R runners (the arithmetic is printed too; README "Grading a large class" quotes it).

`--grade K` grades only the first K shards (on a busy machine): throughput is then
measured on that sample, and the merge, which needs every shard, is measured on a class of
the same size whose submissions repeat `--distinct` contents: each shard grades those once
and records the repeats as grade-all records any identical hand-in (rows, history and
files as for unique ones), so the N shard outputs are real and complete, and the merge
does the same work as for unique submissions.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import BIN, make_class  # noqa: E402  (bench/run.py, beside this file)


def nnkit(*args: str | Path) -> float:
    """Run `nnkit ARGS`; its wall time in seconds (exits on failure)."""
    start = time.perf_counter()
    proc = subprocess.run([str(BIN / "nnkit"), *map(str, args)], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"bench: nnkit {' '.join(map(str, args))} failed:\n{proc.stderr[-2000:]}")
    return seconds


def grade_shard(folder: Path, out: Path, k: int, args: argparse.Namespace) -> tuple[float, int]:
    """(wall seconds, submissions) of `grade-all FOLDER --shard K/N` into `out`."""
    wall = nnkit(
        "grade-all", folder, "--out", out, "--shard", f"{k}/{args.shards}",
        "--jobs", args.jobs, "--no-class-report",
    )  # fmt: skip
    return wall, sum(1 for _ in (out / "submissions").iterdir())


def repeat_class(folder: Path, size: int, distinct: int) -> None:
    """`size` submissions that repeat the contents of `make_class`'s first `distinct`."""
    make_class(folder / "distinct", distinct)
    for i in range(size):
        shutil.copytree(folder / "distinct" / f"s{i % distinct:04d}", folder / f"r{i:05d}")
    shutil.rmtree(folder / "distinct")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--class-size", type=int, default=5000)
    parser.add_argument("--shards", type=int, default=20, help="N of --shard K/N")
    parser.add_argument("--grade", type=int, default=None, help="grade only shards 1..K")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--project", type=int, default=100_000, help="class size to project")
    parser.add_argument("--runners", type=int, default=20, help="runners to project for")
    parser.add_argument("--distinct", type=int, default=10, help="contents of the merge class")
    args = parser.parse_args()
    os.environ.setdefault("NNKIT_SECRET", "nnkit-bench-secret")
    graded = args.shards if args.grade is None else min(args.grade, args.shards)
    work = Path(tempfile.mkdtemp(prefix="nnkit-shards-"))
    try:
        print(
            f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the "
            f"start, Python {sys.version.split()[0]}"
        )
        kinds = make_class(work / "class", args.class_size)
        print(
            f"class: {args.class_size} unique submissions ({kinds['correct']} correct, "
            f"{kinds['buggy']} buggy, {kinds['hostile']} hostile), {args.shards} shards, "
            f"{graded} graded here, --jobs {args.jobs}"
        )
        sizes, walls = [], []
        for k in range(1, graded + 1):
            wall, size = grade_shard(work / "class", work / f"shard-{k}", k, args)
            sizes.append(size)
            walls.append(wall)
            print(f"  shard {k}/{args.shards}: {size} submissions in {wall:.1f} s "
                  f"({size / wall:.2f} submissions/s)")  # fmt: skip
        rate = sum(sizes) / sum(walls)
        print(
            f"per shard: median {statistics.median(walls):.1f} s for a median "
            f"{statistics.median(sizes):.0f} submissions; throughput {rate:.2f} submissions/s "
            f"({1 / rate:.3f} s per submission) with {args.jobs} jobs; load average "
            f"{os.getloadavg()[0]:.1f} at the end"
        )
        shards = [work / f"shard-{k}" for k in range(1, args.shards + 1)]
        if graded < args.shards:
            repeat_class(work / "repeats", args.class_size, args.distinct)
            started = time.perf_counter()
            for k, out in enumerate(shards, 1):
                shutil.rmtree(out, ignore_errors=True)
                grade_shard(work / "repeats", out, k, args)
            print(
                f"merge class: {args.class_size} submissions repeating {args.distinct} "
                f"contents, all {args.shards} shards graded in "
                f"{time.perf_counter() - started:.0f} s"
            )
        merge = nnkit("merge-shards", *shards, "--out", work / "merged", "--no-class-report")
        report = nnkit("merge-shards", *shards, "--out", work / "merged-report")
        print(
            f"merge of {args.shards} shards ({args.class_size} submissions): {merge:.1f} s; "
            f"{report:.1f} s with the class report"
        )
        per_runner = args.project / args.runners
        grading = per_runner / rate
        print(
            f"projection, {args.project} submissions on {args.runners} runners like this "
            f"machine: {args.project} / {args.runners} = {per_runner:.0f} submissions per "
            f"runner; / {rate:.2f} submissions/s = {grading:.0f} s ({grading / 60:.1f} min) "
            "of grading per runner, in parallel"
        )
        merge_big = report * args.project / args.class_size
        print(
            f"  + merge, linear in the class: {report:.1f} s x {args.project} / "
            f"{args.class_size} = {merge_big:.0f} s; total {grading + merge_big:.0f} s "
            f"({(grading + merge_big) / 60:.1f} min), plus each runner's setup"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
