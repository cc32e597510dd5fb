"""Who the worker runs as.

As root (Gradescope, CI containers) the worker drops to a user id of its own,
`UID_BASE + the grader's pid`, in the group of the system user `nnkit-worker` (created on
first use). Graders running side by side (`grade-all`) thus never share a user: one
submission cannot signal, trace or read another's worker or scratch folder. The worker
owns nothing but its scratch folder. As a regular user the worker keeps the grader's
identity (weaker: see SECURITY.md).
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from pathlib import Path

WORKER_USER = "nnkit-worker"
FALLBACK_GID = 65534  # nogroup
UID_BASE = 2_000_000_000  # far above login users and the usual subordinate-id ranges


def worker_identity(scratch: Path) -> tuple[tuple[int, int] | None, list[str]]:
    """`((uid, gid), notes)` for the worker, owning `scratch`; `(None, notes)` if not root."""
    if os.geteuid() != 0:
        _not_dumpable()
        return None, [
            "The grader runs as a regular user, so the worker keeps that user's identity "
            "(see SECURITY.md for what that allows)."
        ]
    gid = _ensure_group()
    uid = UID_BASE + os.getpid()
    # Where namespaces are missing the worker reaches its scratch folder by its path: it
    # may pass through the parent, not list it (other graders' folders stay private).
    os.chmod(scratch.parent, 0o711)
    for folder, _dirs, files in os.walk(scratch):
        os.chown(folder, uid, gid)
        for name in files:
            os.chown(os.path.join(folder, name), uid, gid)
    os.chmod(scratch, 0o700)
    return (uid, gid), []


def _not_dumpable() -> None:
    """Make the grader's /proc/PID/mem and environ unreadable to processes of its own user
    (the worker, as a regular user, runs as that same user)."""
    import ctypes

    pr_set_dumpable = 4
    ctypes.CDLL(None).prctl(pr_set_dumpable, 0, 0, 0, 0)


def _ensure_group() -> int:
    """The group of the `nnkit-worker` system user, created if it does not exist."""
    try:
        return pwd.getpwnam(WORKER_USER).pw_gid
    except KeyError:
        pass
    useradd = shutil.which("useradd") or "/usr/sbin/useradd"
    result = subprocess.run(
        [
            useradd,
            "--system",
            "--no-create-home",
            "--user-group",
            "--shell",
            "/usr/sbin/nologin",
            WORKER_USER,
        ],
        capture_output=True,
        check=False,
    )
    try:
        return pwd.getpwnam(WORKER_USER).pw_gid
    except KeyError:
        if result.returncode != 0:
            return FALLBACK_GID
        raise
