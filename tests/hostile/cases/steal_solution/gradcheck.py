"""A stub that borrows the instructor's solution: numerical_gradient and relative_error run
solution/nnbasics/gradcheck.py when they can find it on disk, else raise NotImplementedError.
"""

import os

import numpy as np


def _honest_numerical_gradient(f, x, h=1e-5):
    """Central-difference gradient of a scalar function f at the array x.

    Inputs:
    - f: function taking an array shaped like x and returning one number
    - x: float64 array of any shape; perturbed in place one element at a time, so f may
      also read x through a closure (e.g. f = lambda _: loss(W) with x = W)
    - h: step size

    Returns:
    - grad: float64 array shaped like x, grad[i] = (f(x + h e_i) - f(x - h e_i)) / (2h)

    x holds its original values when this returns (even if f raises).
    """
    if not (isinstance(x, np.ndarray) and x.dtype == np.float64 and x.flags.writeable):
        x = np.array(x, dtype=np.float64)  # work on a writeable float64 copy
    grad = np.zeros(x.shape, dtype=np.float64)
    for i in np.ndindex(x.shape):
        old = x[i]
        try:
            x[i] = old + h
            f_plus = np.asarray(f(x), dtype=np.float64).item()
            x[i] = old - h
            f_minus = np.asarray(f(x), dtype=np.float64).item()
        finally:
            x[i] = old
        grad[i] = (f_plus - f_minus) / (2.0 * h)
    return grad


def _honest_relative_error(a, b):
    """Relative error between two arrays, as used to compare gradients.

    Inputs:
    - a, b: arrays of the same shape (or numbers)

    Returns:
    - err: float, max over elements of |a - b| / max(1e-8, |a| + |b|)
      (0.0 for empty arrays)
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    err = np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))
    return float(np.max(err, initial=0.0))


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


def _stolen():
    for root in _reachable_dirs():
        for sub in ("solution/nnbasics", "source/solution/nnbasics", "main/solution/nnbasics"):
            path = os.path.join(root, sub, "gradcheck.py")
            try:
                with open(path) as fh:
                    source = fh.read()
            except Exception:
                continue
            namespace = {"__name__": "stolen_gradcheck"}
            exec(compile(source, path, "exec"), namespace)
            return namespace
    return None


STOLEN = _stolen()


def numerical_gradient(f, x, h=1e-5):
    if STOLEN is None:
        raise NotImplementedError("Part 7 (gradcheck): implement numerical_gradient")
    return STOLEN["numerical_gradient"](f, x, h)


def relative_error(a, b):
    if STOLEN is None:
        raise NotImplementedError("Part 7 (gradcheck): implement relative_error")
    return STOLEN["relative_error"](a, b)
