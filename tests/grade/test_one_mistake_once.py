"""One mistake costs once: every buggy submission the kit has loses points only in the part
that holds its bug; with [grading] charge_downstream on, the checks of later parts that it
breaks fail too, naming the function at fault.

The variants are the kit's own code, so they are graded in this process (LocalStudent);
tests/sandbox/test_stand_ins.py covers the sandboxed path.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest
from support import sample_bugs

from grading.checks.reference import functions_before
from grading.course.assignment import Grading, assignment
from grading.course.paths import SAMPLES_DIR
from grading.grade import one_submission
from grading.grade.one_submission import load_checks, part_summary, run_checks
from grading.grade.unsandboxed import LocalStudent
from grading.results.gradescope import to_gradescope
from grading.results.model import GradeReport
from tests.buggy import VARIANTS, Variant, build

pytestmark = pytest.mark.usefixtures("forget_imported_submissions")

SAMPLES = SAMPLES_DIR / "submissions"
SEEDS = (1, 7919)


SAMPLE_PARTS = dict(sample_bugs())
SUBMISSIONS = [
    pytest.param("sample", name, module, id=name) for name, module in SAMPLE_PARTS.items()
]
SUBMISSIONS += [pytest.param("variant", v.name, v.module, id=f"v:{v.name}") for v in VARIANTS]


def test_every_sample_is_listed_with_its_part():
    folders = {p.name for p in SAMPLES.iterdir() if p.is_dir()}
    assert set(SAMPLE_PARTS) == folders
    assert set(SAMPLE_PARTS.values()) <= set(assignment().modules)


def submission(kind: str, name: str, tmp_path: Path) -> Path:
    if kind == "sample":
        return SAMPLES / name
    return build(next(v for v in VARIANTS if v.name == name), tmp_path / name)


def graded(path: Path, seed: int) -> list:
    student = LocalStudent(path, seed)
    try:
        return run_checks(student, load_checks())
    finally:
        sys.path.remove(str(path))


@pytest.mark.parametrize(("kind", "name", "module"), SUBMISSIONS)
def test_a_bug_costs_points_only_in_its_own_part(kind, name, module, tmp_path):
    path = submission(kind, name, tmp_path)
    for seed in SEEDS:
        results = graded(path, seed)
        lost = {p.module: p.possible - p.earned for p in part_summary(results)}
        assert lost[module] > 0, f"seed {seed}: the bug is not caught in its part {module}"
        elsewhere = {m: points for m, points in lost.items() if m != module and points}
        assert elsewhere == {}, f"seed {seed}"
        for r in results:
            if r.blame is not None and r.blame.upstream:  # rescued: passed, blame kept
                assert r.passed and r.check.part != module
                assert {f.partition(".")[0] for f in r.blame.functions} <= set(
                    functions_before(r.check.part)
                )


@pytest.fixture
def charge_downstream(monkeypatch):
    """The kit's assignment with [grading] charge_downstream = true."""
    charged = dataclasses.replace(assignment(), grading=Grading(charge_downstream=True))
    monkeypatch.setattr(one_submission, "assignment", lambda: charged)


@pytest.mark.usefixtures("charge_downstream")
def test_charging_downstream_fails_the_later_parts_and_names_the_function_at_fault(tmp_path):
    path = build(next(v for v in VARIANTS if v.name == "transposed_dW"), tmp_path / "v")
    results = graded(path, 1)
    downstream = [r for r in results if r.check.part in ("network", "train") and not r.passed]
    assert downstream, "a transposed dW breaks the network and training checks"
    for r in downstream:
        assert r.blame is not None and r.blame.upstream, r.check.name
        # the grader's functions the check's code called: the layers' for the network's
        # checks, the network's for training's (whose own checks failed only because of it)
        called = {"network": "layers.dense_backward", "train": "network.loss_and_grads"}
        assert called[r.check.part] in r.blame.functions
    lost = {p.module for p in part_summary(results) if p.earned < p.possible}
    assert lost == {"layers", "network", "train"}


def test_a_rescued_check_passes_and_keeps_its_blame(tmp_path):
    path = build(next(v for v in VARIANTS if v.name == "transposed_dW"), tmp_path / "v")
    results = graded(path, 1)
    rescued = [r for r in results if r.blame is not None and r.blame.upstream]
    assert {r.check.part for r in rescued} == {"network", "train"}
    for r in rescued:
        assert r.passed and r.failure is None
        modules = {f.partition(".")[0] for f in r.blame.functions}
        allowed = {"layers", "losses"} if r.check.part == "network" else {"network"}
        assert modules <= allowed, r.check.name
    report = GradeReport(results, 1, "", "", 0.0, parts=part_summary(results))
    tests = {t["number"]: t for t in to_gradescope(report)["tests"]}
    for r in rescued:  # results.json keeps it, and the output says the check passed so
        blame = {"functions": list(r.blame.functions), "upstream": True}
        assert tests[r.number]["extra_data"]["blame"] == blame
        assert tests[r.number]["output"].startswith("Passed.\n\nYour ")


def test_a_check_that_fails_in_its_own_part_too_shows_the_failure_with_the_graders_functions(
    tmp_path,
):
    """A network bug beside a layers bug: the network's checks fail even with the grader's
    layers; the failure shown is that run's (its numbers are the network's own mistake)."""
    old = "        caches.append((dense_cache, activation_cache))\n"
    doubled = Variant("doubled_output", "network", ((old, old + "    A = 2 * A\n"),), "", "")
    folder = build(doubled, tmp_path / "v")
    layers = folder / "nnbasics" / "layers.py"
    right, wrong = "    dW = dZ.T @ A_prev\n", "    dW = A_prev.T @ dZ\n"
    layers.write_text(layers.read_text().replace(right, wrong))
    results = graded(folder, 1)
    forward = next(r for r in results if r.check.name == "network_forward_random")
    assert not forward.passed
    assert forward.blame is not None and not forward.blame.upstream
    assert "layers.dense_forward" in forward.blame.functions
    assert forward.failure.summary.startswith("Y_hat of forward(X, params, ")
    lost = {p.module for p in part_summary(results) if p.earned < p.possible}
    assert lost == {"layers", "network"}  # training's checks pass with the grader's network


def test_no_second_run_when_the_parts_used_lost_no_points(tmp_path):
    """A network bug alone: the layers passed all their checks, so the suite has no cause
    to name but the network; its checks are not run again and carry no blame."""
    old = "        caches.append((dense_cache, activation_cache))\n"
    doubled = Variant("doubled_output", "network", ((old, old + "    A = 2 * A\n"),), "", "")
    results = graded(build(doubled, tmp_path / "v"), 1)
    forward = next(r for r in results if r.check.name == "network_forward_random")
    assert not forward.passed and forward.blame is None
    assert forward.failure.summary.startswith("Y_hat of forward(X, params, ")
    lost = {p.module for p in part_summary(results) if p.earned < p.possible}
    assert lost == {"network"}


def test_graph_steps_get_the_graders_functions_too(tmp_path):
    """A Value.sigmoid built on a wrong activations.sigmoid: the graph's checks pass with
    the grader's sigmoid standing in (its backward runs in a later request, as a read)."""
    flipped = Variant(
        "flipped_sigmoid",
        "activations",
        (
            (
                "    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))\n",
                "    return np.where(z >= 0, e / (1.0 + e), 1.0 / (1.0 + e))\n",
            ),
        ),
        "",
        "",
    )
    path = build(flipped, tmp_path / "v")
    graph = path / "nnbasics" / "graph.py"
    text = graph.read_text()
    old = "        x = self.data\n        if x >= 0:\n"
    assert text.count(old) == 1
    graph.write_text(
        text.replace(old, "        from .activations import sigmoid\n\n" + old).replace(
            '        out = Value(s, (self,), "sigmoid")\n',
            '        s = float(sigmoid(x))\n        out = Value(s, (self,), "sigmoid")\n',
        )
    )
    results = graded(path, 1)
    lost = {p.module: p.possible - p.earned for p in part_summary(results)}
    assert lost["activations"] > 0 and lost["graph"] == 0
    rescued = [r for r in results if r.check.part == "graph" and r.blame is not None]
    assert rescued and all(
        r.passed and r.blame.functions == ("activations.sigmoid",) for r in rescued
    )
