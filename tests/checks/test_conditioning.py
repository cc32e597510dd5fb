"""The random problems of the hidden checks meet their requirements often enough: each
family is accepted on at least a fifth of its draws, so `conditioned` (CONDITION_TRIES
draws) returns an unconditioned problem with a chance below 1e-9; and on what it returns,
the mistakes the checks name are caught (same mistake, same score on every seed)."""

from __future__ import annotations

import numpy as np
import pytest

from autograder import checks_graph, checks_losses, checks_neuron
from autograder.common import CONDITION_TRIES, both_labels, conditioned, separated

DRAWS = 60


def acceptance(draw, *requirements) -> float:
    rng = np.random.default_rng(12)
    hits = 0
    for _ in range(DRAWS):
        problem = draw(rng)
        hits += all(requirement(problem) for requirement in requirements)
    return hits / DRAWS


def test_random_graphs_are_accepted_often_enough():
    g = checks_graph
    rate = acceptance(g._random_graph, g._complete, g._sensitive, g._accurate)
    assert rate >= 0.2
    assert (1 - 0.2) ** CONDITION_TRIES < 1e-9


@pytest.mark.parametrize("seed", range(5))
def test_a_conditioned_graph_catches_an_overwrite_in_any_one_operation(seed):
    g = checks_graph
    ops = g._conditioned_graph(np.random.default_rng(seed))
    assert g._complete(ops) and g._sensitive(ops)
    vals = g._forward(ops)
    right = [g._backward(ops, vals)[k] for k in g._leaves(ops)]
    for kind in g.KINDS:
        for order in g._orders(ops, len(ops) - 1):
            wrong = g._mistaken_backward(ops, vals, order, kind, "overwrite")
            assert separated(right, [[wrong[k] for k in g._leaves(ops)]]), kind


def test_the_mistaken_backward_without_mistakes_is_the_right_one():
    g = checks_graph
    ops = g._conditioned_graph(np.random.default_rng(1))
    vals = g._forward(ops)
    for order in g._orders(ops, len(ops) - 1):
        np.testing.assert_allclose(
            g._mistaken_backward(ops, vals, order, "no such kind", "overwrite"),
            g._backward(ops, vals),
        )


@pytest.mark.parametrize("shape", [(7,), (4, 3)])
def test_loss_problems_have_both_labels(shape):
    for seed in range(30):
        _, y = checks_losses._problem(np.random.default_rng(seed), shape)
        assert both_labels(y)


def test_neuron_problems_keep_probabilities_away_from_clipping():
    from grading.checks.reference import ref

    for seed in range(30):
        X, y, theta = checks_neuron._problem(np.random.default_rng(seed))
        p = ref.neuron.logistic(X, theta)
        assert both_labels(y) and np.all((p > 1e-4) & (p < 1 - 1e-4))


def test_conditioned_stops_at_the_first_draw_that_meets_every_requirement():
    rng = np.random.default_rng(0)
    drawn = []

    def draw(r):
        drawn.append(int(r.integers(0, 10)))
        return drawn[-1]

    got = conditioned(rng, draw, lambda x: x > 2, lambda x: x % 2 == 0)
    assert got == drawn[-1] and got > 2 and got % 2 == 0
    assert all(not (x > 2 and x % 2 == 0) for x in drawn[:-1])


def test_separated_needs_every_wrong_answer_far_and_ignores_other_shapes():
    right = np.array([1.0, 2.0])
    assert separated(right, [right * 1.1, np.ones(3), None])
    assert not separated(right, [right * 1.1, right * (1 + 1e-5)])


@pytest.mark.usefixtures("forget_imported_submissions")  # LocalStudent imports the solution here
def test_every_conditioned_family_of_the_suite_is_met_within_a_few_draws(monkeypatch):
    """Grade the solution under a few seeds, counting the draws of every `conditioned` call
    of the suite (by its draw function): none runs out of tries, and each family needs
    at most 5 draws on average (accepted on a fifth of its draws or more)."""
    import sys

    import autograder
    from autograder import common
    from grading.course.paths import SOLUTION_DIR
    from grading.grade.one_submission import load_checks, run_checks
    from grading.grade.unsandboxed import LocalStudent

    draws: dict[str, list[int]] = {}
    real = common.conditioned

    def counting(rng, draw, *requirements, tries=CONDITION_TRIES):
        count = [0]

        def counted(r):
            count[0] += 1
            return draw(r)

        problem = real(rng, counted, *requirements, tries=tries)
        draws.setdefault(getattr(draw, "__qualname__", repr(draw)), []).append(count[0])
        return problem

    for module in [common, *(m for n, m in vars(autograder).items() if n.startswith("checks"))]:
        if hasattr(module, "conditioned"):
            monkeypatch.setattr(module, "conditioned", counting)
    checks = load_checks()
    try:
        for seed in range(4):
            results = run_checks(LocalStudent(SOLUTION_DIR, seed), checks)
            assert all(r.passed for r in results)
    finally:
        sys.path[:] = [p for p in sys.path if p != str(SOLUTION_DIR)]
    assert len(draws) >= 8
    for family, counts in draws.items():
        assert max(counts) < CONDITION_TRIES, family
        assert sum(counts) / len(counts) <= 5, (family, counts)
