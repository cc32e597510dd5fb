"""Feedback that points at the cause (issue 12, point 5): failures with one diagnosed cause
are summarised once, first, in every output; a test failing through another function names
it; pointers to other parts appear only when those parts lost points; indices are into the
student's own arrays. Real submissions graded by the real checks (LocalStudent, and one
sandboxed `grade`)."""

from __future__ import annotations

import dataclasses
import html
import io
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from buggy import BY_NAME, build

from grading.checks import diagnose
from grading.course.paths import KIT_ROOT
from grading.grade.one_submission import grade, load_checks, part_summary, run_checks
from grading.grade.unsandboxed import LocalStudent
from grading.results.causes import Causes, shared_causes
from grading.results.console import make_console
from grading.results.failure import Cause, Failure, of_test
from grading.results.feedback import html_page, markdown_page, md_escape
from grading.results.gradescope import to_gradescope
from grading.results.junit import to_junit
from grading.results.model import Blame, CheckResult, GradeReport
from grading.results.terminal import print_report

pytestmark = pytest.mark.usefixtures("forget_imported_submissions", "first_runs_only")


@pytest.fixture
def first_runs_only(monkeypatch):
    """Grade without second runs (no function of another part is watched, so none is
    stood in for): the knock-on failures these tests word stay, and the tests give them
    the Blame they need. tests/grade/test_one_mistake_once.py covers the second runs."""
    from grading.grade import one_submission

    monkeypatch.setattr(one_submission, "functions_before", lambda part: {})


SAMPLES = KIT_ROOT / "samples" / "submissions"
SEED = 7
OVERWRITE = (
    "a node used more than once keeps only its last gradient contribution: accumulate "
    "with grad += (never grad =)"
)
FACTOR_M = "it is m times too large: a sum where the mean belongs, or the 1/m of the mean left out"


@pytest.fixture(scope="module")
def checks():
    return load_checks()


def report_of(results: list[CheckResult]) -> GradeReport:
    return GradeReport(results, SEED, "0" * 64, "local", 0.1, parts=part_summary(results))


def graded(folder: Path, checks) -> GradeReport:
    return report_of(run_checks(LocalStudent(folder, seed=SEED), checks))


def entry(document: dict, number: str) -> dict:
    return next(t for t in document["tests"] if t["number"] == number)


def terminal_lines(report: GradeReport) -> list[str]:
    out = io.StringIO()
    print_report(report, Path("submission"), make_console(file=out))
    return out.getvalue().splitlines()


def assert_first_everywhere(report: GradeReport, line: str) -> None:
    """`line` is the first thing results.json's output, the Markdown and HTML pages, the
    JUnit XML and the terminal say, each escaped for its format."""
    document = to_gradescope(report)
    assert document["output"].split("\n\n")[0] == f"**Likely cause:** {md_escape(line)}"
    assert markdown_page(document, "t").split("\n")[2] == f"**Likely cause:** {md_escape(line)}"
    page = html_page(document, title="t")
    cause = f'<p class="cause"><b>Likely cause:</b> {html.escape(line)}</p>'
    assert page.index(cause) < page.index('<table class="parts">') < page.index("<h2>")
    junit = ET.fromstring(to_junit(document))
    assert [p.get("value") for p in junit.findall("properties/property")] == [line]
    assert terminal_lines(report)[0] == f"Likely cause: {line}"


def test_graph_overwrite_is_summarised_once_first_in_every_format(checks):
    report = graded(SAMPLES / "buggy_graph_overwrite", checks)
    grouped = [r.number for r in report.results if r.failure and r.failure.cause]
    assert {"4.4", "4.5", "4.6", "4.7", "4.8", "4.11", "4.15"} <= set(grouped)
    [group] = shared_causes(to_gradescope(report))
    assert list(group.tests) == grouped
    line = (
        f"{len(grouped)} failed tests ({', '.join(grouped[:-1])} and {grouped[-1]}) share one "
        f"likely mistake, in Value (Part 4): {OVERWRITE}."
    )
    assert_first_everywhere(report, line)
    # the operation's own derivative is right: each operation's test says so
    sigmoid = of_test(entry(to_gradescope(report), "4.4"))
    assert sigmoid.likely_mistake == f"{OVERWRITE}; the derivative of sigmoid itself is right"


def test_bce_sum_names_binary_cross_entropy_in_the_tests_that_use_it(checks):
    report = graded(SAMPLES / "buggy_bce_sum", checks)
    document = to_gradescope(report)
    [group] = shared_causes(document)
    assert group.tests == ("2.3", "2.5", "2.6", "2.7", "3.5", "6.8", "6.9", "8.5")
    assert group.knock_on == ("3.5", "6.8", "6.9", "8.5")
    line = (
        "8 failed tests (2.3, 2.5, 2.6, 2.7, 3.5, 6.8, 6.9 and 8.5) share one likely mistake, in "
        "binary_cross_entropy and "
        f"binary_cross_entropy_grad (Part 2): {FACTOR_M}. Tests 3.5, 6.8, 6.9 and 8.5 use "
        "them: fix them first."
    )
    assert_first_everywhere(report, line)
    where = r"in binary\_cross\_entropy and binary\_cross\_entropy\_grad (Part 2)"
    for number in group.knock_on:  # not logistic_loss_and_grad, loss_and_grads or train
        assert f"**Likely mistake, {where}:** it is m times" in entry(document, number)["output"]
    assert "**Likely mistake:** it is m times" in entry(document, "2.3")["output"]
    assert entry(document, "8.5")["output"].split("\n\n")[1:3] == [
        f"**Likely mistake, {where}:** {md_escape(FACTOR_M)}; m = 8 here.",
        "This test uses your code of Parts 2 and 6, which lost points: fix those first.",
    ]


def test_a_hint_about_another_function_names_it(checks):
    """train's recorded losses come from network.loss_and_grads: the diagnosis says so."""
    report = graded(SAMPLES / "buggy_bce_sum", checks)
    cause = next(r for r in report.results if r.number == "8.5").failure.cause
    assert cause == Cause("factor_m", FACTOR_M, ("network.loss_and_grads",))
    # the test alone (no other failure of that cause): its label names the function
    alone = report_of([r for r in report.results if r.number == "8.5"])
    document = to_gradescope(alone)
    assert Causes(document).label(document["tests"][0]) == (
        "Likely mistake, in loss_and_grads (Part 6)"
    )


def test_pointers_appear_only_when_the_part_lost_points(checks, tmp_path):
    # a bug in train alone: its failures rest on Parts 1, 2, 5 and 6, which lost nothing
    report = graded(build(BY_NAME["gradient_ascent"], tmp_path), checks)
    document = to_gradescope(report)
    failed = [t for t in document["tests"] if t["status"] == "failed"]
    assert failed and all(t["tags"][0] == "train" for t in failed)
    assert all(of_test(t).see_parts for t in failed)
    assert not any("lost points" in t["output"] for t in document["tests"])
    assert not any("lost points" in line for line in terminal_lines(report))

    # a bug in Part 5: train's failures point at Parts 5 and 6, which both lost points
    report = graded(SAMPLES / "buggy_transposed_dW", checks)
    document = to_gradescope(report)
    assert entry(document, "8.5")["output"].split("\n\n")[2] == (
        "This test uses your code of Parts 5 and 6, which lost points: fix those first."
    )
    assert entry(document, "6.6")["output"].split("\n\n")[2] == (
        "This test uses your code of Part 5 (Dense and activation layers), which lost "
        "points: fix that first."
    )


def rescued(results: list[CheckResult], part: str, blame: Blame) -> list[CheckResult]:
    """`results` with every failed check of `part` passed by the grader's second run with
    its own `blame.functions` (what run_checks records when the stand-ins rescue it)."""
    return [
        dataclasses.replace(r, passed=True, failure=None, blame=blame)
        if r.check.part == part and not r.passed
        else r
        for r in results
    ]


def test_rescued_network_tests_say_so_and_train_points_at_part_5_only(checks):
    """When the grader's layers rescue Part 6 (one mistake costs once), Part 6 lost no
    points: train's pointer names Part 5 alone, and the rescued tests say why they pass."""
    results = graded(SAMPLES / "buggy_transposed_dW", checks).results
    blame = Blame(("layers.dense_backward",), upstream=True)
    report = report_of(rescued(results, "network", blame))
    document = to_gradescope(report)
    assert entry(document, "8.5")["output"].split("\n\n")[2] == (
        "This test uses your code of Part 5 (Dense and activation layers), which lost "
        "points: fix that first."
    )
    note = (
        "Your backward and forward are right when given a correct dense_backward (Part 5): "
        "the mistake there costs points only in its own part"
    )
    assert entry(document, "6.6")["output"] == f"Passed.\n\n{md_escape(note)}."
    assert f'<p class="note">{html.escape(note)}.</p>' in html_page(document)
    page = markdown_page(document, "t")
    rescued_part = page[page.index("## Passed tests with a note") :]
    assert f"\n\nPassed.\n\n{md_escape(note)}.\n" in rescued_part
    case = next(
        c
        for c in ET.fromstring(to_junit(document)).iter("testcase")
        if c.get("name", "").startswith("6.6 ")
    )
    assert [p.get("value") for p in case.findall("properties/property[@name='note']")] == [note]
    lines = terminal_lines(report)
    assert lines[lines.index(next(x for x in lines if " 6.6 " in x)) + 1].strip() == f"{note}."


def test_a_failure_with_blame_names_the_function_or_its_own_code(checks):
    results = graded(SAMPLES / "buggy_transposed_dW", checks).results
    network = [r for r in results if r.number in ("6.6", "6.7")]
    upstream = dataclasses.replace(network[0], blame=Blame(("layers.dense_backward",), True))
    own = dataclasses.replace(network[1], blame=Blame(("layers.dense_backward",), False))
    document = to_gradescope(
        report_of([*[r for r in results if r.check.part == "layers"], upstream, own])
    )
    causes = Causes(document)
    charged, mine = entry(document, "6.6"), entry(document, "6.7")
    # charged downstream: the failure's cause is moved to the function, and named
    assert of_test(charged).cause.functions == ("layers.dense_backward",)
    assert causes.label(charged) == "Likely mistake, in dense_backward (Part 5)"
    assert causes.notes(charged) == [
        "This test fails only because of your dense_backward (Part 5): it passes with the "
        "grader's version"
    ]
    # failing even with the grader's layers: the mistake is the test's own; no pointer
    assert causes.notes(mine) == [
        "The mistake is in your backward and forward itself: this test fails even with the "
        "grader's own dense_backward (Part 5)"
    ]
    junit = to_junit(document)
    assert "This test fails only because of your dense_backward (Part 5)" in junit


def test_an_index_into_a_subset_is_the_students_own(checks):
    report = graded(SAMPLES / "buggy_bce_sum", checks)
    summary = next(r for r in report.results if r.number == "2.5").failure.summary
    assert summary.endswith(
        "is wrong in 3 of 3 entries: the largest error is 1.6 at index (4,) (relative error 0.67)"
    )


def test_value_error_maps_indices_of_picked_entries_back():
    actual = np.zeros((3, 4))
    actual[2, 3] = 5.0
    mask = np.zeros((3, 4), dtype=bool)
    mask[1:, 2:] = True
    assert diagnose.value_error(actual, np.zeros(4), "A", atol=0, rtol=0, entries=mask) == (
        "A is wrong in 1 of 4 entries: the largest error is 5 at index (2, 3) (relative error 1)"
    )
    actual[1, 2] = np.nan
    assert diagnose.value_error(actual, np.zeros(4), "A", atol=0, rtol=0, entries=mask) == (
        "A contains nan at index (1, 2) (1 of 4 entries): an overflow, or a log of 0?"
    )


def test_cause_survives_results_json_and_bad_ones_are_dropped():
    failure = Failure(
        "x is off",
        "the sign is flipped",
        cause=Cause("sign", "the sign is flipped", ("layers.dense_backward",)),
        see_parts=("layers",),
    )
    assert Failure.from_dict(failure.as_dict()) == failure
    bad = {
        **failure.as_dict(),
        "cause": {"key": "Sign!", "text": "x", "functions": []},
        "see_parts": ["layers; rm -rf"],
    }
    assert Failure.from_dict(bad) == Failure("x is off", "the sign is flipped")
    assert Cause.from_dict({"key": "sign", "text": "t", "functions": ["a b"]}) is None


def test_grading_in_the_sandbox_puts_the_cause_first():
    report = grade(SAMPLES / "buggy_graph_overwrite")
    document = to_gradescope(report)
    [group] = shared_causes(document)
    assert group.cause == Cause("overwrite", OVERWRITE, ("graph.Value",))
    assert document["output"].startswith(
        f"**Likely cause:** {len(group.tests)} failed tests ({', '.join(group.tests[:-1])} "
        f"and {group.tests[-1]}) share one likely mistake, in Value (Part 4): "
        f"{md_escape(OVERWRITE)}.\n\n| Part |"
    )


def test_one_kind_of_mistake_in_unrelated_parts_is_not_one_cause(checks):
    """Part 4 uses no other part: its "m times too large" is not the losses' one."""
    results = graded(SAMPLES / "buggy_bce_sum", checks).results
    graph = Failure("x is off", FACTOR_M, cause=Cause("factor_m", FACTOR_M, ("graph.Value",)))
    results = [
        dataclasses.replace(r, passed=False, failure=graph) if r.number == "4.11" else r
        for r in results
    ]
    [group] = shared_causes(to_gradescope(report_of(results)))
    assert "4.11" not in group.tests and len(group.tests) == 8


def test_a_blame_on_many_functions_names_their_parts(checks):
    results = graded(SAMPLES / "buggy_transposed_dW", checks).results
    layers = ("layers.dense_forward", "layers.dense_backward", "layers.activation_forward")
    blame = Blame((*layers, "losses.binary_cross_entropy"), upstream=True)
    document = to_gradescope(report_of(rescued(results, "network", blame)))
    assert Causes(document).notes(entry(document, "6.9")) == [
        "Your loss_and_grads is right when given correct code of Parts 2 and 5: the "
        "mistake there costs points only in its own part"
    ]


def test_a_test_wrong_with_the_graders_functions_is_where_to_fix_it(checks):
    """6.9 fails even with the grader's losses (Blame upstream False): its own
    loss_and_grads is wrong, so it is not a knock-on of binary_cross_entropy."""
    results = graded(SAMPLES / "buggy_bce_sum", checks).results
    own = Blame(("losses.binary_cross_entropy", "losses.binary_cross_entropy_grad"), False)
    results = [dataclasses.replace(r, blame=own) if r.number == "6.9" else r for r in results]
    document = to_gradescope(report_of(results))
    [group] = shared_causes(document)
    assert "6.9" not in group.knock_on
    assert "network.loss_and_grads" in group.cause.functions
    assert Causes(document).label(entry(document, "6.9")) == "Likely mistake"


def test_a_step_right_for_wrong_gradients_blames_loss_and_grads(checks, tmp_path):
    """train's step is right for what the student's loss_and_grads returned: the failure
    names loss_and_grads and joins the cause of the gradient's sign (Part 2)."""
    report = graded(build(BY_NAME["bce_grad_sign"], tmp_path / "sign"), checks)
    document = to_gradescope(report)
    step = of_test(entry(document, "8.5"))
    wrong_input = diagnose.SIGNATURES["wrong_input"].sentence
    assert step.likely_mistake == f"{wrong_input}; the step is right for the gradients it returned"
    assert step.cause.functions == ("network.loss_and_grads",)
    assert Causes(document).label(entry(document, "8.5")) == (
        "Likely mistake, in loss_and_grads (Part 6)"
    )
    [group] = shared_causes(document)
    assert group.cause.key == "sign" and group.cause.functions == (
        "losses.binary_cross_entropy_grad",
    )
    assert "8.5" in group.knock_on

    # train's own sign mistake stays train's, with no pointer (no other part lost points)
    report = graded(build(BY_NAME["gradient_ascent"], tmp_path / "ascent"), checks)
    document = to_gradescope(report)
    step = of_test(entry(document, "8.5"))
    assert step.cause == Cause(
        "descent_sign", diagnose.SIGNATURES["descent_sign"].sentence, ("train.train",)
    )
    assert Causes(document).label(entry(document, "8.5")) == "Likely mistake"
    assert Causes(document).notes(entry(document, "8.5")) == []
