"""The plain-data wire format between the grader and the worker.

Nothing that crosses the trust boundary is ever unpickled or evaluated. A message
is a 4-byte big-endian length, then its body: the 4-byte length of a JSON document, the
document, and the raw bytes of the arrays it holds, one after another (no base64: about
10 ms of encoding and parsing saved per MB, and a grade moves over 1 MB). Values keep
their Python type:

| value                 | JSON                                               |
|-----------------------|----------------------------------------------------|
| None, bool, int, float, str | themselves                                   |
| list / tuple / dict   | {"L": [...]} / {"T": [...]} / {"D": [[key, value], ...]} (str keys) |
| numpy array / scalar  | {"A": [dtype, shape, offset]} / {"S": [...same...]} (a)     |
| an object left in the worker | {"H": id, "type": class name}               |
| a probe function      | {"F": name} (the function stays in the grader; see `Probe`) |
| an object left in the grader | {"G": id} (a cache the grader made; see `GraderHandle`) |

(a) Its bytes start at `offset` in the raw bytes after the JSON.

Only numeric and boolean dtypes cross; anything else stays behind as a handle.
This module imports only the standard library and numpy: the worker loads it too.
"""

from __future__ import annotations

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
_DTYPES = {name: np.dtype(name) for name in ALLOWED_DTYPES}


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
    # the bytes stay bytes here: `pack` moves them after the JSON, putting their offset
    return [arr.dtype.str, list(arr.shape), np.ascontiguousarray(arr).tobytes()]


@dataclass(frozen=True, repr=False)
class Payload:
    """Where a received array's bytes start: `offset` in `data`, the raw bytes after its
    message's JSON (shared by every array of the message). `take(n)` checks the range."""

    data: bytes
    offset: int

    def __repr__(self) -> str:
        return f"<array bytes at offset {self.offset}>"

    def take(self, n: int) -> memoryview:
        """The n bytes at `offset`; WireError when they are not all there."""
        if self.offset < 0 or self.offset + n > len(self.data):
            raise WireError("array data does not match its shape")
        return memoryview(self.data)[self.offset : self.offset + n]


def decode_value(data: Any, resolve: Any = None, depth: int = 0) -> Any:
    """Inverse of `encode_value`; checks every field. `resolve(id)` maps handles to objects."""
    if resolve is None:
        return Reader().read(data, depth)
    return Reader(handle=lambda hid, kind: resolve(hid)).read(data, depth)


def _handle(hid: int, kind: str) -> Handle:
    return Handle(hid, kind[:MAX_TYPE_NAME_CHARS])


class Reader:
    """Decodes values (the inverse of `encode_value`, every field checked) in one walk, with
    what the format leaves open decided by the caller: `handle(id, type)` makes the object
    for a worker handle, `grader(id)` for a grader handle, `text(s)` every string and dict
    key (None: kept as sent), `probe(name)` for a probe. Each raises WireError to refuse.
    `array_bytes`: the bytes of the arrays and scalars it decoded so far (a reader is made
    for one message: it is cheap)."""

    def __init__(
        self,
        handle: Callable[[int, str], Any] = _handle,
        grader: Callable[[int], Any] = GraderHandle,
        text: Callable[[str], str] | None = None,
        probe: Callable[[str], Any] | None = None,
    ) -> None:
        self._handle, self._grader, self._text = handle, grader, text
        self._probe = probe or (lambda name: Probe(name[:MAX_TYPE_NAME_CHARS]))
        self.array_bytes = 0

    def read(self, data: Any, depth: int = 0) -> Any:
        return self._value(data, depth)

    def _value(self, data: Any, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise WireError("value nested too deeply")
        kind = type(data)
        if kind is str:
            return data if self._text is None else self._text(data)
        if data is None or kind is bool or kind is int or kind is float:
            return data
        if kind is not dict or len(data) not in (1, 2):
            raise WireError(f"unexpected {kind.__name__} in message")
        if len(data) == 1:
            ((tag, inner),) = data.items()
        elif "H" in data:
            tag, inner = "H", data["H"]
        else:  # only a handle has two fields
            raise WireError("malformed grader handle" if "G" in data else "unknown value tag")
        if tag == "A" or tag == "S":
            arr = _decode_array(inner)
            self.array_bytes += arr.nbytes
            return arr if tag == "A" else arr[()]
        if tag == "L":
            return [self._value(v, depth + 1) for v in _as_list(inner)]
        if tag == "T":
            return tuple([self._value(v, depth + 1) for v in _as_list(inner)])
        if tag == "D":
            out = {}
            for pair in _as_list(inner):
                if type(pair) is not list or len(pair) != 2 or type(pair[0]) is not str:
                    raise WireError("malformed dict entry")
                key = pair[0] if self._text is None else self._text(pair[0])
                out[key] = self._value(pair[1], depth + 1)
            return out
        if tag == "H":
            kind_name = data.get("type", "object")
            if type(inner) is not int or type(kind_name) is not str:
                raise WireError("malformed handle")
            return self._handle(inner, kind_name)
        if tag == "F":
            if type(inner) is not str:
                raise WireError("malformed probe")
            return self._probe(inner)
        if tag == "G":
            if type(inner) is not int:
                raise WireError("malformed grader handle")
            return self._grader(inner)
        raise WireError("unknown value tag")


def _as_list(data: Any) -> list[Any]:
    if type(data) is not list:
        raise WireError("expected a list")
    return data


def _decode_array(fields: Any) -> np.ndarray:
    if type(fields) is not list:
        raise WireError("expected a list")
    if len(fields) != 3:
        raise WireError("malformed array")
    dtype, shape, payload = fields
    dt = _DTYPES.get(dtype) if type(dtype) is str else None
    if dt is None:
        raise WireError(f"array dtype {str(dtype)[:MAX_DTYPE_CHARS]!r} is not allowed")
    if type(shape) is not list:
        raise WireError("malformed array shape")
    for n in shape:
        if type(n) is not int or n < 0:
            raise WireError("malformed array shape")
    if len(shape) > 32:
        raise WireError("malformed array")
    n = math.prod(shape) * dt.itemsize
    if type(payload) is Payload:  # from a message: its offset
        raw: bytes | memoryview = payload.take(n)
    elif type(payload) is bytes:  # not packed: this process encoded it (`encode_value`)
        raw = payload
    else:
        raise WireError("malformed array")
    if len(raw) != n:
        raise WireError("array data does not match its shape")
    return np.ndarray(shape, dt, raw).copy()


def pack(message: dict[str, Any]) -> bytes:
    """Frame one message (NaN and inf allowed): the arrays' bytes in it (as `encode_value`
    leaves them) go after the JSON, which holds their offsets."""
    blobs: list[bytes] = []
    size = 0

    def attach(obj: Any) -> int:
        nonlocal size
        if type(obj) is not bytes:
            raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")
        offset = size
        blobs.append(obj)
        size += len(obj)
        return offset

    text = json.JSONEncoder(separators=(",", ":"), default=attach).encode(message)
    document = text.encode("utf-8")
    length = 4 + len(document) + size
    if length > MAX_MESSAGE_BYTES:
        raise WireError(f"message of {length} bytes is too large")
    return b"".join([struct.pack(">II", length, len(document)), document, *blobs])


def split_body(body: bytes) -> tuple[bytes, bytes]:
    """(the JSON document, the arrays' raw bytes) of a message body; WireError when the
    body cannot hold the document its length announces."""
    if len(body) < 4:
        raise WireError("message is not valid JSON")
    (n,) = struct.unpack_from(">I", body)
    if n > len(body) - 4:
        raise WireError("message is not valid JSON")
    return body[4 : 4 + n], body[4 + n :]


def unpack_body(body: bytes) -> dict[str, Any]:
    """Parse one message body (`split_body`, then `parse_body`)."""
    return parse_body(*split_body(body))


def parse_body(document: bytes, data: bytes) -> dict[str, Any]:
    """Parse a message's JSON `document`; anything but a JSON object is a WireError. Each
    array's offset becomes a `Payload` into `data` (checked against the bytes there when
    it is decoded)."""

    def payloads(obj: dict[str, Any]) -> dict[str, Any]:
        if len(obj) == 1 and ("A" in obj or "S" in obj):
            fields = obj.get("A", obj.get("S"))
            if type(fields) is list and len(fields) == 3 and type(fields[2]) is int:
                fields[2] = Payload(data, fields[2])
        return obj

    try:  # (a message with no array bytes holds no offsets: no hook to call on each dict)
        message = json.loads(document.decode("utf-8"), object_hook=payloads if data else None)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise WireError("message is not valid JSON") from exc
    if type(message) is not dict:
        raise WireError("message is not a JSON object")
    return message
