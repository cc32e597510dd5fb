"""The plain-data wire format between the grader and the worker.

Nothing that crosses the trust boundary is ever unpickled or evaluated. A message
is a 4-byte big-endian length and a JSON document. Values keep their Python type:

| value                 | JSON                                               |
|-----------------------|----------------------------------------------------|
| None, bool, int, float, str | themselves                                   |
| list / tuple / dict   | {"L": [...]} / {"T": [...]} / {"D": [[key, value], ...]} (str keys) |
| numpy array / scalar  | {"A": [dtype, shape, base64 bytes]} / {"S": [...same...]} |
| an object left in the worker | {"H": id, "type": class name}               |
| a probe function      | {"F": name} (the function stays in the grader; see `Probe`) |
| an object left in the grader | {"G": id} (a cache the grader made; see `GraderHandle`) |

Only numeric and boolean dtypes cross; anything else stays behind as a handle.
This module imports only the standard library and numpy: the worker loads it too.
"""

from __future__ import annotations

import base64
import json
import math
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

try:  # loaded as grading.confined.wire in the grader, as a plain module in the sandbox
    from grading.confined.limits import (
        MAX_DTYPE_CHARS,
        MAX_MESSAGE_BYTES,
        MAX_PROBE_POINTS,
        MAX_TYPE_NAME_CHARS,
    )
    from grading.confined.limits import MAX_WIRE_DEPTH as MAX_DEPTH
except ImportError:  # pragma: no cover - the sandbox path
    from limits import (  # type: ignore[no-redef]
        MAX_DTYPE_CHARS,
        MAX_MESSAGE_BYTES,
        MAX_PROBE_POINTS,
        MAX_TYPE_NAME_CHARS,
    )
    from limits import MAX_WIRE_DEPTH as MAX_DEPTH  # type: ignore[no-redef]
ALLOWED_DTYPES = frozenset("|b1 |i1 <i2 <i4 <i8 |u1 <u2 <u4 <u8 <f2 <f4 <f8".split())


class WireError(ValueError):
    """A message that does not follow the format (never a crash of the reader)."""


@dataclass(frozen=True)
class Handle:
    """An object that stayed in the worker; it can be sent back as an argument."""

    id: int
    type: str = "object"

    def __repr__(self) -> str:
        return f"<{self.type} object left in the worker>"


@dataclass(frozen=True)
class GraderHandle:
    """An object that stayed in the grader: a cache one of the grader's functions returned
    while it stood in for a student's (grading.sandbox.stand_ins). The worker holds only the
    id, an opaque object with no data; the grader resolves it only within the check that
    made it, so a forged or kept id is refused there."""

    id: int

    def __repr__(self) -> str:
        return "<a cache kept by the grader>"


@dataclass(frozen=True)
class Probe:
    """A scalar function of one float64 array that stays in the grader.

    The worker gets a stand-in (worker.probe_function) that asks the grader for f(x)
    each time student code calls it, so the function itself never exists in the worker
    and the grader sees every point it is evaluated at. Only `name` crosses the wire;
    `f`, `shape` and `points` live in the grader.
    """

    name: str
    f: Callable[[np.ndarray], float] | None = field(default=None, compare=False, repr=False)
    shape: tuple[int, ...] | None = field(default=None, compare=False)
    points: list[np.ndarray] = field(default_factory=list, compare=False, repr=False)

    def evaluate(self, x: Any) -> float:
        """f(x) for an x the worker sent: a float64 array of `shape`, recorded in `points`
        (up to MAX_PROBE_POINTS). Raises WireError for anything else."""
        if self.f is None:
            raise WireError("this probe has no function")
        if not isinstance(x, np.ndarray) or x.dtype != np.float64 or x.shape != self.shape:
            raise WireError(f"the probe takes a float64 array of shape {self.shape}")
        if len(self.points) < MAX_PROBE_POINTS:
            self.points.append(x.copy())
        return float(self.f(x))


def encode_value(value: Any, store: Any = None, depth: int = 0) -> Any:
    """Turn `value` into JSON-able data; objects that cannot cross go to `store(obj) -> id`."""
    if depth > MAX_DEPTH:
        return _left_behind(value, store)
    if value is None or isinstance(value, (bool, str)):
        return value
    if type(value) is int:
        return value
    if type(value) is float:
        return value
    if isinstance(value, np.ndarray):
        arr = value
        if arr.dtype.str not in ALLOWED_DTYPES:
            return _left_behind(value, store)
        return {"A": _array_fields(arr)}
    if isinstance(value, np.generic):
        arr = np.asarray(value)
        if arr.dtype.str not in ALLOWED_DTYPES:
            return _left_behind(value, store)
        return {"S": _array_fields(arr)}
    if type(value) is list:
        return {"L": [encode_value(v, store, depth + 1) for v in value]}
    if type(value) is tuple:
        return {"T": [encode_value(v, store, depth + 1) for v in value]}
    if type(value) is dict and all(type(k) is str for k in value):
        return {"D": [[k, encode_value(v, store, depth + 1)] for k, v in value.items()]}
    if isinstance(value, Handle):
        return {"H": value.id, "type": value.type}
    if isinstance(value, Probe):
        return {"F": value.name}
    if isinstance(value, GraderHandle):
        return {"G": value.id}
    return _left_behind(value, store)


def _left_behind(value: Any, store: Any) -> dict[str, Any]:
    if store is None:
        raise WireError(f"cannot send a {type(value).__name__}")
    return {"H": store(value), "type": type(value).__name__[:MAX_TYPE_NAME_CHARS]}


def _array_fields(arr: np.ndarray) -> list[Any]:
    data = np.ascontiguousarray(arr).tobytes()
    return [arr.dtype.str, list(arr.shape), base64.b64encode(data).decode("ascii")]


def decode_value(data: Any, resolve: Any = None, depth: int = 0) -> Any:
    """Inverse of `encode_value`; checks every field. `resolve(id)` maps handles to objects."""
    if depth > MAX_DEPTH:
        raise WireError("value nested too deeply")
    if data is None or isinstance(data, (bool, str)):
        return data
    if type(data) is int:
        return data
    if type(data) is float:
        return data
    if type(data) is not dict or len(data) not in (1, 2):
        raise WireError(f"unexpected {type(data).__name__} in message")
    if "A" in data or "S" in data:
        arr = _decode_array(data.get("A", data.get("S")))
        return arr if "A" in data else arr[()]
    if "L" in data:
        return [decode_value(v, resolve, depth + 1) for v in _as_list(data["L"])]
    if "T" in data:
        return tuple(decode_value(v, resolve, depth + 1) for v in _as_list(data["T"]))
    if "D" in data:
        out = {}
        for pair in _as_list(data["D"]):
            if type(pair) is not list or len(pair) != 2 or type(pair[0]) is not str:
                raise WireError("malformed dict entry")
            out[pair[0]] = decode_value(pair[1], resolve, depth + 1)
        return out
    if "H" in data:
        hid, kind = data["H"], data.get("type", "object")
        if type(hid) is not int or type(kind) is not str:
            raise WireError("malformed handle")
        return resolve(hid) if resolve else Handle(hid, kind[:MAX_TYPE_NAME_CHARS])
    if "F" in data:
        if type(data["F"]) is not str:
            raise WireError("malformed probe")
        return Probe(data["F"][:MAX_TYPE_NAME_CHARS])
    if "G" in data:
        if type(data["G"]) is not int or len(data) != 1:
            raise WireError("malformed grader handle")
        return GraderHandle(data["G"])
    raise WireError("unknown value tag")


def _as_list(data: Any) -> list[Any]:
    if type(data) is not list:
        raise WireError("expected a list")
    return data


def _decode_array(fields: Any) -> np.ndarray:
    fields = _as_list(fields)
    if len(fields) != 3:
        raise WireError("malformed array")
    dtype, shape, payload = fields
    if dtype not in ALLOWED_DTYPES:
        raise WireError(f"array dtype {str(dtype)[:MAX_DTYPE_CHARS]!r} is not allowed")
    if type(shape) is not list or not all(type(n) is int and n >= 0 for n in shape):
        raise WireError("malformed array shape")
    if len(shape) > 32 or type(payload) is not str:
        raise WireError("malformed array")
    try:
        raw = base64.b64decode(payload.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError) as exc:
        raise WireError("array data is not base64") from exc
    dt = np.dtype(dtype)
    if len(raw) != math.prod(shape) * dt.itemsize:
        raise WireError("array data does not match its shape")
    return np.frombuffer(raw, dtype=dt).reshape(shape).copy()


def pack(message: dict[str, Any]) -> bytes:
    """Frame one message: length prefix and JSON (NaN and inf allowed)."""
    body = json.dumps(message, separators=(",", ":")).encode("utf-8")
    if len(body) > MAX_MESSAGE_BYTES:
        raise WireError(f"message of {len(body)} bytes is too large")
    return struct.pack(">I", len(body)) + body


def unpack_body(body: bytes) -> dict[str, Any]:
    """Parse one message body; anything but a JSON object is a WireError."""
    try:
        message = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise WireError("message is not valid JSON") from exc
    if type(message) is not dict:
        raise WireError("message is not a JSON object")
    return message
