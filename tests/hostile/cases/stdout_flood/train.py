"""predict writes 100 MB to stdout and to stderr (with invalid UTF-8 and escape codes) on its first
call, then answers correctly.
"""

import os
import sys

from . import _honest_train as honest
from ._honest_train import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------

FLOODED = []


def predict(X, params, activations):
    if not FLOODED:
        FLOODED.append(True)
        line = b"\x1b[2J\xff\xfe not utf-8 " + b"x" * 1000 + b"\n"
        chunk = line * 1000  # about 1 MB
        for _ in range(50):
            sys.stdout.write(chunk.decode("latin-1"))
            os.write(2, chunk)
        sys.stdout.flush()
    return honest.predict(X, params, activations)
