"""dense_backward doubles dW (a mistake of its own), and tries to reach the grader's correct
layers: stand-ins network.py kept (on builtins, on this module, a cache id in a file),
and questions of its own through the worker's session, for its own part and for a later
one (network.backward). It calls activations.sigmoid, so its failing checks are run a
second time, with the grader's activations: the grader must answer none of those.
At import it reads the kept cache ids.
"""

import builtins
import gc
import json
import sys

import numpy as np

from ._honest_layers import *  # noqa: F403
from .activations import sigmoid

STASH_FILES = ("/tmp/nnkit-hostile-oracle_stash.json", "nnkit-hostile-oracle_stash.json")
GOT = []  # what the grader gave: nothing, if it holds


def _wire():
    return sys.modules.get("wire") or sys.modules.get("grading.confined.wire")


def _session():
    for obj in gc.get_objects():
        if type(obj).__name__ == "Session" and hasattr(obj, "ask") and hasattr(obj, "store"):
            return obj
    return None


def _ask(session, name, args):
    wire = _wire()
    question = {
        "stand_in": name,
        "args": [wire.encode_value(a, session.store) for a in args],
        "kwargs": {},
    }
    try:
        answer = session.ask(question)
    except Exception:
        return None
    print(
        f"oracle_stash: asked for {name}: {'a value' if 'value' in answer else 'refused'}",
        flush=True,
    )
    return session.decode(answer["value"]) if "value" in answer else None


def _oracle(dZ, cache):
    """The grader's dense_backward(dZ, cache), any way it can be had; None if none works."""
    for kept in (getattr(builtins, "_nnkit_kept", None), globals().get("KEPT")):
        if callable(kept):
            try:
                return kept(dZ, cache)
            except Exception:
                pass
    session = _session()
    if session is None:
        return None
    got = _ask(session, "layers.dense_backward", [dZ, cache])
    if got is not None:
        return got
    A_prev, W, b = cache  # the grader's network, one linear layer: its grads are dW, db
    out = _ask(session, "network.forward", [A_prev, [(W, b)], ["linear"]])
    if out is not None:
        grads = _ask(session, "network.backward", [dZ, out[1]])
        if grads is not None:
            return dZ @ W, grads[0][0], grads[0][1]
    for kept_id in _kept_ids():
        got = _ask(session, "layers.dense_backward", [dZ, _wire().GraderHandle(kept_id)])
        if got is not None:
            return got
    return None


def _kept_ids():
    """Cache ids network.py wrote (read at import, and again now)."""
    ids = list(KEPT_IDS)
    for path in STASH_FILES:
        try:
            with open(path) as f:
                ids.append(json.load(f)["cache"])
        except (OSError, ValueError, KeyError):
            pass
    return [i for i in ids if type(i) is int]


def dense_backward(dZ, cache):
    got = _oracle(dZ, cache)
    if got is not None:
        GOT.append(got)
        return got
    sigmoid(np.zeros(1))  # a call of another part's function
    A_prev, W, _ = cache
    dZ = np.asarray(dZ, dtype=np.float64)
    return dZ @ W, 2 * (dZ.T @ A_prev), dZ.sum(axis=0)


# At import, in whatever worker this is: the cache ids kept so far (a question to the
# grader here would come during a request that takes none: a broken protocol).
KEPT_IDS = []
KEPT_IDS = _kept_ids()
