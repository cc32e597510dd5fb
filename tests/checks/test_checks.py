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


def test_xor_fails_after_two_seeds_fail_and_names_them(tmp_path):
    student = CountingStudent(build(BY_NAME["gradient_ascent"], tmp_path), seed=5)
    [result] = run_checks(student, [xor_check()])
    assert not result.passed
    # two runs (the second with the grader's network), each stopping after two seeds fail
    assert result.blame is not None and not result.blame.upstream
    assert student.targets.count("train.train") == 4
    pattern = (
        r"train\(X?N?OR, \[2, 4, 1\], \['tanh', 'sigmoid'\], learning_rate=4, epochs=150\) "
        r"with seeds \[(\d+), (\d+)\] reached training accuracies \[(0\.\d+), (0\.\d+)\]; "
        r"100% is expected on at least 3 of 4 seeds\. Inputs: random, seed 5\."
    )
    match = re.fullmatch(pattern, result.message)
    assert match, result.message
    first, second = int(match[1]), int(match[2])
    assert 0 <= first < second < 20


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
