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
CLONE_NEWNS, CLONE_NEWNET = 0x00020000, 0x40000000
MS_REC, MS_PRIVATE = 0x4000, 1 << 18
MIB = 1024 * 1024
PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2
CLONE_THREAD = 0x00010000
# (audit architecture, system call numbers) per machine, from the kernel's syscall tables.
SECCOMP_ARCH = {
    "x86_64": (
        0xC000003E,
        {
            "clone": 56,
            "fork": 57,
            "vfork": 58,
            "execve": 59,
            "ptrace": 101,
            "execveat": 322,
            "process_vm_readv": 310,
            "process_vm_writev": 311,
            "clone3": 435,
        },
    ),
    "aarch64": (
        0xC00000B7,
        {
            "clone": 220,
            "execve": 221,
            "ptrace": 117,
            "execveat": 281,
            "process_vm_readv": 270,
            "process_vm_writev": 271,
            "clone3": 435,
        },
    ),
}


def main() -> None:
    config = json.loads(sys.argv[1])
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    import numpy  # noqa: F401 - loaded before any limit, shared by every call
    import wire
    import worker

    sys.path.remove(here)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, 9, 0, 0, 0)
    _preload(config.get("preload", []))
    sys.path.insert(0, config["package_parent"])
    _paths_through_descriptors()
    os.chdir(config["scratch"])  # the working folder stays reachable under any mount
    notes = []
    if os.geteuid() == 0 and config.get("hide"):
        notes.append(_hide(libc, config["hide"]))
    uid, gid = config.get("user") or (os.getuid(), os.getgid())
    _limit(config["limits"], uid)
    if os.geteuid() == 0 and config.get("user"):
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    if not _forbid_new_processes(libc):
        notes.append("seccomp unavailable: new processes are limited by RLIMIT_NPROC only")
    os.environ.clear()
    os.environ.update(config.get("env", {}))
    channel = socket.socket(fileno=config["channel_fd"])
    channel.sendall(wire.pack({"ready": True, "notes": [n for n in notes if n]}))
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
    """Cover `paths` with empty read-only tmpfs mounts in a private mount namespace,
    and leave the network behind (a new network namespace has only a loopback, down)."""
    if libc.unshare(CLONE_NEWNET) != 0:
        return "network namespace unavailable"
    if libc.unshare(CLONE_NEWNS) != 0:
        return "mount namespace unavailable"
    libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None)
    hidden = 0
    for path in paths:
        if os.path.isdir(path):
            if libc.mount(b"tmpfs", path.encode(), b"tmpfs", 1, b"size=4k,mode=000") == 0:
                hidden += 1
    return "" if hidden else "no folder could be hidden"


def _forbid_new_processes(libc: ctypes.CDLL) -> bool:
    """A seccomp filter: no fork, no exec, no ptrace; threads are still allowed.

    Without child processes nothing can outlive the worker (a `setsid()` child included),
    and killing the worker's process group ends everything it ran.
    """
    arch, numbers = SECCOMP_ARCH.get(os.uname().machine, (None, {}))
    if arch is None:
        return False
    deny_eperm = [
        numbers[n]
        for n in (
            "fork",
            "vfork",
            "execve",
            "execveat",
            "ptrace",
            "process_vm_readv",
            "process_vm_writev",
        )
        if n in numbers
    ]
    ld_abs, jeq, jset, ret = 0x20, 0x15, 0x45, 0x06
    allow, kill, errno = 0x7FFF0000, 0x80000000, 0x00050000
    jge = 0x35
    prog = [
        (ld_abs, 0, 0, 4),
        (jeq, 1, 0, arch),
        (ret, 0, 0, kill),
        (ld_abs, 0, 0, 0),
        (jge, 0, 1, 0x40000000),
        (ret, 0, 0, kill),
    ]  # x32 system calls: never
    for nr in deny_eperm:
        prog += [(jeq, 0, 1, nr), (ret, 0, 0, errno | 1)]
    # clone3 answers ENOSYS so that the C library falls back to clone, whose flags we can read.
    prog += [(jeq, 0, 1, numbers["clone3"]), (ret, 0, 0, errno | 38)]
    prog += [
        (jeq, 0, 3, numbers["clone"]),
        (ld_abs, 0, 0, 16),  # args[0]: the clone flags
        (jset, 1, 0, CLONE_THREAD),
        (ret, 0, 0, errno | 1),
    ]
    prog += [(ret, 0, 0, allow)]

    class SockFilter(ctypes.Structure):
        _fields_ = [
            ("code", ctypes.c_ushort),
            ("jt", ctypes.c_ubyte),
            ("jf", ctypes.c_ubyte),
            ("k", ctypes.c_uint),
        ]

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(SockFilter))]

    filters = (SockFilter * len(prog))(*[SockFilter(*ins) for ins in prog])
    fprog = SockFprog(len(prog), filters)
    return libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) == 0


def _limit(limits: dict[str, int], uid: int) -> None:
    """Hard resource limits: the student cannot raise them again.

    RLIMIT_NPROC counts every process and thread of the user, so the cap is what the
    user already runs plus `processes` (threads; fork itself is refused by seccomp).
    """
    settings = {
        resource.RLIMIT_AS: limits["memory_mb"] * MIB,
        resource.RLIMIT_CPU: limits["cpu_seconds"],
        resource.RLIMIT_FSIZE: limits["file_mb"] * MIB,
        resource.RLIMIT_NPROC: _tasks_of(uid) + limits["processes"],
        resource.RLIMIT_CORE: 0,
    }
    for which, value in settings.items():
        resource.setrlimit(which, (value, value))


def _tasks_of(uid: int) -> int:
    """How many processes and threads `uid` runs now (from /proc)."""
    count = 0
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                if os.stat(f"/proc/{pid}").st_uid == uid:
                    count += len(os.listdir(f"/proc/{pid}/task"))
            except OSError:
                pass
    return count


if __name__ == "__main__":
    main()
