"""Compare `nnkit grade-all` of this kit with another copy of it, in one run.

    python bench/compare_class.py OTHER_KIT [--class-size 500] [--rounds 2]

OTHER_KIT is another checkout with its own `.venv` (for example `git worktree add` of an
earlier commit, then `make setup` there). Both kits grade the same synthetic class (built
by this kit's `bench/run.py`: 70% correct, 20% buggy, 10% quick hostile cases), in turns,
`--rounds` times each, so that a noisy machine weighs on both alike. Prints the wall time
per submission of each run and the ratio of the medians (this kit / the other).
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

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import make_class  # noqa: E402 - the benchmark's own synthetic class

KIT = HERE.parent


def grade_class(kit: Path, folder: Path, out: Path, jobs: int) -> float:
    """Seconds for `kit`'s `nnkit grade-all` on `folder` (a fresh OUT each time)."""
    shutil.rmtree(out, ignore_errors=True)
    env = {**os.environ, "NNKIT_SECRET": os.environ.get("NNKIT_SECRET", "bench-compare")}
    command = [str(kit / ".venv" / "bin" / "nnkit"), "grade-all", str(folder), "--out", str(out)]
    started = time.perf_counter()
    done = subprocess.run(
        [*command, "--jobs", str(jobs)], env=env, capture_output=True, text=True, cwd=kit
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"compare_class: {kit}: grade-all failed:\n{done.stderr[-2000:]}")
    return seconds


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
        times: dict[str, list[float]] = {"this": [], "other": []}
        for round_ in range(args.rounds):
            for name, kit in (("other", other), ("this", KIT)):
                seconds = grade_class(kit, work / "class", work / f"out-{name}", args.jobs)
                times[name].append(seconds)
                print(
                    f"round {round_ + 1}: {name:5} {kit}: {seconds:.1f} s, "
                    f"{seconds / args.class_size:.3f} s per submission",
                    flush=True,
                )
        this, that = statistics.median(times["this"]), statistics.median(times["other"])
        print(
            f"median: this {this / args.class_size:.3f} s, other {that / args.class_size:.3f} s "
            f"per submission; this / other = {this / that:.2f}"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
