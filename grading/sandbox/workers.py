"""Start, talk to and kill a worker process (the grader's side of the trust boundary).

A worker is a fresh `python -I grading/confined/boot.py` in its own session, connected by a
socket pair. The grader enforces the wall clock (it stops waiting and kills the whole
process group), the kernel enforces the rest (rlimits set in boot.py). Everything the
worker prints goes to a pipe the grader drains, keeping only the first bytes.
"""

from __future__ import annotations

import atexit
import json
import os
import secrets
import selectors
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from grading.confined import limits, wire
from grading.confined.limits import MAX_CALLBACKS, MAX_REPLY_BYTES, MAX_REPLY_CONTAINERS
from grading.confined.limits import REQUEST_ID_BYTES as ID_BYTES
from grading.course.assignment import assignment
from grading.course.paths import KIT_ROOT

BOOT = Path(__file__).resolve().parents[1] / "confined" / "boot.py"
ID_BATCH = 64  # request ids drawn in one system call (a worker serves ~200 requests a grade)

# Standard-library modules a submission may reasonably import; loaded before the worker
# drops privileges so that honest imports never fail (docs/DESIGN.md, rule 8).
PRELOAD = (
    "abc array bisect collections collections.abc contextlib copy dataclasses decimal "
    "enum fractions functools heapq itertools json logging math numbers operator random "
    "re statistics string struct textwrap time types typing warnings weakref"
).split()


class WorkerCrashed(RuntimeError):
    """The worker died, hung or broke the protocol while serving a request."""


class WorkerGone(WorkerCrashed):
    """The worker was gone before it read the request (it exited after its last reply)."""


class WorkerStalled(WorkerGone):
    """The worker did not read the whole request by the call's deadline."""


def _as_list(value: Any) -> list[Any]:
    return value if type(value) is list else []


@dataclass
class Limits:
    """Per-worker limits. Memory is address space, as Gradescope's 768 MB container
    needs room for the grader too; CPU seconds are per worker process. `file_mb` caps
    each file the worker writes (RLIMIT_FSIZE); `scratch_mb` caps all it writes: its
    scratch folder is a tmpfs of that size where mounts are possible (namespaces), and
    read-only where they are not (so it writes nothing at all there)."""

    memory_mb: int = limits.WORKER_MEMORY_MB
    cpu_seconds: int = limits.WORKER_CPU_SECONDS
    file_mb: int = limits.WORKER_FILE_MB
    scratch_mb: int = limits.WORKER_SCRATCH_MB
    processes: int = limits.WORKER_PROCESSES
    call_timeout: float = limits.CALL_TIMEOUT_SECONDS
    output_bytes: int = limits.OUTPUT_BYTES


@dataclass
class WorkerConfig:
    """What boot.py needs to confine a worker."""

    package_parent: str
    scratch: str
    limits: Limits
    user: tuple[int, int] | None = None
    hide: list[str] = field(default_factory=list)
    # Folders no import path of the worker may be or contain (boot._import_dirs).
    forbidden: list[str] = field(default_factory=lambda: forbidden_roots([]))
    namespaces: bool = True  # False: behave as on a platform that has none (for tests)
    landlock: bool = True  # False: behave as on a kernel without Landlock (for tests)
    # The student package's name (solution/assignment.toml): the worker imports it.
    package: str = field(default_factory=lambda: assignment().package)


class ForkServer:
    """The grader's fork server (boot.py): one per grader process, started on first use.

    It is a fresh interpreter that has loaded numpy and the worker code, and nothing of
    the grader's; it forks one worker per request, reaps them and reports exit codes.
    """

    def __init__(self) -> None:
        self.namespaces = namespaces_wanted()  # tried once, for the fork server's lifetime
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._proc = subprocess.Popen(
            [
                sys.executable,
                "-I",
                str(BOOT),
                str(theirs.fileno()),
                json.dumps(PRELOAD),
                json.dumps({"grader": os.getpid(), "namespaces": self.namespaces}),
            ],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            start_new_session=True,
            env=_worker_env("/"),
            cwd="/",
        )
        theirs.close()
        self._sock = ours
        self._sock.settimeout(60)
        self._lock = threading.Lock()

    def alive(self) -> bool:
        return self._proc.poll() is None

    def close(self) -> None:
        """Stop the fork server: it exits when its control socket closes."""
        self._sock.close()
        try:
            self._proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()

    def _ask(self, request: dict[str, Any], fds: list[int] | None = None) -> dict[str, Any]:
        with self._lock:
            try:
                socket.send_fds(self._sock, [json.dumps(request).encode()], fds or [])
                return json.loads(self._sock.recv(4096))
            except (OSError, ValueError) as exc:
                raise WorkerCrashed(f"the fork server failed ({exc})") from None

    def spawn(self, config: dict[str, Any], channel_fd: int, output_fd: int) -> int:
        """Fork a worker that talks on `channel_fd` and prints to `output_fd`; its pid."""
        return int(self._ask({"op": "spawn", "config": config}, [channel_fd, output_fd])["pid"])

    def stop(self, pid: int) -> int | None:
        """Kill worker `pid` if it still runs; its exit code (negative: the signal)."""
        code = self._ask({"op": "stop", "pid": pid})["code"]
        return code if type(code) is int else None


_fork_server: ForkServer | None = None


def fork_server() -> ForkServer:
    """This process's fork server, started (again) when needed (also when NNKIT_NO_NAMESPACES
    changed since it started)."""
    global _fork_server
    if _fork_server is not None and _fork_server.namespaces != namespaces_wanted():
        _fork_server.close()
        _fork_server = None
    if _fork_server is None or not _fork_server.alive():
        _fork_server = ForkServer()
        atexit.register(_fork_server.close)
    return _fork_server


class Worker:
    """One running worker process, forked by the fork server."""

    def __init__(self, config: WorkerConfig) -> None:
        self.config = config
        self.output = bytearray()
        self.notes: list[str] | None = None  # what the worker said of its confinement
        self.requests = 0  # requests sent to this worker so far
        self._ids: list[str] = []  # request ids drawn, not yet used (`_new_id`)
        self._code: int | None = None
        self._stopped = False
        boot_config = {
            "package_parent": config.package_parent,
            "package": config.package,
            "scratch": config.scratch,
            "limits": asdict(config.limits),
            "user": config.user,
            "hide": config.hide,
            "forbidden": config.forbidden,
            "namespaces": config.namespaces,
            "landlock": config.landlock,
            "env": _worker_env(config.scratch),
        }
        ours, theirs = socket.socketpair()
        read_fd, write_fd = os.pipe()
        self._server = fork_server()
        try:
            self.pid = self._server.spawn(boot_config, theirs.fileno(), write_fd)
        finally:
            theirs.close()
            os.close(write_fd)
        ours.setblocking(False)  # every send and receive waits in a select, to a deadline
        self._sock = ours
        self._selector = selectors.DefaultSelector()  # one for the worker's lifetime
        self._selector.register(ours, selectors.EVENT_READ)
        self._received = bytearray()  # read from the channel, not yet taken by _read
        self._output = os.fdopen(read_fd, "rb", buffering=0)
        self._drainer = threading.Thread(target=self._drain, daemon=True)
        self._drainer.start()

    def _drain(self) -> None:
        """Read everything the worker prints; keep the first `output_bytes`, drop the rest."""
        keep = self.config.limits.output_bytes
        while chunk := self._output.read(1 << 16):
            if len(self.output) < keep:
                self.output += chunk[: keep - len(self.output)]

    def request(
        self,
        message: dict[str, Any],
        timeout: float,
        callback: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """Send one request and wait at most `timeout` seconds, in all, for its reply.

        The request carries a fresh random id, and every message the worker sends for it
        must carry that id: a worker that did not read the request cannot answer it. While
        the call runs, the worker may ask the grader questions (`{"op": "callback", ...}`,
        at most `MAX_CALLBACKS`); `callback(message)` answers each one, under the same
        deadline. Sending never blocks past the deadline, and a message that arrives before
        the request is fully sent is a broken protocol (an honest worker reads first).

        Raises TimeoutError, WorkerGone (the request was never read: safe to retry on a
        new worker) or WorkerCrashed (anything else, including a reply that is not the
        answer to this request: the worker must not be used again).
        """
        deadline = time.monotonic() + timeout
        if self.notes is None:
            hello = self._message(deadline + 10)  # start-up is not the student's time
            notes = _as_list(hello.get("notes"))[: limits.MAX_NOTES]
            self.notes = [str(n)[: limits.MAX_NOTE_CHARS] for n in notes]
        self.requests += 1
        rid = self._new_id()
        self._send(wire.pack({**message, "id": rid}), deadline, first=True)
        for _ in range(MAX_CALLBACKS + 1):
            reply = self._message(deadline)
            if reply.get("id") != rid:
                raise WorkerCrashed("the worker broke the protocol (a reply out of turn)")
            if reply.get("op") != "callback":
                return reply
            if callback is None:
                raise WorkerCrashed("the worker broke the protocol (a question out of turn)")
            self._send(wire.pack({**callback(reply), "id": rid}), deadline, first=False)
        raise WorkerCrashed("the worker broke the protocol (too many questions in one call)")

    def _new_id(self) -> str:
        """A fresh random request id (ID_BYTES bytes, hex). They are drawn from the system's
        random source ID_BATCH at a time (one system call, not one a request) and kept
        here, in the grader: the worker sees an id only in the request that carries it."""
        if not self._ids:
            pool = secrets.token_bytes(ID_BYTES * ID_BATCH)
            self._ids = [pool[k : k + ID_BYTES].hex() for k in range(0, len(pool), ID_BYTES)]
        return self._ids.pop()

    def _send(self, data: bytes, deadline: float, *, first: bool) -> None:
        """Write `data` to the channel by the deadline. For the `first` message of a
        request, nothing may arrive before it is all written: the worker is idle until it
        has read a whole request, so anything it sends then answers nothing we asked.

        Raises WorkerStalled / WorkerGone when the request could not be delivered (it was
        never read); for a later message (an answer to a question), TimeoutError or
        WorkerCrashed, as the call is under way."""
        gone = WorkerGone if first else WorkerCrashed
        view = memoryview(data)
        if first and self._received:
            raise WorkerCrashed("the worker broke the protocol (a reply out of turn)")
        try:  # most messages fit in the channel's buffer at once: no select needed
            view = view[self._sock.send(view[: 1 << 20]) :]
        except BlockingIOError:
            pass
        except OSError as exc:
            raise gone(self._death()) from exc
        while view:
            if first and self._received:
                raise WorkerCrashed("the worker broke the protocol (a reply out of turn)")
            left = deadline - time.monotonic()
            if left <= 0:
                if first:
                    raise WorkerStalled("the worker did not read the request in time")
                raise TimeoutError
            events = selectors.EVENT_WRITE | (selectors.EVENT_READ if first else 0)
            self._selector.modify(self._sock, events)
            try:
                ready = self._selector.select(left)
            finally:
                self._selector.modify(self._sock, selectors.EVENT_READ)
            mask = ready[0][1] if ready else 0
            if mask & selectors.EVENT_READ:
                try:
                    chunk = self._sock.recv(1 << 16)
                except BlockingIOError:
                    continue
                except ConnectionResetError:  # it died with our request unread
                    raise WorkerGone(self._death()) from None
                if not chunk:
                    raise WorkerGone(self._death())
                self._received += chunk
                continue
            if mask & selectors.EVENT_WRITE:
                try:
                    sent = self._sock.send(view[: 1 << 20])
                except BlockingIOError:
                    continue
                except OSError as exc:
                    raise gone(self._death()) from exc
                view = view[sent:]

    def _message(self, deadline: float) -> dict[str, Any]:
        header = self._read(4, deadline)
        (length,) = struct.unpack(">I", header)
        if length > MAX_REPLY_BYTES:
            raise WorkerCrashed("the worker broke the protocol (a reply that is too large)")
        body = self._read(length, deadline)
        try:
            # Bound the containers before parsing: a small body of nested [] expands a lot.
            document, data = wire.split_body(body)
            if document.count(b"[") + document.count(b"{") > MAX_REPLY_CONTAINERS:
                raise WorkerCrashed("the worker broke the protocol (a reply that is too large)")
            return wire.parse_body(document, data)
        except wire.WireError as exc:
            raise WorkerCrashed(f"the worker broke the protocol ({exc})") from exc

    def _read(self, n: int, deadline: float) -> bytes:
        """The next `n` bytes of the channel. It reads what is there, up to 1 MiB at a time,
        so a reply's header and body usually come in one system call."""
        buf = self._received
        while len(buf) < n:
            left = deadline - time.monotonic()
            if left <= 0 or not self._selector.select(left):
                raise TimeoutError
            try:
                chunk = self._sock.recv(min(max(n - len(buf), 1 << 16), 1 << 20))
            except BlockingIOError:
                continue
            except ConnectionResetError:  # it died with our request unread
                raise WorkerGone(self._death()) from None
            if not chunk:
                raise WorkerCrashed(self._death())
            buf += chunk
        data = bytes(buf[:n])
        del buf[:n]
        return data

    def _death(self) -> str:
        """Why the worker stopped, in words."""
        code = self._stop()
        if code is None:
            return "the worker closed its channel"
        if code < 0:
            name = signal.Signals(-code).name
            hint = {"SIGXCPU": " (CPU time limit)", "SIGKILL": " (killed, out of memory?)"}
            return f"the worker was killed by {name}{hint.get(name, '')}"
        return f"the worker exited with code {code}"

    def _stop(self) -> int | None:
        """Kill the worker (its whole session) if it runs, once; its exit code."""
        if not self._stopped:
            self._stopped = True
            try:
                self._code = self._server.stop(self.pid)
            except WorkerCrashed:
                self._code = None
        return self._code

    def kill(self) -> None:
        """Kill the worker and wait for its output to end."""
        self._stop()
        self._selector.close()
        self._sock.close()
        self._drainer.join(timeout=2)
        self._output.close()


def _worker_env(scratch: str) -> dict[str, str]:
    """A minimal environment: no grader secrets, one BLAS thread, no bytecode files."""
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": scratch,
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        **{k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if k in os.environ},
    }


def namespaces_wanted() -> bool:
    """False where NNKIT_NO_NAMESPACES=1 asks the grader to act as in a container that
    refuses namespaces (Docker without CAP_SYS_ADMIN, as on Gradescope)."""
    return os.environ.get("NNKIT_NO_NAMESPACES") != "1"


def landlock_wanted() -> bool:
    """False where NNKIT_NO_LANDLOCK=1 asks the worker to act as on a kernel without it."""
    return os.environ.get("NNKIT_NO_LANDLOCK") != "1"


def hidden_paths(extra: list[str]) -> list[str]:
    """Folders a worker must not see or write: the kit (solution, hidden tests), home
    folders, shared temporary folders and `extra` (/tmp is replaced by the worker's own)."""
    candidates = [*forbidden_roots([]), "/root", "/home", "/var/tmp", "/dev/shm", *extra]
    return [p for p in dict.fromkeys(candidates) if os.path.isdir(p)]


def forbidden_roots(extra: list[str]) -> list[str]:
    """Folders the worker's import paths must never be or contain: the kit (its solution
    and hidden tests), a Gradescope bundle (/autograder: source, results) and `extra`."""
    return list(dict.fromkeys([str(KIT_ROOT), "/autograder", *extra]))
