"""Who the worker runs as.

As root (Gradescope, CI containers) the worker drops to a user id and a group id of its
own, both `UID_BASE + the grader's pid` (no entry in /etc/passwd is needed). Graders
running side by side (`grade-all`) thus never share a user or a group: one submission
cannot signal, trace or read another's worker or scratch folder. The worker owns no file:
its scratch folder (the prepared package) is root's, readable by its group only, so where
no capped tmpfs can be mounted over it (boot.py) the worker cannot write there at all.
As a regular user the worker keeps the grader's identity (weaker: see SECURITY.md).
"""

from __future__ import annotations

import os
from pathlib import Path

UID_BASE = 2_000_000_000  # far above login users and the usual subordinate-id ranges


def worker_identity(scratch: Path) -> tuple[tuple[int, int] | None, list[str]]:
    """`((uid, gid), notes)` for the worker, which may read `scratch` and not change it;
    `(None, notes)` if not root."""
    if os.geteuid() != 0:
        _not_dumpable()
        return None, [
            "The grader runs as a regular user, so the worker keeps that user's identity "
            "(see SECURITY.md for what that allows)."
        ]
    uid = gid = UID_BASE + os.getpid()
    # Where namespaces are missing the worker reaches its scratch folder by its path: it
    # may pass through the parent, not list it (other graders' folders stay private).
    os.chmod(scratch.parent, 0o711)
    for folder, _dirs, files in os.walk(scratch):
        os.chown(folder, 0, gid)
        os.chmod(folder, 0o750)
        for name in files:
            path = os.path.join(folder, name)
            os.chown(path, 0, gid)
            os.chmod(path, 0o640)
    return (uid, gid), []


def _not_dumpable() -> None:
    """Make the grader's /proc/PID/mem and environ unreadable to processes of its own user
    (the worker, as a regular user, runs as that same user)."""
    import ctypes

    pr_set_dumpable = 4
    ctypes.CDLL(None).prctl(pr_set_dumpable, 0, 0, 0, 0)


def needs_private_folders() -> bool:
    """Whether folders must be closed to the worker by permissions: as root, where neither
    Landlock (kernel without it, or NNKIT_NO_LANDLOCK=1) nor namespaces keep it out."""
    from grading.confined import landlock
    from grading.sandbox.workers import landlock_wanted, namespaces_wanted

    if os.geteuid() != 0:
        return False
    return not (landlock_wanted() and landlock.abi() > 0) and not namespaces_wanted()


def keep_private(folders: list[Path]) -> list[str]:
    """Where `needs_private_folders()`, take "other" access away from each folder in
    `folders` (the kit, the results, the folder of the submissions), so that the worker's
    user id, which owns none of them, can reach nothing below; notes saying what was done."""
    if not needs_private_folders():
        return []
    closed = []
    for folder in dict.fromkeys(Path(f).resolve() for f in folders):
        if folder.is_dir() and folder != Path("/"):
            mode = folder.stat().st_mode
            if mode & 0o007:
                folder.chmod(mode & 0o7770)
            closed.append(str(folder))
    return [f"no Landlock and no namespaces: closed to other users: {', '.join(closed)}"]
