"""Entry point of a sandboxed worker process: confine it, then serve the grader.

Run as `python -I grading/boot.py CONFIG_JSON` by `grading.sandbox`. In order: load
numpy and the worker code; where namespaces can be had (as root, or in an unprivileged
user namespace) leave the network behind and rebuild the file system view: a fresh
empty /tmp holding read-only bind mounts of the import paths and a writable bind mount of
the scratch folder, and empty mounts over the kit, home folders and shared temporary
folders; apply resource limits; as root drop to the worker's own unprivileged user; die
with the grader; forbid new privileges; install the seccomp filter; then answer requests.
Only the standard library and numpy are imported here.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import socket
import sys

PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS = 1, 38
CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWNET = 0x10000000, 0x00020000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_REC = 1, 2, 4, 32, 4096, 0x4000
MS_PRIVATE, MS_RELATIME = 1 << 18, 1 << 21
MIB = 1024 * 1024
VIEW = "/tmp"  # where the worker's own file system view is built


def main() -> None:
    config = json.loads(sys.argv[1])
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    import numpy  # noqa: F401 - loaded before any limit, shared by every call
    import seccomp
    import wire
    import worker

    sys.path.remove(here)
    libc = ctypes.CDLL(None, use_errno=True)
    _preload(config.get("preload", []))
    sys.path.insert(0, config["package_parent"])
    notes: list[str] = []
    as_root = os.geteuid() == 0
    if as_root or _enter_user_namespace(libc):
        notes += _rebuild_view(libc, config["scratch"], config.get("hide", []))
    else:
        os.chdir(config["scratch"])
        notes.append("no namespaces: the worker can read what the grader's user can read")
    uid, gid = config.get("user") or (os.getuid(), os.getgid())
    _limit(config["limits"], uid)
    if as_root and config.get("user"):
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
    # Changing user clears the parent-death signal, so it is set after, then checked.
    libc.prctl(PR_SET_PDEATHSIG, 9, 0, 0, 0)
    if os.getppid() != config["grader_pid"]:
        os._exit(70)
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    if not seccomp.install(libc):
        notes.append("seccomp unavailable: new processes are limited by RLIMIT_NPROC only")
    os.environ.clear()
    os.environ.update(config.get("env", {}))
    channel = socket.socket(fileno=config["channel_fd"])
    channel.sendall(wire.pack({"ready": True, "notes": notes}))
    worker.serve(channel)


def _preload(modules: list[str]) -> None:
    """Import modules a submission may use, while the interpreter's files are readable."""
    import importlib

    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a missing optional module is not an error
            pass


def _enter_user_namespace(libc: ctypes.CDLL) -> bool:
    """As a regular user, become root of a new user namespace (mapped to ourselves), which
    allows private mount and network namespaces; False where the kernel refuses."""
    uid, gid = os.getuid(), os.getgid()
    if libc.unshare(CLONE_NEWUSER) != 0:
        return False
    try:
        with open("/proc/self/setgroups", "w") as fh:
            fh.write("deny")
        with open("/proc/self/uid_map", "w") as fh:
            fh.write(f"0 {uid} 1")
        with open("/proc/self/gid_map", "w") as fh:
            fh.write(f"0 {gid} 1")
    except OSError:
        return False
    return True


def _rebuild_view(libc: ctypes.CDLL, scratch: str, hide: list[str]) -> list[str]:
    """Private network and mount namespaces, then the worker's own view of the files.

    Every import path and the scratch folder are opened first and bind-mounted from the
    open descriptors into an empty tmpfs on /tmp, so that nothing outside them can be
    reached, not even by walking up with `..` from a folder the worker holds open.
    """
    if libc.unshare(CLONE_NEWNET) != 0:
        return ["network namespace unavailable: the worker may use the network"]
    if libc.unshare(CLONE_NEWNS) != 0:
        return ["mount namespace unavailable: the worker can read the kit's files"]
    _mount(libc, "none", "/", None, MS_REC | MS_PRIVATE)
    sources = {p: os.open(p, os.O_RDONLY | os.O_DIRECTORY) for p in _import_dirs() if p != scratch}
    scratch_fd = os.open(scratch, os.O_RDONLY | os.O_DIRECTORY)
    _mount(libc, "tmpfs", VIEW, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=755")
    mapping = {}
    for i, (path, fd) in enumerate(sorted(sources.items())):
        target = f"{VIEW}/lib{i}"
        os.mkdir(target)
        _mount(libc, f"/proc/self/fd/{fd}", target, None, MS_BIND | MS_REC)
        _mount(libc, "none", target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | _kept_flags(target))
        mapping[path] = target
        os.close(fd)
    os.mkdir(f"{VIEW}/scratch")
    _mount(libc, f"/proc/self/fd/{scratch_fd}", f"{VIEW}/scratch", None, MS_BIND)
    os.close(scratch_fd)
    mapping[scratch] = f"{VIEW}/scratch"
    _mount(libc, "none", VIEW, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
    _remap_import_paths(mapping)
    os.chdir(f"{VIEW}/scratch")
    for path in hide:
        if path != VIEW and os.path.isdir(path):
            _mount(libc, "tmpfs", path, "tmpfs", MS_RDONLY, "size=4k,mode=000")
    return []


def _mount(
    libc: ctypes.CDLL,
    source: str,
    target: str,
    fstype: str | None,
    flags: int,
    data: str | None = None,
) -> None:
    result = libc.mount(
        source.encode(),
        target.encode(),
        fstype.encode() if fstype else None,
        flags,
        data.encode() if data else None,
    )
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {source} on {target}: {os.strerror(err)}")


def _kept_flags(path: str) -> int:
    """Mount flags a remount must keep (a user namespace may not clear them)."""
    flag = os.statvfs(path).f_flag
    kept = flag & (os.ST_NOSUID | os.ST_NODEV | os.ST_NOEXEC | os.ST_NOATIME | os.ST_NODIRATIME)
    return kept | (MS_RELATIME if flag & os.ST_RELATIME else 0)


def _import_dirs() -> list[str]:
    """The folders imports may still read from: sys.path and loaded packages' paths."""
    found = {p for p in sys.path if p and os.path.isdir(p)}
    for module in list(sys.modules.values()):
        for p in getattr(module, "__path__", None) or []:
            if (
                isinstance(p, str)
                and os.path.isdir(p)
                and not any(p.startswith(s + os.sep) for s in found)
            ):
                found.add(p)
    return [p for p in found if not any(p.startswith(o + os.sep) for o in found)]


def _remap_import_paths(mapping: dict[str, str]) -> None:
    """Point sys.path and every package's __path__ at the bind mounts."""

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
