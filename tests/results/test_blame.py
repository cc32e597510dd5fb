"""A check's Blame in words and in results.json (grading.results.blame)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from grading.results.blame import Evidence, as_dict, blame_of, upstream_sentence
from grading.results.model import Blame, CheckResult


@dataclass
class FakeCheck:  # the CheckInfo protocol: plain data, as the model needs it
    name: str
    part: str
    title: str = ""
    points: float = 1.0
    visibility: str | None = None
    tags: tuple[str, ...] = ()


def result(part: str, passed: bool, *targets: str, blame: Blame | None = None) -> CheckResult:
    return CheckResult(FakeCheck("c", part), passed, None, "1.1", frozenset(targets), blame)


NUMBERS = {"layers": 5, "network": 6, "train": 8}
LAYERS = Blame(("layers.dense_backward", "layers.dense_forward", "losses.bce"), upstream=True)


def test_the_suspect_is_the_answered_function_that_failed_most_of_its_own_checks():
    evidence = Evidence()
    evidence.add(result("layers", True, "layers.dense_forward"))
    evidence.add(result("layers", False, "layers.dense_forward", "layers.dense_backward"))
    evidence.add(result("layers", True, "layers.dense_forward", "layers.dense_backward"))
    assert evidence.suspects(LAYERS) == ("layers.dense_backward",)  # 1/2 against 1/3
    assert upstream_sentence(LAYERS, ["network.forward"], evidence.suspects(LAYERS), NUMBERS) == (
        "Your network.forward is right when given correct layers and losses: this test "
        "fails because of layers.dense_backward (Part 5)."
    )


def test_a_function_that_failed_only_because_of_others_passes_the_blame_on():
    evidence = Evidence()
    evidence.add(result("layers", False, "layers.dense_backward"))
    evidence.add(result("network", False, "network.backward", blame=LAYERS))  # charged
    network = Blame(("network.backward",), upstream=True)
    assert evidence.suspects(network) == ("layers.dense_backward",)


def test_without_evidence_every_answered_function_is_named():
    assert Evidence().suspects(LAYERS) == LAYERS.functions
    assert upstream_sentence(LAYERS, [], LAYERS.functions, NUMBERS) == (
        "Your code is right when given correct layers and losses: this test fails because "
        "of one of layers.dense_backward, layers.dense_forward (Part 5), losses.bce."
    )


def test_blame_round_trips_through_results_json():
    test = {"extra_data": {"blame": as_dict(LAYERS)}}
    assert blame_of(test) == LAYERS
    assert blame_of({"extra_data": {}}) is None


@pytest.mark.parametrize(
    "data",
    [
        "layers.dense_backward",
        {"functions": "layers.dense_backward", "upstream": True},
        {"functions": [], "upstream": True},
        {"functions": ["layers.dense_backward"], "upstream": "yes"},
        {"functions": [1], "upstream": False},
        {"functions": ["x" * 201], "upstream": False},
    ],
)
def test_a_malformed_blame_reads_as_none(data):
    assert blame_of({"extra_data": {"blame": data}}) is None
