"""Who the worker runs as.

As root (Gradescope, CI containers) the worker drops to a dedicated system user,
`nnkit-worker`, created on first use, that owns nothing but its scratch folder. As a
regular user the worker keeps the grader's identity (weaker: see SECURITY.md).
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from pathlib import Path

WORKER_USER = "nnkit-worker"
FALLBACK_UID = 65534  # nobody


def worker_identity(scratch: Path) -> tuple[tuple[int, int] | None, list[str]]:
    """`((uid, gid), notes)` for the worker, owning `scratch`; `(None, notes)` if not root."""
    if os.geteuid() != 0:
        return None, [
            "The grader runs as a regular user, so the worker keeps that user's identity: it "
            "cannot be kept from reading files that user can read."
        ]
    uid, gid = _ensure_user()
    os.chmod(scratch.parent, 0o711)  # the worker may pass through, not list
    for folder, _dirs, files in os.walk(scratch):
        os.chown(folder, uid, gid)
        for name in files:
            os.chown(os.path.join(folder, name), uid, gid)
    os.chmod(scratch, 0o700)
    return (uid, gid), []


def _ensure_user() -> tuple[int, int]:
    try:
        entry = pwd.getpwnam(WORKER_USER)
        return entry.pw_uid, entry.pw_gid
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
        entry = pwd.getpwnam(WORKER_USER)
        return entry.pw_uid, entry.pw_gid
    except KeyError:
        if result.returncode != 0:
            return FALLBACK_UID, FALLBACK_UID
        raise
