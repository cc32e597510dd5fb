"""The channel between grader and worker: every send and receive ends by the call's
deadline, a reply must carry its request's random id, a call is blamed only for what a
fresh worker does too, and probes are evaluated in the grader (callbacks).

Each test writes a tiny `nnbasics` package and talks to it through a real worker.
"""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from grading.checks.suite import StudentError
from grading.confined.limits import REQUEST_ID_BYTES
from grading.confined.wire import Probe
from grading.grade.one_submission import sandboxed_student
from grading.grade.unsandboxed import LocalStudent
from grading.sandbox import workers
from grading.sandbox.workers import ID_BATCH, Limits, Worker

FAST = Limits(call_timeout=2.0)

# Installed by activations.stop(): the worker's serve loop never reads again; `forge` also
# answers every request that arrives with replies whose ids are guessed.
STALL = """
import json, select, struct, sys

_worker = sys.modules.get("worker") or sys.modules.get("grading.confined.worker")

def _never(sock):
    select.select([], [], [])

def _forge(sock):
    select.select([sock], [], [])  # a request arrived: answer it unread, with every guess
    for guess in [*range(1000), "1", None]:
        body = json.dumps({"ok": True, "value": "forged", "id": guess}).encode()
        sock.sendall(struct.pack(">II", len(body) + 4, len(body)) + body)
    select.select([], [], [])

def stop(forge=False):
    _worker.read_message = _forge if forge else _never
    return "stopped"

def shape(x):
    return list(x.shape)
"""


def package(tmp_path: Path, **modules: str) -> Path:
    folder = tmp_path / "sub" / "nnbasics"
    folder.mkdir(parents=True)
    # a regular package: a namespace one would merge with any `nnbasics` that another
    # in-process test left on sys.path, and lose to a regular one there
    (folder / "__init__.py").write_text("")
    for name, source in modules.items():
        (folder / f"{name}.py").write_text(source)
    return tmp_path / "sub"


@pytest.mark.serial  # times itself: measured with no other test running
def test_a_large_request_to_a_worker_that_stopped_reading_ends_by_the_deadline(tmp_path):
    """An 8 MB array cannot sit in the channel's buffer: the grader's send must give up at the
    deadline (it blocked forever before), and the call then runs on a fresh worker."""
    big = np.zeros(1_000_000)
    with sandboxed_student(package(tmp_path, activations=STALL), limits=FAST) as (student, _, _):
        assert student.call("activations.stop") == "stopped"
        started = time.monotonic()
        assert student.call("activations.shape", big) == [1_000_000]
        seconds = time.monotonic() - started
    assert FAST.call_timeout <= seconds < 2 * FAST.call_timeout + 2


@pytest.mark.serial  # times itself: measured with no other test running
def test_replies_with_guessed_ids_are_refused(tmp_path):
    """The worker answers a request it never read, with ids 0..999, "1" and null: none is
    taken for the reply; the call runs again on a fresh worker and gets the real answer."""
    with sandboxed_student(package(tmp_path, activations=STALL), limits=FAST) as (student, _, _):
        assert student.call("activations.stop", forge=True) == "stopped"
        started = time.monotonic()
        assert student.call("activations.shape", np.zeros((2, 3))) == [2, 3]
        assert time.monotonic() - started < FAST.call_timeout


def test_a_call_that_breaks_the_protocol_on_a_fresh_worker_too_is_blamed(tmp_path):
    """The retry on a fresh worker spares calls that pay for another call's code; a call
    that breaks the protocol itself fails again there, and is blamed."""
    source = STALL + (
        "\nimport os, socket, stat\n"
        "def broken():\n"
        "    body = json.dumps({'ok': True, 'value': 1, 'id': 'guess'}).encode()\n"
        "    for fd in range(3, 64):\n"
        "        if stat.S_ISSOCK(os.fstat(fd).st_mode) if _open(fd) else False:\n"
        "            frame = struct.pack('>II', len(body) + 4, len(body)) + body\n"
        "            socket.socket(fileno=os.dup(fd)).sendall(frame)\n"
        "    return 2\n"
        "def _open(fd):\n"
        "    try:\n"
        "        os.fstat(fd)\n"
        "        return True\n"
        "    except OSError:\n"
        "        return False\n"
    )
    with sandboxed_student(package(tmp_path, activations=source), limits=FAST) as (student, _, _):
        assert student.call("activations.shape", np.zeros(2)) == [2]
        with pytest.raises(StudentError) as info:
            student.call("activations.broken")
        assert student.call("activations.shape", np.zeros(3)) == [3]
    assert info.value.message == (
        "activations.broken crashed the process: "
        "the worker broke the protocol (a reply out of turn)"
    )


PROBE_USER = """
import numpy as np

def central(f, x, h=1e-3):
    g = np.zeros_like(x)
    for i in range(x.size):
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        g[i] = (f(up) - f(down)) / (2 * h)
    return g

def closure(f, x):
    cells = [c.cell_contents for c in (f.__closure__ or ())]
    return [type(c).__name__ for c in cells if not callable(c)]

def wrong_shape(f, x):
    return f(np.zeros(7))
"""


def _probe() -> tuple[Probe, np.ndarray]:
    a = np.array([1.0, -2.0, 3.0])
    return Probe("quadratic", lambda v: float(np.sum(a * v * v)), (3,)), a


@pytest.mark.usefixtures("forget_imported_submissions")
@pytest.mark.parametrize("where", ["worker", "in-process"])
def test_probes_are_evaluated_in_the_grader_which_sees_every_point(tmp_path, where):
    sub = package(tmp_path, gradcheck=PROBE_USER)
    x = np.array([0.5, 1.0, 2.0])
    if where == "worker":
        with sandboxed_student(sub, limits=FAST) as (student, _, _):
            probe, a = _probe()
            got = student.call("gradcheck.central", probe, x)
            cells = student.call("gradcheck.closure", _probe()[0], x)
    else:
        student = LocalStudent(sub)
        probe, a = _probe()
        got = student.call("gradcheck.central", probe, x)
        cells = student.call("gradcheck.closure", _probe()[0], x)
    np.testing.assert_allclose(got, 2 * a * x, rtol=1e-9)
    assert len(probe.points) == 6
    for i in range(3):
        for sign in (1, -1):
            assert any(np.allclose(p, x + sign * 1e-3 * np.eye(3)[i]) for p in probe.points)
    assert cells == ["str"]  # the stand-in holds the probe's name, and nothing of f


def test_a_probe_refuses_points_of_another_shape(tmp_path):
    with sandboxed_student(package(tmp_path, gradcheck=PROBE_USER), limits=FAST) as (student, _, _):
        with pytest.raises(StudentError) as info:
            student.call("gradcheck.wrong_shape", _probe()[0], np.zeros(3))
    assert info.value.message == (
        'gradcheck.wrong_shape raised ValueError: "the probe takes a float64 array of shape '
        '(3,)" (nnbasics/gradcheck.py, line 18)'
    )


def test_a_question_without_a_function_to_ask_about_is_a_broken_protocol(tmp_path):
    """The worker may ask the grader only about the functions of the call under way."""
    source = (
        "import sys\n"
        "def ask_anyway():\n"
        "    frame = sys._getframe()\n"
        "    while 'session' not in frame.f_locals:\n"
        "        frame = frame.f_back\n"
        "    return frame.f_locals['session'].ask({'probe': 'cubic', 'x': 1.0})\n"
    )
    with sandboxed_student(package(tmp_path, activations=source), limits=FAST) as (student, _, _):
        with pytest.raises(StudentError) as info:
            student.call("activations.ask_anyway")
    assert info.value.message == (
        "activations.ask_anyway crashed the process: "
        "the worker broke the protocol (a question out of turn)"
    )


def test_request_ids_are_random_distinct_and_drawn_in_batches(monkeypatch):
    """One system call draws ID_BATCH ids, each REQUEST_ID_BYTES random bytes in hex."""
    drawn: list[int] = []
    real = workers.secrets.token_bytes
    monkeypatch.setattr(workers.secrets, "token_bytes", lambda n: drawn.append(n) or real(n))
    worker = SimpleNamespace(_ids=[])  # Worker's state for ids; the method is the real one
    ids = [Worker._new_id(worker) for _ in range(2 * ID_BATCH + 1)]  # type: ignore[arg-type]
    assert len(set(ids)) == len(ids)
    assert all(len(i) == 2 * REQUEST_ID_BYTES and int(i, 16) >= 0 for i in ids)
    assert drawn == [REQUEST_ID_BYTES * ID_BATCH] * 3
