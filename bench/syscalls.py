"""Measure the system calls a worker makes once its seccomp filter is installed.

How the allow-list in grading/confined/seccomp.py was derived: every submission we have (the
solution, samples/submissions, tests/submissions and each case of the hostile corpus,
built as tests/hostile does) is graded by one `nnkit grade-all --jobs 1` run under
`strace -f`. A worker is a process that installed a filter (seccomp(2) or
prctl(PR_SET_SECCOMP)); its calls after that line are counted, and so are those of the
threads it starts later (they inherit the filter). Each call is reported with how often
it succeeded and how often the filter (or the kernel) refused it with EPERM/ENOSYS, then
compared with seccomp.ALLOWED: calls that succeeded but are not allowed would break a
submission; calls allowed but never seen are candidates for removal.

Run as root from the kit's root (needs strace): `python bench/syscalls.py [--cases a,b]`
(`--cases none`: no hostile case). A call the filter in force refuses shows as EPERM.

Measured when the allow-list was written (x86_64, under the old deny-list, 145 workers):
the honest submissions alone made 20 distinct calls (brk close futex getcwd getdents64
getsockname getsockopt ioctl lseek mkdir mmap mremap munmap newfstatat openat read rename
recvfrom sendto write); with the hostile corpus, 60. Of the latter, those the corpus
needs to be graded honestly are allowed; those only an attack makes (mount, socket,
socketpair, unshare, vfork, set*id, ...) are not. The list also holds calls this run does
not make but ordinary standard-library code does (threads, select, temporary files,
os.walk, clocks: see tests/sandbox/test_isolation.py's honest standard-library test); this script
prints them as "allowed but not seen".
"""

from __future__ import annotations

import argparse
import collections
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

KIT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(KIT))

from grading.confined import seccomp  # noqa: E402
from tests.hostile.test_hostile import CASES, build_submission  # noqa: E402

LINE = re.compile(r"^(\d+)\s+(?:<\.\.\. (\w+) resumed>|(\w+)\()(.*)$")
RESULT = re.compile(r"\)\s+=\s+(-?\d+|0x[0-9a-f]+|\?)(?:\s+(E[A-Z]+))?")
INSTALL = ("seccomp(SECCOMP_SET_MODE_FILTER", "prctl(PR_SET_SECCOMP")


def submissions(into: Path, cases: list[str] | None) -> None:
    """Every submission we have, one folder each, under `into`."""
    build_submission(into / "solution", None)
    for folder in [*sorted((KIT / "samples/submissions").iterdir())] + [
        *sorted((KIT / "tests/submissions").iterdir())
    ]:
        if (folder / "nnbasics").is_dir():
            shutil.copytree(folder, into / folder.name)
    for case in CASES:
        if cases is None or case.name in cases:
            build_submission(into / f"hostile_{case.name}", case.name)


def worker_calls(trace: Path) -> dict[str, collections.Counter]:
    """syscall -> Counter of outcomes ("ok", "EPERM", ...) over every filtered task."""
    filtered: set[str] = set()
    calls: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for line in trace.read_text(errors="replace").splitlines():
        m = LINE.match(line)
        if not m:
            continue
        pid, name, rest = m.group(1), m.group(2) or m.group(3), m.group(4)
        if pid not in filtered:
            if f"{name}({rest}".startswith(INSTALL) and line.endswith("= 0"):
                filtered.add(pid)
            continue
        if rest.endswith("<unfinished ...>"):
            continue
        results = RESULT.findall(rest)
        result = results[-1] if results else None
        outcome = "ok"
        if result and result[1]:
            outcome = result[1]
        calls[name][outcome] += 1
        if name in ("clone", "clone3") and result and result[0].isdigit():
            if int(result[0]) > 0:
                filtered.add(result[0])
    return calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", help="only these hostile cases (comma-separated)")
    parser.add_argument("--keep", help="keep the strace output in this file")
    parser.add_argument("--trace", help="read this strace output instead of grading")
    args = parser.parse_args()
    cases = args.cases.split(",") if args.cases else None
    if args.trace:
        report(worker_calls(Path(args.trace)))
        return
    work = Path(tempfile.mkdtemp(prefix="nnkit-syscalls-"))
    try:
        subs, out, trace = work / "subs", work / "out", work / "trace.txt"
        submissions(subs, cases)
        command = [
            "strace", "-f", "-qq", "-o", str(trace), "--",
            sys.executable, "-m", "grading.cli", "grade-all", str(subs),
            "--out", str(out), "--jobs", "1",
        ]  # fmt: skip
        subprocess.run(command, cwd=KIT, stdout=subprocess.DEVNULL, check=False)
        if args.keep:
            shutil.copy(trace, args.keep)
        calls = worker_calls(trace)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(calls)


def report(calls: dict[str, collections.Counter]) -> None:
    """Print each call seen, its outcomes and whether the allow-list has it."""
    allowed = set(seccomp.ALLOWED) | set(seccomp.CONDITIONAL)
    print(f"{'system call':24} {'outcomes':40} verdict")
    for name in sorted(calls):
        outcomes = ", ".join(f"{k} {v}" for k, v in calls[name].most_common())
        if name in allowed:
            verdict = "allowed"
        elif calls[name]["ok"]:
            verdict = "SUCCEEDED BUT NOT ALLOWED"
        else:
            verdict = "refused"
        print(f"{name:24} {outcomes:40} {verdict}")
    unseen = sorted(allowed - set(calls))
    print(f"\nallowed but not seen in this run ({len(unseen)}): {' '.join(unseen)}")


if __name__ == "__main__":
    main()
