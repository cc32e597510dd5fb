"""At import, tries every way to start processes (os.fork in a loop, subprocess, os.system,
os.posix_spawn, os.spawnv, multiprocessing, pty.fork); children sleep for ten minutes under a
marked command line. Otherwise the instructor's module.
"""

import os
import time

from ._honest_activations import *  # noqa: F403

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
