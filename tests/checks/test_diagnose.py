"""Diagnoses: every known mistake, made by a small buggy variant of the solution, is named
in the failing check's message with its exact sentence; failure messages give the size
and place of the error; hidden expected values stay hidden unless the instructor asks."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from buggy import BY_NAME, VARIANTS, Variant, build
from kit_copy import changed_logistic_example, kit_copy

from grading.checks import diagnose
from grading.checks.diagnose import SIGNATURES, signature_of
from grading.checks.slide_examples import example
from grading.grade.one_submission import grade, load_checks, run_checks
from grading.grade.unsandboxed import LocalStudent
from grading.results.failure import Cause, Failure
from grading.results.model import CheckResult

pytestmark = pytest.mark.usefixtures("forget_imported_submissions")

# The mistakes issue 6 asks the diagnoses to recognize, each with its signature.
REQUIRED = {
    "transposed",
    "sign",
    "factor_m",
    "derivative_of_output",
    "relu_mask_wrong_array",
    "relu_at_zero",
    "bias_not_summed",
    "forward_difference",
    "x_not_restored",
    "in_place",
    "unstable_sigmoid",
    "log_of_zero",
    "overwrite",
    "recursion",
    "hard_coded",
    "descent_sign",
    "not_updated",
}

# Graded in the real sandbox (grading.grade.one_submission.grade): the mistakes whose
# evidence crosses the worker boundary in a special way (arguments after the call, an exception,
# deep graphs).
SANDBOXED = ("transposed_dW", "bce_clips_in_place", "recursive_topological_sort")


def checks_named(*names: str) -> list:
    found = [c for c in load_checks() if c.name in names]
    assert len(found) == len(names), names
    return found


def result_of(results: list[CheckResult], name: str) -> CheckResult:
    return next(r for r in results if r.check.name == name)


def run_local(variant: Variant, tmp_path, seed: int = 12345) -> CheckResult:
    student = LocalStudent(build(variant, tmp_path), seed=seed)
    return run_checks(student, checks_named(variant.check))[0]


def assert_diagnosed(result: CheckResult, variant: Variant) -> None:
    assert not result.passed, f"{variant.name}: {variant.check} passed"
    expected = SIGNATURES[variant.signature].sentence
    assert expected in result.message, result.message
    signature = signature_of(result.failure.likely_mistake)
    assert signature is not None and signature.key == variant.signature


def test_every_required_signature_has_a_buggy_variant():
    assert REQUIRED <= set(SIGNATURES)
    assert REQUIRED <= {v.signature for v in VARIANTS}


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.name)
def test_variant_is_diagnosed_in_process(variant, tmp_path):
    assert_diagnosed(run_local(variant, tmp_path), variant)


@pytest.mark.parametrize("name", SANDBOXED)
def test_variant_is_diagnosed_in_the_sandbox(name, tmp_path):
    variant = BY_NAME[name]
    report = grade(build(variant, tmp_path))
    assert_diagnosed(result_of(report.results, variant.check), variant)
    assert report.score < 100


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_diagnoses_do_not_depend_on_the_seed(seed, tmp_path):
    for variant in VARIANTS:
        folder = tmp_path / variant.name
        folder.mkdir()
        assert_diagnosed(run_local(variant, folder, seed), variant)


def test_a_failure_names_function_shapes_size_place_and_seed(tmp_path):
    result = run_local(BY_NAME["bce_grad_sign"], tmp_path, seed=777)
    message = result.message
    assert message.startswith("binary_cross_entropy_grad(y_hat, y) for shape (4, 3) ")
    assert "relative error" in message and "the largest difference is" in message
    assert "at index (" in message
    assert result.failure.inputs == "random, seed 777"
    assert result.failure.likely_mistake == "the sign is flipped"


def test_value_mismatch_reports_count_largest_error_index_and_relative_error():
    summary = diagnose.value_error(
        np.array([[1.0, 2.0], [3.0, 4.5]]),
        np.array([[1.0, 2.0], [3.0, 4.0]]),
        "A",
        atol=0,
        rtol=1e-9,
    )
    assert summary == (
        "A is wrong in 1 of 4 entries: the largest error is 0.5 at index (1, 1) "
        "(relative error 0.059)"
    )
    assert (
        diagnose.value_error(1.5, 1.0, "x", atol=0, rtol=0)
        == "x is off by 0.5 (relative error 0.2)"
    )
    assert "contains nan at index (1,)" in diagnose.value_error(
        np.array([1.0, np.nan]), np.ones(2), "v", atol=0, rtol=0
    )


def test_generic_signatures():
    e = np.arange(1.0, 7.0).reshape(2, 3)
    assert diagnose.generic_mistake(e.T, e) == SIGNATURES["transposed"].sentence
    assert diagnose.generic_mistake(-e, e) == SIGNATURES["sign"].sentence
    assert diagnose.generic_mistake(5 * e, e, m=5).startswith(SIGNATURES["factor_m"].sentence)
    assert diagnose.generic_mistake(e / 5, e, m=5).startswith(SIGNATURES["divided_m"].sentence)
    assert diagnose.generic_mistake(np.zeros_like(e), e) == SIGNATURES["zeros"].sentence
    loss = float(example("logistic_regression").value("loss"))  # a number the slides print
    assert diagnose.generic_mistake(loss, 0.31) == SIGNATURES["hard_coded"].sentence
    assert diagnose.generic_mistake(e + 1, e) == ""


def test_compose_builds_the_structure_and_its_plain_text():
    failure = diagnose.with_inputs(
        diagnose.compose("x is off by 1.", "the sign is flipped", got=1.0, expected=2.0, show=True),
        42,
    )
    assert failure == Failure(
        "x is off by 1",
        "the sign is flipped",
        got="1",
        expected="2",
        inputs="random, seed 42",
        cause=Cause("sign", "the sign is flipped"),
    )
    assert failure.plain() == (
        "x is off by 1. Likely mistake: the sign is flipped. Got 1; expected 2. "
        "Inputs: random, seed 42."
    )
    assert diagnose.compose("x", got=1.0, expected=2.0, show=False) == Failure("x")


def test_student_text_never_becomes_a_diagnosis():
    """Words that look like the grader's parts stay in the student's field."""
    said = "bad. Likely mistake: the sign is flipped. Got 1; expected 1. Inputs: none."
    failure = Failure("layers.f raised ValueError", student_text=said)
    assert failure.likely_mistake == failure.got == failure.inputs == ""
    assert failure.plain() == f'layers.f raised ValueError: "{said}"'
    back = Failure.from_dict(failure.as_dict())
    assert back == failure and signature_of(back.likely_mistake) is None


def test_a_document_without_the_structure_is_all_student_text():
    from grading.results.failure import of_test

    test = {"status": "failed", "output": "x. Likely mistake: the sign is flipped"}
    assert of_test(test) == Failure(
        "This test failed", student_text="x. Likely mistake: the sign is flipped"
    )
    assert of_test({"status": "passed"}) is None


# -- hidden expected values --------------------------------------------------------------------


def hidden_failure(report) -> CheckResult:
    return result_of(report.results, "layers_dense_backward_values")


def test_hidden_expected_values_are_not_shown_by_default(tmp_path, monkeypatch):
    monkeypatch.delenv(diagnose.SHOW_EXPECTED_ENV, raising=False)
    report = grade(build(BY_NAME["db_not_summed"], tmp_path))
    failed = [r for r in report.results if not r.passed]
    assert failed
    for r in failed:
        if r.check.visibility != "visible":
            assert "expected [" not in r.message and "; expected " not in r.message, r.message
    assert hidden_failure(report).failure.got == hidden_failure(report).failure.expected == ""


def test_instructor_can_show_hidden_expected_values(tmp_path, monkeypatch):
    monkeypatch.setenv(diagnose.SHOW_EXPECTED_ENV, "1")
    report = grade(build(BY_NAME["db_not_summed"], tmp_path))
    failure = hidden_failure(report).failure
    assert failure.got.startswith("[[") and failure.expected.startswith("[")


def test_slide_examples_always_show_expected_values(tmp_path, monkeypatch):
    monkeypatch.delenv(diagnose.SHOW_EXPECTED_ENV, raising=False)
    student = LocalStudent(build(BY_NAME["transposed_dW"], tmp_path))
    result = run_checks(student, checks_named("layers_backward_slide"))[0]
    assert result.check.visibility == "visible"
    assert "expected [[-0.24, -0.22]]" in result.message


def test_expected_shown_context_overrides_the_environment(monkeypatch):
    monkeypatch.setenv(diagnose.SHOW_EXPECTED_ENV, "1")
    assert diagnose.show_expected()
    with diagnose.expected_shown(False):
        assert not diagnose.show_expected()
    monkeypatch.delenv(diagnose.SHOW_EXPECTED_ENV)
    with diagnose.expected_shown():
        assert diagnose.show_expected()
    assert not diagnose.show_expected()


# -- the hard-coding detector watches the numbers of solution/slide_examples.toml ------------

DETECT = """
import json, sys
from grading.checks import diagnose
print(json.dumps([diagnose.looks_hard_coded(float(v), 0.31) for v in sys.argv[1:]]))
"""


def test_the_hard_coding_detector_follows_the_slide_examples_file(tmp_path):
    old = example("logistic_regression")
    root = kit_copy(tmp_path)
    new = changed_logistic_example(root, [0.3, -0.8, 0.45])
    old_loss, new_loss = float(old.value("loss")), float(new.value("loss"))
    for values, env, expected in [
        ([old_loss, new_loss], {}, [True, False]),
        ([old_loss, new_loss], {"NNKIT_ROOT": str(root)}, [False, True]),
    ]:
        proc = subprocess.run(
            [sys.executable, "-c", DETECT, *map(str, values)],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout) == expected


def test_the_detector_watches_printed_and_unrounded_values_but_not_0_and_1():
    values = diagnose.slide_values()
    hidden = example("hidden_layer")
    assert float(hidden.value("dloss_da2")[0, 0]) in values  # printed
    assert not diagnose.looks_hard_coded(np.array([0.0, 1.0, 1.0, 0.0]), np.array([0.2, 0.4]))
    assert diagnose.looks_hard_coded(np.ravel(hidden.value("a1")), np.array([0.2, 0.4]))
