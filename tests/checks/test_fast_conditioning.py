"""The faster conditioning draws what the plain one drew: `agreeing_differences` (central
differences entry by entry, stopping at the first entry that disagrees) gives the same
arrays and the same verdict as `numerical_gradient` on every array followed by `agree`, so
every gradient-check family of the suite accepts the same draws and every seed gets the
same inputs as before."""

from __future__ import annotations

import collections
import functools
import hashlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from autograder import (
    checks_activations,
    checks_graph,
    checks_layers,
    checks_network,
    checks_neuron,
    common,
)
from autograder.common import Differences, agree, agreeing_differences, gradcheck_problem, separated
from grading.checks.suite import central_difference, numerical_gradient


def plain(exact: Any, functions: list[Differences], margin: float = 100.0) -> Any:
    """What gradcheck_problem computed before: every array in full, then `agree`."""
    numeric = [numerical_gradient(f, x) for f, x in functions]
    return numeric if agree(exact, numeric, margin) else None


def cubic(a: np.ndarray) -> Callable[[np.ndarray], float]:
    return lambda x: float(np.sum(a * x**3 + np.sin(x)))


@pytest.mark.parametrize("seed", range(40))
def test_agreeing_differences_equal_the_plain_ones_and_verdict(seed):
    """Random points, exact gradients right, slightly off or NaN in random entries: the
    same verdict, and when accepted, bit for bit the arrays of numerical_gradient."""
    rng = np.random.default_rng(seed)
    shapes = [(3, 4), (5,), ()]
    points = [rng.normal(0, 1, s) for s in shapes]
    coefs = [rng.normal(0, 1, s) for s in shapes]
    functions = [(cubic(a), x) for a, x in zip(coefs, points)]
    exact = [3 * a * x**2 + np.cos(x) for a, x in zip(coefs, points)]
    if seed % 4:  # spoil one entry: by a tiny factor (near the tolerance) or a NaN
        k = int(rng.integers(len(exact)))
        flat = exact[k].reshape(-1)
        flat[int(rng.integers(flat.size))] *= [1 + 1e-9, 1 + 3e-8, np.nan][seed % 4 - 1]
    want = plain(exact, functions)
    got = agreeing_differences(exact, functions)
    assert (got is None) == (want is None)
    if want is not None:
        assert all(g.tobytes() == w.tobytes() for g, w in zip(got, want))
    assert [x.tobytes() for _, x in functions] == [x.tobytes() for x in points]  # untouched


def test_central_difference_is_an_entry_of_numerical_gradient():
    rng = np.random.default_rng(3)
    x = rng.normal(0, 1, (2, 3))
    f = cubic(rng.normal(0, 1, (2, 3)))
    grad = numerical_gradient(f, x)
    point = x.copy()
    assert [central_difference(f, point, idx) for idx in np.ndindex(x.shape)] == list(grad.flat)
    assert point.tobytes() == x.tobytes()


def test_gradcheck_problem_takes_numeric_or_functions():
    rng = np.random.default_rng(0)
    with pytest.raises(TypeError) as info:
        gradcheck_problem(rng, lambda r: r.normal(size=3), lambda x: [x])
    assert str(info.value) == "gradcheck_problem() takes numeric or functions, exactly one of them"


def _network(draw, exact, functions, ready) -> Callable[[np.random.Generator], Any]:
    return lambda rng: gradcheck_problem(rng, draw, exact, ready=ready, functions=functions)


n = checks_network
FAMILIES: dict[str, Callable[[np.random.Generator], Any]] = {
    "network loss_and_grads": _network(
        n._loss_draw, n._loss_exact, n._loss_functions, n._loss_off_kink
    ),
    "network backward": _network(
        n._backward_draw, n._backward_exact, n._backward_functions, n._backward_off_kink
    ),
    "dense layer": checks_layers._dense_gradcheck_problem,
    **{
        f"{name} layer": functools.partial(checks_layers._activation_gradcheck_problem, name=name)
        for name in checks_layers.ACTIVATIONS
    },
    "neuron": checks_neuron._gradcheck_problem,
    "sigmoid": lambda rng: checks_activations._smooth_problem(rng, "sigmoid", "sigmoid_grad"),
    "tanh": lambda rng: checks_activations._smooth_problem(rng, "tanh", "tanh_grad"),
}


def same(a: Any, b: Any) -> bool:
    """Equal bit for bit: arrays, and sequences of them."""
    if isinstance(a, (list, tuple)):
        return isinstance(b, (list, tuple)) and len(a) == len(b) and all(map(same, a, b))
    return np.asarray(a).shape == np.asarray(b).shape and (
        np.asarray(a).tobytes() == np.asarray(b).tobytes()
    )


@pytest.mark.parametrize("family", FAMILIES)
def test_every_gradcheck_family_draws_what_it_drew_before(family, monkeypatch):
    """Same seed, same problem, same central differences and same generator state after,
    with the entry-by-entry agreement and with the plain one."""
    make = FAMILIES[family]
    fast = []
    for seed in range(25):
        rng = np.random.default_rng(seed)
        fast.append((make(rng), rng.bit_generator.state))
    monkeypatch.setattr(common, "agreeing_differences", plain)
    for seed, (problem, state) in enumerate(fast):
        rng = np.random.default_rng(seed)
        assert same(make(rng), problem), (family, seed)
        assert rng.bit_generator.state == state, (family, seed)


# -- random graphs ---------------------------------------------------------------------------

g = checks_graph


def plain_sensitive(ops: list) -> bool:
    """`_sensitive` as it was: every case in turn, full backward passes, `separated`."""
    vals = g._forward(ops)
    orders = g._orders(ops, len(ops) - 1)
    leaves = g._leaves(ops)
    right = [g._backward(ops, vals)[k] for k in leaves]
    for kind in {op[0] for op in ops if op[0] != "value"}:
        if kind in g.UNARY and not separated(right, [g._shifted_leaf_grads(ops, kind)]):
            return False
        for mistake in g._mistakes(kind):
            for order in orders if mistake == "overwrite" else orders[:1]:
                wrong = g._mistaken_backward(ops, vals, order, kind, mistake)
                if not separated(right, [[wrong[k] for k in leaves]]):
                    return False
    return True


def complete_graphs(seed: int, count: int) -> list[list]:
    rng = np.random.default_rng(seed)
    graphs: list[list] = []
    while len(graphs) < count:
        ops = g._random_graph(rng)
        if g._complete(ops):
            graphs.append(ops)
    return graphs


def test_sensitive_gives_the_plain_verdict_whatever_the_order_of_its_cases(monkeypatch):
    graphs = complete_graphs(4, 80)
    verdicts = [plain_sensitive(ops) for ops in graphs]
    assert 0 < sum(verdicts) < len(verdicts)  # both verdicts occur
    assert [g._sensitive(ops) for ops in graphs] == verdicts  # the learnt order
    monkeypatch.setattr(g, "_REJECTIONS", collections.Counter())
    assert [g._sensitive(ops) for ops in graphs] == verdicts  # the order learnt from scratch


def test_a_mistaken_backward_from_the_right_prefix_is_the_whole_one():
    for ops in complete_graphs(5, 3):
        vals = g._forward(ops)
        locals_ = g._locals(ops, vals)
        for order in g._orders(ops, len(ops) - 1):
            prefixes = g._right_prefixes(ops, order, locals_)
            assert set(prefixes) == set(g.KINDS)  # complete graphs: every kind has a start
            for kind in g.KINDS:
                for mistake in g._mistakes(kind):
                    whole = g._mistaken_backward(ops, vals, order, kind, mistake)
                    start = prefixes[kind]
                    assert (
                        g._mistaken_backward(ops, vals, order, kind, mistake, locals_, start)
                        == whole
                    ), (kind, mistake)


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")  # inf - inf in numpy
def test_far_is_separated_for_lists_of_floats():
    rng = np.random.default_rng(6)
    for _ in range(3000):
        right = list(rng.normal(0, 1, 4) * rng.choice([1e-9, 1.0, 1e300], 4))
        wrong = [r * (1 + rng.choice([0.0, 1e-4, 1e-3, 2e-3, -3.0])) for r in right]
        if rng.random() < 0.2:
            wrong[int(rng.integers(4))] = rng.choice([np.nan, np.inf, -np.inf, 0.0])
        right, wrong = [float(x) for x in right], [float(x) for x in wrong]
        assert g._far(right, wrong) == separated(right, [wrong]), (right, wrong)
    assert g._far([1.0], None) and separated([1.0], [None])


def test_pick_and_hundredths_draw_what_choice_and_round_drew():
    for seed in range(300):
        a, b = np.random.default_rng(seed), np.random.default_rng(seed)
        for n in (1, 2, 5, 40):
            items = list(range(3, 3 + n))
            assert g._pick(a, items) == b.choice(items)
            x = a.uniform(0.5, 2.5)
            assert g._hundredths(x) == float(np.round(b.uniform(0.5, 2.5), 2))
        assert a.bit_generator.state == b.bit_generator.state
    for x in np.random.default_rng(7).uniform(-50.0, 50.0, 100_000).tolist():
        assert g._hundredths(x) == float(np.round(x, 2))


def digest(draw: Callable[[np.random.Generator], Any], seeds: int) -> str:
    h = hashlib.sha256()
    for seed in range(seeds):
        h.update(repr(draw(np.random.default_rng(seed))).encode())
    return h.hexdigest()


def test_random_graphs_are_the_ones_drawn_before_the_speed_up():
    """Digests of the graphs drawn for seeds 0..199 and of the conditioned ones for seeds
    0..39 by the code before it drew faster (commit dfd5c12, numpy 2.4). Should a numpy
    release change Generator's streams, recompute both with that commit's checks_graph."""
    assert digest(g._random_graph, 200) == (
        "40b175ba77f6a5b43202bff6990666808bb5321737a40297c128161b942cd229"
    )
    assert digest(g._conditioned_graph, 40) == (
        "c711aa77be6a0bf1c431b1852f3907f4616ebc21ffc46f61191a3e20215045a5"
    )
