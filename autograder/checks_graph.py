"""Part 4: a scalar `Value` that backpropagates through a computational graph.

Graphs are sent as small programs (see `Student.graph`): ("value", x) makes a leaf, later
ops refer to earlier nodes by index. The worker makes each node with one Python operation
on the student's `Value` objects, which stay there as handles; backward is a call on a
handle and the grader reads `.data` and `.grad` through the handles (the random graphs are
built in two requests, the second on top of the first's nodes). The expected data and
grads come from a plain-float interpreter of the same programs in this file (`_forward`,
`_backward`), from the grader's central differences over the leaves, and from the
reference `Value`.
"""

from __future__ import annotations

import collections
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograder.common import SEPARATION, Hint, check, conditioned, slide
from grading.checks import diagnose
from grading.checks.diagnose import sentence
from grading.checks.reference import ref
from grading.checks.slide_examples import SlideExample
from grading.checks.suite import (
    CheckFailed,
    GraphResult,
    Student,
    StudentError,
    numerical_gradient,
    relative_error,
)
from grading.confined.worker import run_graph

PART = "graph"
VALUE = f"{PART}.Value"  # the student's scalar class the graph checks build with
Op = tuple[Any, ...]


# -- the grader's interpreter of graph programs -------------------------------------------


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


UNARY = {  # name: (function, derivative given (input, output))
    "sigmoid": (_sigmoid, lambda x, out: out * (1.0 - out)),
    "log": (math.log, lambda x, out: 1.0 / x),
    "exp": (math.exp, lambda x, out: out),
    "tanh": (math.tanh, lambda x, out: 1.0 - out * out),
    "relu": (lambda x: max(0.0, x), lambda x, out: 1.0 if x > 0 else 0.0),
}


def _apply(op: Op, vals: Sequence[float]) -> float:
    name = op[0]
    if name == "value":
        return float(op[1])
    if name in ("add", "sub", "mul"):
        a, b = vals[op[1]], vals[op[2]]
        return a + b if name == "add" else a - b if name == "sub" else a * b
    if name == "neg":
        return -vals[op[1]]
    if name in ("add_const", "sub_const", "mul_const"):
        v, c = vals[op[1]], op[2]
        return v + c if name == "add_const" else v - c if name == "sub_const" else v * c
    if name in ("radd_const", "rsub_const", "rmul_const"):
        c, v = op[1], vals[op[2]]
        return c + v if name == "radd_const" else c - v if name == "rsub_const" else c * v
    return UNARY[name][0](vals[op[1]])


def _forward(ops: Sequence[Op], leaves: Sequence[float] | None = None) -> list[float]:
    """The data of every node; `leaves` replaces the values of the ("value", x) ops."""
    vals: list[float] = []
    it = iter(leaves) if leaves is not None else None
    for op in ops:
        if op[0] == "value" and it is not None:
            vals.append(float(next(it)))
        else:
            vals.append(_apply(op, vals))
    return vals


def _backward(ops: Sequence[Op], vals: Sequence[float], out: int = -1) -> list[float]:
    """dL/d(node) for every node, L = node `out` (reverse mode, in index order)."""
    out %= len(ops)
    grads = [0.0] * len(ops)
    grads[out] = 1.0
    for k in range(out, -1, -1):
        g, op, name = grads[k], ops[k], ops[k][0]
        if name == "value" or g == 0.0:
            continue
        if name == "add":
            grads[op[1]] += g
            grads[op[2]] += g
        elif name == "sub":
            grads[op[1]] += g
            grads[op[2]] -= g
        elif name == "mul":
            grads[op[1]] += g * vals[op[2]]
            grads[op[2]] += g * vals[op[1]]
        elif name == "neg":
            grads[op[1]] -= g
        elif name in ("add_const", "sub_const"):
            grads[op[1]] += g
        elif name == "mul_const":
            grads[op[1]] += g * op[2]
        elif name == "radd_const":
            grads[op[2]] += g
        elif name == "rsub_const":
            grads[op[2]] -= g
        elif name == "rmul_const":
            grads[op[2]] += g * op[1]
        else:
            grads[op[1]] += g * UNARY[name][1](vals[op[1]], vals[k])
    return grads


def _leaves(ops: Sequence[Op]) -> list[int]:
    return [k for k, op in enumerate(ops) if op[0] == "value"]


def _numeric_leaf_grads(ops: Sequence[Op]) -> np.ndarray:
    """The grader's central differences of the last node with respect to every leaf."""
    x = np.array([ops[k][1] for k in _leaves(ops)], dtype=np.float64)
    return numerical_gradient(lambda v: _forward(ops, list(v))[-1], x)


def _reference(ops: Sequence[Op], backward_from: int | None = -1) -> tuple[list, list]:
    """Data and grads of every node with the reference solution's Value."""
    result = run_graph(ref.graph.Value, [list(op) for op in ops], backward_from)
    return result["data"], result["grad"]


# -- judging a student's graph -------------------------------------------------------------


def _numbers(
    values: Sequence[float | None], idx: Sequence[int], kind: str, context: str
) -> np.ndarray:
    out = []
    for k in idx:
        v = values[k]
        if v is None:
            raise CheckFailed(
                f"{context}: the {kind} of node {k} is not a number (.{kind} should hold a float)"
            )
        out.append(v)
    return np.array(out, dtype=np.float64)


def _expect_nodes(
    result: GraphResult,
    idx: Sequence[int],
    names: Sequence[str],
    expected_data: Sequence[float] | None,
    expected_grad: Sequence[float] | None,
    context: str,
    *,
    show: bool = False,
    rtol: float = 1e-9,
    grad_hints: Callable[[], Sequence[Sequence[Hint]]] | None = None,
) -> None:
    """Node by node, so that the message names the node that is wrong; `grad_hints()[i]`
    are known wrong values of the grad of node idx[i] (worked out only on a failure)."""
    for kind, values, expected in (
        ("data", result.data, expected_data),
        ("grad", result.grad, expected_grad),
    ):
        if expected is None:
            continue
        got = _numbers(values, idx, kind, context)
        for i, (name, g, e) in enumerate(zip(names, got, expected)):
            label = f"{context}: {name}.{kind}" if kind == "data" else f"{context}: dL/d{name}"
            summary = diagnose.value_error(g, e, label, atol=1e-10, rtol=rtol)
            if summary:
                hints = grad_hints()[i] if grad_hints is not None and kind == "grad" else ()
                mistake = diagnose.match_hints(g, hints) or diagnose.generic_mistake(g, e)
                raise CheckFailed(
                    diagnose.compose(
                        summary, mistake, got=g, expected=e, show=show or diagnose.show_expected()
                    )
                )


def _local(op: Op, vals: Sequence[float], k: int) -> list[tuple[int, float]]:
    """(input node, local derivative of node k with respect to it) for op k."""
    name = op[0]
    if name == "add":
        return [(op[1], 1.0), (op[2], 1.0)]
    if name == "sub":
        return [(op[1], 1.0), (op[2], -1.0)]
    if name == "mul":
        return [(op[1], vals[op[2]]), (op[2], vals[op[1]])]
    if name == "neg":
        return [(op[1], -1.0)]
    if name in ("add_const", "sub_const"):
        return [(op[1], 1.0)]
    if name == "mul_const":
        return [(op[1], float(op[2]))]
    if name == "radd_const":
        return [(op[2], 1.0)]
    if name == "rsub_const":
        return [(op[2], -1.0)]
    if name == "rmul_const":
        return [(op[2], float(op[1]))]
    return [(op[1], UNARY[name][1](vals[op[1]], vals[k]))]


def _overwritten(ops: Sequence[Op], vals: Sequence[float], out: int = -1) -> list[float]:
    """The grads of a backward pass that assigns (grad = ...) instead of accumulating
    (grad += ...), visiting the nodes from the last to the first."""
    out %= len(ops)
    grads = [0.0] * len(ops)
    grads[out] = 1.0
    for k in range(out, -1, -1):
        if ops[k][0] != "value":
            for j, d in _local(ops[k], vals, k):
                grads[j] = grads[k] * d
    return grads


def _mistaken_backward(
    ops: Sequence[Op],
    vals: Sequence[float],
    order: Sequence[int],
    kind: str,
    mistake: str,
    locals_: Sequence[list[tuple[int, float]]] | None = None,
    start: tuple[int, list[float]] | None = None,
) -> list[float]:
    """The grads of a backward pass that visits the nodes in `order` (a reverse topological
    order) with one `mistake` in the backward of every node of `kind`: "overwrite"
    (grad = ... instead of +=), "no_upstream" (the local derivative without out.grad),
    "dropped0"/"dropped1" (no contribution to the first/second input), "negated0"/
    "negated1" (the contribution's sign flipped), "at_output" (a unary derivative formula
    applied to the output), "unit" (a unary local derivative of 1: relu's mask missing) or
    "own_data" (a product's input gets its own data). `locals_[k]`: `_local` of node k,
    when the caller computed them once for many mistakes. `start` = (i, grads): the grads
    after visiting order[:i], where no node is of `kind` (`_right_prefixes`), to go on from."""
    if locals_ is None:
        locals_ = _locals(ops, vals)
    if start is None:
        start = (0, [0.0] * len(ops))
        start[1][order[0]] = 1.0
    first, grads = start[0], list(start[1])
    for k in order[first:]:
        op = ops[k]
        if op[0] == "value":
            continue
        g, local = grads[k], locals_[k]
        if op[0] != kind:  # a right backward: the common case, kept short
            for j, d in local:
                grads[j] += g * d
            continue
        if mistake == "at_output":
            f, df = UNARY[kind]
            out = vals[k]  # the formula g'(x) evaluated at x = out (log's 1/x needs no f(out))
            local = [(op[1], 1.0 / out if kind == "log" else df(out, f(out)))]
        elif mistake == "unit":
            local = [(op[1], 1.0)]
        elif mistake == "own_data":
            local = [(op[1], vals[op[1]]), (op[2], vals[op[2]])]
        for position, (j, d) in enumerate(local):
            if mistake == "overwrite":
                grads[j] = g * d
            elif mistake == "no_upstream":
                grads[j] += d
            elif mistake == _DROPPED[position]:
                pass
            elif mistake == _NEGATED[position]:
                grads[j] -= g * d
            else:
                grads[j] += g * d
    return grads


_DROPPED, _NEGATED = ("dropped0", "dropped1"), ("negated0", "negated1")


def _locals(ops: Sequence[Op], vals: Sequence[float]) -> list[list[tuple[int, float]]]:
    """`_local` of every node (an empty list for a leaf)."""
    return [[] if op[0] == "value" else _local(op, vals, k) for k, op in enumerate(ops)]


def _right_prefixes(
    ops: Sequence[Op], order: Sequence[int], locals_: Sequence[list[tuple[int, float]]]
) -> dict[str, tuple[int, list[float]]]:
    """For every kind of node: (i, grads), the grads of `_mistaken_backward` after visiting
    order[:i], i the place of the first node of that kind. Up to there, a pass with a
    mistake in that kind does exactly what the right pass does, so it can start there."""
    grads = [0.0] * len(ops)
    grads[order[0]] = 1.0
    prefixes: dict[str, tuple[int, list[float]]] = {}
    for i, k in enumerate(order):
        if ops[k][0] == "value":
            continue
        prefixes.setdefault(ops[k][0], (i, list(grads)))
        g = grads[k]
        for j, d in locals_[k]:
            grads[j] += g * d
    return prefixes


def _mistakes(kind: str) -> list[str]:
    """The mistakes `_mistaken_backward` can make in the backward of `kind` that change
    its result (relu's derivative is the same at its input and at its output)."""
    inputs = 2 if kind in ("add", "sub", "mul") else 1
    found = ["overwrite", "no_upstream"]
    found += [f"{how}{p}" for how in ("dropped", "negated") for p in range(inputs)]
    if kind in UNARY and kind != "relu":
        found.append("at_output")
    if kind in UNARY:
        found.append("unit")
    if kind == "mul":
        found.append("own_data")
    return found


def _orders(ops: Sequence[Op], out: int) -> list[list[int]]:
    """Two reverse topological orders of the nodes L = node `out` depends on, as students
    build them: by index, and by a depth-first search from L (micrograd's)."""
    by_index = list(range(out, -1, -1))
    topo: list[int] = []
    seen: set[int] = set()
    stack: list[tuple[int, bool]] = [(out, False)]
    while stack:
        k, done = stack.pop()
        if done:
            topo.append(k)
            continue
        if k in seen:
            continue
        seen.add(k)
        stack.append((k, True))
        inputs = [a for a in ops[k][1:] if ops[k][0] != "value" and isinstance(a, int)]
        if ops[k][0].startswith("r") and ops[k][0].endswith("_const"):
            inputs = [ops[k][2]]
        elif ops[k][0].endswith("_const"):
            inputs = [ops[k][1]]
        stack.extend((a, False) for a in reversed(inputs) if a not in seen)
    return [by_index, topo[::-1]]


def _shifted_leaf_grads(ops: Sequence[Op], kind: str) -> list[float] | None:
    """The leaf grads when every node of `kind` computes its value plus 1 (a mistake in
    its forward pass), the later nodes and the backward pass using those values; None when
    the wrong values leave a function's domain (the student's code would fail anyway)."""
    vals: list[float] = []
    try:
        for op in ops:
            vals.append(_apply(op, vals) + (1.0 if op[0] == kind else 0.0))
        grads = _backward(ops, vals)
    except (ValueError, OverflowError, ZeroDivisionError):
        return None
    return [grads[k] for k in _leaves(ops)]


Case = tuple[str, str, int]
"""(kind, mistake, order): one of the `_mistakes(kind)` in a backward that visits the nodes
in `_orders(...)[order]`, or (kind, "shifted", 0): kind's forward value plus 1."""

_REJECTIONS: collections.Counter[Case] = collections.Counter()
"""How often each case made `_sensitive` reject a graph in this process: it tries the
cases that rejected most first, so that a graph that fails costs a few backward passes,
not all of them (the verdict is the same in any order)."""


def _cases(ops: Sequence[Op]) -> list[Case]:
    """Every case `_sensitive` requires for the kinds of node in `ops`, the ones that
    rejected most graphs so far first."""
    cases: list[Case] = []
    for kind in sorted({op[0] for op in ops if op[0] != "value"}):
        if kind in UNARY:
            cases.append((kind, "shifted", 0))
        for mistake in _mistakes(kind):
            cases += [(kind, mistake, o) for o in range(2 if mistake == "overwrite" else 1)]
    return sorted(cases, key=lambda case: -_REJECTIONS[case])


def _sensitive(ops: Sequence[Op]) -> bool:
    """Every mistake `_mistakes` names, in the backward of any kind of node the graph
    uses, and a wrong value in the forward pass of a unary one (`_shifted_leaf_grads`; the
    values of every node are compared by graph_random_values), moves the leaves' grads far
    from the right ones (`separated`), whichever of the usual node orders a
    student's backward takes: a mistake in one operation is caught on every random graph,
    not only on graphs that happen to expose it."""
    vals = _forward(ops)
    out = len(ops) - 1
    orders = _orders(ops, out)
    leaves = _leaves(ops)
    right = [_backward(ops, vals)[k] for k in leaves]
    locals_ = _locals(ops, vals)
    prefixes = [_right_prefixes(ops, order, locals_) for order in orders]
    for case in _cases(ops):
        kind, mistake, o = case
        if mistake == "shifted":
            wrong = _shifted_leaf_grads(ops, kind)
        else:
            start = prefixes[o].get(kind)
            grads = _mistaken_backward(ops, vals, orders[o], kind, mistake, locals_, start)
            wrong = [grads[k] for k in leaves]
        if not _far(right, wrong):
            _REJECTIONS[case] += 1
            return False
    return True


def _far(right: Sequence[float], wrong: Sequence[float] | None) -> bool:
    """`separated(right, [wrong])` for lists of floats, without numpy: the same arithmetic
    (relative_error's, entry by entry), at a fraction of the cost of a call."""
    if wrong is None or len(wrong) != len(right):
        return True
    worst = 0.0
    for a, b in zip(right, wrong):
        error = abs(a - b) / max(1e-8, abs(a) + abs(b))
        if error != error:  # NaN: relative_error is NaN, which is not above the margin
            return False
        worst = max(worst, error)
    return worst > SEPARATION


def _graph_mistake(ops: Sequence[Op], vals: Sequence[float], leaf_grads: np.ndarray) -> str:
    """The overwrite signature when the leaves' grads are those of `grad = ...`."""
    wrong = _overwritten(ops, vals)
    return diagnose.match_hints(
        leaf_grads, [([wrong[k] for k in _leaves(ops)], sentence("overwrite"))]
    )


def _wrapped(inner: list[Op], out: int, c: float) -> list[Op]:
    """Append L = (node `out`) * c, with c a new leaf: an op's backward must use out.grad."""
    ops = list(inner) + [("value", c)]
    ops.append(("mul", out, len(ops) - 1))
    return ops


def _unary_hints(name: str, x: float, c: float) -> list[Hint]:
    """Known wrong values of dL/dx for L = x.<name>() * c."""
    f, df = UNARY[name]
    out = f(x)
    hints: list[Hint] = [(df(x, out), sentence("upstream_ignored", "x.grad += local * out.grad"))]
    if name in ("sigmoid", "tanh"):  # the derivative formula applied to the output
        hints.append((c * df(out, f(out)), sentence("derivative_of_output")))
    elif name == "log" and out != 0.0:
        hints.append((c / out, sentence("derivative_of_output")))
    return hints


def _check_expressions(
    student: Student, cases: list[tuple[str, list[Op], int]], c: float, names: Sequence[str]
) -> None:
    """Each case: (label, ops with leaves first, index of the expression's node). The
    cases' graphs are built together and read one after the other (`Student.graphs`)."""
    programs = [_wrapped(inner, node, c) for _, inner, node in cases]
    results = student.graphs(VALUE, programs)
    for (label, _, node), ops, result in zip(cases, programs, results):
        leaves = _leaves(ops)
        vals = _forward(ops)
        grads = _backward(ops, vals)
        values = ", ".join(f"{n} = {ops[k][1]:g}" for n, k in zip(names, leaves))
        context = f"L = ({label}) * c with {values}"
        _expect_nodes(result, [node], [label], [vals[node]], None, context)

        def hints(ops: list[Op] = ops, vals: list[float] = vals, node: int = node) -> list:
            wrong = _overwritten(ops, vals)  # with each operation's own derivative right
            name = next((op[0] for op in ops if op[0] in UNARY), "")
            right = f"the derivative of {name} itself is right" if name else ""
            overwrite = sentence("overwrite", right)
            found: list[list[Hint]] = [[(wrong[k], overwrite)] for k in _leaves(ops)]
            if ops[node][0] in UNARY:
                found[0] += _unary_hints(ops[node][0], vals[ops[node][1]], c)
            return found

        _expect_nodes(
            result, leaves, names, None, [grads[k] for k in leaves], context, grad_hints=hints
        )


# -- the slide's example (solution/slide_examples.toml) ----------------------------------


def _slide_graph() -> tuple[SlideExample, list[Op], str]:
    """The example L = (x + y) * z as a graph program (nodes x, y, z, q, L) and its text."""
    ex, _ = slide("backward_differentiation")
    x, y, z = (ex.input(name) for name in ("x", "y", "z"))
    ops: list[Op] = [("value", x), ("value", y), ("value", z), ("add", 0, 1), ("mul", 3, 2)]
    return ex, ops, f"L = (x + y) * z, x = {x:g}, y = {y:g}, z = {z:g}"


@check(PART, points=1, visibility="visible", tags=("slide",))
def graph_slide_forward(student: Student) -> None:
    """Value: the slide's L = (x + y) * z gives its q = x + y and L"""
    ex, ops, context = _slide_graph()
    result = student.graph(VALUE, ops, backward_from=None)
    expected = [float(ex.value(name)) for name in ("q", "L")]
    _expect_nodes(result, [3, 4], ["q", "L"], expected, None, context, show=True)


@check(PART, points=2, visibility="visible", tags=("slide",))
def graph_slide_backward(student: Student) -> None:
    """Value.backward: the slide's L = (x + y) * z gives its dL/dq, dL/dx, dL/dy and dL/dz"""
    ex, ops, context = _slide_graph()
    result = student.graph(VALUE, ops)
    names = ["q", "x", "y", "z"]
    expected = [1.0] + [float(ex.value(f"dL_d{name}")) for name in names]  # dL/dL = 1
    _expect_nodes(result, [4, 3, 0, 1, 2], ["L", *names], None, expected, context, show=True)


@check(PART, points=0.5, tags=("edge",))
def graph_grad_zero_before_backward(student: Student) -> None:
    """Value: .grad is 0.0 on every node until backward() runs"""
    x, y = (float(v) for v in student.rng.uniform(0.5, 2.0, 2))
    ops: list[Op] = [("value", x), ("value", -y), ("mul", 0, 1), ("tanh", 2), ("add_const", 3, 0.5)]
    result = student.graph(VALUE, ops, backward_from=None)
    vals = _forward(ops)
    context = "tanh(x * y) + 0.5 built without calling backward()"
    _expect_nodes(result, range(5), ["x", "y", "x*y", "tanh", "L"], vals, [0.0] * 5, context)


# -- one operation at a time ---------------------------------------------------------------

UNARY_REGIONS = {  # x.<name>() is checked once in each: both sides of every branch point
    "sigmoid": ((-4.0, -0.2), (0.2, 0.9), (1.1, 4.0)),
    "log": ((0.2, 0.9), (1.1, 6.0), (0.2, 6.0)),
    "exp": ((-2.0, -0.2), (0.2, 0.9), (1.1, 2.0)),
    "tanh": ((-2.5, -0.2), (0.2, 0.9), (1.1, 2.5)),
    "relu": ((-3.0, -0.2), (0.2, 0.9), (1.1, 3.0)),
}


def _check_unary(student: Student, name: str) -> None:
    """x.<name>() on one random x in each of its `UNARY_REGIONS`, then (x.<name>() + x) on a
    fourth: x's grad must add both paths."""
    regions = UNARY_REGIONS[name]
    xs = [float(student.rng.uniform(lo, hi)) for lo, hi in regions]
    xs.append(float(student.rng.uniform(*regions[-1])))
    c = float(student.rng.uniform(1.5, 2.5))
    cases = [(f"x.{name}()", [("value", x), (name, 0)], 1) for x in xs[:3]]
    reuse: list[Op] = [("value", xs[3]), (name, 0), ("add", 1, 0)]
    cases.append((f"x.{name}() + x", reuse, 2))
    _check_expressions(student, cases, c, ["x", "c"])


@check(PART, points=0.5, tags=("random",))
def graph_op_sigmoid(student: Student) -> None:
    """Value.sigmoid: right value and derivative σ(x)(1 - σ(x)), no overflow at x = ±800"""
    _check_unary(student, "sigmoid")
    for x in (-800.0, 800.0):
        ops: list[Op] = [("value", x), ("sigmoid", 0)]
        context = f"L = x.sigmoid() with x = {x:g}"
        try:
            result = student.graph(VALUE, ops)
        except StudentError as exc:
            if exc.exception != "OverflowError":
                raise
            raise CheckFailed(
                exc.failure.but(
                    summary=f"{context}: {exc.failure.summary}",
                    likely_mistake=sentence(
                        "unstable_sigmoid", "use math.exp(-x) when x >= 0, else e^x / (1 + e^x)"
                    ),
                )
            ) from None
        vals = _forward(ops)
        _expect_nodes(result, [1, 0], ["L", "x"], [vals[1], x], [1.0, 0.0], context)


@check(PART, points=0.5, tags=("random",))
def graph_op_log(student: Student) -> None:
    """Value.log: right value and derivative 1/x, times the upstream grad"""
    _check_unary(student, "log")


@check(PART, points=0.5, tags=("random",))
def graph_op_exp(student: Student) -> None:
    """Value.exp: right value and derivative e^x, times the upstream grad"""
    _check_unary(student, "exp")


@check(PART, points=0.5, tags=("random",))
def graph_op_tanh(student: Student) -> None:
    """Value.tanh: right value and derivative 1 - tanh(x)², times the upstream grad"""
    _check_unary(student, "tanh")


@check(PART, points=0.5, tags=("random",))
def graph_op_relu(student: Student) -> None:
    """Value.relu: right value and derivative (1 for x > 0, else 0, also at x = 0)"""
    _check_unary(student, "relu")
    c = float(student.rng.uniform(1.5, 2.5))
    cases = [("x.relu()", [("value", 0.0), ("relu", 0)], 1)]
    try:
        _check_expressions(student, cases, c, ["x", "c"])
    except CheckFailed as exc:
        if "dL/dx" not in exc.failure.summary:
            raise
        raise CheckFailed(diagnose.compose(exc.failure.summary, sentence("relu_at_zero"))) from None


@check(PART, points=1.5, tags=("random",))
def graph_ops_between_values(student: Student) -> None:
    """Value: a + b, a - b, a * b and -a have the right values and gradients"""
    a, b = (float(v) for v in student.rng.uniform(0.5, 2.0, 2) * [1.0, -1.0])
    c = float(student.rng.uniform(1.5, 2.5))
    leaves: list[Op] = [("value", a), ("value", b)]
    cases = [
        ("a + b", leaves + [("add", 0, 1)], 2),
        ("a - b", leaves + [("sub", 0, 1)], 2),
        ("b - a", leaves + [("sub", 1, 0)], 2),
        ("a * b", leaves + [("mul", 0, 1)], 2),
        ("-a", leaves + [("neg", 0)], 2),
    ]
    _check_expressions(student, cases, c, ["a", "b", "c"])


@check(PART, points=1.5, tags=("random",))
def graph_ops_with_numbers(student: Student) -> None:
    """Value: plain numbers on either side (a + 2, 2 + a, 3 * a, a * 3, a - 2, 2 - a) work"""
    a = float(student.rng.choice([-1.0, 1.0]) * student.rng.uniform(0.3, 2.0))  # a != 0, k
    k = float(np.round(student.rng.uniform(1.5, 3.0), 2))
    c = float(student.rng.uniform(1.5, 2.5))
    leaf: list[Op] = [("value", a)]
    cases = [
        (f"a + {k:g}", leaf + [("add_const", 0, k)], 1),
        (f"{k:g} + a", leaf + [("radd_const", k, 0)], 1),
        (f"a * {k:g}", leaf + [("mul_const", 0, k)], 1),
        (f"{k:g} * a", leaf + [("rmul_const", k, 0)], 1),
        (f"a - {k:g}", leaf + [("sub_const", 0, k)], 1),
        (f"{k:g} - a", leaf + [("rsub_const", k, 0)], 1),
    ]
    _check_expressions(student, cases, c, ["a", "c"])


# -- graphs where gradients meet -------------------------------------------------------------


@check(PART, points=1, tags=("edge",))
def graph_reuse_accumulates(student: Student) -> None:
    """Value.backward: a node used twice accumulates (x * x gives 2x, x + x gives 2)"""
    x = float(student.rng.uniform(1.0, 3.0))
    cases = [
        ("x * x", [("value", x), ("mul", 0, 0)], 2 * x),
        ("x + x", [("value", x), ("add", 0, 0)], 2.0),
        ("(x * x) * x", [("value", x), ("mul", 0, 0), ("mul", 1, 0)], 3 * x * x),
    ]
    for label, ops, dx in cases:
        result = student.graph(VALUE, ops)
        got = _numbers(result.grad, [0], "grad", f"L = {label}")[0]
        if abs(got - dx) > 1e-9 * max(1.0, abs(dx)):
            raise CheckFailed(
                diagnose.compose(
                    f"L = {label} with x = {x:g}: dL/dx should be {dx:g}, got {got:g}",
                    sentence("overwrite"),
                )
            )


@check(PART, points=1, tags=("gradcheck", "random"))
def graph_shared_branches(student: Student) -> None:
    """Value.backward: nodes used in two branches get the sum of both paths' gradients"""
    x, y = (float(v) for v in student.rng.uniform(0.4, 1.5, 2) * [1.0, -1.0])
    graphs = [
        # a = x*y feeds tanh and sigmoid; x also feeds the last product
        (
            "L = tanh(x*y) + sigmoid(x*y) * x",
            [
                ("value", x),
                ("value", y),
                ("mul", 0, 1),
                ("tanh", 2),
                ("sigmoid", 2),
                ("mul", 4, 0),
                ("add", 3, 5),
            ],
            ["x", "y", "x*y", "tanh(x*y)", "sigmoid(x*y)", "sigmoid(x*y)*x", "L"],
        ),
        # q reaches L directly and through a longer path: needs a topological order
        (
            "L = q + exp(q) * q with q = x + y",
            [("value", x), ("value", y), ("add", 0, 1), ("exp", 2), ("mul", 3, 2), ("add", 2, 4)],
            ["x", "y", "q", "exp(q)", "exp(q)*q", "L"],
        ),
    ]
    for label, ops, names in graphs:
        numeric = _numeric_leaf_grads(ops)
        vals = _forward(ops)
        grads = _backward(ops, vals)
        result = student.graph(VALUE, ops)
        context = f"{label}, x = {x:.3g}, y = {y:.3g}"
        _expect_nodes(result, range(len(ops)), names, vals, None, context)
        got = _numbers(result.grad, _leaves(ops), "grad", context)
        summary = diagnose.gradient_error(
            got, numeric, f"{context}: the gradient (dL/dx, dL/dy)", tol=1e-6
        )
        if summary:
            raise CheckFailed(
                diagnose.compose(
                    summary,
                    _graph_mistake(ops, vals, got)
                    or "every path from L to a node must add its contribution, in reverse "
                    "topological order",
                )
            )
        _expect_nodes(result, range(len(ops)), names, None, grads, context)


KINDS = (
    "add",
    "sub",
    "mul",
    "neg",
    "tanh",
    "sigmoid",
    "exp",
    "log",
    "relu",
    "add_const",
    "radd_const",
    "mul_const",
    "rmul_const",
    "sub_const",
    "rsub_const",
)
SIDES = {  # where a unary op's input must lie, once each: both sides of its branch point
    "sigmoid": ((-3.0, -0.2), (0.2, 3.0)),
    "tanh": ((-2.0, -0.2), (0.2, 2.0)),
    "relu": ((-3.0, -0.2), (0.2, 0.9), (1.1, 3.0)),
    "exp": ((-2.0, -0.2), (0.2, 2.0)),
    "log": ((0.2, 0.9), (1.1, 6.0)),
}


def _random_graph(rng: np.random.Generator, n_leaves: int = 4) -> list[Op]:
    """A random graph program using every operation (each unary one on both sides
    of its branch point, `SIDES`), each followed by a node that joins its output and its
    input (`_join`), with every node feeding the output."""
    ops: list[Op] = [
        ("value", _pick(rng, [-1.0, 1.0]) * rng.uniform(0.3, 1.5)) for _ in range(n_leaves)
    ]
    vals = _forward(ops)
    plan: list[tuple[str, tuple[float, float] | None]] = []
    for kind in KINDS:
        plan += [(kind, side) for side in SIDES[kind]] if kind in SIDES else [(kind, None)]
    plan = [plan[int(i)] for i in rng.permutation(len(plan))]
    used: set[Any] = set()  # the arguments of ops[n_leaves:seen]: nodes, constants (1.0 == 1)
    seen = n_leaves
    for kind, side in plan:
        fits = [k for k, x in enumerate(vals) if side is None or side[0] <= x <= side[1]]
        used.update(a for op in ops[seen:] for a in op[1:])
        seen = len(ops)
        unused = [k for k in fits[:n_leaves] if k not in used]
        for _ in range(50 if fits else 0):  # an unused leaf, else the last node half the time
            if unused and rng.random() < 0.8:
                i = _pick(rng, unused)
            elif fits[-1] == len(ops) - 1 and rng.random() < 0.5:
                i = len(ops) - 1
            else:
                i = _pick(rng, fits)
            j = int(rng.integers(len(ops)))
            k = _hundredths(rng.uniform(0.5, 2.0))
            if kind in ("add", "sub", "mul"):
                op: Op = (kind, i, j)
            elif kind.endswith("_const"):
                op = (kind, k, i) if kind.startswith("r") else (kind, i, k)
            else:
                op = (kind, i)
            v = _apply(op, vals)
            if not (1e-2 < abs(v) < 20.0 or (kind == "relu" and v == 0.0)):
                continue
            ops.append(op)
            vals.append(v)
            _join(rng, ops, vals, len(ops) - 1, i)
            break
    used = {
        op[a]
        for op in ops
        for a in (1, 2)
        if len(op) > a and op[0] != "value" and isinstance(op[a], int)
    }
    sinks = [k for k in range(len(ops)) if k not in used]
    out = sinks[0]
    for k in sinks[1:]:
        ops.append(("add", out, k))
        out = len(ops) - 1
    ops.append(("mul_const", out, _hundredths(rng.uniform(1.5, 2.5))))
    return ops  # L = c * (the sum of the sinks): no node's upstream grad is exactly 1


def _pick(rng: np.random.Generator, items: Sequence[Any]) -> Any:
    """`rng.choice(items)` as a Python value: the same draw (Generator.choice takes the
    index from rng.integers(0, len(items))) without converting `items` to an array."""
    return items[int(rng.integers(len(items)))]


def _hundredths(x: float) -> float:
    """`float(np.round(x, 2))`, in plain floats: numpy rounds x * 100 to the nearest
    integer (half to even, as Python's round) and divides by 100."""
    return round(x * 100.0) / 100.0


def _join(rng: np.random.Generator, ops: list[Op], vals: list[float], u: int, i: int) -> None:
    """Append u * i or u + i (drawn; never u - i, which cancels i out of i's own
    differences): node i then feeds two nodes, one of which is always visited first by
    backward, so that a backward that assigns (grad = ...) where it should add loses a
    contribution whatever order it visits the nodes in."""
    for p in rng.permutation(2):  # the draw of rng.permutation(["add", "mul"]), faster
        op: Op = (("add", "mul")[p], u, i)
        v = _apply(op, vals)
        if 1e-2 < abs(v) < 20.0:
            ops.append(op)
            vals.append(v)
            return


def _complete(ops: Sequence[Op]) -> bool:
    """Every operation is in the graph, each unary one on both sides of `SIDES`."""
    vals = _forward(ops)
    present = {op[0] for op in ops}
    if not present.issuperset(KINDS):
        return False
    for kind, sides in SIDES.items():
        inputs = [vals[op[1]] for op in ops if op[0] == kind]
        if not all(any(lo <= x <= hi for x in inputs) for lo, hi in sides):
            return False
    return True


def _accurate(ops: Sequence[Op]) -> bool:
    """The grader's central differences agree with the exact leaf grads (far below tol)."""
    exact = [_backward(ops, _forward(ops))[k] for k in _leaves(ops)]
    return relative_error(exact, _numeric_leaf_grads(ops)) < 1e-8


def _conditioned_graph(rng: np.random.Generator) -> list[Op]:
    """A random graph that is complete, sensitive to every mistake of `_mistakes` and on
    which central differences are accurate."""
    return conditioned(rng, _random_graph, _complete, _sensitive, _accurate)


@check(PART, points=1.5, tags=("gradcheck", "random"))
def graph_random_gradcheck(student: Student) -> None:
    """Value.backward: leaf grads of a random graph of every operation match a numerical gradient"""
    ops = _conditioned_graph(student.rng)
    numeric = _numeric_leaf_grads(ops)
    result = student.graph(VALUE, ops, split=len(ops) // 2)
    context = (
        f"a random graph of {len(ops)} nodes using +, -, *, neg, numbers, sigmoid, "
        f"log, exp, tanh and relu"
    )
    got = _numbers(result.grad, _leaves(ops), "grad", context)
    summary = diagnose.gradient_error(
        got, numeric, f"{context}: the gradient with respect to the leaves", tol=1e-6
    )
    if summary:
        raise CheckFailed(diagnose.compose(summary, _graph_mistake(ops, _forward(ops), got)))


@check(PART, points=1, tags=("random",))
def graph_random_values(student: Student) -> None:
    """Value: data and grad of every node of a random graph using every operation are right"""
    ops = _conditioned_graph(student.rng)
    data, grad = _reference(ops)
    result = student.graph(VALUE, ops, split=len(ops) // 2)
    names = [f"node {k} ({ops[k][0]})" for k in range(len(ops))]
    _expect_nodes(
        result, range(len(ops)), names, data, grad, f"a random graph of {len(ops)} nodes", rtol=1e-8
    )


@check(PART, points=1.5, tags=("edge",))
def graph_deep_chain(student: Student) -> None:
    """Value.backward: a 10,001-node chain backpropagates without a recursion error"""
    x, w = float(student.rng.uniform(0.1, 0.5)), float(student.rng.uniform(1e-4, 2e-4))
    ops: list[Op] = [("value", x), ("value", w)]
    for _ in range(4999):  # s <- (s + w) * 0.9999, w reused 4999 times
        ops.append(("add", len(ops) - 1, 1))
        ops.append(("mul_const", len(ops) - 1, 0.9999))
    ops.append(("tanh", len(ops) - 1))
    try:
        result = student.graph(VALUE, ops, timeout=20)
    except StudentError as exc:
        if exc.exception == "RecursionError":
            raise CheckFailed(exc.failure.but(likely_mistake=sentence("recursion"))) from None
        raise
    vals = _forward(ops)
    grads = np.array(_backward(ops, vals))
    context = "a chain s = (s + w) * 0.9999 repeated 4999 times, then L = tanh(s)"
    _expect_nodes(result, [len(ops) - 1], ["L"], [vals[-1]], None, context, rtol=1e-8)

    def hints() -> list[list[Hint]]:
        wrong = _overwritten(ops, vals)
        return [[(wrong[k], sentence("overwrite"))] for k in (0, 1)]

    _expect_nodes(
        result, [0, 1], ["x", "w"], None, [grads[0], grads[1]], context, rtol=1e-8, grad_hints=hints
    )
    got = _numbers(result.grad, range(len(ops)), "grad", context)
    bad = np.flatnonzero(np.abs(got - grads) > 1e-8 * np.abs(grads) + 1e-12)
    if bad.size:
        raise CheckFailed(
            diagnose.compose(
                f"{context}: {bad.size} of {len(ops)} nodes have a wrong grad "
                f"(the first is node {bad[0]})",
                _graph_mistake(ops, vals, got[_leaves(ops)]),
            )
        )
