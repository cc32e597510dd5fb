"""The plain-data wire format: types survive a round trip; malformed data is refused."""

from __future__ import annotations

import json
import struct

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from grading.checks.suite import StudentError
from grading.confined import wire
from grading.confined.worker import number_arrays, run_graph
from grading.course.paths import SOLUTION_DIR
from grading.grade.unsandboxed import LocalStudent
from grading.sandbox.client import StudentClient


def roundtrip(value):
    return wire.decode_value(wire.unpack_body(wire.pack({"v": wire.encode_value(value)})[4:])["v"])


@given(
    hnp.arrays(
        dtype=st.sampled_from([np.float64, np.int64, np.bool_, np.float32]),
        shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=4),
    )
)
def test_arrays_keep_dtype_shape_and_values(arr):
    back = roundtrip(arr)
    assert isinstance(back, np.ndarray)
    assert back.dtype == arr.dtype and back.shape == arr.shape
    np.testing.assert_array_equal(back, arr)


def test_containers_keep_their_types():
    value = {"a": (1, 2.5, [None, True, "x"]), "b": np.float64(3.0)}
    back = roundtrip(value)
    assert back == {"a": (1, 2.5, [None, True, "x"]), "b": 3.0}
    assert type(back["a"]) is tuple and type(back["a"][2]) is list
    assert isinstance(back["b"], np.float64)


def test_objects_stay_behind_as_handles():
    kept = []
    data = wire.encode_value((np.zeros(2), object()), lambda obj: kept.append(obj) or len(kept))
    out = wire.decode_value(data)
    assert isinstance(out[1], wire.Handle) and out[1].type == "object" and out[1].id == 1


def test_object_arrays_never_cross():
    with pytest.raises(wire.WireError, match="cannot send a ndarray"):
        wire.encode_value(np.array([object()]))


def _nested(levels: int) -> dict:
    data: dict = {"L": []}
    for _ in range(levels):
        data = {"L": [data]}
    return data


def body(document: bytes, data: bytes = b"") -> bytes:
    """A message body as a worker may write it: the JSON's length, the JSON, raw bytes."""
    return struct.pack(">I", len(document)) + document + data


EIGHT = bytes(8)  # the raw bytes of one float64


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"A": ["|O", [1], 0]}, "array dtype '|O' is not allowed"),
        ({"A": ["<f8", [2], 0]}, "array data does not match its shape"),  # 16 bytes, 8 sent
        ({"A": ["<f8", [1], 1]}, "array data does not match its shape"),  # past the end
        ({"A": ["<f8", [1], -8]}, "array data does not match its shape"),
        ({"A": ["<f8", [-1], 0]}, "malformed array shape"),
        ({"X": 1}, "unknown value tag"),
        ([1, 2], "unexpected list in message"),
        ({"D": [[1, 2]]}, "malformed dict entry"),
        ({"A": [["<f8"], [1], 0]}, "array dtype \"['<f8']\" is not allowed"),
        ({"A": ["<f8", [1], "AAAAAAAAAAA="]}, "malformed array"),  # base64: the old format
        ({"A": ["<f8", [1], 0], "type": "x"}, "unknown value tag"),
        ({"G": 1, "type": "x"}, "malformed grader handle"),
        (_nested(40), "value nested too deeply"),
    ],
)
def test_malformed_values_are_refused(data, error):
    message = wire.unpack_body(body(json.dumps({"v": data}).encode(), EIGHT))
    with pytest.raises(wire.WireError) as info:
        wire.decode_value(message["v"])
    assert str(info.value) == error


def test_arrays_take_their_bytes_at_their_offsets():
    document = json.dumps({"v": {"T": [{"A": ["<f8", [1], 8]}, {"S": ["<i8", [], 0]}]}})
    data = np.array([7], np.int64).tobytes() + np.array([2.5]).tobytes()
    a, n = wire.decode_value(wire.unpack_body(body(document.encode(), data))["v"])
    assert a.tolist() == [2.5] and n == 7 and type(n) is np.int64


def test_messages_must_be_json_objects():
    for bad in (b"\x80\x04pickle", b"[1]", body(b"[1"), struct.pack(">I", 9) + b"{}"):
        with pytest.raises(wire.WireError, match="^message is not valid JSON$"):
            wire.unpack_body(bad)
    with pytest.raises(wire.WireError, match="^message is not a JSON object$"):
        wire.unpack_body(body(b"[1]"))


# -- graph programs: plain JSON ops out, two arrays per kind back ---------------------------


class Replying(StudentClient):
    """A client whose worker builds every graph program (handle 1) and answers every read
    with `value` (a forged reply)."""

    def __init__(self, value: object) -> None:
        super().__init__(seed=0)
        self.value = value

    def _ask(self, target, request, timeout, callback=None):
        wire.unpack_body(wire.pack(request)[4:])  # the request itself is plain JSON
        if request["op"] == "graph":
            return {"ok": True, "value": wire.encode_value([1])}
        return {"ok": True, "value": wire.encode_value([self.value])}


OPS = [("value", 2.0), ("value", 3.0), ("mul", 0, 1)]


def test_graph_numbers_cross_as_arrays_and_unknown_entries_as_none():
    reply = {kind: number_arrays([1.5, None, float("inf")]) for kind in ("data", "grad")}
    result = Replying(reply).graph("graph.Value", OPS)
    assert result.data == result.grad == [1.5, None, float("inf")]


def test_the_worker_reports_a_value_that_is_no_number_as_unknown():
    class Odd:
        def __init__(self, data):
            self.data, self.grad = data, "not a number"

        def __mul__(self, other):
            return Odd(self.data * other.data)

        def backward(self):
            pass

    result = run_graph(Odd, [list(op) for op in OPS], -1)
    assert result == {"data": [2.0, 3.0, 6.0], "grad": [None, None, None]}


@pytest.mark.parametrize(
    "value",
    [
        {"data": [1.0, 2.0, 3.0], "grad": [1.0, 2.0, 3.0]},  # lists: the old format
        {"data": number_arrays([1.0, 2.0]), "grad": number_arrays([1.0, 2.0, 3.0])},
        {"data": {"values": np.zeros(3), "known": np.ones(3)}, "grad": number_arrays([0.0] * 3)},
        {"data": {"values": np.zeros(3, np.float32), "known": np.ones(3, bool)}, "grad": None},
        {"data": number_arrays([1.0] * 3)},
    ],
)
def test_malformed_graph_answers_are_refused(value):
    with pytest.raises(StudentError) as info:
        Replying(value).graph("graph.Value", OPS)
    assert info.value.message == "graph.Value: the worker sent a malformed answer"


# -- graphs are the student's objects, driven through handles ----------------------------

RECORDING_VALUE = """
LOG = []


class Value:
    def __init__(self, data):
        self.data, self.grad = float(data), 0.0
        LOG.append(["new", self.data])

    def __add__(self, other):
        LOG.append(["add"])
        return Value(self.data + (other.data if isinstance(other, Value) else other))

    def __rmul__(self, other):
        LOG.append(["rmul", other])
        return Value(other * self.data)

    def backward(self):
        LOG.append(["backward", self.data])
        self.grad = 1.0


def log():
    return LOG
"""


class Logging(LocalStudent):
    """A LocalStudent that records the op of every request it answers."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.ops: list[str] = []

    def _ask(self, target, request, timeout, callback=None):
        self.ops.append(request["op"])
        return super()._ask(target, request, timeout, callback)


@pytest.mark.usefixtures("forget_imported_submissions")
def test_graph_nodes_are_made_by_python_operations_and_backward_comes_later(tmp_path):
    """Each node is one operation on the student's objects; with a split, the second request
    builds on the first's nodes (through handles); backward is called in a later request on
    the node asked for, and data and grad are read through the handles."""
    package = tmp_path / "nnbasics"
    package.mkdir()
    (package / "__init__.py").write_text("")  # regular: see tests/sandbox/test_channel.py
    (package / "graph.py").write_text(RECORDING_VALUE)
    student = Logging(tmp_path)
    ops = [("value", 2.0), ("value", 3.0), ("add", 0, 1), ("rmul_const", 10.0, 2)]
    result = student.graph("graph.Value", ops, backward_from=2, split=3)
    assert student.ops == ["graph", "graph", "read"]
    assert result.data == [2.0, 3.0, 5.0, 50.0]
    assert result.grad == [0.0, 0.0, 1.0, 0.0]  # this Value sets only its own grad
    assert student.call("graph.log") == [
        ["new", 2.0],
        ["new", 3.0],
        ["add"],
        ["new", 5.0],
        ["rmul", 10.0],
        ["new", 50.0],
        ["backward", 5.0],
    ]


@pytest.mark.usefixtures("forget_imported_submissions")
def test_split_and_batched_graphs_give_what_one_graph_gives():
    from autograder.checks_graph import _conditioned_graph

    student = LocalStudent(SOLUTION_DIR)
    ops = _conditioned_graph(np.random.default_rng(3))
    whole = student.graph("graph.Value", ops)
    assert student.graph("graph.Value", ops, split=len(ops) // 2) == whole
    assert student.graphs("graph.Value", [ops, ops[:5]]) == [
        whole,
        student.graph("graph.Value", ops[:5]),
    ]
    assert student.graph("graph.Value", ops, backward_from=None).grad == [0.0] * len(ops)
