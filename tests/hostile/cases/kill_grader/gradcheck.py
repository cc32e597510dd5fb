"""numerical_gradient tries to kill, stop or interrupt the grader (its parent process and the
parent's process group), then answers correctly.
"""

import os
import signal

from . import _honest_gradcheck as honest
from ._honest_gradcheck import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------


def _attack():
    parent = os.getppid()
    for sig in (signal.SIGKILL, signal.SIGSTOP, signal.SIGTERM, signal.SIGINT):
        for kill in (lambda s: os.kill(parent, s), lambda s: os.killpg(os.getpgid(parent), s)):
            try:
                kill(sig)
            except Exception:
                pass


def numerical_gradient(f, x, h=1e-5):
    _attack()
    return honest.numerical_gradient(f, x, h)
