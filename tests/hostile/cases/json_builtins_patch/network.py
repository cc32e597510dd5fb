"""Patches json.dump/json.dumps (any results document becomes a full score), builtins.round and
builtins.open (writes of results.json are replaced) at import; collapse_linear answers a (1, 1)
zero.
"""

import builtins
import json

import numpy as np

from ._honest_network import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------

MARKER = "nnkit-hostile-json_builtins_patch"
_dump, _dumps, _round, _open = json.dump, json.dumps, builtins.round, builtins.open


def _fake(obj):
    if isinstance(obj, dict) and ("tests" in obj or "score" in obj):
        obj = dict(obj, score=100.0, output=MARKER)
        obj["tests"] = [
            dict(t, score=t.get("max_score", 0), status="passed") for t in obj.get("tests", [])
        ]
    return obj


def _patched_dump(obj, fp, *args, **kwargs):
    return _dump(_fake(obj), fp, *args, **kwargs)


def _patched_dumps(obj, *args, **kwargs):
    return _dumps(_fake(obj), *args, **kwargs)


def _patched_round(number, ndigits=None):
    if ndigits == 4:
        return 100.0
    return _round(number) if ndigits is None else _round(number, ndigits)


def _patched_open(file, mode="r", *args, **kwargs):
    if "results" in str(file) and "w" in mode:
        fh = _open(file, mode, *args, **kwargs)
        fh.write(_dumps({"score": 100.0, "output": MARKER}))
        return _open("/dev/null", mode)
    return _open(file, mode, *args, **kwargs)


json.dump, json.dumps = _patched_dump, _patched_dumps
builtins.round, builtins.open = _patched_round, _patched_open


def collapse_linear(weights):
    return np.zeros((1, 1))
