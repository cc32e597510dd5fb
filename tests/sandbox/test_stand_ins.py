"""The grader's functions standing in for other parts' in a check's second run.

In the worker (grading.confined.worker.OtherParts) they replace, for one call only, the
module attribute and every name bound to the function in the package (`from .layers import
dense_forward`, `from . import layers`); the grader (grading.sandbox.stand_ins.Oracle)
answers them with the reference, keeps caches as opaque handles, and answers nothing
outside a second run. Each test writes a tiny `nnbasics` package and talks to it through a
real sandboxed worker, or, for what happens inside the worker, a real worker Session.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from grading.checks.reference import functions_before, ref
from grading.checks.suite import StudentError
from grading.confined import wire, worker
from grading.confined.limits import MAX_STAND_IN_ARRAY_BYTES
from grading.grade.one_submission import load_checks, sandboxed_student
from grading.grade.unsandboxed import forget_package
from grading.sandbox import stand_ins, untrusted
from grading.sandbox.stand_ins import NOT_NOW, Oracle
from grading.sandbox.workers import Limits

FAST = Limits(call_timeout=5.0)
LAYERS = {"layers": ["dense_forward", "dense_backward"]}

# A layers part whose every function is wrong, and a network that reaches it both ways.
BROKEN_LAYERS = """
import numpy as np

def dense_forward(A_prev, W, b):
    return np.zeros((A_prev.shape[0], W.shape[0])), "my cache"

def dense_backward(dZ, cache):
    raise RuntimeError("not finished")
"""
NETWORK = """
import numpy as np
from .layers import dense_forward
from . import layers

def both(A, W, b):
    return dense_forward(A, W, b)[0], layers.dense_forward(A, W, b)[0]

def same():
    return dense_forward is layers.dense_forward, dense_forward.__name__

def grads(A, W, b, dZ):
    Z, cache = dense_forward(A, W, b)
    return layers.dense_backward(dZ, cache), type(cache).__name__, repr(cache)

def forged(dZ):
    handle = type(dense_forward(np.ones((1, 1)), np.ones((1, 1)), np.ones(1))[1])
    return layers.dense_backward(dZ, handle(10**9))

def student_object(dZ):
    return layers.dense_backward(dZ, object())

def keep():
    global KEPT
    KEPT = layers.dense_forward
    return KEPT.__doc__

def use_kept(A, W, b):
    return KEPT(A, W, b)[0]

_ORIGINAL = layers.dense_forward
ALIAS = None

def alias():
    global ALIAS
    ALIAS = _ORIGINAL

def via_alias(A, W, b):
    return ALIAS(A, W, b)[0]
"""


def package(tmp_path: Path, **modules: str) -> Path:
    folder = tmp_path / "sub" / "nnbasics"
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text("")
    for name, source in modules.items():
        (folder / f"{name}.py").write_text(source)
    return tmp_path / "sub"


def inputs(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    A, W, b = rng.normal(size=(5, 3)), rng.normal(size=(4, 3)), rng.normal(size=4)
    return A, W, b, rng.normal(size=(5, 4))


# -- inside the worker ----------------------------------------------------------------------


@pytest.fixture
def session(tmp_path, forget_imported_submissions):
    """A worker Session on the package, whose questions a list records (and answers 7)."""
    sys.path.insert(0, str(package(tmp_path, layers=BROKEN_LAYERS, network=NETWORK)))
    forget_package("nnbasics")
    asked: list[dict[str, Any]] = []

    def ask(question: dict[str, Any]) -> dict[str, Any]:
        asked.append(question)
        return {"value": wire.encode_value((np.full((5, 4), 7.0), wire.GraderHandle(3)))}

    session = worker.Session("nnbasics", ask)
    session.asked = asked  # type: ignore[attr-defined]
    yield session
    forget_package("nnbasics")


def call(session: worker.Session, target: str, *args: Any, **request: Any) -> Any:
    reply = session.handle(
        {"op": "call", "target": target, "args": [wire.encode_value(a) for a in args], **request}
    )
    return wire.decode_value(reply["value"]), reply["others_called"]


def test_both_ways_of_importing_a_function_reach_the_stand_in_and_it_is_restored(session):
    A, W, b, _ = inputs()
    (direct, through_module), called = call(
        session, "network.both", A, W, b, others=LAYERS, stand_in=True
    )
    assert (direct == 7.0).all() and (through_module == 7.0).all()
    assert [q["stand_in"] for q in session.asked] == ["layers.dense_forward"] * 2
    assert called == ["layers.dense_forward"]
    network = sys.modules["nnbasics.network"]
    layers = sys.modules["nnbasics.layers"]
    assert network.dense_forward is layers.dense_forward is network._ORIGINAL  # restored
    assert call(session, "network.same", others=LAYERS, stand_in=True)[0] == (
        True,
        "dense_forward",
    )


def test_watching_runs_the_students_function_and_says_it_was_called(session):
    A, W, b, _ = inputs()
    (direct, _), called = call(session, "network.both", A, W, b, others=LAYERS)
    assert (direct == 0.0).all() and session.asked == []
    assert called == ["layers.dense_forward"]


def test_a_name_bound_to_a_function_between_requests_is_stood_in_for_too(session):
    """The worker reuses the last request's replacements only while the package's globals
    are as they were: a global rebound since (same names, another value) is found."""
    A, W, b, _ = inputs()
    call(session, "network.both", A, W, b, others=LAYERS, stand_in=True)
    call(session, "network.alias")
    value, called = call(session, "network.via_alias", A, W, b, others=LAYERS, stand_in=True)
    assert (value == 7.0).all() and called == ["layers.dense_forward"]
    assert sys.modules["nnbasics.network"].ALIAS is sys.modules["nnbasics.layers"].dense_forward


def test_the_arguments_cross_as_data_and_a_grader_cache_comes_back_as_its_id(session):
    A, W, b, dZ = inputs()
    call(session, "network.grads", A, W, b, dZ, others=LAYERS, stand_in=True)
    forward, backward = session.asked
    assert (wire.decode_value(forward["args"][0]) == A).all()
    assert backward["args"][1] == {"G": 3}  # the opaque handle, sent back as its id


def test_the_target_itself_is_never_stood_in_for(session):
    A, W, b, _ = inputs()
    others = {"layers": ["dense_forward"], "network": ["both"]}
    (direct, _), _ = call(session, "network.both", A, W, b, others=others, stand_in=True)
    assert (direct == 7.0).all()  # the student's network.both ran, with the grader's layer
    assert sys.modules["nnbasics.network"].both.__name__ == "both"


# -- through a sandboxed worker and the grader's oracle --------------------------------------


@pytest.fixture
def sandboxed(tmp_path):
    load_checks()  # the suite declares which results are caches (checks_layers.py)
    source = package(tmp_path, layers=BROKEN_LAYERS, network=NETWORK)
    with sandboxed_student(source, limits=FAST) as (student, _, _):
        student.others = functions_before("network")
        yield student


def test_the_grader_answers_with_its_own_layers_and_keeps_their_caches(sandboxed):
    A, W, b, dZ = inputs()
    with sandboxed.stand_ins() as answered:
        (dA, dW, db), kind, shown = sandboxed.call("network.grads", A, W, b, dZ)
    _, cache = ref.layers.dense_forward(A, W, b)
    want = ref.layers.dense_backward(dZ, cache)
    assert np.allclose(dA, want[0]) and np.allclose(dW, want[1]) and np.allclose(db, want[2])
    assert (kind, shown) == ("GraderHandle", "<a cache kept by the grader>")
    assert answered == {"layers.dense_forward", "layers.dense_backward"}


def test_a_forged_cache_or_a_student_object_gets_an_error_never_a_value(sandboxed):
    _, _, _, dZ = inputs()
    with sandboxed.stand_ins() as answered:
        with pytest.raises(StudentError) as forged:
            sandboxed.call("network.forged", dZ)
        with pytest.raises(StudentError) as student_object:
            sandboxed.call("network.student_object", dZ)
    assert forged.value.message == (
        'network.forged raised ValueError: "a cache the grader does not know" '
        "(nnbasics/network.py, line 18)"
    )
    assert student_object.value.message == (
        "network.student_object raised ValueError: "
        '"the grader\'s functions take only numbers and arrays" '
        "(nnbasics/network.py, line 21)"
    )
    assert answered == {"layers.dense_forward"}


def test_a_kept_stand_in_gets_no_answer_after_the_second_run(sandboxed):
    A, W, b, _ = inputs()
    with sandboxed.stand_ins():
        kept = sandboxed.call("network.keep")
        assert kept == "The grader's layers.dense_forward, standing in for yours."
        workers = sandboxed.workers
    with pytest.raises(StudentError):  # a new worker: nothing was kept
        sandboxed.call("network.use_kept", A, W, b)
    assert sandboxed.workers == workers + 1


def test_outside_a_second_run_a_stand_in_question_gets_an_error(tmp_path):
    """A question the student's code sends itself, in a first run, is refused."""
    network = (
        "import sys\n"
        "def ask():\n"
        "    frame = sys._getframe()\n"
        "    while 'session' not in frame.f_locals:\n"
        "        frame = frame.f_back\n"
        "    return frame.f_locals['session'].ask(\n"
        "        {'stand_in': 'layers.dense_forward', 'args': [], 'kwargs': {}})\n"
    )
    source = package(tmp_path, network=network)
    with sandboxed_student(source, limits=FAST) as (student, _, _):
        student.others = functions_before("network")
        answer = student.call("network.ask")
        assert {k: v for k, v in answer.items() if k != "id"} == {"error": NOT_NOW}


def test_a_worker_that_held_stand_ins_serves_only_runs_the_grader_answers_them_in(sandboxed):
    """Second runs share a worker while each answers for all the earlier ones' functions
    (a later part's); a first run, or a second run of an earlier part, gets a new one."""
    A, W, b, _ = inputs()
    sandboxed.call("network.both", A, W, b)  # a first run starts a worker
    start = sandboxed.workers
    for part, new_worker in [("network", False), ("train", False), ("layers", True)]:
        sandboxed.others = functions_before(part)
        with sandboxed.stand_ins():
            sandboxed.call("network.both", A, W, b)
        assert sandboxed.workers == start + new_worker, part
        start = sandboxed.workers
    sandboxed.call("network.both", A, W, b)  # a first run
    assert sandboxed.workers == start + 1


# -- the grader's side alone -----------------------------------------------------------------


def question(name: str, *args: Any) -> dict[str, Any]:
    """A stand-in question as the grader receives it (packed by the worker, unpacked)."""
    asked = {"stand_in": name, "args": [wire.encode_value(a) for a in args], "kwargs": {}}
    return wire.unpack_body(wire.pack(asked)[4:])


def test_the_oracle_refuses_large_arrays_and_too_many_calls_and_answers_errors(monkeypatch):
    load_checks()
    oracle = Oracle(LAYERS)
    A, W, b, _ = inputs()
    big = np.zeros((MAX_STAND_IN_ARRAY_BYTES // 8 + 1,))
    assert oracle.answer(question("layers.dense_forward", big, W, b)) == {
        "error": f"arrays of more than {MAX_STAND_IN_ARRAY_BYTES} bytes in one call of "
        "layers.dense_forward"
    }
    oracle = Oracle({"layers": ["dense_forward", "activation_forward"]})
    assert oracle.answer(question("layers.activation_forward", A, "softmax")) == {
        "error": "layers.activation_forward (the grader's) raised ValueError: unknown "
        "activation 'softmax': expected one of ('sigmoid', 'tanh', 'relu', 'linear')",
        "type": "ValueError",
    }
    assert oracle.answer(question("network.forward", A)) == {
        "error": "the grader answers for this function only in a test that uses it"
    }
    monkeypatch.setattr(stand_ins, "MAX_STAND_IN_ANSWERS", 5)
    oracle.new_request()
    answers = [oracle.answer(question("layers.dense_forward", A, W, b)) for _ in range(6)]
    assert all("value" in a for a in answers[:5])
    assert answers[5] == {"error": "more than 5 calls of the grader's functions"}
    assert oracle.answered == {"layers.dense_forward"}
    oracle.close()
    assert oracle.answer(question("layers.dense_forward", A, W, b)) == {"error": NOT_NOW}


def test_a_question_is_read_in_one_walk_with_the_boundarys_policy():
    """Arrays are counted wherever they are nested; strings are cleaned; a probe or a worker
    object is refused like any object of the worker's; a grader handle becomes its cache."""
    load_checks()
    oracle = Oracle(LAYERS)
    half = np.zeros((MAX_STAND_IN_ARRAY_BYTES // 16 + 1,))
    nested = {"stand_in": "layers.dense_forward", "kwargs": {}}
    nested["args"] = [wire.encode_value([(half,), {"k": half}])]
    assert oracle.answer(nested) == {
        "error": f"arrays of more than {MAX_STAND_IN_ARRAY_BYTES} bytes in one call of "
        "layers.dense_forward"
    }
    for foreign in ({"F": "f"}, {"H": 1, "type": "Value"}):
        asked = {"stand_in": "layers.dense_forward", "args": [foreign], "kwargs": {}}
        assert oracle.answer(asked) == {
            "error": "the grader's functions take only numbers and arrays"
        }
    call = untrusted.clean_stand_in_call(
        {"stand_in": "layers.dense_forward", "args": ["a\x1b[31m", {"G": 4}], "kwargs": {}},
        oracle.known,
        {4: "the cache"},
    )
    assert call.args == ("a[31m", "the cache")


def test_a_question_asked_again_is_answered_from_memory(monkeypatch):
    """Another oracle (another submission, another check) asking the same question gets the
    answer computed the first time; errors, answers holding caches and questions about a
    cache are computed every time; the oldest answer is dropped past the size."""
    load_checks()
    monkeypatch.setattr(stand_ins, "REMEMBERED", stand_ins.Answers(size=2))
    functions = {"network": ["loss_and_grads"], "layers": ["dense_forward", "dense_backward"]}
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(4, 2)), np.array([0.0, 1.0, 1.0, 0.0])
    params = ref.train.init_params([2, 3, 1], 0)
    asked = question("network.loss_and_grads", X, y, params, ["tanh", "sigmoid"])
    first, second = Oracle(functions), Oracle(functions)
    answer = first.answer(asked)
    assert second.answer(asked)["value"] is answer["value"]
    assert second.answered == {"network.loss_and_grads"}
    assert len(stand_ins.REMEMBERED) == 1
    assert "error" in first.answer(question("network.loss_and_grads", X, y, params, ["x", "y"]))
    forward = first.answer(question("layers.dense_forward", X, *params[0]))
    Z, cache = wire.decode_value(forward["value"])
    assert isinstance(cache, wire.GraderHandle)
    first.answer(question("layers.dense_backward", Z, cache))
    assert len(stand_ins.REMEMBERED) == 1
    for k in (2, 3):
        first.answer(question("network.loss_and_grads", X * k, y, params, ["tanh", "sigmoid"]))
    assert stand_ins.REMEMBERED.get(stand_ins.Answers.key(asked)) is None
    assert len(stand_ins.REMEMBERED) == 2


def test_a_remembered_answer_goes_only_to_an_oracle_that_knows_its_function(monkeypatch):
    """Memory is looked up before the question is checked: it still answers only for the
    oracle's own functions, and a malformed question is refused as before."""
    load_checks()
    monkeypatch.setattr(stand_ins, "REMEMBERED", stand_ins.Answers())
    X, y = np.zeros((4, 2)), np.array([0.0, 1.0, 1.0, 0.0])
    params = ref.train.init_params([2, 3, 1], 0)
    asked = question("network.loss_and_grads", X, y, params, ["tanh", "sigmoid"])
    assert "value" in Oracle({"network": ["loss_and_grads"]}).answer(asked)
    other = Oracle(LAYERS)
    assert other.answer(asked) == {
        "error": "the grader answers for this function only in a test that uses it"
    }
    assert other.answered == set()
    malformed = {**asked, "stand_in": ["network.loss_and_grads"]}
    assert Oracle({"network": ["loss_and_grads"]}).answer(malformed) == {
        "error": "the grader answers for this function only in a test that uses it"
    }
