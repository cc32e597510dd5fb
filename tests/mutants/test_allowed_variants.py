"""Allowed variants, the dual of mutation testing: every rewrite of the solution along a
freedom the contract leaves (autograder/allowed_variants/) must score full marks under
several seeds, graded as `nnkit mutants` grades mutants (LocalStudent in worker
processes). A variant that loses points is a check demanding more than the contract."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from grading.confined.limits import VARIANT_SEEDS
from grading.course.assignment import assignment
from grading.course.paths import solution_package
from grading.mutants.variants import (
    VARIANTS_DIR,
    VariantError,
    describe,
    false_negatives,
    load_variants,
    run_variants,
    summary_line,
    variant_seeds,
)
from tests.kit_copy import kit_copy
from tests.support import run_nnkit

MIN_VARIANTS = 20  # the variants written for issue 12; more may come, none may go unnoticed


@pytest.fixture(scope="module")
def variants():
    return load_variants()


def test_every_allowed_variant_scores_full_marks_under_several_seeds(variants):
    seeds = variant_seeds()
    assert len(seeds) == VARIANT_SEEDS >= 3
    outcomes = run_variants(variants, seeds=seeds)
    assert [(o.name, o.seed) for o in outcomes] == [(v.name, s) for v in variants for s in seeds]
    assert false_negatives(outcomes) == [], "\n".join(map(describe, false_negatives(outcomes)))
    assert all(o.score == o.total == 100 for o in outcomes)
    assert summary_line(outcomes) == (
        f"{len(variants)} of {len(variants)} allowed variants score full marks under "
        f"{VARIANT_SEEDS} seeds each"
    )


def test_each_variant_says_its_freedom_and_the_sentence_that_allows_it(variants):
    assert len(variants) >= MIN_VARIANTS
    modules = set(assignment().modules)
    for v in variants:
        assert len(v.freedom.split()) >= 5 and len(v.allowed_by.split()) >= 5, v.name
        assert set(v.modules) <= modules, v.name
        for module, source in v.modules.items():  # a real rewrite, not a copy
            assert source != (solution_package() / f"{module}.py").read_text(), v.name


def _variant(folder: Path, name: str, module: str, source: str) -> None:
    (folder / name).mkdir(parents=True)
    (folder / name / f"{module}.py").write_text(source)


def _relu_grad_one_at_zero() -> str:
    """activations.py whose relu_grad is 1 at z = 0: the contract says 0 there."""
    source = (solution_package() / "activations.py").read_text()
    wrong = source.replace(
        "(np.asarray(z, dtype=np.float64) > 0)", "(np.asarray(z, dtype=np.float64) >= 0)"
    )
    assert wrong != source
    return wrong.replace(
        '"""Part 1:',
        '"""Allowed variant: relu_grad is 1 at z = 0 (not allowed: a test of the runner).\n'
        "Allowed by: nothing, the contract says 0 at z = 0; here to be reported.\n\nPart 1:",
        1,
    )


def test_a_variant_that_loses_points_is_a_false_negative_with_its_failed_checks(tmp_path):
    _variant(tmp_path, "relu_grad_one_at_zero", "activations", _relu_grad_one_at_zero())
    [outcome] = run_variants(load_variants(tmp_path), seeds=variant_seeds(1), jobs=1)
    assert false_negatives([outcome]) == [outcome]
    assert "activations_relu_grad_at_zero" in [check for check, _ in outcome.failed]
    assert describe(outcome).startswith(
        f"FALSE NEGATIVE relu_grad_one_at_zero (seed {outcome.seed}): {outcome.score:g} of 100\n"
        "  activations_relu_grad_at_zero: "
    )


def test_a_variant_without_its_two_docstring_lines_is_named(tmp_path):
    source = (solution_package() / "activations.py").read_text()
    _variant(tmp_path, "undocumented", "activations", source)
    with pytest.raises(VariantError) as info:
        load_variants(tmp_path)
    assert str(info.value) == (
        f"{tmp_path}/undocumented/activations.py: its docstring needs a line 'Allowed variant:' "
        "(the freedom it exercises, then the contract sentence that allows it)"
    )


def test_a_variant_module_that_is_no_part_is_named(tmp_path):
    _variant(tmp_path, "stray", "helpers", '"""Allowed variant: x.\nAllowed by: y."""\n')
    with pytest.raises(VariantError) as info:
        load_variants(tmp_path)
    assert str(info.value) == (
        f"{tmp_path}/stray/helpers.py: helpers is not a module of the package "
        f"({', '.join(sorted(assignment().modules))})"
    )


def test_nnkit_mutants_reports_a_false_negative_and_exits_1(tmp_path):
    root = kit_copy(tmp_path)
    folder = root / "autograder" / "allowed_variants"
    shutil.rmtree(folder)
    _variant(folder, "relu_grad_one_at_zero", "activations", _relu_grad_one_at_zero())
    shutil.copytree(VARIANTS_DIR / "init_uniform", folder / "init_uniform")
    proc = run_nnkit(
        "mutants",
        "--variants-only",
        "--variant-seeds",
        "1",
        "--part",
        "activations",
        env={**os.environ, "NNKIT_ROOT": str(root)},
    )
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("FALSE NEGATIVE relu_grad_one_at_zero (seed ")
    assert "init_uniform" not in proc.stdout  # --part activations: it replaces train.py
    assert lines[-1] == (
        "0 of 1 allowed variants score full marks under 1 seed each; false negatives of the "
        "suite: relu_grad_one_at_zero"
    )


def test_nnkit_mutants_names_a_malformed_variant_in_one_line_before_grading(tmp_path):
    root = kit_copy(tmp_path)
    _variant(root / "autograder" / "allowed_variants", "stray", "helpers", '"""x"""\n')
    proc = run_nnkit("mutants", env={**os.environ, "NNKIT_ROOT": str(root)})
    modules = ", ".join(sorted(assignment().modules))
    assert (proc.returncode, proc.stdout, proc.stderr) == (
        2,
        "",
        "nnkit: error: autograder/allowed_variants/stray/helpers.py: helpers is not a module "
        f"of the package ({modules})\n",
    )


def test_no_variant_to_grade_is_said_so():
    assert run_variants([]) == []
    assert summary_line([]) == "no allowed variant to grade (autograder/allowed_variants/)"
