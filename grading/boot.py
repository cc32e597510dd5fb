"""Entry point of a sandboxed worker process: confine it, then serve the grader.

Run as `python -I grading/boot.py CONFIG_JSON` by `grading.sandbox`. In order:
load numpy and the worker code, open the import paths as directory descriptors (so that
imports keep working once the paths themselves are hidden or unreadable), hide the
kit and results folders (root only: a private mount namespace), apply resource limits,
drop to the unprivileged worker user (root only), forbid new privileges, then answer
requests. Only the standard library and numpy are imported here.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import socket
import sys

PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38
CLONE_NEWNS = 0x00020000
MS_REC, MS_PRIVATE = 0x4000, 1 << 18
MIB = 1024 * 1024


def main() -> None:
    config = json.loads(sys.argv[1])
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    import numpy  # noqa: F401 - loaded before any limit, shared by every call
    import wire  # noqa: F401
    import worker

    sys.path.remove(here)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, 9, 0, 0, 0)
    _preload(config.get("preload", []))
    _paths_through_descriptors()
    notes = []
    if os.geteuid() == 0 and config.get("hide"):
        notes.append(_hide(libc, config["hide"]))
    _limit(config["limits"])
    os.chdir(config["scratch"])
    if os.geteuid() == 0 and config.get("user"):
        uid, gid = config["user"]
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    os.environ.clear()
    os.environ.update(config.get("env", {}))
    sys.path.insert(0, config["package_parent"])
    channel = socket.socket(fileno=config["channel_fd"])
    worker.serve(channel)


def _preload(modules: list[str]) -> None:
    """Import modules a submission may use, while the interpreter's files are readable."""
    import importlib

    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a missing optional module is not an error
            pass


def _paths_through_descriptors() -> None:
    """Reach every import path through an open directory descriptor (/proc/self/fd/N).

    A process that dropped to another user, or whose paths are hidden under a mount,
    can still read through a descriptor opened before (the kernel checks permissions
    on opening, not on each lookup below an open directory). Package `__path__`s are
    rewritten too, so numpy's lazily loaded submodules keep working.
    """
    mapping: dict[str, str] = {}
    for entry in list(sys.path):
        if entry and os.path.isdir(entry) and entry not in mapping:
            fd = os.open(entry, os.O_RDONLY | os.O_DIRECTORY)
            mapping[entry] = f"/proc/self/fd/{fd}"

    def remap(path: str) -> str:
        for prefix in sorted(mapping, key=len, reverse=True):
            if path == prefix or path.startswith(prefix + os.sep):
                return mapping[prefix] + path[len(prefix) :]
        return path

    sys.path[:] = [remap(p) for p in sys.path]
    for module in list(sys.modules.values()):
        paths = getattr(module, "__path__", None)
        if isinstance(paths, list):
            paths[:] = [remap(p) for p in paths]
    sys.path_importer_cache.clear()


def _hide(libc: ctypes.CDLL, paths: list[str]) -> str:
    """Cover `paths` with empty read-only tmpfs mounts in a private mount namespace."""
    if libc.unshare(CLONE_NEWNS) != 0:
        return "mount namespace unavailable"
    libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None)
    hidden = 0
    for path in paths:
        if os.path.isdir(path):
            if libc.mount(b"tmpfs", path.encode(), b"tmpfs", 1, b"size=4k,mode=000") == 0:
                hidden += 1
    return f"hid {hidden} folders"


def _limit(limits: dict[str, int]) -> None:
    """Hard resource limits: the student cannot raise them again."""
    settings = {
        resource.RLIMIT_AS: limits["memory_mb"] * MIB,
        resource.RLIMIT_CPU: limits["cpu_seconds"],
        resource.RLIMIT_FSIZE: limits["file_mb"] * MIB,
        resource.RLIMIT_NPROC: limits["processes"],
        resource.RLIMIT_CORE: 0,
    }
    for which, value in settings.items():
        resource.setrlimit(which, (value, value))


if __name__ == "__main__":
    main()
