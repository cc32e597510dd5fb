"""cases/oracle_stash with the suite reordered so that the network's checks run before the
layers': what its network keeps from a second run (the grader's layers.dense_backward, a
grader cache id, on builtins, on a module, in files) must gain its layers nothing. The
corpus (test_hostile.py) grades the case in the suite's own order."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from grading.grade.one_submission import load_checks, run_checks, sandboxed_student

sys.path.insert(0, str(Path(__file__).parent))
from test_hostile import build_submission  # noqa: E402


def verdicts(source: Path, checks) -> tuple[dict[str, bool], str]:
    """Each check's verdict, and what the submission printed."""
    with sandboxed_student(source) as (student, _, _):
        results = run_checks(student, checks)
    return {r.check.name: r.passed for r in results}, student.printed_output()


@pytest.mark.parametrize("order", ["network first", "network, layers, network"])
def test_what_the_network_kept_gains_the_layers_nothing(order, tmp_path):
    checks = load_checks()
    network = [c for c in checks if c.part == "network"]
    layers = [c for c in checks if c.part == "layers"]
    reordered = network + layers + (network if order != "network first" else [])
    attack, said = verdicts(build_submission(tmp_path / "attack", "oracle_stash"), reordered)
    honest, _ = verdicts(build_submission(tmp_path / "honest", "oracle_stash", "honest"), reordered)
    assert attack == honest
    # the attack ran: it asked, in the layers' first and second runs, and got nothing
    assert "oracle_stash: asked for layers.dense_backward: refused" in said
    assert "oracle_stash: asked for network.forward: refused" in said
    assert "a value" not in said
    failed_layers = {c.name for c in layers if not honest[c.name]}
    assert failed_layers == {
        "layers_backward_slide",
        "layers_dense_backward_dW_gradcheck",
        "layers_dense_backward_values",
        "layers_inputs_unchanged",  # a property pays only with the values right
    }
    assert all(honest[c.name] for c in network)  # rescued: the doubled dW is charged once
