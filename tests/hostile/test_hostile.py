"""The hostile-submission corpus: every case in `cases/<name>/` must be graded honestly.

A case folder holds the module file(s) that carry one attack; the submission is the
instructor's solution (`solution/nnbasics/*.py`, marker and stub lines dropped, as a student
would hand it in) overlaid with those files. Beside each module a case overrides, the
solution's own module is copied as `_honest_<module>.py`: a case's file holds only its attack
and what it overrides, and takes everything else from there (`from ._honest_network import *`,
`honest.forward(...)`), so the honest parts keep earning their points.

For every case the grade must be:
(a) exactly the points its honest computation earns: 100 minus the points of the checks
    whose targets include a function the case declares attacked (a function that lies,
    hangs or crashes; for an attack at import, every function of the module and of the
    modules that import it); a side attack declares nothing and must score exactly 100;
(b) a valid Gradescope results.json (tests/results/gradescope_results.schema.json);
(c) fast (under a minute; most cases take a second or two);
(d) clean: no process of the case survives grading;
(e) contained: nothing the attack tries to write outside its scratch folder exists
    afterwards, the kit is untouched and the results file holds the grader's document;
(f) tight-lipped: the hidden tests, the solution, the grading code and NNKIT_SECRET never
    appear in results.json.
Special cases: a grader killed while its worker hangs, and two submissions graded at once
(one hunting the other).

Every case runs in each mode the kit grades in: as root with namespaces (the worker runs
under a user id of its own, behind namespaces and Landlock), as root with
`NNKIT_NO_NAMESPACES=1` (a container without CAP_SYS_ADMIN, as on Gradescope: a user id of
its own and Landlock), and, through `test_nonroot_subset`, the cases marked `nonroot` as a
regular user (see nonroot.sh). A case that is expected to fail in a mode says why
(`nonroot`, `no_namespaces`): a documented limit of that mode.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from support import GRADESCOPE_SCHEMA

from grading.course.paths import AUTOGRADER_DIR, KIT_ROOT, solution_package
from grading.grade.one_submission import grade
from grading.results.gradescope import to_gradescope, write_json_atomic
from grading.results.model import GradeReport
from grading.sandbox.privileges import UID_BASE

sys.path.insert(0, str(Path(__file__).parent))
from formats import all_format_problems, strict_json  # noqa: E402

SOLUTION_PACKAGE = solution_package()  # solution/<package>/

HERE = Path(__file__).parent
CASES_DIR = HERE / "cases"
SCHEMA = GRADESCOPE_SCHEMA
NONROOT_SCRIPT = HERE / "nonroot.sh"
NONROOT = os.environ.get("NNKIT_HOSTILE_NONROOT") == "1"  # the inner, non-root run
IS_ROOT = os.geteuid() == 0
# The modes the corpus runs in from this process. As root: with namespaces, and with
# NNKIT_NO_NAMESPACES=1 (a container without CAP_SYS_ADMIN, as on Gradescope). The third
# mode, a regular user, is the inner run of test_nonroot_subset.
MODES = ["nonroot"] if NONROOT else ["namespaces", "no-namespaces"] if IS_ROOT else ["namespaces"]
MAX_SECONDS = 60.0
GRADER_MEMORY_MB = 256  # the grader's share of Gradescope's 768 MB once a worker has 512
CLEANED_MEMORY_MB = 100  # growth allowed while a case floods the grader with text (class 4)
SOLUTION_ONLY = re.compile(r"^\s*# (STUB:.*|BEGIN SOLUTION|END SOLUTION)\s*$")
_GRADER_ON_CMDLINE = re.compile(r'"grader": (\d+)')  # a fork server's options (boot.py)
OWN_BOOT = str(
    KIT_ROOT / "grading" / "confined" / "boot.py"
)  # on every fork server's and worker's command line
NETWORK_PORTS = (47391, 47392, 47393)  # cases/network_loopback tries these


@dataclass(frozen=True)
class Case:
    """One hostile submission and what grading it must give.

    `attacked`: targets like "gradcheck.relative_error" whose checks must fail, or a bare
    module name for an attack at import (the module and every module importing it). An
    attacked function must be wrong in every answer (value and shape), so that even checks
    that only look at its inputs afterwards fail.
    `cli`: also grade it with the real `nnkit grade` in a subprocess.
    `nonroot`: None to leave it out of the non-root run, "" to include it, or the reason
    it is expected to fail there (a documented limit of grading without root).
    `outputs`: also render every output format (formats.py) and hold the grader's memory
    growth under CLEANED_MEMORY_MB: a case that sends hostile text (issue 10, class 4).
    `no_namespaces`: "" (it must hold as root without namespaces too), or the reason it is
    expected to fail there.
    `slow`: left out of Gradescope's container test (slow there).
    `waits`: it waits out a call's time limit (10 s or more a mode): `make test` runs it in
    the first mode only, NNKIT_SLOW=1 (CI) in every mode.
    `honest`: the case's folder has an `honest/` folder with the same modules without the
    attack (a student's buggy code as it is); the grade must be exactly that code's grade,
    check by check (for attacks that would turn some, not all, failures into passes).
    """

    name: str
    attacked: tuple[str, ...] = ()
    cli: bool = False
    slow: bool = False
    waits: bool = False
    nonroot: str | None = None
    outputs: bool = False
    no_namespaces: str = ""
    honest: bool = False


CASES = [
    Case(
        "results_overwrite",
        ("neuron.logistic_loss_and_grad",),
        cli=True,
        nonroot="",
    ),
    Case("sys_exit_import", ("gradcheck",)),
    Case("sys_exit_call", ("neuron.logistic_loss_and_grad",)),
    Case("keyboard_interrupt", ("train.predict",)),
    Case("os_exit_import", ("losses",)),
    Case("os_exit_call", ("network.collapse_linear",), nonroot=""),
    Case("kill_grader", (), cli=True, nonroot=""),
    Case("numpy_patch", ("gradcheck.relative_error",)),
    Case("json_builtins_patch", ("network.collapse_linear",), cli=True, nonroot=""),
    Case("liar_object", ("neuron.logistic",)),
    Case("object_array", ("gradcheck.numerical_gradient",)),
    Case("ndarray_subclass", ("network.collapse_linear",)),
    Case("read_kit_files", (), nonroot=""),
    Case("read_parent_proc", (), cli=True, nonroot=""),
    Case("steal_solution", ("gradcheck",), nonroot=""),
    Case("stack_inspect", ()),
    Case("gc_scan", ()),
    Case("channel_frames", ("gradcheck.numerical_gradient", "gradcheck.relative_error")),
    Case("channel_json_bomb", ("train.predict",), nonroot=""),
    Case("channel_desync", ("gradcheck.numerical_gradient",), nonroot=""),
    Case("exit_before_reading", ()),
    Case("worker_tamper", ("gradcheck.relative_error",), nonroot=""),
    Case("hang_call", ("neuron.logistic_loss_and_grad",), nonroot="", waits=True),
    Case("sleep_import", ("graph",), cli=True, waits=True),
    Case("fork_bomb", (), slow=True, nonroot=""),
    Case("daemon_setsid", (), nonroot=""),
    Case("memory_bomb", ("gradcheck.relative_error",), slow=True),
    Case("stdout_flood", (), slow=True, nonroot=""),
    Case("huge_file", ()),
    Case("many_files", ()),
    Case("deep_recursion", ("network.collapse_linear",)),
    Case("signal_games", ("gradcheck.numerical_gradient",), waits=True),
    Case("network_loopback", (), nonroot=""),
    Case("env_secrets", (), cli=True, nonroot=""),
    Case("ctypes_escalate", (), nonroot=""),
    Case("threads", (), nonroot=""),
    Case("self_modify", ()),
    Case("cross_submission", ("gradcheck.numerical_gradient",), waits=True),
    # issue 10, class 1: system calls a deny-list filter let through
    Case("mount_api", (), nonroot=""),
    Case("sched_grader", (), nonroot=""),
    Case("prctl_games", (), nonroot=""),
    Case("syscall_zoo", (), nonroot=""),
    Case("sigio_grader", (), nonroot=""),
    # issue 10, class 4: worker data not cleaned on arrival
    Case("untrusted_surrogate", ("gradcheck.relative_error",), cli=True, outputs=True, nonroot=""),
    Case("untrusted_nonfinite_timing", (), cli=True, outputs=True, nonroot=""),
    Case("untrusted_huge_text", ("gradcheck.relative_error",), cli=True, outputs=True, nonroot=""),
    Case("untrusted_spoofing", ("gradcheck.relative_error",), cli=True, outputs=True, nonroot=""),
    # issue 10, class 7: nothing the worker starts or writes outlives grading
    Case("clear_pdeathsig", ("neuron.logistic_loss_and_grad",), nonroot="", waits=True),
    Case("readonly_scratch", (), cli=True, nonroot=""),
    Case("scratch_fill", (), nonroot=""),
    # issue 10, class 8: without namespaces the worker still reads and leaves nothing
    Case("temp_litter", (), cli=True, nonroot=""),
    Case("hunt_everything", (), cli=True, nonroot=""),
    # issue 10, class 3: a worker that stops reading its channel and forges replies
    Case("channel_stop_reading", (), nonroot=""),
    Case("channel_thread_forger", (), nonroot=""),
    # issue 10, class 9: the worker-side harness as a shortcut
    Case("harness_evaluator_swap", honest=True, nonroot=""),
    Case("harness_probe_closure", honest=True, nonroot=""),
    Case("harness_xor_hardcoded", honest=True, nonroot=""),
    # issue 12: the grader's functions standing in for earlier parts, kept for later
    Case("oracle_stash", honest=True, nonroot=""),
]
CASES_BY_NAME = {c.name: c for c in CASES}


def _params() -> list[Any]:
    """(case, mode) pairs: each case in each mode this run covers."""
    params = []
    for mode in MODES:
        for case in CASES:
            if mode == "nonroot" and case.nonroot is None:
                continue
            marks = [pytest.mark.slow] if case.waits and mode != MODES[0] else []
            if case.name == "network_loopback":  # its listeners bind NETWORK_PORTS
                marks.append(pytest.mark.xdist_group("loopback_ports"))
            expected_failure = {"nonroot": case.nonroot, "no-namespaces": case.no_namespaces}
            if expected_failure.get(mode):
                marks.append(pytest.mark.xfail(reason=expected_failure[mode], strict=False))
            params.append(pytest.param(case, mode, id=f"{case.name}-{mode}", marks=marks))
    return params


def enter_mode(mode: str, monkeypatch) -> None:
    """Make this process's graders (and the `nnkit` subprocesses it starts) run in `mode`."""
    if mode == "no-namespaces":
        monkeypatch.setenv("NNKIT_NO_NAMESPACES", "1")
    else:
        monkeypatch.delenv("NNKIT_NO_NAMESPACES", raising=False)


# -- building submissions -----------------------------------------------------------------


def honest_source(module_file: Path) -> str:
    """A solution module as a student would hand it in: no stub or marker lines."""
    lines = module_file.read_text().splitlines()
    return "\n".join(ln for ln in lines if not SOLUTION_ONLY.match(ln)) + "\n"


def build_submission(dest: Path, case: str | None, variant: str = "") -> Path:
    """`dest/nnbasics/`: the solution's modules, overlaid with the case's files (those of its
    `variant` subfolder, such as "honest", when given), and for each module the case
    overrides the solution's one as `_honest_<module>.py` (which the case's file imports; it
    imports its siblings as the solution does, so the case's modules are the ones it uses)."""
    package = dest / "nnbasics"
    package.mkdir(parents=True)
    for path in sorted(SOLUTION_PACKAGE.glob("*.py")):
        (package / path.name).write_text(honest_source(path))
    if case is not None:
        files = sorted((CASES_DIR / case / variant).glob("*.py"))
        assert files, f"cases/{case} holds no module"
        for path in files:
            honest = honest_source(SOLUTION_PACKAGE / path.name)
            (package / f"_honest_{path.name}").write_text(honest)
            shutil.copy(path, package / path.name)
    return dest


def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()


# -- the honest baseline and what an attack costs --------------------------------------------


@dataclass
class Baseline:
    report: GradeReport
    targets: list[frozenset[str]]  # per check, in order

    def module_targets(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for targets in self.targets:
            for t in targets:
                out.setdefault(t.split(".")[0], set()).add(t)
        return out


def importers() -> dict[str, set[str]]:
    """module -> the modules that import it, directly or not (from the solution's source)."""
    direct: dict[str, set[str]] = {}
    for path in SOLUTION_PACKAGE.glob("*.py"):
        for dep in re.findall(r"^from \.(\w+) import", path.read_text(), re.MULTILINE):
            direct.setdefault(dep, set()).add(path.stem)
    closed: dict[str, set[str]] = {}
    for module in {p.stem for p in SOLUTION_PACKAGE.glob("*.py")}:
        seen, todo = set(), [module]
        while todo:
            for user in direct.get(todo.pop(), ()):
                if user not in seen:
                    seen.add(user)
                    todo.append(user)
        closed[module] = seen
    return closed


def attacked_targets(case: Case, baseline: Baseline) -> set[str]:
    by_module = baseline.module_targets()
    users = importers()
    out: set[str] = set()
    for item in case.attacked:
        if "." in item:
            out.add(item)
        else:
            for module in {item, *users.get(item, ())}:
                out |= by_module.get(module, set())
    return out


def expected_passes(
    baseline: Baseline, attacked: set[str], seen: list[frozenset[str]] | None = None
) -> list[bool]:
    """Per check: passes unless it called (in the baseline or in this run) an attacked target."""
    seen = seen or [frozenset()] * len(baseline.targets)
    return [not ((b | s) & attacked) for b, s in zip(baseline.targets, seen, strict=True)]


def honest_passes(case: Case, dest: Path, secret: str) -> list[bool] | None:
    """Per check, whether the case's honest variant (`honest/`) passes; None without one."""
    if not case.honest:
        return None
    report = grade(build_submission(dest, case.name, "honest"), secret=secret.encode())
    return [r.passed for r in report.results]


@pytest.fixture(scope="session")
def secret() -> str:
    """NNKIT_SECRET for this session: a canary that must never reach results.json."""
    return os.environ.get("NNKIT_SECRET") or f"nnkit-hostile-secret-{secrets.token_hex(12)}"


@pytest.fixture(scope="session")
def baseline(secret, tmp_path_factory) -> Baseline:
    """The honest submission graded once: every check must pass, the suite must total 100."""
    sub = build_submission(tmp_path_factory.mktemp("baseline"), None)
    report = grade(sub, secret=secret.encode())
    failed = [f"{r.check.name}: {r.message}" for r in report.results if not r.passed]
    if report.max_score != 100 or failed:
        pytest.fail(
            f"the honest submission scores {report.score}/{report.max_score} "
            f"(is the hidden suite finished?): {failed[:5]}"
        )
    return Baseline(report, [r.targets for r in report.results])


# -- the canaries that must not reach results.json ----------------------------------------


def loot_canaries(secret: str, *, disk: bool = True) -> list[str]:
    """Strings only the grader has: the secret, and (disk) lines of the hidden tests, of the
    solution and of the grading code that no correct results.json can contain."""
    canaries = [secret]
    if not disk:
        return canaries
    canaries += ["# BEGIN SOLUTION", "# STUB: "]
    for path in sorted(AUTOGRADER_DIR.glob("*.py")):
        for line in path.read_text().splitlines():
            line = line.strip()
            if len(line) >= 30 and (line.startswith("def ") or "student.call(" in line):
                canaries.append(line)
    for name in ("grade/one_submission.py", "checks/suite.py", "confined/boot.py"):
        for line in (KIT_ROOT / "grading" / name).read_text().splitlines():
            if line.startswith("def ") and len(line) >= 30:
                canaries.append(line)
    return canaries


def all_text(document: Any) -> str:
    """The JSON text and every string in it, decoded (so escaped quotes cannot hide loot)."""
    strings: list[str] = []

    def walk(x: Any) -> None:
        if isinstance(x, str):
            strings.append(x)
        elif isinstance(x, dict):
            for k, v in x.items():
                strings.append(str(k))
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(document)
    return json.dumps(document) + "\n" + "\n".join(strings)


# -- processes -----------------------------------------------------------------------------


def _clock_ticks() -> float:
    with open("/proc/uptime") as fh:
        return float(fh.read().split()[0]) * os.sysconf("SC_CLK_TCK")


def _parent_of(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return int(fh.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return 0


def survivors(needles: list[str], since_ticks: float) -> list[str]:
    """Processes started since `since_ticks` that belong to grading and must be gone: any
    process running under a worker's user id (as root) or forked by a fork server
    (`boot.py`, whose parent is not this test process) of this copy of the kit, and any
    process whose command line names one of `needles` (a case's marker, its folders).

    Workers cannot exec, so they keep their fork server's command line, which names this
    kit's boot.py: runs of other copies of the kit on the same machine are not counted
    (and not killed)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                cmdline = fh.read().replace(b"\0", b" ").decode("utf-8", "replace")
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            uid = os.stat(f"/proc/{pid}").st_uid
        except OSError:
            continue
        state, ppid, start = fields[0], int(fields[1]), float(fields[19])
        if state in "ZX" or _graded_elsewhere(cmdline, start):
            continue
        recent = start >= since_ticks
        # Only this kit's own: other checkouts grade on the same machine at the same time.
        ours = OWN_BOOT in cmdline
        worker_user = uid >= UID_BASE and ours
        # This process's own fork server (its init too, in a PID namespace) lives on.
        forked_worker = ours and os.getpid() not in (ppid, _parent_of(ppid))
        if any(n in cmdline for n in needles) or (recent and (worker_user or forked_worker)):
            found.append(f"pid {pid} uid {uid} state {state}: {cmdline[:160]}")
    return found


def _start_ticks(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return float(fh.read().rsplit(")", 1)[1].split()[19])
    except (OSError, ValueError, IndexError):
        return None


def _graded_elsewhere(cmdline: str, start: float) -> bool:
    """Whether a process of this kit belongs to a grader outside this test: another test
    process of a parallel run (pytest-xdist) grading at the same time. A fork server's
    command line, which its workers keep (they cannot exec), names its grader's pid
    (grading/sandbox/workers.py): a grader that still runs, started before the process,
    and is neither this process nor one of its descendants is someone else's. A grader of
    this test that has exited (an `nnkit` subprocess) leaves its processes counted."""
    match = _GRADER_ON_CMDLINE.search(cmdline)
    if match is None:
        return False
    grader = int(match.group(1))
    grader_start = _start_ticks(grader)
    if grader_start is None or grader_start > start:  # gone, or its pid was reused since
        return False
    pid = grader
    for _ in range(64):  # up the chain of parents, to this process or to the top
        if pid == os.getpid():
            return False
        if pid <= 1:
            return True
        pid = _parent_of(pid)
    return True


def no_survivors(needles: list[str], since_ticks: float, seconds: float = 5.0) -> list[str]:
    """[] once no process of the case runs (waiting up to `seconds`); else the problem.
    Survivors are killed either way, so that a failing case leaves nothing behind."""
    deadline = time.monotonic() + seconds
    left = survivors(needles, since_ticks)
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = survivors(needles, since_ticks)
    for line in left:  # never leave them running, even when the test fails
        pid = int(line.split()[1])
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return [f"processes survived grading: {line}" for line in left]


# -- marker files the attacks try to leave behind --------------------------------------------


def watched_folders(extra: list[Path]) -> list[tuple[Path, bool]]:
    """(folder, recursive) pairs where an attack's marker must never appear."""
    flat = [Path(p) for p in ("/tmp", "/var/tmp", "/dev/shm", "/", "/etc")]
    flat += [KIT_ROOT, KIT_ROOT / "autograder", KIT_ROOT / "grading", KIT_ROOT / "tests"]
    flat += [KIT_ROOT / "solution" / "nnbasics", HERE]
    return [(p, False) for p in flat] + [(p, True) for p in extra]


def marker_files(marker: str, folders: list[tuple[Path, bool]], own: set[Path]) -> list[Path]:
    found = []
    for folder, recursive in folders:
        try:
            entries = folder.rglob("*") if recursive else folder.iterdir()
            found += [p for p in entries if marker in p.name and p not in own]
        except OSError:
            pass
    return found


def remove_markers(paths: list[Path]) -> None:
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def kit_files_with(marker: str) -> list[Path]:
    """Files of the kit whose content names the marker (an attack wrote into them)."""
    found = []
    for folder in (AUTOGRADER_DIR, KIT_ROOT / "grading", SOLUTION_PACKAGE):
        for path in folder.glob("*.py"):
            if marker.encode() in path.read_bytes():
                found.append(path)
    return found


# -- the listener for cases/network_loopback ------------------------------------------------


class Listeners:
    """Loopback TCP/UDP ports, an abstract and a path unix socket nobody should reach."""

    def __init__(self, marker: str, folder: Path) -> None:
        self.sockets: list[tuple[str, socket.socket]] = []
        self.paths: set[Path] = set()
        for port in NETWORK_PORTS:
            for kind, name in ((socket.SOCK_STREAM, "tcp"), (socket.SOCK_DGRAM, "udp")):
                s = socket.socket(socket.AF_INET, kind)
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    s.close()
                    continue
                if kind == socket.SOCK_STREAM:
                    s.listen(8)
                self._add(f"{name} 127.0.0.1:{port}", s)
        abstract = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        abstract.bind("\0" + marker)
        abstract.listen(8)
        self._add("abstract unix socket", abstract)
        path = folder / f"{marker}-{secrets.token_hex(4)}.sock"
        unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        unix.bind(str(path))
        os.chmod(path, 0o777)
        unix.listen(8)
        self.paths.add(path)
        self._add(f"unix socket {path}", unix)

    def _add(self, name: str, s: socket.socket) -> None:
        s.setblocking(False)
        self.sockets.append((name, s))

    def reached(self) -> list[str]:
        hits = []
        for name, s in self.sockets:
            try:
                if s.type == socket.SOCK_STREAM:
                    conn, _ = s.accept()
                    conn.close()
                else:
                    s.recv(4096)
                hits.append(name)
            except (BlockingIOError, OSError):
                pass
        return hits

    def close(self) -> None:
        for _, s in self.sockets:
            s.close()
        for path in self.paths:
            path.unlink(missing_ok=True)


# -- measuring the grader ---------------------------------------------------------------------


class PeakMemory:
    """The grader process's resident memory, sampled while it grades."""

    def __init__(self) -> None:
        self.base = self.peak = self._rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    @staticmethod
    def _rss() -> int:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, self._rss())

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def grown_mb(self) -> float:
        return (self.peak - self.base) / 2**20


# -- checking one graded submission -----------------------------------------------------------


def check_document(
    document: dict[str, Any],
    *,
    expected: list[bool],
    baseline: Baseline,
    case: Case,
    canaries: list[str],
    where: str,
) -> list[str]:
    """(a), (b) and (f) on a results.json document; the problems found, if any."""
    try:
        jsonschema.validate(document, SCHEMA)
    except jsonschema.ValidationError as exc:
        return [f"{where}: results.json does not follow Gradescope's format: {exc.message}"]
    tests = document["tests"]
    if len(tests) != len(baseline.report.results):
        return [f"{where}: {len(tests)} tests instead of {len(baseline.report.results)}"]
    problems = []
    for test, check, should_pass in zip(tests, baseline.report.results, expected, strict=True):
        if test["number"] != check.number or test["max_score"] != check.check.points:
            problems.append(f"{where}: test {test['number']} is not check {check.number}")
        if not 0 <= test["score"] <= test["max_score"]:
            problems.append(f"{where}: test {test['number']} scores {test['score']}")
        if (test["status"] == "passed") != (test["score"] == test["max_score"]):
            problems.append(f"{where}: test {test['number']}'s status and score disagree")
        if (test["status"] == "passed") != should_pass:
            verdict = "passed" if should_pass else "failed"
            problems.append(
                f"{where}: {test['number']} {check.check.name} should have {verdict}: "
                f"{test['output'][:300]}"
            )
    points = sum(c.check.points for c, ok in zip(baseline.report.results, expected) if ok)
    if document["score"] != pytest.approx(points):
        problems.append(f"{where}: score {document['score']}, honestly {points:g}")
    if document["score"] != pytest.approx(sum(t["score"] for t in tests)):
        problems.append(f"{where}: the score is not the sum of the tests' scores")
    text = all_text(document)
    leaked = [c for c in canaries if c in text]
    if leaked:
        problems.append(f"{where}: results.json holds what only the grader has: {leaked[:3]}")
    if f"nnkit-hostile-{case.name}" in text:
        problems.append(f"{where}: results.json holds the attack's marker")
    return problems


def summary(what: str, problems: list[str], shown: int = 15) -> str:
    more = f"\n... and {len(problems) - shown} more" if len(problems) > shown else ""
    return f"{what}: {len(problems)} problem(s):\n" + "\n".join(problems[:shown]) + more


def run_cli(sub: Path, workdir: Path, secret: str) -> tuple[subprocess.CompletedProcess, float]:
    """`nnkit grade SUB` in `workdir` (results.json lands there), in its own session."""
    env = dict(os.environ, NNKIT_SECRET=secret, TMPDIR=str(workdir))
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "grading.cli", "grade", str(sub)],
        cwd=workdir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=3 * MAX_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
    done = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    return done, time.monotonic() - started


def cli_workdir(case: str) -> Path:
    """A world-writable folder in /tmp, so that only isolation (not permissions) keeps the
    worker out of the grader's working folder and results file."""
    workdir = Path(tempfile.mkdtemp(prefix=f"nnkit-hostile-cli-{case}-", dir="/tmp"))
    os.chmod(workdir, 0o777)
    return workdir


def grade_in_process(
    sub: Path, secret: str, monkeypatch, made: list[Path] | None = None
) -> tuple[GradeReport, list[Path], PeakMemory]:
    """grade() in this process, recording in `made` the scratch folders it makes (their
    paths are on every worker's command line)."""
    made = [] if made is None else made
    real_mkdtemp = tempfile.mkdtemp

    def recording_mkdtemp(*args: Any, **kwargs: Any) -> str:
        path = real_mkdtemp(*args, **kwargs)
        made.append(Path(path))
        return path

    monkeypatch.setattr(tempfile, "mkdtemp", recording_mkdtemp)
    with PeakMemory() as memory:
        report = grade(sub, secret=secret.encode())
    monkeypatch.setattr(tempfile, "mkdtemp", real_mkdtemp)
    return report, made, memory


@pytest.mark.parametrize(("case", "mode"), _params())
def test_hostile_submission(case: Case, mode: str, tmp_path, baseline, secret, monkeypatch) -> None:
    marker = f"nnkit-hostile-{case.name}"
    monkeypatch.setenv("NNKIT_SECRET", secret)
    enter_mode(mode, monkeypatch)
    sub = build_submission(tmp_path / "submission", case.name)
    sub_digest = tree_digest(sub)
    canaries = loot_canaries(secret, disk=not NONROOT)
    attacked = attacked_targets(case, baseline)
    honest = honest_passes(case, tmp_path / "honest", secret)
    workdir = cli_workdir(case.name) if (case.cli or NONROOT) else None
    folders = watched_folders([tmp_path] + ([workdir] if workdir else []))
    listeners = Listeners(marker, Path("/tmp")) if case.name == "network_loopback" else None
    own = listeners.paths if listeners else set()
    remove_markers(marker_files(marker, folders, own))
    since = _clock_ticks()
    kit_results = KIT_ROOT / "results.json"
    kit_results_before = kit_results.read_bytes() if kit_results.exists() else None
    problems: list[str] = []
    try:
        if not NONROOT:  # a non-root grader can be killed by its worker: CLI only there
            started = time.monotonic()
            report, scratch, memory = grade_in_process(sub, secret, monkeypatch)
            seconds = time.monotonic() - started
            if seconds > MAX_SECONDS:
                problems.append(f"grade() took {seconds:.1f} s")
            document = to_gradescope(report)
            results_file = tmp_path / "results" / "results.json"
            try:
                write_json_atomic(document, results_file)
                written = strict_json(results_file.read_text(encoding="utf-8"))
            except ValueError as exc:  # allow_nan=False, strict parsing, a lone surrogate
                problems.append(f"grade(): no valid results.json: {exc}")
                written = document
            problems += check_document(
                written,
                expected=honest
                or expected_passes(baseline, attacked, [r.targets for r in report.results]),
                baseline=baseline,
                case=case,
                canaries=canaries,
                where="grade()",
            )
            limit = CLEANED_MEMORY_MB if case.outputs else GRADER_MEMORY_MB
            if memory.grown_mb > limit:
                problems.append(f"the grader's memory grew by {memory.grown_mb:.0f} MB")
            if case.outputs:
                problems += all_format_problems(report, tmp_path / "formats")
            if [p for p in scratch if p.exists()]:
                problems.append("the grader left its scratch folder behind")
            problems += no_survivors([marker, *map(str, scratch)], since)
        if workdir is not None:
            done, seconds = run_cli(sub, workdir, secret)
            results_file = workdir / "results.json"
            if done.returncode != 0 or not results_file.exists():
                problems.append(
                    f"nnkit grade exited with {done.returncode} and wrote "
                    f"{'a' if results_file.exists() else 'no'} results.json (was the grader "
                    f"killed?): {done.stderr[-1000:]}"
                )
            else:
                try:
                    written = strict_json(results_file.read_text(encoding="utf-8"))
                except ValueError as exc:
                    problems.append(f"nnkit grade: results.json is not strict JSON: {exc}")
                    written = json.loads(results_file.read_text(encoding="utf-8"))
                problems += check_document(
                    written,
                    expected=honest or expected_passes(baseline, attacked),
                    baseline=baseline,
                    case=case,
                    canaries=canaries,
                    where="nnkit grade",
                )
            if seconds > 3 * MAX_SECONDS:
                problems.append(f"nnkit grade took {seconds:.1f} s")
            left = sorted(p.name for p in workdir.glob("nnkit-*"))
            if left:  # the CLI's TMPDIR is the workdir: its scratch folders are made there
                problems.append(f"nnkit grade left its scratch folder behind: {left}")
            problems += no_survivors([marker, str(workdir)], since)
        reached = listeners.reached() if listeners is not None else []
        if reached:
            problems.append(f"the worker reached {reached}")
        if tree_digest(sub) != sub_digest:
            problems.append("the submission folder was modified")
        if kit_files_with(marker):
            problems.append(f"the attack wrote into the kit's files: {kit_files_with(marker)}")
        now = kit_results.read_bytes() if kit_results.exists() else None
        if now != kit_results_before:
            problems.append("results.json in the kit's root was written")
        if not NONROOT:  # without root the worker may write where the grading user can
            left = marker_files(marker, folders, own)
            if left:
                problems.append(f"the attack wrote outside its scratch folder: {left}")
    finally:
        remove_markers(marker_files(marker, folders, own))
        if listeners is not None:
            listeners.close()
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)
    assert not problems, summary(case.name, problems)


# -- special cases ---------------------------------------------------------------------------


def test_every_case_folder_is_declared_and_says_its_attack() -> None:
    folders = {p.name for p in CASES_DIR.iterdir() if p.is_dir()}
    assert folders == set(CASES_BY_NAME)
    for folder in folders:
        for path in (CASES_DIR / folder).glob("*.py"):
            assert path.stem in {p.stem for p in SOLUTION_PACKAGE.glob("*.py")}, path
            assert path.read_text().startswith('"""'), f"{path} should say its attack first"
        honest = {p.name for p in (CASES_DIR / folder / "honest").glob("*.py")}
        assert bool(honest) == CASES_BY_NAME[folder].honest, folder
        if honest:
            assert honest == {p.name for p in (CASES_DIR / folder).glob("*.py")}, folder


KILLED_GRADER_CASES = ("hang_call", "clear_pdeathsig")


@pytest.mark.parametrize("namespaces", [True, False], ids=["namespaces", "no_namespaces"])
@pytest.mark.parametrize("case", KILLED_GRADER_CASES)
def test_a_killed_grader_leaves_no_worker_behind(case, namespaces, tmp_path, secret) -> None:
    """The grader dies (OOM killer, a platform timeout, Ctrl-C) while a worker hangs, with
    and without namespaces: the worker must die with it, not run on as an orphan, even
    one that cleared its own parent-death signal (cases/clear_pdeathsig)."""
    sub = build_submission(tmp_path / "submission", case)
    workdir = cli_workdir(f"killed_grader_{case}")
    since = _clock_ticks()
    env = dict(os.environ, NNKIT_SECRET=secret, TMPDIR=str(workdir))
    env.pop("NNKIT_NO_NAMESPACES", None)
    if not namespaces:
        env["NNKIT_NO_NAMESPACES"] = "1"
    proc = subprocess.Popen(
        [sys.executable, "-m", "grading.cli", "grade", str(sub)],
        cwd=workdir,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not survivors([str(workdir)], since) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(3.0)  # into neuron's checks: the worker now hangs in its endless loop
        assert survivors([str(workdir)], since), "no worker started"
        proc.kill()  # the grader alone, as the OOM killer would
        proc.wait()
        problems = no_survivors([str(workdir)], since, seconds=3.0)
        assert not problems, summary(f"the killed grader's worker ({case})", problems)
    finally:
        if proc.poll() is None:
            proc.kill()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.mark.skipif(NONROOT or not IS_ROOT, reason="workers get their own user only as root")
@pytest.mark.parametrize(
    "mode", [pytest.param(m, marks=[pytest.mark.slow] if m != MODES[0] else []) for m in MODES]
)  # 10 s a mode: waits out cross_submission's hang
def test_a_submission_cannot_touch_another_graded_at_the_same_time(
    mode, tmp_path, baseline, secret, monkeypatch
) -> None:
    """`nnkit batch` grades several submissions at once. cases/cross_submission hunts for a
    worker whose command line names nnkit-hostile-victim, rewrites that submission's files
    and kills the worker; the honest victim must still score exactly 100."""
    case = CASES_BY_NAME["cross_submission"]
    monkeypatch.setenv("NNKIT_SECRET", secret)
    enter_mode(mode, monkeypatch)
    attacker = build_submission(tmp_path / "attacker", case.name)
    victim = build_submission(tmp_path / "victim", None)
    victim_dir = Path(tempfile.mkdtemp(prefix="nnkit-hostile-victim-", dir="/tmp"))
    os.chmod(victim_dir, 0o755)  # not even world-writable
    since = _clock_ticks()
    box: dict[str, Any] = {}
    made: list[Path] = []

    def attack() -> None:
        box["report"], _, _ = grade_in_process(attacker, secret, monkeypatch, made)

    thread = threading.Thread(target=attack)
    thread.start()
    try:
        # The hunt starts at import, for 60 s. The attacker's scratch folder is its worker's
        # own tmpfs (out of our sight), so wait for the worker itself, then for the import.
        deadline = time.monotonic() + MAX_SECONDS
        while not survivors([], since):
            assert time.monotonic() < deadline and thread.is_alive(), "the hunt never started"
            time.sleep(0.02)
        time.sleep(1.0)
        done, _seconds = run_cli(victim, victim_dir, secret)
        thread.join(timeout=2 * MAX_SECONDS)
        assert not thread.is_alive()
        assert done.returncode == 0, done.stderr[-2000:]
        problems = check_document(
            json.loads((victim_dir / "results.json").read_text()),
            expected=expected_passes(baseline, set()),
            baseline=baseline,
            case=case,
            canaries=loot_canaries(secret),
            where="the victim, graded while the attacker ran",
        )
        report = box["report"]
        problems += check_document(
            to_gradescope(report),
            expected=expected_passes(
                baseline, attacked_targets(case, baseline), [r.targets for r in report.results]
            ),
            baseline=baseline,
            case=case,
            canaries=loot_canaries(secret),
            where="the attacker",
        )
        problems += no_survivors(
            [f"nnkit-hostile-{case.name}", str(victim_dir), *map(str, made)], since
        )
        assert not problems, summary("concurrent grading", problems)
    finally:
        thread.join(timeout=2 * MAX_SECONDS)
        shutil.rmtree(victim_dir, ignore_errors=True)


@pytest.mark.skipif(NONROOT, reason="this is the non-root run")
@pytest.mark.skipif(not IS_ROOT, reason="run as root to re-run the corpus as a regular user")
@pytest.mark.slow  # the corpus again as a regular user, about 50 s
@pytest.mark.xdist_group("nonroot_user")  # nonroot.sh's one user and venv
def test_nonroot_subset(secret) -> None:
    """The cases marked `nonroot` again, graded by `nnkit grade` as a regular user."""
    setup = Path(tempfile.mkdtemp(prefix="nnkit-hostile-nonroot-", dir="/tmp"))
    try:
        prepared = subprocess.run(
            ["bash", str(NONROOT_SCRIPT), str(setup)],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if prepared.returncode == 3:
            pytest.skip(prepared.stderr.strip().splitlines()[-1])
        assert prepared.returncode == 0, prepared.stderr
        python, user = prepared.stdout.split()[-2:]
        command = [
            "runuser", "-u", user, "--",
            "env", "-i", "PATH=/usr/bin:/bin", f"HOME={setup}", "LANG=C.UTF-8",
            "PYTHONDONTWRITEBYTECODE=1", "NNKIT_HOSTILE_NONROOT=1", f"NNKIT_SECRET={secret}",
            python, "-m", "pytest", str(Path(__file__)), "-q", "-rfEX",
            "-p", "no:cacheprovider", f"--basetemp={setup}/pytest",
        ]  # fmt: skip
        if os.environ.get("PYTEST_XDIST_WORKER"):  # a parallel run: the inner one too
            command += ["-n", "2", "--dist", "loadgroup"]
        started = time.monotonic()
        inner = subprocess.run(command, cwd=KIT_ROOT, capture_output=True, text=True, timeout=900)
        seconds = time.monotonic() - started
        print(f"non-root run as {user}: {seconds:.0f} s\n{inner.stdout[-6000:]}")
        assert inner.returncode == 0, (
            f"the non-root run failed ({seconds:.0f} s):\n{inner.stdout[-12000:]}"
            f"\n{inner.stderr[-2000:]}"
        )
    finally:
        shutil.rmtree(setup, ignore_errors=True)


@pytest.mark.parametrize("namespaces", [True, False], ids=["namespaces", "no_namespaces"])
def test_grade_all_keeps_classmates_and_results_from_a_hunter(namespaces, secret) -> None:
    """`nnkit grade-all` over a class folder readable by everyone, into a results folder
    that already holds a classmate's results and the gradebook: cases/hunt_everything,
    graded in that batch, must find none of it (issue 10, class 8)."""
    base = Path(tempfile.mkdtemp(prefix="nnkit-hostile-batch-", dir="/tmp"))
    os.chmod(base, 0o755)
    subs, out = base / "class", base / "out"
    build_submission(subs / "alice", None)
    env = dict(os.environ, NNKIT_SECRET=secret, TMPDIR=str(base))
    env.pop("NNKIT_NO_NAMESPACES", None)
    if not namespaces:
        env["NNKIT_NO_NAMESPACES"] = "1"
    command = [sys.executable, "-m", "grading.cli", "grade-all", str(subs), "--out", str(out)]
    command += ["--no-class-report", "--jobs", "1"]
    try:
        for run in ("alice alone", "alice (unchanged) and mallory"):
            done = subprocess.run(
                command, cwd=base, env=env, capture_output=True, text=True, timeout=300
            )
            assert done.returncode == 0, f"{run}: {done.stderr[-2000:]}"
            if not (subs / "mallory").exists():
                build_submission(subs / "mallory", "hunt_everything")
        document = json.loads((out / "submissions" / "mallory" / "results.json").read_text())
        text = all_text(document)
        assert "LOOT-FOUND" not in text, text[text.find("LOOT-FOUND") :][:1000]
        assert document["score"] == pytest.approx(100.0)
        problems = no_survivors([str(base)], 0)
        assert not problems, summary("grade-all", problems)
    finally:
        shutil.rmtree(base, ignore_errors=True)
