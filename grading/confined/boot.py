"""Entry point of a sandboxed worker process: confine it, then serve the grader.

`grading.sandbox.workers` runs `python -I grading/confined/boot.py` once per grader process: a fork
server that loads numpy and the worker code once and forks one worker per submission
(or after a crash), so a worker starts in milliseconds. Each worker, in order: where
namespaces can be had (as root, or in an unprivileged
user namespace) leave the network behind and rebuild the file system view: a fresh
empty /tmp holding read-only bind mounts of the standard library and numpy's folder (never
what else is on sys.path) and a writable bind mount of the scratch folder, and empty
mounts over the kit, home folders and shared temporary folders; apply resource limits;
drop every capability and, as root, become the worker's own unprivileged user; die with
the grader; forbid new privileges; install the seccomp allow-list; then answer requests.
Only the standard library, numpy and pyseccomp (through seccomp.py) are imported here.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import json
import os
import resource
import select
import signal
import socket
import sys
import sysconfig
from types import ModuleType

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import landlock  # noqa: E402 - sibling modules, found through the line above
import seccomp  # noqa: E402

sys.path.pop(0)
wire: ModuleType
worker: ModuleType

PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS, PR_SET_CHILD_SUBREAPER = 1, 38, 36
PR_CAPBSET_DROP, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 24, 47, 4
CAP_SETGID, CAP_SETUID = 6, 7
_LINUX_CAPABILITY_VERSION_3 = 0x20080522
CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWNET = 0x10000000, 0x00020000, 0x40000000
CLONE_NEWPID = 0x20000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_REC = 1, 2, 4, 32, 4096, 0x4000
MS_PRIVATE, MS_RELATIME = 1 << 18, 1 << 21
MIB = 1024 * 1024
MNT_DETACH = 2
VIEW = "/tmp"  # where the worker's new root is built (the old /tmp is then out of sight)
SYSTEM_DIRS = ("/usr", "/lib", "/lib32", "/lib64", "/libx32", "/bin", "/sbin")
DEVICES = ("null", "zero", "random", "urandom")
# Beside the standard library, the only packages a worker imports from (their own folders,
# and a wheel's "<name>.libs" folder of shared libraries beside them).
NEEDED_PACKAGES = ("numpy",)


def main() -> None:
    """`boot.py CONTROL_FD PRELOAD_JSON OPTIONS_JSON`: load once, then fork a worker per
    request. OPTIONS: {"grader": the grader's pid, "namespaces": whether to try them}."""
    control = socket.socket(fileno=int(sys.argv[1]))
    options = json.loads(sys.argv[3])
    libc = ctypes.CDLL(None, use_errno=True)
    pid_namespace = options["namespaces"] and _enter_pid_namespace(libc, control)
    if not pid_namespace:
        # No namespace init to take the workers with it: this process kills them itself
        # when the grader goes (SIGTERM as its death signal, or the control socket closing),
        # and adopts any orphan of theirs (a subreaper) so that it can kill that too.
        signal.signal(signal.SIGTERM, _exit_on_signal)
        libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
        _die_with_parent(libc, signal.SIGTERM, options["grader"])
    _load(json.loads(sys.argv[2]))
    serve_forks(control, {"pid_namespace": pid_namespace})


def _die_with_parent(libc: ctypes.CDLL, sig: int, parent: int | None) -> None:
    """Get `sig` when the parent dies; exit now if it already has (`parent`: its pid as we
    see it, None where getppid() cannot tell: a namespace's init)."""
    libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
    if parent is not None and os.getppid() != parent:
        os._exit(70)


def _exit_on_signal(_signum: int, _frame: object) -> None:
    raise SystemExit(0)  # unwinds serve_forks, whose `finally` kills every worker


def _enter_pid_namespace(libc: ctypes.CDLL, control: socket.socket) -> bool:
    """Continue as the init of a new PID namespace; False where the kernel refuses one.

    This process forks: the child (pid 1 of the new namespace) returns True and becomes the
    fork server; every worker is forked inside the namespace. The parent stays between the
    grader and that init, doing nothing but wait, and both hold SIGKILL as their death
    signal: when the grader dies, the parent dies, the init dies, and the kernel kills
    every process of the namespace. A worker cannot leave the namespace and cannot undo
    any of this (clearing its own death signal changes nothing).
    As a regular user the namespace is made inside a user namespace mapping the user to
    itself (so workers still see their own uid, and build their own user namespace).
    """
    if os.geteuid() != 0:
        uid, gid = os.getuid(), os.getgid()
        if libc.unshare(CLONE_NEWUSER) != 0:
            return False
        try:
            for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"),
                               ("gid_map", f"{gid} {gid} 1")):  # fmt: skip
                with open(f"/proc/self/{name}", "w") as fh:
                    fh.write(text)
        except OSError:
            return False
    if libc.unshare(CLONE_NEWPID) != 0:
        return False
    grader = os.getppid()
    _die_with_parent(libc, signal.SIGKILL, grader)
    alive_r, alive_w = os.pipe()  # the init's way to check that its parent still lives
    pid = os.fork()
    if pid:
        control.close()  # the grader must see the socket close when the init dies
        os.close(alive_r)
        _, status = os.waitpid(pid, 0)
        os._exit(max(os.waitstatus_to_exitcode(status), 0))
    os.close(alive_w)
    os.setsid()  # a session and group inside the namespace (else a worker sees pgid 0)
    _die_with_parent(libc, signal.SIGKILL, None)
    parent_gone = select.select([alive_r], [], [], 0)[0]  # EOF: the parent already died
    os.close(alive_r)
    if parent_gone:
        os._exit(70)
    return True


def _load(preload: list[str]) -> None:
    """Import numpy, the worker code and the modules a submission may use, once."""
    global wire, worker
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    import numpy  # loaded before any limit, shared by every worker
    import wire
    import worker

    sys.path.remove(here)
    seccomp.load()
    _preload(preload)
    # Resolved once here, not in each worker (about 3 ms a worker): every worker inherits
    # the loaded packages' real paths, and `_rebuild_view` maps them.
    _real_import_paths()
    # The first generator a process makes costs about 10 ms of one-time set-up; pay it
    # here once rather than in every worker (and in the student's time).
    numpy.random.default_rng(0).standard_normal(1)
    gc.freeze()  # what is loaded now is never garbage: collections in workers skip it


def serve_forks(control: socket.socket, context: dict) -> None:
    """Answer the grader's control requests until it closes the socket.

    {"op": "spawn", "config": {...}} with the worker's channel and output as passed
    descriptors -> {"pid": n}; {"op": "stop", "pid": n} kills the worker if it still
    runs, reaps it and -> {"code": exit code, negative for a signal}. A forked worker
    holds nothing of the grader's: this process never saw an expected value. `context`
    (what this fork server did, e.g. made a PID namespace) is added to every config.
    However this ends (the socket closes, the grader's death signal), every worker still
    running is killed first.
    """
    codes: dict[int, int] = {}
    live: set[int] = set()
    try:
        while True:
            try:
                message, fds, _flags, _addr = socket.recv_fds(control, 1 << 20, 2)
            except OSError:
                return
            if not message:
                return
            request = json.loads(message)
            if request["op"] == "spawn":
                # worked out here, once for every worker (each would take ~2 ms for it)
                _import_dirs(tuple(request["config"].get("forbidden", [])))
                pid = os.fork()
                if pid == 0:
                    signal.signal(signal.SIGTERM, signal.SIG_DFL)
                    control.close()
                    _become_worker({**request["config"], **context}, *fds)
                live.add(pid)
                for fd in fds:
                    os.close(fd)
                control.sendall(json.dumps({"pid": pid}).encode())
            elif request["op"] == "stop":
                live.discard(request["pid"])
                control.sendall(json.dumps({"code": _stop(request["pid"], codes)}).encode())
            _reap(codes, live)
    finally:
        _kill_all(live)


def _kill_all(live: set[int]) -> None:
    """SIGKILL every worker in `live` (its session too) and every child of this process
    (adopted orphans included), then reap them."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second death signal must not cut this
    pids = set(live)
    for task in _listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{task}/children") as fh:
                pids.update(int(p) for p in fh.read().split())
        except OSError:
            pass
    for pid in pids:
        for kill in (os.killpg, os.kill):
            try:
                kill(pid, signal.SIGKILL)
            except OSError:
                pass
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


def _listdir(path: str) -> list[str]:
    try:
        return os.listdir(path)
    except OSError:
        return []


def _become_worker(config: dict, channel_fd: int, output_fd: int) -> None:
    """In the forked child: own session, output to the grader's pipe, a capped scratch
    folder where mounts are possible, confine, serve."""
    code = 0
    try:
        os.setsid()
        os.dup2(output_fd, 1)
        os.dup2(output_fd, 2)
        os.close(output_fd)
        config["channel_fd"], config["parent_pid"] = channel_fd, os.getppid()
        config["scratch_writable"] = _private_scratch(config)
        confine_and_serve(config)
    except BaseException:  # noqa: BLE001 - report, never return into the fork server
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        os._exit(code)


def _private_scratch(config: dict) -> bool:
    """Where this process may have a mount namespace of its own (as root, or in the fork
    server's user namespace), cover the scratch folder with a tmpfs of `scratch_mb` MiB
    owned by the worker, holding a copy of what is there (the submission's package).

    All the worker writes is then capped and lives in memory that the kernel frees with
    the worker's mount namespace: nothing to clean up, whatever modes it sets. Returns
    False where no mount is possible: the scratch folder then stays read-only to the worker.
    """
    if not config.get("namespaces", True) or not config.get("pid_namespace"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNS) != 0:
        return False
    _mount(libc, "none", "/", None, MS_REC | MS_PRIVATE)
    scratch = config["scratch"]
    uid, gid = config.get("user") or (os.getuid(), os.getgid())
    below = _open_dir(scratch)
    size = f"size={config['limits']['scratch_mb']}m,nr_inodes=4096,mode=700,uid={uid},gid={gid}"
    _mount(libc, "tmpfs", scratch, "tmpfs", MS_NOSUID | MS_NODEV, size)
    _copy_tree(below, scratch, uid, gid)
    os.close(below)
    return True


def _copy_tree(source_fd: int, target: str, uid: int, gid: int) -> None:
    """Copy the folder open as `source_fd` into `target`, owned by `uid`:`gid`."""
    source = f"/proc/self/fd/{source_fd}"
    for folder, dirs, files in os.walk(source):
        here = os.path.join(target, os.path.relpath(folder, source))
        for name in dirs:
            os.mkdir(os.path.join(here, name), 0o700)
            os.chown(os.path.join(here, name), uid, gid)
        for name in files:
            with open(os.path.join(folder, name), "rb") as src:
                data = src.read()
            path = os.path.join(here, name)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, data)
            finally:
                os.close(fd)
            os.chown(path, uid, gid)


def _stop(pid: int, codes: dict[int, int]) -> int | None:
    """Kill worker `pid` (and its session) if it still runs; reap it; its exit code."""
    if pid not in codes:
        for kill in (os.killpg, os.kill):
            try:
                kill(pid, 9)
                break
            except (ProcessLookupError, PermissionError):
                continue
        try:
            _, status = os.waitpid(pid, 0)
            codes[pid] = os.waitstatus_to_exitcode(status)
        except ChildProcessError:
            return None
    return codes.pop(pid)


def _reap(codes: dict[int, int], live: set[int]) -> None:
    """Collect workers (and adopted orphans) that ended, keeping workers' exit codes."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        if pid in live:
            live.discard(pid)
            codes[pid] = os.waitstatus_to_exitcode(status)


def confine_and_serve(config: dict) -> None:
    """Confine this process as a worker (see the module docstring), then serve."""
    libc = ctypes.CDLL(None, use_errno=True)
    sys.path.insert(0, config["package_parent"])
    notes: list[str] = []
    as_root = os.geteuid() == 0
    uid, gid = config.get("user") or (os.getuid(), os.getgid())
    running = _tasks_of(uid)  # counted now: /proc is out of sight later
    wanted = config.get("namespaces", True)
    forbidden = config.get("forbidden", [])
    view_notes = None
    if wanted and (as_root or _enter_user_namespace(libc)):
        if not as_root and _kernel() >= (5, 15):
            running = 1  # a new user namespace counts its own tasks: just this one
        view_notes = _rebuild_view(libc, config["scratch"], config.get("hide", []), forbidden)
    if view_notes is not None:
        notes += view_notes
    else:  # namespaces not wanted, or refused (a container without CAP_SYS_ADMIN)
        os.chdir(config["scratch"])
        _real_import_paths(packages=False)  # as `_rebuild_view` does: mapping keys are real
        # As root the worker drops to a user who may not reach the interpreter's files.
        mapping = {
            p: f"/proc/self/fd/{_open_dir(p)}" if as_root else p
            for p in _import_dirs(tuple(forbidden))
        }
        parent = config["package_parent"]
        _remap_import_paths({**mapping, os.path.realpath(parent): parent})
        notes.append("files: no namespaces, the worker sees the real file system")
    _limit(config["limits"], running)
    changes_user = bool(as_root and config.get("user"))
    _drop_capabilities(libc, keep=(CAP_SETGID, CAP_SETUID) if changes_user else ())
    if changes_user:
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
    _check_no_capabilities(libc)
    # Changing user clears the parent-death signal, so it is set after, then checked.
    libc.prctl(PR_SET_PDEATHSIG, 9, 0, 0, 0)
    if os.getppid() != config["parent_pid"]:
        os._exit(70)
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    notes += _in_force(config) + _landlock(config)
    notes += seccomp.install(libc)
    os.environ.clear()
    os.environ.update(config.get("env", {}))
    os.environ["HOME"] = os.environ["TMPDIR"] = os.getcwd()  # the scratch folder
    channel = socket.socket(fileno=config["channel_fd"])
    channel.sendall(wire.pack({"ready": True, "notes": notes}))
    worker.serve(channel, config["package"])


def _in_force(config: dict) -> list[str]:
    """The fork server's and the scratch folder's protections, in words (instructor-only)."""
    if config.get("pid_namespace"):
        processes = "processes: in a PID namespace whose init dies with the grader"
    else:
        processes = (
            "processes: no PID namespace; the fork server kills its workers when the grader "
            "goes, and each worker has a death signal"
        )
    if config.get("scratch_writable"):
        scratch = f"scratch: a tmpfs of {config['limits']['scratch_mb']} MiB, gone with the worker"
    elif config.get("user"):
        scratch = "scratch: no mount possible; the folder is root's, read-only to the worker"
    else:
        scratch = "scratch: no mount possible; the worker's own folder (Landlock: no writes)"
    return [processes, scratch]


def _landlock(config: dict) -> list[str]:
    """Landlock over whatever view the worker has: read only the system folders, the import
    folders and its package (the working folder); write only there, and only where the
    scratch folder is a capped tmpfs; no TCP; signals and abstract sockets scoped. A folder
    that is or holds a hidden one (the kit, a home) is never granted."""
    if not config.get("landlock", True):
        return ["Landlock: off (NNKIT_NO_LANDLOCK=1): files are guarded by the user id only"]
    here = os.getcwd()
    hidden = [os.path.realpath(p) for p in config.get("hide", [])]
    imports = {p for p in sys.path if isinstance(p, str) and os.path.isdir(p)}
    for module in list(sys.modules.values()):
        for p in getattr(module, "__path__", None) or []:
            if isinstance(p, str) and os.path.isdir(p):
                imports.add(p)
    granted = [p for p in imports if not _holds_any(os.path.realpath(p), hidden)]
    read = [*SYSTEM_DIRS, *granted, here, "/dev/zero", "/dev/random", "/dev/urandom"]
    write = ["/dev/null", *([here] if config.get("scratch_writable") else [])]
    version, gaps = landlock.restrict(read, write)
    if version == 0:
        return ["Landlock: not in this kernel: files are guarded by the user id only"]
    writes = "its scratch folder" if config.get("scratch_writable") else "nothing"
    return [
        f"Landlock ABI {version}: reads only system, import and package folders, "
        f"writes {writes}, no TCP, signals and abstract unix sockets scoped",
        *gaps,
    ]


def _holds_any(path: str, roots: list[str]) -> bool:
    """Whether `path` is one of `roots` or a folder above one."""
    return any(path == r or r.startswith(path.rstrip(os.sep) + os.sep) for r in roots)


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


def _rebuild_view(
    libc: ctypes.CDLL, scratch: str, hide: list[str], forbidden: list[str]
) -> list[str] | None:
    """Private network and mount namespaces, then a new root holding only what the worker
    needs: the system folders (/usr, /lib, ...), the standard library and numpy's folder
    read-only (`_import_dirs`), the scratch folder writable, and /dev/null, zero, random
    and urandom. Nothing else of the machine is reachable: no other copy of the kit, no
    results, no other submission. A `forbidden` root (the kit, a Gradescope bundle) that
    lies inside a bound folder is covered by an empty read-only tmpfs.

    Folders are opened first and bind-mounted from the open descriptors, so the mounts
    still work once /tmp (where the new root is built) is covered. Returns notes on what
    could not be done, or None (nothing changed) where the kernel refuses the namespaces.
    """
    if libc.unshare(CLONE_NEWNET | CLONE_NEWNS) != 0:
        return None  # refused: the caller confines the worker as without namespaces
    _mount(libc, "none", "/", None, MS_REC | MS_PRIVATE)
    # while the old paths are in sight: mapping keys are real paths (the packages' were
    # resolved in the fork server, before it forked)
    _real_import_paths(packages=False)
    scratch = os.path.realpath(scratch)
    if _overlaps_any(scratch, forbidden, inside=False):
        raise RuntimeError(f"the scratch folder {scratch} holds a forbidden folder")
    imports = [p for p in sorted(_import_dirs(tuple(forbidden))) if p != scratch]
    opened = {p: _open_dir(p) for p in [*imports, scratch, *SYSTEM_DIRS] if _is_real_dir(p)}
    _mount(libc, "tmpfs", VIEW, "tmpfs", MS_NOSUID | MS_NODEV, "size=256k,mode=755")
    for path in SYSTEM_DIRS:
        if os.path.islink(path):
            os.symlink(os.readlink(path), VIEW + path)
        elif path in opened:
            _bind(libc, opened[path], VIEW + path, read_only=True)
    os.mkdir(f"{VIEW}/dev")
    for name in DEVICES:
        open(f"{VIEW}/dev/{name}", "w").close()
        _mount(libc, f"/dev/{name}", f"{VIEW}/dev/{name}", None, MS_BIND)
    os.mkdir(f"{VIEW}/nnkit")
    mapping = {scratch: "/nnkit/scratch"}
    _bind(libc, opened[scratch], f"{VIEW}/nnkit/scratch", read_only=False)
    for i, path in enumerate(imports):
        mapping[path] = f"/nnkit/lib{i}/{os.path.basename(path)}"
        _bind(libc, opened[path], VIEW + mapping[path], read_only=True)
    for fd in opened.values():
        os.close(fd)
    bound = {**mapping, **{p: p for p in SYSTEM_DIRS if p in opened}}
    _mask_forbidden(libc, bound, forbidden)
    os.mkdir(f"{VIEW}/oldroot")
    if _pivot_root(libc, VIEW, f"{VIEW}/oldroot"):
        os.chdir("/")
        libc.umount2(b"/oldroot", MNT_DETACH)
        os.rmdir("/oldroot")
        _mount(libc, "none", "/", None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
        notes = []
    else:  # some container roots cannot be pivoted: hide what matters most instead
        mapping = {path: VIEW + view for path, view in mapping.items()}
        _mount(libc, "none", VIEW, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
        for path in hide:
            if os.path.isdir(path):
                _mount(libc, "tmpfs", path, "tmpfs", MS_RDONLY, "size=4k,mode=000")
        notes = ["pivot_root unavailable: only the kit, home and temporary folders are hidden"]
    _remap_import_paths(mapping)
    os.chdir(mapping[scratch])
    return notes


def _open_dir(path: str) -> int:
    return os.open(path, os.O_RDONLY | os.O_DIRECTORY)


def _is_real_dir(path: str) -> bool:
    return os.path.isdir(path) and not os.path.islink(path)


def _bind(libc: ctypes.CDLL, fd: int, target: str, read_only: bool) -> None:
    """Bind-mount the folder open as `fd` on a new folder `target`."""
    os.makedirs(target)
    _mount(libc, f"/proc/self/fd/{fd}", target, None, MS_BIND | MS_REC)
    if read_only:
        flags = MS_BIND | MS_REMOUNT | MS_RDONLY | _kept_flags(target)
        _mount(libc, "none", target, None, flags)


def _pivot_root(libc: ctypes.CDLL, new_root: str, put_old: str) -> bool:
    arch = seccomp.ARCHES.get(os.uname().machine)
    if arch is None:
        return False
    number = arch[1]["pivot_root"]
    return libc.syscall(number, new_root.encode(), put_old.encode()) == 0


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


@functools.lru_cache(maxsize=8)
def _import_dirs(forbidden: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The folders imports may read from once confined: the standard library's and, for
    each of NEEDED_PACKAGES, its own folder (and a "<name>.libs" beside it), real paths.

    Nothing else on sys.path is kept, so a path-based editable install (a .pth putting the
    kit's root on sys.path) or a Gradescope bundle on sys.path never reaches the worker;
    neither does the worker code's folder (grading/, inside the kit): everything the worker
    runs is loaded by the fork server before it forks. A folder that is or contains a
    `forbidden` root is refused. A package folder inside one is allowed (numpy in the kit's
    own .venv): it holds that package only. Kept per `forbidden`: the fork server works
    it out before it forks, and every worker it forks finds it done.
    """
    paths = sysconfig.get_paths()
    stdlib = [paths["stdlib"], paths["platstdlib"]]
    stdlib += [p for p in sys.path if os.path.basename(p) == "lib-dynload"]
    packages = []
    for name in NEEDED_PACKAGES:
        module = sys.modules.get(name)
        for folder in getattr(module, "__path__", None) or []:
            packages += [folder, os.path.join(os.path.dirname(folder), f"{name}.libs")]
    found: list[str] = []
    for path in dict.fromkeys(os.path.realpath(p) for p in [*stdlib, *packages]):
        if os.path.isdir(path) and not _overlaps_any(path, forbidden, inside=False):
            found.append(path)
    return tuple(p for p in found if not any(p.startswith(o + os.sep) for o in found))


def _overlaps_any(path: str, roots: list[str] | tuple[str, ...], inside: bool) -> bool:
    """Whether `path` is or contains one of `roots` (or, with `inside`, lies in one)."""
    for root in roots:
        root = os.path.realpath(root)
        if path == root or root.startswith(path.rstrip(os.sep) + os.sep):
            return True
        if inside and path.startswith(root + os.sep):
            return True
    return False


def _mask_forbidden(libc: ctypes.CDLL, bound: dict[str, str], forbidden: list[str]) -> None:
    """Cover each forbidden root that lies inside a bound folder (`bound`: real folder ->
    its place in the view, under VIEW) with an empty read-only tmpfs."""
    for root in forbidden:
        root = os.path.realpath(root)
        for source, view in bound.items():
            if root.startswith(source.rstrip(os.sep) + os.sep) and os.path.isdir(root):
                target = VIEW + view + root[len(source.rstrip(os.sep)) :]
                _mount(libc, "tmpfs", target, "tmpfs", MS_RDONLY, "size=4k,mode=000")


def _remap_import_paths(mapping: dict[str, str]) -> None:
    """Point sys.path and every package's __path__ at the bind mounts (`mapping`: real
    folder -> where the worker reaches it). Entries outside `mapping` are dropped, and so
    are import hooks that are not the standard library's (an editable install's finder
    maps its packages to the kit's folders)."""

    prefixes = sorted(mapping, key=len, reverse=True)

    def mapped(path: str) -> str | None:
        for prefix in prefixes:
            if path == prefix or path.startswith(prefix + os.sep):
                return mapping[prefix] + path[len(prefix) :]
        return None

    def remap(path: str) -> str | None:
        # Paths are real already (`_real_import_paths`, in the fork server and before the
        # mapping is made); one that is not is resolved (unchanged for a path no longer in
        # sight).
        found = mapped(path)
        return found if found is not None else mapped(os.path.realpath(path))

    sys.path[:] = [p for p in map(remap, sys.path) if p is not None]
    for module in list(sys.modules.values()):
        paths = getattr(module, "__path__", None)
        if isinstance(paths, list):
            paths[:] = [p for p in map(remap, paths) if p is not None]
    standard = ("_frozen_importlib", "_frozen_importlib_external", "zipimport")
    sys.meta_path[:] = [f for f in sys.meta_path if getattr(f, "__module__", "") in standard]
    sys.path_hooks[:] = [h for h in sys.path_hooks if getattr(h, "__module__", "") in standard]
    sys.path_importer_cache.clear()


def _real_import_paths(packages: bool = True) -> None:
    """Resolve symbolic links in sys.path and (with `packages`) every package's __path__."""
    sys.path[:] = [os.path.realpath(p) for p in sys.path]
    for module in list(sys.modules.values()) if packages else ():
        paths = getattr(module, "__path__", None)
        if isinstance(paths, list):
            paths[:] = [os.path.realpath(p) for p in paths if isinstance(p, str)]


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def _drop_capabilities(libc: ctypes.CDLL, keep: tuple[int, ...]) -> None:
    """Drop every capability: the bounding set (where we may), the ambient and inheritable
    sets, and the effective and permitted sets but for `keep` (to change user next).

    As a regular user the worker is root of its own user namespace, which owns its mount
    namespace: with CAP_SYS_ADMIN it could remount the read-only view writable
    (mount_setattr). Without capabilities it cannot, whatever the seccomp filter lets by.
    """
    cap = 0
    while libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0 or ctypes.get_errno() != 22:
        cap += 1  # EPERM (no CAP_SETPCAP: nothing to drop) goes on; EINVAL ends the list
        if cap > 63:
            break
    libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    held = _capabilities(libc)[0].permitted  # keep only what we hold (capset cannot add)
    mask = sum(1 << c for c in keep) & held
    data = (_CapData * 2)(_CapData(mask, mask, 0), _CapData(0, 0, 0))
    header = _CapHeader(_LINUX_CAPABILITY_VERSION_3, 0)
    if libc.capset(ctypes.byref(header), data) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"capset: {os.strerror(err)}")


def _capabilities(libc: ctypes.CDLL) -> ctypes.Array:
    """This process's capability sets: two _CapData (capabilities 0-31, then 32-63)."""
    data = (_CapData * 2)()
    header = _CapHeader(_LINUX_CAPABILITY_VERSION_3, 0)
    if libc.capget(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capget failed")
    return data


def _check_no_capabilities(libc: ctypes.CDLL) -> None:
    """Raise unless the effective, permitted and inheritable sets are empty."""
    left = [(d.effective, d.permitted, d.inheritable) for d in _capabilities(libc)]
    if any(any(x) for x in left):
        raise RuntimeError(f"the worker still holds capabilities: {left}")


def _limit(limits: dict[str, int], running: int) -> None:
    """Hard resource limits: the student cannot raise them again.

    RLIMIT_NPROC counts every process and thread of the user, so the cap is what the
    user already runs (`running`) plus `processes` (threads; fork is refused by seccomp).
    """
    settings = {
        resource.RLIMIT_AS: limits["memory_mb"] * MIB,
        resource.RLIMIT_CPU: limits["cpu_seconds"],
        resource.RLIMIT_FSIZE: limits["file_mb"] * MIB,
        resource.RLIMIT_NPROC: running + limits["processes"],
        resource.RLIMIT_CORE: 0,
    }
    for which, value in settings.items():
        resource.setrlimit(which, (value, value))


def _kernel() -> tuple[int, int]:
    """The running kernel's (major, minor) version."""
    major, minor = os.uname().release.split(".")[:2]
    return int(major), int("".join(c for c in minor if c.isdigit()) or 0)


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
