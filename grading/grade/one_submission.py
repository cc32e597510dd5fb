"""Grade one submission: prepare it, run every hidden check against a sandboxed worker,
and return plain results. Student code never runs in this process.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import hmac
import os
import shutil
import tempfile
import time
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from grading.checks.points import check_numbers, load_suite
from grading.checks.reference import functions_before
from grading.checks.suite import Check, CheckFailed, Student, StudentError, StudentErrorKind
from grading.confined.limits import BUDGET_SECONDS
from grading.course.assignment import assignment
from grading.course.paths import AUTOGRADER_DIR, KIT_ROOT
from grading.grade.secret import DEFAULT_SECRET
from grading.results.failure import Failure
from grading.results.model import Blame, CheckResult, GradeReport, PartScore, score_parts
from grading.sandbox import privileges, untrusted
from grading.sandbox.sandboxed_student import RemoteStudent
from grading.sandbox.uploads import prepare
from grading.sandbox.workers import (
    Limits,
    WorkerConfig,
    fork_server,
    hidden_paths,
    landlock_wanted,
    namespaces_wanted,
)

TEMPORARY_FOLDERS = ("/tmp", "/var/tmp", "/dev/shm")  # world-writable: swept after a worker


def load_checks() -> list[Check]:
    """Import the hidden suite (once) and return its checks in part order."""
    suite_version()  # pinned to the suite as it is imported now
    return load_suite()  # points checked against solution/assignment.toml


@functools.cache
def suite_version() -> str:
    """A short hash of the hidden suite's source, recorded with every result for regrades
    (computed once per process, like the suite is imported once)."""
    digest = hashlib.sha256()
    for path in sorted(AUTOGRADER_DIR.glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def submission_seed(secret: bytes, submission_sha256: str) -> int:
    """HMAC of the submission's content under the course secret: reproducible per
    submission, unpredictable without the secret."""
    mac = hmac.new(secret, submission_sha256.encode(), hashlib.sha256).digest()
    return int.from_bytes(mac[:8], "big") >> 1


@contextmanager
def sandboxed_student(
    source: Path,
    *,
    secret: bytes = DEFAULT_SECRET,
    limits: Limits | None = None,
    budget_seconds: float = BUDGET_SECONDS,
) -> Iterator[tuple[RemoteStudent, str, list[str]]]:
    """`(student, submission sha256, notes)` for the submission at `source`, behind a
    sandboxed worker; everything it started and wrote is gone on exit."""
    work = Path(tempfile.mkdtemp(prefix="nnkit-"))
    notes: list[str] = []  # cleanup adds to it on exit (the caller reads it after)
    try:
        scratch = work / "scratch"
        scratch.mkdir()
        sha = prepare(source, scratch)
        user, identity_notes = privileges.worker_identity(scratch)
        notes += identity_notes
        # The kit and the folder holding this submission (and likely its classmates').
        notes += privileges.keep_private([KIT_ROOT, Path(source).resolve().parent])
        config = WorkerConfig(
            package_parent=str(scratch),
            scratch=str(scratch),
            limits=limits or Limits(),
            user=user,
            hide=hidden_paths([]),
            namespaces=namespaces_wanted(),
            landlock=landlock_wanted(),
        )
        student = RemoteStudent(config, submission_seed(secret, sha), budget_seconds)
        try:
            yield student, sha, notes
        finally:
            student.close()
            if user is not None:
                notes += sweep_temporary_folders(user[0])
    finally:
        notes += remove_tree(work)


def remove_tree(folder: Path) -> list[str]:
    """Delete `folder`, making each folder in it writable first if that is what stops it
    (a student may leave read-only ones); a note naming what could not be removed, if any.
    """
    left: list[str] = []

    def retry(function, path, exc_info) -> None:  # noqa: ANN001 - shutil's callback
        if getattr(exc_info[1], "errno", None) == errno.ENOTEMPTY:
            return  # a folder above one that could not be removed: counted there
        try:
            os.chmod(os.path.dirname(path), 0o700)
            if os.path.isdir(path) and not os.path.islink(path):
                os.chmod(path, 0o700)
                shutil.rmtree(path, onerror=lambda *_: left.append(path))
            else:
                function(path)
        except OSError:
            left.append(path)

    if folder.exists():
        shutil.rmtree(folder, onerror=retry)
    if not left and not folder.exists():
        return []
    return [f"cleanup: could not remove {len(left) or 1} path(s) under {folder}"]


def sweep_temporary_folders(uid: int) -> list[str]:
    """Remove what user `uid` (a worker's own) left at the top of the shared temporary
    folders: where neither a private view nor Landlock kept it out, it could write there."""
    notes = []
    for folder in TEMPORARY_FOLDERS:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.stat(follow_symlinks=False).st_uid != uid:
                    continue
            except OSError:
                continue
            if entry.is_dir(follow_symlinks=False):
                notes += remove_tree(Path(entry.path))
            else:
                try:
                    os.unlink(entry.path)
                except OSError:
                    notes.append(f"cleanup: could not remove {entry.path}")
    return notes


def grade(
    source: Path,
    *,
    secret: bytes = DEFAULT_SECRET,
    limits: Limits | None = None,
    budget_seconds: float = BUDGET_SECONDS,
    checks: list[Check] | None = None,
) -> GradeReport:
    """Grade the submission at `source`; raises SubmissionError if it cannot be read."""
    started = time.perf_counter()
    fork_server()  # starts loading numpy in a clean process while the suite loads here
    checks = checks if checks is not None else load_checks()
    with sandboxed_student(source, secret=secret, limits=limits, budget_seconds=budget_seconds) as (
        student,
        sha,
        notes,
    ):
        results = run_checks(student, checks)
    output = student.printed_output()  # after close: the last worker's output is in
    notes = notes + sorted(student.notes)
    return GradeReport(
        results,
        student.seed,
        sha,
        suite_version(),
        time.perf_counter() - started,
        output,
        notes,
        student.student_seconds,
        part_summary(results),
        package=assignment().package,
    )


def part_summary(results: Iterable[CheckResult]) -> list[PartScore]:
    """The score per part of graded `results`, over the assignment's parts: the one place
    the grader hands the part list to the results model."""
    return score_parts(results, assignment().parts)


def assignment_parts(checks: list[Check] | None = None) -> list[PartScore]:
    """Every part with the points its checks are worth and none earned (the columns of a
    gradebook, the parts of a submission that could not be graded)."""
    checks = checks if checks is not None else load_checks()
    return part_summary(CheckResult(c, False, None, "") for c in checks)


def could_not_grade(reason: str, *, submission_sha256: str = "") -> GradeReport:
    """The report of a submission that could not be graded: score 0, `reason`, the parts."""
    report = GradeReport.could_not_grade(
        reason,
        submission_sha256=submission_sha256,
        suite_version=suite_version(),
        parts=assignment_parts(),
    )
    report.package = assignment().package
    return report


def run_checks(student: Student, checks: list[Check]) -> list[CheckResult]:
    """Run each check with a fresh generator; any grader-side surprise fails only it.

    One mistake costs once: a check that fails after the student's code called functions
    of the parts before its own, of a part that lost points in its own checks, is run a
    second time, on the same inputs (same generator seed), with the grader's functions
    standing in for those (`second_run`). It passes if either run passes, unless the
    assignment charges downstream parts ([grading] charge_downstream): then only the first
    counts. Either way its `blame` names the functions the grader answered
    (grading.results.causes says it in words). Second runs come after every check's first
    run, in the checks' order: a worker that held the grader's functions serves no first
    run (see grading.sandbox.sandboxed_student), and the second runs share workers.
    """
    charge_downstream = assignment().grading.charge_downstream
    try:
        firsts, lost = [], set()  # lost: the parts with a failed first run
        for chk in checks:
            # Only functions of parts already known to have lost points are watched: a
            # submission that loses none pays nothing for the watch.
            before = functions_before(chk.part)
            student.others = {m: names for m, names in before.items() if m in lost}
            firsts.append(run_once(student, chk))
            if firsts[-1].failure is not None:
                lost.add(chk.part)
        results = []
        for chk, number, first in zip(checks, check_numbers(checks), firsts, strict=True):
            result = CheckResult(chk, first.failure is None, first.failure, number, first.touched)
            if first.failure is not None and not first.timed_out and _suspects(chk, first, lost):
                student.others = functions_before(chk.part)
                result = second_run(student, chk, result, charge_downstream)
            results.append(result)
    finally:
        student.others = {}
    return results


@dataclass(frozen=True)
class Run:
    """One run of a check: its failure (None: it passed), the student functions it called
    (`touched`), which functions of other parts the student's code called, and whether a
    call timed out (a second run would wait as long again)."""

    failure: Failure | None
    touched: frozenset[str]
    others_called: frozenset[str]
    timed_out: bool = False
    watched: frozenset[str] = frozenset()  # the parts whose functions were watched


def run_once(student: Student, chk: Check) -> Run:
    """Run `chk` once, with the generator every run of it gets."""
    student.rng = np.random.default_rng([student.seed, zlib.crc32(chk.name.encode())])
    student.touched = set()
    student.others_called = set()
    failure: Failure | None = None
    timed_out = False
    try:
        chk.func(student)
    except CheckFailed as exc:
        failure = exc.failure
        timed_out = isinstance(exc, StudentError) and exc.kind == StudentErrorKind.TIMED_OUT
    except Exception as exc:  # noqa: BLE001 - malformed student data, never a crash
        # The exception's text may quote the student's data: it is student text.
        detail = untrusted.clean_text(f"{type(exc).__name__}: {exc}", untrusted.MAX_MESSAGE_CHARS)
        failure = Failure("the result could not be checked", student_text=detail)
    called = frozenset(student.others_called)
    return Run(failure, frozenset(student.touched), called, timed_out, frozenset(student.others))


def _suspects(chk: Check, first: Run, lost: set[str]) -> bool:
    """True when the failed `first` run of `chk` may be caused by a part before its own that
    lost points in its own checks (`lost`): its code called a function of such a part, or
    the part was not watched in that run (its failures came later: a suite not in part
    order). Where every part the check's code used passed all of its checks, the suite has
    no cause to name but this part, and no second run is made (it costs time: every call
    to the grader's functions crosses the trust boundary)."""
    suspects = lost & set(functions_before(chk.part))
    called = {name.partition(".")[0] for name in first.others_called}
    return bool(suspects & called or suspects - first.watched)


def second_run(
    student: Student, chk: Check, first: CheckResult, charge_downstream: bool
) -> CheckResult:
    """`first` (a failed check) judged again by a run with the grader's functions standing
    in for the other parts' (see run_checks); `first` itself when the grader answered none.
    When that run fails too, the mistake is in this part: its failure is the one shown."""
    with student.stand_ins() as answered:
        run = run_once(student, chk)
    if not answered:
        return first
    blame = Blame(tuple(sorted(answered)), upstream=run.failure is None)
    if run.failure is not None:
        return CheckResult(chk, False, run.failure, first.number, run.touched, blame)
    if charge_downstream:
        return CheckResult(chk, False, first.failure, first.number, first.targets, blame)
    return CheckResult(chk, True, None, first.number, first.targets | run.touched, blame)
