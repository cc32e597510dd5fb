"""`nnkit gradescope --try`: an autograder zip tried on this machine as Gradescope runs it
(what `otter run -a` does for otter).

A new temporary ROOT, kept afterwards, is laid out as Gradescope's `/autograder`:
`source/` (the unpacked zip), `submission/` (the student's files; a .zip is unpacked, as
Gradescope unpacks uploads), `results/`, and `run_autograder` copied beside them. The
zip's own `setup.sh` runs there first, then `ROOT/run_autograder`, both with
`AUTOGRADER_ROOT=ROOT`. The one thing not made afresh is the grader's venv: it lives in
the cache folder (NNKIT_CACHE, default `~/.cache/nnkit`) under `venvs/KEY`, KEY a hash of
the zip's `requirements.txt` and of the `python3` it is made with, and `setup.sh` is
pointed at it with NNKIT_VENV; a second try with the same requirements reuses it, and
`setup.sh` then only compiles the source and checks that the solution scores full marks.

What differs from Gradescope: the scripts run as the user who runs the try (Gradescope:
root), on this machine's kernel and `python3`, without Gradescope's memory and CPU limits;
tests/gradescope_container rebuilds those conditions with docker.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grading.confined.limits import (
    KEEP_VENVS,
    MAX_UNPACKED_BYTES,
    RUN_TIMEOUT_SECONDS,
    SETUP_TIMEOUT_SECONDS,
)
from grading.grade.secret import bundle_secret, secret_fingerprint
from grading.release.gradescope_bundle import ENTRIES, REQUIREMENTS_NAME, load_config

CACHE_ENV = "NNKIT_CACHE"  # the cache folder; default below
VENV_ENV = "NNKIT_VENV"  # where setup.sh makes (or finds) the venv, and run_autograder's
# Set by the scripts themselves or by the try; a value in the caller's environment would
# make the try differ from Gradescope.
NOT_PASSED_ON = ("AUTOGRADER_ROOT", "NNKIT_ROOT", "NNKIT_PYTHON", VENV_ENV)


# What reading a damaged zip entry raises (zlib's own error for broken deflate data).
UNREADABLE = (zipfile.BadZipFile, zlib.error, EOFError, OSError)


class TryError(Exception):
    """The try cannot go on; the message is one line for the user."""


@dataclass(frozen=True)
class Trial:
    """One try of a zip on one submission.

    `setup_seconds` and `run_seconds` are wall times of setup.sh and run_autograder;
    `venv_reused` says whether the cached venv was there before this try.
    """

    root: Path
    results: Path
    document: dict[str, Any]
    fingerprint: str | None  # of the course secret the zip holds; None when it holds none
    venv: Path
    venv_reused: bool
    setup_seconds: float
    run_seconds: float
    returncode: int  # run_autograder's
    stderr: str  # run_autograder's (its warnings and errors)


def cache_folder() -> Path:
    """NNKIT_CACHE, else `$XDG_CACHE_HOME/nnkit`, else `~/.cache/nnkit`."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "nnkit"


def try_bundle(bundle: Path, submission: Path, *, cache: Path | None = None) -> Trial:
    """Lay out a temporary root, run the zip's setup.sh (venv cached) and run_autograder on
    `submission` (a folder or a .zip) there, and return what came of it. TryError when the
    submission or the zip cannot be used, or setup.sh fails."""

    check_submission(submission)
    check_bundle(bundle)
    root = Path(tempfile.mkdtemp(prefix="nnkit-try-"))
    with zipfile.ZipFile(bundle) as zf:
        zf.extractall(root / "source")
    try:
        lay_out_submission(submission, root / "submission")
    except TryError:
        shutil.rmtree(root)  # nothing ran: nothing to keep
        raise
    (root / "results").mkdir()
    shutil.copy2(root / "source" / "run_autograder", root / "run_autograder")
    secret = bundle_secret(load_config(root / "source"))
    requirements = (root / "source" / REQUIREMENTS_NAME).read_bytes()
    venvs = (cache or cache_folder()) / "venvs"
    venv = venvs / venv_key(requirements)
    env = {k: v for k, v in os.environ.items() if k not in NOT_PASSED_ON}
    env.update(AUTOGRADER_ROOT=str(root), **{VENV_ENV: str(venv)})
    with _locked(venv):
        reused = (venv / "bin" / "python").exists()
        setup_seconds = _setup(root, env)
        os.utime(venv)  # used now: the newest, for _forget_old_venvs
        started = time.monotonic()
        try:
            proc = subprocess.run(
                ["bash", str(root / "run_autograder")],
                cwd=root,
                env=env,
                capture_output=True,
                text=True,
                timeout=RUN_TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise TryError(
                f"run_autograder took more than {RUN_TIMEOUT_SECONDS:g} s (Gradescope's limit)"
            ) from None
        run_seconds = time.monotonic() - started
        (root / "run_autograder.log").write_text(proc.stdout + proc.stderr)
    _forget_old_venvs(venvs)
    results = root / "results" / "results.json"
    if not results.exists():
        raise TryError(
            f"run_autograder wrote no results.json (exit {proc.returncode}); its output is "
            f"in {root / 'run_autograder.log'}"
        )
    return Trial(
        root=root,
        results=results,
        document=json.loads(results.read_text()),
        fingerprint=None if secret is None else secret_fingerprint(secret),
        venv=venv,
        venv_reused=reused,
        setup_seconds=setup_seconds,
        run_seconds=run_seconds,
        returncode=proc.returncode,
        stderr=proc.stderr,
    )


def describe(trial: Trial, bundle: Path) -> list[str]:
    """What `nnkit gradescope --try` prints: the zip's secret, the times, the summary the
    student sees at the top of the results on Gradescope (the score per part), and where
    results.json is."""
    held = "no course secret" if trial.fingerprint is None else f"course secret {trial.fingerprint}"
    venv = "reused" if trial.venv_reused else "made"
    return [
        f"{bundle} holds {held}",
        f"setup.sh: {trial.setup_seconds:.1f} s ({venv} the venv {trial.venv})",
        f"run_autograder: {trial.run_seconds:.1f} s",
        str(trial.document.get("output", "")),
        f"Results written to {trial.results}",
    ]


def check_submission(submission: Path) -> None:
    """TryError unless `submission` is a folder or a .zip file (as `nnkit grade` says it)."""
    if not submission.exists():
        raise TryError(f"submission not found: {submission}")
    if not submission.is_dir() and not zipfile.is_zipfile(submission):
        raise TryError(f"{submission} is neither a folder nor a .zip file")


def check_bundle(bundle: Path) -> None:
    """TryError unless `bundle` is a zip holding what `nnkit gradescope` puts in one."""
    if not bundle.is_file():
        raise TryError(f"autograder zip not found: {bundle}")
    if not zipfile.is_zipfile(bundle):
        raise TryError(f"{bundle} is not a zip file")
    with zipfile.ZipFile(bundle) as zf:
        missing = [name for name in ENTRIES if name not in set(zf.namelist())]
        for info in [] if missing else zf.infolist():
            try:
                with zf.open(info) as entry:
                    while entry.read(1 << 20):  # checks the CRC at the end
                        pass
            except UNREADABLE:
                raise TryError(f"{bundle} is damaged: {info.filename} cannot be read") from None
    if missing:
        raise TryError(
            f"{bundle} is not an nnkit autograder zip: it has no {', '.join(missing)} "
            "(build one with `nnkit gradescope`)"
        )


def lay_out_submission(submission: Path, dest: Path) -> None:
    """The student's files in `dest` as Gradescope has them: a folder copied (links kept as
    links), a .zip unpacked (zipfile drops `..` and absolute paths)."""
    if submission.is_dir():
        shutil.copytree(submission, dest, symlinks=True)
        return
    try:
        with zipfile.ZipFile(submission) as zf:
            if sum(info.file_size for info in zf.infolist()) > MAX_UNPACKED_BYTES:
                raise TryError(f"{submission} unpacks to more than {MAX_UNPACKED_BYTES:,} bytes")
            zf.extractall(dest)
    except UNREADABLE as exc:
        raise TryError(f"{submission} is not a readable zip file ({exc})") from None


def venv_key(requirements: bytes) -> str:
    """The cache key of the venv for `requirements`: they and the `python3` on PATH that
    setup.sh makes it with (a venv works only with the Python it was made from)."""
    python = subprocess.run(
        ["python3", "-c", "import sys; print(sys.executable, sys.version)"],
        capture_output=True,
        check=False,
    ).stdout
    return hashlib.sha256(requirements + b"\0" + python).hexdigest()[:16]


def _setup(root: Path, env: dict[str, str]) -> float:
    """Run ROOT/source/setup.sh as Gradescope does (from the source folder), its output in
    ROOT/setup.log; its wall time in seconds, or TryError with its last line."""
    log = root / "setup.log"
    started = time.monotonic()
    with log.open("wb") as out:
        try:
            proc = subprocess.run(
                ["bash", "./setup.sh"],
                cwd=root / "source",
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=SETUP_TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise TryError(
                f"setup.sh took more than {SETUP_TIMEOUT_SECONDS:g} s; its output is in {log}"
            ) from None
    if proc.returncode != 0:
        said = log.read_text(errors="replace").strip().splitlines() or ["(no output)"]
        last = said[-1].strip().removeprefix("nnkit: error: ")  # the grader's, from its check
        raise TryError(f"setup.sh failed (exit {proc.returncode}): {last}; its output is in {log}")
    return time.monotonic() - started


@contextmanager
def _locked(venv: Path) -> Iterator[None]:
    """Hold VENV.lock: one try at a time makes or uses a venv, and none is dropped in use."""
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _forget_old_venvs(venvs: Path) -> None:
    """Remove all but the KEEP_VENVS most recently used venvs; one in use is kept."""
    found = sorted(
        (p for p in venvs.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True
    )
    for old in found[KEEP_VENVS:]:
        with open(old.with_suffix(".lock"), "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            shutil.rmtree(old, ignore_errors=True)
