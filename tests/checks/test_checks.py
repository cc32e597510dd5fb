"""How particular hidden checks decide: the XOR training check trains no more seeds than
its verdict needs, and says which seeds failed."""

from __future__ import annotations

import re
import shutil
from typing import Any

import numpy as np
import pytest
from buggy import BY_NAME, build

from grading.checks.suite import Check
from grading.course.paths import SOLUTION_DIR
from grading.grade.one_submission import load_checks, run_checks
from grading.grade.unsandboxed import LocalStudent

pytestmark = pytest.mark.usefixtures("forget_imported_submissions")


class CountingStudent(LocalStudent):
    """A LocalStudent that records the target of every request it answers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.targets: list[str] = []

    def _ask(
        self,
        target: str,
        request: dict[str, Any],
        timeout: float | None,
        callback: Any = None,
    ) -> dict[str, Any]:
        self.targets.append(target)
        return super()._ask(target, request, timeout, callback)


def xor_check() -> Check:
    return next(c for c in load_checks() if c.name == "train_learns_xor")


@pytest.mark.parametrize("seed", [0, 5, 77])
def test_xor_passes_after_three_seeds_learn(seed):
    student = CountingStudent(SOLUTION_DIR, seed=seed)
    [result] = run_checks(student, [xor_check()])
    assert result.passed, result.message
    assert student.targets.count("train.train") == 3
    assert student.targets.count("train.init_params") == 3  # the starts it replays


def test_xor_fails_after_three_seeds_fail_and_names_them(tmp_path):
    student = CountingStudent(build(BY_NAME["gradient_ascent"], tmp_path), seed=5)
    [result] = run_checks(student, [xor_check()])
    assert not result.passed
    # one run, stopping after three seeds fail (the network it uses lost no points: no
    # second run with the grader's network)
    assert result.blame is None
    assert student.targets.count("train.train") == 3
    pattern = (
        r"train\(X?N?OR, \[2, 4, 1\], \['tanh', 'sigmoid'\], learning_rate=4, epochs=150\) "
        r"with seeds \[(\d+), (\d+), (\d+)\] reached training accuracies "
        r"\[(0\.\d+), (0\.\d+), (0\.\d+)\]; 100% is expected on at least 3 of 5 seeds"
    )
    match = re.fullmatch(pattern, result.message)
    assert match, result.message
    first, second, third = int(match[1]), int(match[2]), int(match[3])
    assert 0 <= first < second < third < 20


def test_the_xor_problem_and_seeds_are_the_same_for_every_submission(tmp_path):
    """The same code gets the same XOR verdict whatever its seed: the check trains on the
    same problem and seeds for every submission."""
    asked = []
    for seed in (5, 6):
        student = CountingStudent(build(BY_NAME["gradient_ascent"], tmp_path / str(seed)), seed)
        [result] = run_checks(student, [xor_check()])
        asked.append(result.message)
    assert asked[0] == asked[1]


@pytest.mark.parametrize("label", ["XOR", "XNOR"])
def test_the_xor_replay_takes_the_reference_steps(label):
    """`_descend` (the grader's replay of train) against 150 steps of the reference's own
    loss_and_grads, from three starts at once, with the rows in a drawn order."""
    from autograder.checks_train import XOR_LABELS, XOR_X, _descend
    from grading.checks.reference import ref

    order = np.random.default_rng(1).permutation(4)
    X, y = XOR_X[order], XOR_LABELS[label][order]
    starts = [ref.train.init_params([2, 4, 1], seed) for seed in range(3)]
    replayed = _descend(starts, X, y, 4.0, 150)
    for start, got in zip(starts, replayed):
        params = start
        for _ in range(150):
            _, grads = ref.network.loss_and_grads(X, y, params, ["tanh", "sigmoid"])
            params = [(W - 4.0 * dW, b - 4.0 * db) for (W, b), (dW, db) in zip(params, grads)]
        for (W, b), (W2, b2) in zip(params, got):
            np.testing.assert_allclose(W2, W, rtol=1e-8, atol=1e-9)
            np.testing.assert_allclose(b2, b, rtol=1e-8, atol=1e-9)


def test_the_xor_labeling_is_drawn_per_submission():
    from autograder.checks_train import xor_problem

    names = {xor_problem(np.random.default_rng(seed))[0] for seed in range(20)}
    assert names == {"XOR", "XNOR"}


def test_numerical_gradient_must_evaluate_f_at_x_plus_and_minus_h(tmp_path):
    """Central differences with half the step are accurate on a cubic too (error a h²/4);
    only the grader's record of where f was evaluated tells them apart."""
    package = tmp_path / "nnbasics"
    shutil.copytree(SOLUTION_DIR / "nnbasics", package)
    source = (package / "gradcheck.py").read_text()
    for old, new in [
        ("x[i] = old + h\n", "x[i] = old + h / 2\n"),
        ("x[i] = old - h\n", "x[i] = old - h / 2\n"),
        ("(f_plus - f_minus) / (2.0 * h)", "(f_plus - f_minus) / h"),
    ]:
        assert source.count(old) == 1
        source = source.replace(old, new)
    (package / "gradcheck.py").write_text(source)
    checks = [c for c in load_checks() if c.name == "gradcheck_numerical_gradient_central"]
    [result] = run_checks(LocalStudent(tmp_path, seed=3), checks)
    assert result.message == (
        "numerical_gradient(f, x) for a cubic f and x (3, 4) never evaluated f at x + h at "
        "index (0, 0) (24 of 24 points of the central differences are missing; f was called "
        "24 times). Inputs: random, seed 3."
    )


def test_a_second_backward_adds_on_top_as_graph_py_says():
    from grading.checks.reference import ref

    Value = ref.graph.Value
    x, y, z = Value(-2.0), Value(5.0), Value(-4.0)
    q = x + y
    L = q * z
    L.backward()
    L.backward()  # no grad is reset: L.grad is 1 again, the others grow on top
    assert (L.grad, q.grad, z.grad, x.grad) == (1.0, -8.0, 6.0, -12.0)


def test_the_graph_checks_call_backward_once_on_fresh_grads(tmp_path):
    """graph.py promises students that the grader calls backward() once per graph, on a
    graph whose grads are all 0.0: a Value that refuses anything else passes every check."""
    package = tmp_path / "nnbasics"
    shutil.copytree(SOLUTION_DIR / "nnbasics", package)
    source = (package / "graph.py").read_text()
    strict = source.replace(
        "        self.grad = 1.0\n        for node in reversed(topo):",
        "        if any(node.grad != 0.0 for node in topo):\n"
        "            raise RuntimeError('backward on a graph that has grads already')\n"
        "        self.grad = 1.0\n        for node in reversed(topo):",
    )
    assert strict != source
    (package / "graph.py").write_text(strict)
    checks = [c for c in load_checks() if c.part == "graph"]
    results = run_checks(LocalStudent(tmp_path, seed=3), checks)
    assert [r.check.name for r in results if not r.passed] == []


@pytest.mark.parametrize("epochs", [1, 3, 100])
def test_the_train_replay_takes_the_reference_steps_and_records_its_losses(epochs):
    """`_replay` (train_loss_falls, train_inputs_unchanged) against the reference's own
    loss_and_grads, step by step: the same params and the same loss before each step."""
    from autograder.checks_train import _replay
    from grading.checks.reference import ref

    rng = np.random.default_rng(epochs)
    X = rng.normal(0, 1, (20, 2))
    y = (X @ rng.normal(0, 1, 2) > 0).astype(float)
    acts = ["tanh", "sigmoid"]
    start = ref.train.init_params([2, 4, 1], epochs)
    got, got_losses = _replay(X, y, start, acts, 0.5, epochs)
    params, losses = start, []
    for _ in range(epochs):
        loss, grads = ref.network.loss_and_grads(X, y, params, acts)
        losses.append(loss)
        params = [(W - 0.5 * dW, b - 0.5 * db) for (W, b), (dW, db) in zip(params, grads)]
    np.testing.assert_allclose(got_losses, losses, rtol=1e-12, atol=0)
    for (W, b), (W2, b2) in zip(params, got):
        np.testing.assert_allclose(W2, W, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(b2, b, rtol=1e-10, atol=1e-12)


def test_the_train_replay_refuses_other_activations():
    from autograder.checks_train import _replay
    from grading.checks.reference import ref

    start = ref.train.init_params([2, 3, 1], 0)
    with pytest.raises(ValueError, match=r"_replay steps \['tanh', 'sigmoid'\] networks only"):
        _replay(np.zeros((4, 2)), np.zeros(4), start, ["relu", "sigmoid"], 0.5, 1)
