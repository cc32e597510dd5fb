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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from grading.checks.points import load_suite
from grading.checks.suite import Check, CheckFailed, Student
from grading.course.assignment import assignment
from grading.course.paths import AUTOGRADER_DIR, KIT_ROOT
from grading.results.failure import Failure
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

DEFAULT_SECRET = b"nnkit-default-course-secret"  # public: for trying the kit only
SECRET_ENV = "NNKIT_SECRET"  # the course secret, for every command that grades
FINGERPRINT_HEX_DIGITS = 12
TEMPORARY_FOLDERS = ("/tmp", "/var/tmp", "/dev/shm")  # world-writable: swept after a worker


@dataclass
class CheckResult:
    """The verdict on one check."""

    check: Check
    passed: bool
    failure: Failure | None  # why it failed (None when it passed)
    number: str
    targets: frozenset[str] = frozenset()  # the student functions the check called

    @property
    def score(self) -> float:
        return self.check.points if self.passed else 0.0

    @property
    def message(self) -> str:
        """The failure as one line of plain text ("" when the check passed)."""
        return self.failure.plain() if self.failure is not None else ""


@dataclass
class GradeReport:
    """Everything the result formats need about one graded submission."""

    results: list[CheckResult]
    seed: int
    submission_sha256: str
    suite_version: str
    seconds: float
    student_output: str = ""
    notes: list[str] = field(default_factory=list)
    student_seconds: float = 0.0  # of `seconds`, the time spent in student code

    @property
    def score(self) -> float:
        return round(sum(r.score for r in self.results), 4)

    @property
    def max_score(self) -> float:
        return round(sum(r.check.points for r in self.results), 4)


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
    budget_seconds: float = 300.0,
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
    budget_seconds: float = 300.0,
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
    )


def run_checks(student: Student, checks: list[Check]) -> list[CheckResult]:
    """Run each check with a fresh generator; any grader-side surprise fails only it."""
    results = []
    counters: dict[str, int] = {}
    course = assignment()
    for chk in checks:
        part = course.part(chk.part)
        counters[chk.part] = counters.get(chk.part, 0) + 1
        number = f"{part.number}.{counters[chk.part]}"
        student.rng = np.random.default_rng([student.seed, zlib.crc32(chk.name.encode())])
        student.touched = set()
        failure: Failure | None = None
        try:
            chk.func(student)
        except CheckFailed as exc:
            failure = exc.failure
        except Exception as exc:  # noqa: BLE001 - malformed student data, never a crash
            # The exception's text may quote the student's data: it is student text.
            detail = untrusted.clean_text(
                f"{type(exc).__name__}: {exc}", untrusted.MAX_MESSAGE_CHARS
            )
            failure = Failure("the result could not be checked", student_text=detail)
        touched = frozenset(student.touched)
        results.append(CheckResult(chk, failure is None, failure, number, touched))
    return results


class SecretError(ValueError):
    """No course secret to grade with: NNKIT_SECRET is missing or empty."""


def default_secret(*, local: bool = False) -> bytes:
    """The course secret: NNKIT_SECRET as UTF-8 bytes. Every command that grades asks here.

    Missing, empty or blank raises SecretError (an empty value is what a CI workflow passes
    when its repository secret is not defined). Only with `local` (trying the kit, the demo)
    does a missing one give DEFAULT_SECRET, which is public: with it anyone can compute the
    random inputs in advance, so callers warn (`uses_public_secret`).
    """
    value = os.environ.get(SECRET_ENV)
    if value is not None and value.strip():
        return value.encode()
    if local:
        return DEFAULT_SECRET
    raise SecretError(f"{SECRET_ENV} is {'not set' if value is None else 'empty'}")


def uses_public_secret(secret: bytes) -> bool:
    """True for the built-in secret everyone can read in this file."""
    return hmac.compare_digest(secret, DEFAULT_SECRET)


def secret_fingerprint(secret: bytes) -> str:
    """The first 12 hex digits of sha256(secret): names a secret without giving it away."""
    return hashlib.sha256(secret).hexdigest()[:FINGERPRINT_HEX_DIGITS]
