"""Mutation testing: the hidden suite must catch small mistakes in the solution.

The default run grades every mutant of solution/nnbasics/ (about 600, under 10 s on two
cores: a killed mutant stops at its first failed check), so no sample is needed; the
`slow` test repeats the run on more seeds and checks that the reviewed equivalent mutants
really survive. Run it with NNKIT_SLOW=1.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import pytest

from grading.course.markers import solution_regions
from grading.course.paths import KIT_ROOT, solution_package
from grading.mutants import runner as mutants
from grading.mutants.runner import (
    EQUIVALENT_FILE,
    Mutant,
    generate,
    load_equivalent,
    mutation_run,
    run,
    sample,
    stale_equivalents,
)

SOLUTION_PACKAGE = solution_package()  # solution/<package>/

THRESHOLD = 0.95
MIN_MUTANTS = 100
OPERATORS = {
    "arith",
    "swap_operands",
    "compare",
    "boolop",
    "drop_unary",
    "constant",
    "drop_statement",
    "swap_args",
    "drop_transpose",
    "axis",
    "augassign_to_assign",
    "augassign_op",
    "swap_function",
    "drop_call",
    "negate_condition",
    "loop_control",
}


@pytest.fixture(scope="module")
def all_mutants() -> list[Mutant]:
    return generate()


@pytest.fixture(scope="module")
def full_run() -> dict:
    return mutation_run()


def outside_regions(source: str) -> list[str]:
    """The lines of `source` outside solution regions (the code given to students)."""
    inside = {n for region in solution_regions(source) for n in region.inside}
    return [line for n, line in enumerate(source.splitlines(), start=1) if n not in inside]


def test_at_least_95_percent_of_non_equivalent_mutants_lose_points(full_run, tmp_path):
    doc = full_run
    assert doc["non_equivalent"] >= MIN_MUTANTS
    assert doc["total"] == doc["non_equivalent"] + doc["equivalent"]
    survivors = "\n".join(s["id"] for s in doc["survivors"])
    assert doc["killed"] >= THRESHOLD * doc["non_equivalent"], survivors
    assert doc["score"] == round(doc["killed"] / doc["non_equivalent"], 4)
    path = tmp_path / "mutants.json"
    mutants.write_report(doc, path)
    written = json.loads(path.read_text())
    assert {"total", "killed", "equivalent", "survivors"} <= set(written)


def test_survivors_come_with_their_diff(full_run):
    for s in full_run["survivors"]:
        assert s["diff"].startswith(f"--- a/solution/nnbasics/{s['module']}.py")
        assert any(
            line.startswith("+") and not line.startswith("+++") for line in s["diff"].splitlines()
        )


def test_every_kind_of_mutation_is_made(all_mutants):
    assert {m.operator for m in all_mutants} == OPERATORS
    assert len(all_mutants) >= MIN_MUTANTS


def test_mutants_change_only_solution_regions(all_mutants):
    for m in all_mutants:
        assert m.source != m.original
        compile(m.source, m.module, "exec")
        assert outside_regions(m.source) == outside_regions(m.original), m.id
        assert any(m.line in region.inside for region in solution_regions(m.original)), m.id


def test_mutant_ids_are_unique_and_stable(all_mutants):
    ids = [m.id for m in all_mutants]
    assert len(set(ids)) == len(ids)
    assert [m.id for m in generate()] == ids


def test_equivalent_mutants_are_reviewed_and_current(all_mutants):
    reviewed = load_equivalent()
    assert reviewed, f"{EQUIVALENT_FILE} lists no mutant"
    for mid, reason in reviewed.items():
        assert len(reason.split()) >= 5, mid
    assert stale_equivalents(all_mutants) == []


def test_sample_is_deterministic(all_mutants):
    first = sample(all_mutants, 50)
    assert len(first) == 50
    assert [m.id for m in sample(all_mutants, 50)] == [m.id for m in first]
    assert sample(all_mutants, None) == list(all_mutants)


def test_a_mutant_that_hangs_or_crashes_is_killed_and_the_others_graded():
    path = SOLUTION_PACKAGE / "activations.py"
    source = path.read_text()
    marker = "    z = np.asarray(z, dtype=np.float64)\n    e = np.exp"
    assert source.count(marker) == 1
    base = Mutant("base", "activations", "sigmoid", "test", 1, "", "", source, source)
    hang = replace(
        base, id="hang", source=source.replace(marker, "    while True:\n        pass\n" + marker)
    )
    crash = replace(
        base, id="crash", source=source.replace(marker, "    import os\n    os._exit(3)\n" + marker)
    )
    wrong = replace(base, id="wrong", source=source.replace(marker, "    return z\n" + marker))
    outcomes = run([hang, crash, wrong, base], jobs=2, timeout=3)
    assert [(o.id, o.status) for o in outcomes] == [
        ("hang", "timeout"),
        ("crash", "error"),
        ("wrong", "killed"),
        ("base", "survived"),
    ]


def test_command_line_writes_the_report(tmp_path):
    path = tmp_path / "out" / "mutants.json"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "grading.mutants.runner",
            "--json",
            str(path),
            "--sample",
            "40",
            "--jobs",
            "2",
        ],
        cwd=KIT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(path.read_text())
    assert doc["total"] == 40 and doc["sample"] == 40
    assert doc["killed"] + len(doc["survivors"]) == doc["non_equivalent"]
    assert "non-equivalent mutants killed" in proc.stdout


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_mutation_score_holds_for_other_seeds(seed):
    doc = mutation_run(seed=seed)
    assert doc["killed"] >= THRESHOLD * doc["non_equivalent"]


@pytest.mark.slow
def test_reviewed_equivalent_mutants_survive(all_mutants):
    reviewed = load_equivalent()
    chosen = [m for m in all_mutants if m.id in reviewed]
    outcomes = run(chosen)
    assert [o.id for o in outcomes if o.killed] == []
