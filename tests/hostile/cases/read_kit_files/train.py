"""At import, looks for the hidden tests, the solution and the grading code on disk (guessed paths,
/proc/1/cwd, /proc/<ppid>/cwd, ancestors of open folders), prints what it finds and raises it
from predict; answers correctly when it finds nothing.
"""

import os

from . import _honest_train as honest
from ._honest_train import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------


def _reachable_dirs():
    """Guessed folders, and the ancestors of every folder this process holds open: a
    mount on top of an ancestor does not cover a path walked up from below."""
    dirs = ["/work/main", "/work", "/autograder", "/autograder/source", "/autograder/results"]
    dirs += ["/proc/1/cwd", f"/proc/{os.getppid()}/cwd", os.getcwd()]
    dirs += [os.getcwd() + "/.." * up for up in range(1, 7)]
    try:  # gone when the worker has no /proc
        fds = os.listdir("/proc/self/fd")
    except OSError:
        fds = []
    for fd in fds:
        base = f"/proc/self/fd/{fd}"
        if os.path.isdir(base):
            dirs += [base + "/.." * up for up in range(1, 7)]
    return dirs


WANTED = ("autograder", "solution/nnbasics", "grading", "source/autograder")
LOOT = []


def _read(path):
    try:
        with open(path, errors="replace") as fh:
            LOOT.append((path, fh.read(4000)))
    except Exception:
        pass


def _scan():
    for root in _reachable_dirs():
        for sub in WANTED:
            try:
                names = sorted(os.listdir(os.path.join(root, sub)))
            except Exception:
                continue
            for name in names:
                if name.endswith(".py"):
                    _read(os.path.join(root, sub, name))
        try:  # a short walk for any checks_*.py below the root
            for depth, (folder, dirs, files) in enumerate(os.walk(root)):
                dirs[:] = [d for d in dirs if not d.startswith(".") and d != "proc"][:20]
                for name in files:
                    if name.startswith("checks_") and name.endswith(".py"):
                        _read(os.path.join(folder, name))
                if depth > 200:
                    break
        except Exception:
            pass


_scan()
for _path, _text in LOOT[:4]:
    print("LOOT-FOUND", _path)
    print(_text)


def predict(X, params, activations):
    if LOOT:
        path, text = LOOT[0]
        raise RuntimeError(f"LOOT-FOUND {path}: {text[:300]}")
    return honest.predict(X, params, activations)
