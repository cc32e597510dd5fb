"""The sandbox on its own: student code misbehaving inside one call hurts only that call.

Each test writes a tiny `nnbasics` package and calls it through a real worker process.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest

from grading.checks.suite import StudentError
from grading.confined import landlock
from grading.course.paths import KIT_ROOT, solution_package
from grading.grade.one_submission import remove_tree, sandboxed_student
from grading.sandbox.workers import Limits, namespaces_wanted

FAST = Limits(call_timeout=2.0)
SOLUTION_PACKAGE = solution_package()  # solution/<package>/


def package(tmp_path: Path, **modules: str) -> Path:
    folder = tmp_path / "sub" / "nnbasics"
    folder.mkdir(parents=True)
    for name, source in modules.items():
        (folder / f"{name}.py").write_text(source)
    return tmp_path / "sub"


def ask(tmp_path, target, *args, limits=FAST, **modules):
    with sandboxed_student(package(tmp_path, **modules), limits=limits) as (student, _sha, _n):
        return student.call(target, *args)


def error_of(tmp_path, target, *args, limits=FAST, **modules) -> str:
    with pytest.raises(StudentError) as info:
        ask(tmp_path, target, *args, limits=limits, **modules)
    return info.value.message


def test_a_plain_call_returns_plain_data(tmp_path):
    out = ask(
        tmp_path,
        "activations.double",
        np.arange(3.0),
        activations="def double(x):\n    return 2 * x\n",
    )
    np.testing.assert_array_equal(out, [0.0, 2.0, 4.0])


def test_sys_exit_fails_only_that_call(tmp_path):
    sub = package(
        tmp_path, activations="import sys\ndef f():\n    sys.exit(0)\ndef g():\n    return 1\n"
    )
    with sandboxed_student(sub, limits=FAST) as (student, _, _):
        with pytest.raises(StudentError) as info:
            student.call("activations.f")
        assert (
            info.value.message
            == 'activations.f raised SystemExit: "0" (nnbasics/activations.py, line 3)'
        )
        assert student.call("activations.g") == 1


def test_os_exit_kills_the_worker_and_the_next_call_gets_a_new_one(tmp_path):
    sub = package(
        tmp_path, activations="import os\ndef f():\n    os._exit(3)\ndef g():\n    return 7\n"
    )
    with sandboxed_student(sub, limits=FAST) as (student, _, _):
        with pytest.raises(StudentError) as info:
            student.call("activations.f")
        assert (
            info.value.message == "activations.f crashed the process: the worker exited with code 3"
        )
        assert student.call("activations.g") == 7


def test_an_endless_loop_times_out_and_is_not_called_again(tmp_path):
    sub = package(tmp_path, activations="def f():\n    while True:\n        pass\n")
    with sandboxed_student(sub, limits=Limits(call_timeout=1.0)) as (student, _, _):
        start = time.monotonic()
        with pytest.raises(StudentError) as info:
            student.call("activations.f")
        assert info.value.message == "activations.f did not finish within 1 s (an endless loop?)"
        with pytest.raises(StudentError):
            student.call("activations.f")
        assert time.monotonic() - start < 3


def test_a_syntax_error_costs_only_its_module(tmp_path):
    sub = package(tmp_path, activations="def f(:\n", losses="def g():\n    return 2.0\n")
    with sandboxed_student(sub, limits=FAST) as (student, _, _):
        with pytest.raises(StudentError) as info:
            student.call("activations.f")
        assert info.value.message == (
            'nnbasics/activations.py could not be imported: SyntaxError: "invalid syntax" '
            "(nnbasics/activations.py, line 1)"
        )
        assert student.call("losses.g") == 2.0


def test_a_missing_function_is_named(tmp_path):
    message = error_of(tmp_path, "activations.relu", activations="X = 1\n")
    assert message == "nnbasics/activations.py has no 'relu'"


def test_memory_is_capped(tmp_path):
    message = error_of(
        tmp_path,
        "activations.f",
        limits=Limits(memory_mb=400, call_timeout=10),
        activations="import numpy as np\ndef f():\n    return np.ones(10**9)\n",
    )
    assert message.startswith("activations.f raised MemoryError")


def test_printing_100_mb_is_truncated_and_fast(tmp_path):
    sub = package(
        tmp_path,
        activations="def f():\n    for _ in range(100_000):\n"
        "        print('x' * 1000)\n    return 1\n",
    )
    start = time.monotonic()
    with sandboxed_student(sub, limits=Limits(call_timeout=30)) as (student, _, _):
        assert student.call("activations.f") == 1
    assert student.printed_output() == "x" * 1000 + ("\n" + "x" * 1000) * 15 + "\n" + "x" * 368
    assert time.monotonic() - start < 20


def test_objects_that_cannot_cross_come_back_as_handles(tmp_path):
    sub = package(
        tmp_path,
        activations=(
            "class Box:\n    def __eq__(self, other):\n        return True\n"
            "def make():\n    return Box()\ndef open_box(b):\n    return 5.0\n"
        ),
    )
    with sandboxed_student(sub, limits=FAST) as (student, _, _):
        box = student.call("activations.make")
        assert repr(box) == "<Box object left in the worker>"
        assert box != 1  # a handle, never the student's __eq__
        assert student.call("activations.open_box", box) == 5.0


@pytest.mark.skipif(
    os.geteuid() != 0, reason="the kit's files are hidden only when grading as root"
)
def test_as_root_the_solution_cannot_be_read(tmp_path):
    source = (SOLUTION_PACKAGE / "activations.py").as_posix()
    code = (
        "def peek(path):\n    try:\n        return open(path).read()[:20]\n"
        "    except OSError as exc:\n        return type(exc).__name__\n"
    )
    assert ask(tmp_path, "activations.peek", source, activations=code) in {
        "PermissionError",
        "FileNotFoundError",
    }


@pytest.mark.skipif(os.geteuid() != 0, reason="privileges are dropped only when grading as root")
def test_as_root_standard_library_imports_still_work(tmp_path):
    code = (
        "def f():\n    import json, dataclasses, typing, statistics, itertools, copy, logging\n"
        "    import csv, pprint, difflib, zoneinfo\n"
        "    return json.dumps([statistics.mean([1, 2])]) + ' ' + str(__import__('os').getuid())\n"
    )
    out = ask(tmp_path, "activations.f", activations=code)
    assert out.startswith("[1.5] ") and out != "[1.5] 0"


def test_no_new_processes(tmp_path):
    code = (
        "import os, subprocess\n"
        "def f():\n    try:\n        pid = os.fork()\n    except OSError as exc:\n"
        "        return 'fork: ' + type(exc).__name__\n    if pid == 0:\n        os._exit(0)\n"
        "    return 'forked'\n"
        "def g():\n    try:\n        subprocess.run(['true'])\n    except OSError as exc:\n"
        "        return 'run: ' + type(exc).__name__\n    return 'ran'\n"
        "def h():\n    import threading\n    out = []\n"
        "    t = threading.Thread(target=lambda: out.append(1))\n    t.start()\n    t.join()\n"
        "    return len(out)\n"
    )
    sub = package(tmp_path, activations=code)
    with sandboxed_student(sub, limits=FAST) as (student, _, _):
        assert student.call("activations.f") in ("fork: PermissionError", "fork: BlockingIOError")
        assert student.call("activations.g") in ("run: PermissionError", "run: BlockingIOError")
        assert student.call("activations.h") == 1  # threads still work


@pytest.mark.skipif(os.geteuid() != 0, reason="folders are hidden only when grading as root")
def test_as_root_the_scratch_folder_is_the_only_writable_place(tmp_path):
    code = (
        "import os\n"
        "def f(path):\n    try:\n        with open(path, 'w') as fh:\n            fh.write('x')\n"
        "        return 'wrote'\n    except OSError as exc:\n        return type(exc).__name__\n"
    )
    marker = tmp_path / "pwned"
    sub = package(tmp_path, activations=code)
    with sandboxed_student(sub, limits=FAST) as (student, _, _):
        # A capped tmpfs where mounts are possible; without them the worker writes nothing.
        own = "wrote" if namespaces_wanted() else "PermissionError"
        assert student.call("activations.f", "mine.txt") == own
        assert student.call("activations.f", str(marker)) != "wrote"
        assert student.call("activations.f", "/tmp/nnkit-pwned") != "wrote"
    assert not marker.exists() and not Path("/tmp/nnkit-pwned").exists()


@pytest.mark.skipif(os.geteuid() != 0, reason="the fallback matters where the grader is root")
def test_as_root_without_namespaces_honest_imports_and_grading_still_work(tmp_path, monkeypatch):
    """A container may refuse namespaces: the worker then reads the real file system as
    its own user, and must still import the standard library (the interpreter lives in
    root's home here) and score the solution 100."""
    from grading.grade.one_submission import grade

    monkeypatch.setenv("NNKIT_NO_NAMESPACES", "1")
    code = "def f():\n    import csv, zoneinfo, difflib\n    return __import__('os').getuid()\n"
    assert ask(tmp_path, "activations.f", activations=code) != 0
    report = grade(SOLUTION_PACKAGE.parent)
    assert report.score == 100
    assert set(report.notes) == {
        "files: no namespaces, the worker sees the real file system",
        "processes: no PID namespace; the fork server kills its workers when the grader goes, "
        "and each worker has a death signal",
        "scratch: no mount possible; the folder is root's, read-only to the worker",
        "Landlock ABI 7: reads only system, import and package folders, writes nothing, "
        "no TCP, signals and abstract unix sockets scoped",
    }


# -- issue 10, class 1: the seccomp allow-list and capabilities ------------------------------

NO_NAMESPACES = [
    pytest.param(None, id="namespaces"),
    pytest.param("1", id="no-namespaces"),
]


@pytest.mark.parametrize("no_namespaces", NO_NAMESPACES)
def test_honest_standard_library_use_passes_the_allow_list(tmp_path, monkeypatch, no_namespaces):
    """What an honest student may do with the standard library still works under the
    filter: temporary files, folders, copies, threads, clocks, logging, select. Without
    namespaces there is no mount for a capped scratch, so the worker may write nothing
    (SECURITY.md): temporary files are refused there, and nothing else changes."""
    if no_namespaces:
        monkeypatch.setenv("NNKIT_NO_NAMESPACES", no_namespaces)
    code = (
        "import concurrent.futures, json, logging, mmap, os, pathlib, select, shutil, signal\n"
        "import tempfile, time\n"
        "def f():\n"
        "    t0 = time.process_time(), time.perf_counter(), time.time(), time.monotonic()\n"
        "    try:\n"
        "      with tempfile.TemporaryDirectory() as d:\n"
        "        p = pathlib.Path(d) / 'a' / 'b.json'\n"
        "        p.parent.mkdir()\n"
        "        p.write_text(json.dumps({'x': 1}))\n"
        "        shutil.copy(p, pathlib.Path(d) / 'c.json')\n"
        "        shutil.copy2(p, pathlib.Path(d) / 'd.json')\n"
        "        os.replace(pathlib.Path(d) / 'c.json', pathlib.Path(d) / 'e.json')\n"
        "        logging.basicConfig(filename=os.path.join(d, 'log.txt'), force=True)\n"
        "        logging.warning('hello')\n"
        "        names = sorted(n for _, _, files in os.walk(d) for n in files)\n"
        "        os.chmod(p, 0o600)\n"
        "        os.stat(p); os.access(p, os.R_OK); os.listdir(d)\n"
        "    except FileNotFoundError as exc:  # tempfile found no folder it may write in\n"
        "        names = type(exc).__name__\n"
        "    with concurrent.futures.ThreadPoolExecutor(2) as pool:\n"
        "        squares = list(pool.map(lambda v: v * v, range(4)))\n"
        "    r, w = os.pipe()\n"
        "    os.write(w, b'x')\n"
        "    ready = select.select([r], [], [], 1)[0] == [r]\n"
        "    signal.signal(signal.SIGALRM, lambda *a: None)\n"
        "    signal.setitimer(signal.ITIMER_REAL, 0.01)\n"
        "    time.sleep(0.05)  # interrupted by the handler, then restarted\n"
        "    m = mmap.mmap(-1, 4096)\n"
        "    m[:1] = b'x'\n"
        "    m.flush()\n"
        "    os.urandom(8); os.getpid(); os.cpu_count(); os.sched_getaffinity(0)\n"
        "    return [names, squares, ready, os.isatty(1), len(t0)]\n"
    )
    written = "FileNotFoundError" if no_namespaces else ["b.json", "d.json", "e.json", "log.txt"]
    assert ask(tmp_path, "activations.f", activations=code) == [
        written,
        [0, 1, 4, 9],
        True,
        False,
        4,
    ]


@pytest.mark.parametrize("no_namespaces", NO_NAMESPACES)
def test_the_worker_holds_no_capabilities(tmp_path, monkeypatch, no_namespaces):
    """Every capability is gone before the student's code runs (as a regular user the
    worker is root of its own user namespace, which would let it remount its view)."""
    if no_namespaces:
        monkeypatch.setenv("NNKIT_NO_NAMESPACES", no_namespaces)
    code = (
        "import ctypes\n"
        "def caps():\n"
        "    header = (ctypes.c_uint32 * 2)(0x20080522, 0)\n"
        "    data = (ctypes.c_uint32 * 6)()\n"
        "    assert ctypes.CDLL(None).capget(header, data) == 0\n"
        "    return list(data)\n"
    )
    assert ask(tmp_path, "activations.caps", activations=code) == [0] * 6


PROBE = r"""
import ctypes, errno, os, socket, sys, threading
sys.path.insert(0, sys.argv[1])
import seccomp
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
libc.prctl(38, 1, 0, 0, 0)
if sys.argv[2] == "allow-list":
    seccomp.load()
    print(seccomp.install(libc))
else:  # pyseccomp not loaded: the fallback, and its note
    print(seccomp.install(libc))
def err(result):
    return "ok" if result >= 0 else errno.errorcode[ctypes.get_errno()]
nr = seccomp.ARCHES[os.uname().machine][1]
out = {
    "PR_SET_PDEATHSIG 0": err(libc.prctl(1, 0, 0, 0, 0)),
    "PR_SET_NAME": err(libc.prctl(15, b"x", 0, 0, 0)),
    "mount_setattr": err(libc.syscall(nr["mount_setattr"], -100, b"/", 0, None, 0)),
    "sched_setscheduler parent": err(
        libc.sched_setscheduler(os.getppid(), 5, ctypes.byref(ctypes.c_int(0)))),
    "ioprio_set parent": err(libc.syscall(nr["ioprio_set"], 1, os.getppid(), 3 << 13)),
    "personality": err(libc.syscall(nr["personality"], 0x0040000)),
    "clone3": err(libc.syscall(nr["clone3"], None, 0)),
    "kill parent": err(libc.kill(os.getppid(), 0)),
    "kill self": err(libc.kill(os.getpid(), 0)),
    "socket": err(libc.syscall(nr["socket"], socket.AF_INET, socket.SOCK_STREAM, 0)),
    "fcntl F_SETOWN parent": err(libc.fcntl(1, 8, os.getppid())),
    "fcntl F_SETSIG": err(libc.fcntl(1, 10, 9)),
    "fcntl F_GETFL": err(libc.fcntl(1, 3)),
}
t = threading.Thread(target=lambda: None)
t.start()
t.join()
out["thread"] = "ok"
print(out)
"""


@pytest.mark.parametrize("kind", ["allow-list", "fallback"])
def test_the_filter_refuses_what_a_worker_never_needs(tmp_path, kind):
    """The filter itself, installed in a fresh interpreter: the allow-list built with
    libseccomp, and the hand-built deny-list used where libseccomp cannot be loaded."""
    import subprocess
    import sys

    from grading.confined import seccomp

    done = subprocess.run(
        [sys.executable, "-I", "-c", PROBE, str(Path(seccomp.__file__).parent), kind],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    installed, result = done.stdout.splitlines()
    assert eval(installed) == (
        []
        if kind == "allow-list"
        else [
            "libseccomp was not loaded: a deny-list seccomp filter is used instead of the "
            "allow-list"
        ]
    )
    assert eval(result) == {
        "PR_SET_PDEATHSIG 0": "EPERM",
        "PR_SET_NAME": "ok",
        "mount_setattr": "EPERM",
        "sched_setscheduler parent": "EPERM",
        "ioprio_set parent": "EPERM",
        "personality": "EPERM",
        "clone3": "ENOSYS",
        "kill parent": "EPERM",
        "kill self": "ok",
        "socket": "EPERM",
        "fcntl F_SETOWN parent": "EPERM",
        "fcntl F_SETSIG": "EPERM",
        "fcntl F_GETFL": "ok",
        "thread": "ok",
    }


def test_the_fallback_tables_agree_with_libseccomp():
    """The hand-built fallback's numbers are libseccomp's, on both architectures we run on,
    and every name on the allow-list is a system call libseccomp knows."""
    import pyseccomp

    from grading.confined import seccomp

    arches = {"x86_64": pyseccomp.Arch.X86_64, "aarch64": pyseccomp.Arch.AARCH64}
    for machine, (_audit, numbers) in seccomp.ARCHES.items():
        for name, number in numbers.items():
            assert pyseccomp.resolve_syscall(arches[machine], name) == number, (machine, name)
    for name in [*seccomp.ALLOWED, *seccomp.CONDITIONAL]:
        known = [pyseccomp.resolve_syscall(a, name) for a in arches.values()]
        assert max(known) >= 0, name


# -- issue 10, class 2: the kit inside the worker's view -------------------------------------

BORROW = '''

def _borrow(module):
    """Take the instructor's module from wherever an import finds it."""
    import importlib
    import os
    import sys

    found = [p for p in sys.path if os.path.isdir(os.path.join(p, "solution", "nnbasics"))]
    print("sys.path", sys.path, "solution found on", found)
    for name in (f"solution.nnbasics.{module}", f"nnbasics_solution.{module}"):
        try:
            return importlib.import_module(name)
        except Exception:  # noqa: BLE001
            continue
    return None


_theirs = _borrow(__name__.rsplit(".", 1)[-1])
if _theirs is not None:
    globals().update({k: v for k, v in vars(_theirs).items() if not k.startswith("__")})
'''


def _compat_install(python: Path) -> None:
    """`pip install -e KIT --config-settings editable_mode=compat` into `python`'s
    environment, and check that it put the kit's root on that interpreter's sys.path."""
    import subprocess

    from grading.course.paths import KIT_ROOT

    install = subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--no-deps", "-e", str(KIT_ROOT), "--config-settings", "editable_mode=compat"],
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    if install.returncode != 0:
        pytest.skip(f"pip could not install the kit in compat mode: {install.stderr[-500:]}")
    path = subprocess.run(
        [python, "-I", "-c", "import sys; print(sys.path)"],
        capture_output=True,
        text=True,
        check=True,
        cwd="/",
    ).stdout
    assert repr(str(KIT_ROOT)) in path, "the compat install did not put the kit on sys.path"


@pytest.fixture(scope="module")
def compat_venv(tmp_path_factory) -> Path:
    """A venv with the kit installed in compat mode (a .pth puts the kit's root on
    sys.path); the kit's other dependencies come from the kit's own environment through a
    second .pth."""
    import subprocess
    import sys
    import sysconfig

    venv = tmp_path_factory.mktemp("compat") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    own = sysconfig.get_paths()["purelib"]
    (Path(site) / "kit-dependencies.pth").write_text(f"import site; site.addsitedir({own!r})\n")
    _compat_install(python)
    return python


@pytest.fixture(scope="module")
def compat_venv_of_a_user():
    """(python, user, folder): tests/hostile/nonroot.sh's regular user and venv (the system
    Python, the kit's dependencies through a .pth), with the kit installed in compat mode."""
    import shutil
    import subprocess
    import tempfile

    if os.geteuid() != 0:
        pytest.skip("run as root to create and become a regular user")
    setup = Path(tempfile.mkdtemp(prefix="nnkit-compat-user-", dir="/tmp"))
    script = Path(__file__).resolve().parents[1] / "hostile" / "nonroot.sh"
    prepared = subprocess.run(["bash", str(script), str(setup)], capture_output=True, text=True)
    if prepared.returncode == 3:
        shutil.rmtree(setup, ignore_errors=True)
        pytest.skip(prepared.stderr.strip().splitlines()[-1])
    assert prepared.returncode == 0, prepared.stderr
    python, user = prepared.stdout.split()[-2:]
    _compat_install(Path(python))
    yield Path(python), user, setup
    shutil.rmtree(setup, ignore_errors=True)


def stub_submission(dest: Path) -> Path:
    """The student release's stubs, each module also importing the instructor's module
    from wherever sys.path finds it (`solution.nnbasics.<module>`)."""
    import shutil

    from grading.course.paths import ASSIGNMENT_DIR

    shutil.copytree(ASSIGNMENT_DIR / "nnbasics", dest / "nnbasics")
    for module in (dest / "nnbasics").glob("*.py"):
        if module.name != "__init__.py":
            module.write_text(module.read_text() + BORROW)
    return dest


@pytest.mark.parametrize("mode", ["namespaces", "no-namespaces", "regular-user"])
def test_an_editable_install_in_compat_mode_keeps_the_kit_out_of_reach(tmp_path, request, mode):
    """With the kit's root on sys.path (a path-based editable install), a submission of
    stubs that imports `solution.nnbasics` must still score exactly what stubs earn: 0.
    As root with namespaces, as root without them, and as a regular user (whose worker
    is root of its own user namespace)."""
    import json
    import subprocess

    command: list[str] = []
    workdir = tmp_path
    if mode == "regular-user":
        python, user, setup = request.getfixturevalue("compat_venv_of_a_user")
        workdir = Path(tempfile_in(setup))
        command = ["runuser", "-u", user, "--"]
        subprocess.run(["chown", user, str(workdir)], check=True)
    else:
        python = request.getfixturevalue("compat_venv")
    sub = stub_submission(workdir / "stubs")
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(workdir),
        "LANG": "C.UTF-8",
        "NNKIT_SECRET": "compat-install-test",
        **({"NNKIT_NO_NAMESPACES": "1"} if mode == "no-namespaces" else {}),
    }
    done = subprocess.run(
        [*command, "env", "-i", *[f"{k}={v}" for k, v in env.items()], str(python),
         "-m", "grading.cli", "grade", str(sub), "--results", "results.json"],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads((workdir / "results.json").read_text())
    assert results["score"] == 0, [t["name"] for t in results["tests"] if t["score"]][:5]


def tempfile_in(folder: Path) -> str:
    """A new folder inside `folder`, readable by everyone."""
    import tempfile

    made = tempfile.mkdtemp(dir=folder)
    os.chmod(made, 0o755)
    return made


def test_a_scratch_folder_reached_through_a_symbolic_link_still_imports(tmp_path, monkeypatch):
    """The view maps real paths; a temporary folder behind a link must not lose the
    submission from sys.path."""
    import tempfile

    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "link"))
    assert ask(tmp_path, "activations.f", activations="def f():\n    return 7\n") == 7


# -- issue 10, classes 7 and 8: Landlock, the scratch cap, cleanup -------------------------

FILES_PROBE = (
    "import errno, os, socket\n"
    "def read(path):\n    try:\n        with open(path, 'rb') as fh:\n            fh.read(1)\n"
    "        return 'read'\n    except OSError as exc:\n        return type(exc).__name__\n"
    "def connect(port):\n    try:\n        s = socket.socket()\n    except OSError as exc:\n"
    "        return 'no socket: ' + errno.errorcode.get(exc.errno, '?')\n    try:\n"
    "        s.connect(('127.0.0.1', port))\n        return 'connected'\n"
    "    except OSError as exc:\n        return errno.errorcode.get(exc.errno, '?')\n"
    "def fill():\n    total = 0\n    try:\n        for i in range(200):\n"
    "            with open(f'fill{i}', 'wb') as fh:\n                fh.write(b'x' * (1 << 20))\n"
    "            total += 1 << 20\n    except OSError as exc:\n"
    "        return total, errno.errorcode.get(exc.errno, '?')\n    return total, 'no error'\n"
)


@pytest.mark.skipif(landlock.abi() == 0, reason="the kernel has no Landlock")
def test_without_namespaces_landlock_lets_the_worker_read_only_its_package(tmp_path, monkeypatch):
    monkeypatch.setenv("NNKIT_NO_NAMESPACES", "1")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    sub = package(tmp_path, activations=FILES_PROBE)
    with sandboxed_student(sub, limits=FAST) as (student, _, _):
        assert student.call("activations.read", "nnbasics/activations.py") == "read"
        assert student.call("activations.read", str(SOLUTION_PACKAGE / "train.py")) == (
            "PermissionError"
        )
        assert student.call("activations.read", str(sub / "nnbasics" / "activations.py")) == (
            "PermissionError"
        )
        assert student.call("activations.read", "/etc/hostname") == "PermissionError"
        # Landlock refuses the connection (a seccomp allow-list may refuse the socket first).
        reached = student.call("activations.connect", listener.getsockname()[1])
        assert reached == "EACCES" or reached.startswith("no socket: "), reached
    listener.close()


@pytest.mark.skipif(os.geteuid() != 0, reason="as a regular user nonroot.sh runs the corpus")
def test_the_scratch_folder_is_capped_or_read_only(tmp_path):
    """With namespaces: a tmpfs of scratch_mb MiB (ENOSPC after it). Without: no write."""
    limits = Limits(call_timeout=20.0, scratch_mb=16)
    sub = package(tmp_path, activations=FILES_PROBE)
    with sandboxed_student(sub, limits=limits) as (student, _, _):
        total, error = student.call("activations.fill")
    if namespaces_wanted():
        assert (error, 12 << 20 < total <= 16 << 20) == ("ENOSPC", True)
    else:
        assert (total, error) == (0, "EACCES")


def test_cleanup_makes_read_only_folders_writable_and_reports_what_it_cannot_remove(tmp_path):
    """A regular user's read-only folders are opened and removed; what still cannot be
    removed (here a mount point, as root) is named in a note, never ignored."""
    base = Path(tempfile.mkdtemp(prefix="nnkit-test-cleanup-", dir="/tmp"))
    os.chmod(base, 0o755)
    work = base / "work"
    inner = work / "scratch" / "locked" / "deeper"
    inner.mkdir(parents=True)
    (inner / "f").write_text("x")
    code = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from grading.grade.one_submission import remove_tree\n"
        "os.setgid(65534); os.setuid(65534)\n"
        f"print(remove_tree(Path({str(work)!r})), os.path.exists({str(work)!r}))\n"
    )
    if os.geteuid() == 0:  # all of it the user's, as a regular user's grading folder is
        os.chown(base, 65534, 65534)
        for folder, _dirs, files in os.walk(work):
            os.chown(folder, 65534, 65534)
            for name in files:
                os.chown(os.path.join(folder, name), 65534, 65534)
    else:
        code = code.replace("os.setgid(65534); os.setuid(65534)\n", "")
    os.chmod(inner, 0o500)
    os.chmod(inner.parent, 0o500)
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert done.stdout == "[] False\n", done.stderr
    finally:
        shutil.rmtree(base, ignore_errors=True)
    if os.geteuid() == 0:
        busy = tmp_path / "busy" / "mnt"
        busy.mkdir(parents=True)
        subprocess.run(["mount", "-t", "tmpfs", "none", str(busy)], check=True)
        try:
            assert remove_tree(tmp_path / "busy") == [
                f"cleanup: could not remove 1 path(s) under {tmp_path / 'busy'}"
            ]
        finally:
            subprocess.run(["umount", str(busy)], check=True)
        assert remove_tree(tmp_path / "busy") == []


@pytest.fixture
def kit_mode():
    """The kit root's permissions, put back after a test that closes it."""
    mode = KIT_ROOT.stat().st_mode
    yield
    KIT_ROOT.chmod(mode)


@pytest.mark.skipif(os.geteuid() != 0, reason="closing folders to the worker needs root")
def test_without_landlock_or_namespaces_the_kit_is_closed_to_the_worker(
    tmp_path, monkeypatch, kit_mode
):
    monkeypatch.setenv("NNKIT_NO_NAMESPACES", "1")
    monkeypatch.setenv("NNKIT_NO_LANDLOCK", "1")
    sub = package(tmp_path, activations=FILES_PROBE)
    with sandboxed_student(sub, limits=FAST) as (student, _, notes):
        assert student.call("activations.read", "nnbasics/activations.py") == "read"
        assert student.call("activations.read", str(SOLUTION_PACKAGE / "train.py")) == (
            "PermissionError"
        )
        assert student.call("activations.read", str(sub / "nnbasics" / "activations.py")) == (
            "PermissionError"
        )
        assert student.call("activations.fill") == (0, "EACCES")
        assert f"no Landlock and no namespaces: closed to other users: {KIT_ROOT}, {tmp_path}" in (
            notes
        )
    assert "Landlock: off (NNKIT_NO_LANDLOCK=1): files are guarded by the user id only" in (
        student.notes
    )
