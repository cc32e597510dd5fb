"""grading.sandbox.untrusted: what a worker sends is cut, made valid text, and checked, before any
other grader code sees it (issue 10, class 4)."""

from __future__ import annotations

import re
import time

import numpy as np
import pytest

from grading.confined import wire
from grading.confined.wire import Handle
from grading.results.failure import Failure
from grading.sandbox import untrusted
from grading.sandbox.sandboxed_student import crash_error, student_error
from grading.sandbox.untrusted import (
    CallReport,
    StudentFault,
    clean_call_report,
    clean_fault,
    clean_notes,
    clean_output,
    clean_seconds,
    clean_text,
    read_value,
)


def test_lone_surrogates_become_the_replacement_character():
    assert clean_text("a\udcffb\ud800", 10) == "a\ufffdb\ufffd"
    assert clean_text("a\udcffb", 10).encode("utf-8") == b"a\xef\xbf\xbdb"


def test_control_characters_and_escape_sequences_are_removed():
    hostile = "\x1b[2K\r\x1b[32mPASS\x1b[0m\x1b]52;c;QQ==\x07 ok\x9b1m\u202eevil\u2066\x00"
    assert clean_text(hostile, 100) == "[2K [32mPASS[0m]52;c;QQ== ok1mevil"


def test_newlines_are_spaces_unless_kept():
    assert clean_text("a\nb\tc\r\nd", 20) == "a b c d"
    assert clean_text("a\nb\tc\r\nd\re", 20, newlines=True) == "a\nb c\nd\ne"


def test_text_is_cut_to_its_limit_with_an_ellipsis():
    assert clean_text("x" * 1000, 10) == "x" * 9 + "\u2026"
    assert clean_text("x" * 10, 10) == "x" * 10


@pytest.mark.serial  # times itself: measured with no other test running
def test_a_huge_text_costs_only_its_limit():
    huge = "A warning that never ends " * (15 * 2**20 // 26)
    started = time.perf_counter()
    text = clean_text(huge, untrusted.MAX_WARNING_CHARS)
    assert time.perf_counter() - started < 0.05
    assert len(text) == untrusted.MAX_WARNING_CHARS


def test_only_text_is_text():
    assert clean_text(5, 10) == clean_text(None, 10) == clean_text(["a"], 10) == ""
    assert clean_text(b"\xff ok", 10) == "\ufffd ok"


def test_timings_must_be_finite_and_believable():
    claims = (float("inf"), float("-inf"), float("nan"), -1.0, 1e308, 10**400, True, "1", None)
    for claim in claims:
        assert clean_seconds(claim) == 0.0, claim
    assert clean_seconds(0.25) == 0.25 and clean_seconds(2) == 2.0
    assert clean_seconds(untrusted.MAX_CALL_SECONDS) == untrusted.MAX_CALL_SECONDS


def test_a_fault_keeps_only_a_type_name_and_a_place_of_the_right_form():
    error = {
        "type": "Error. Likely mistake: the sign is flipped",
        "message": "m" * 1000,
        "where": "nnbasics/layers.py, line 3. Likely mistake: spoof",
    }
    fault = clean_fault(error)
    assert fault == StudentFault("Exception", "m" * 399 + "\u2026", "")
    good = {"type": "ValueError", "message": "bad\x1b[31m", "where": "nnbasics/layers.py, line 3"}
    assert clean_fault(good) == StudentFault("ValueError", "bad[31m", "nnbasics/layers.py, line 3")
    assert clean_fault("not a dict") is None
    assert clean_fault({"type": 7, "message": 8}) == StudentFault("Exception", "", "")


def test_warnings_are_counted_cut_and_typed():
    reply = {"warnings": ["w\x1b]0;t\x07"] * 25 + [3], "seconds": float("nan")}
    assert clean_call_report(reply) == CallReport(("w]0;t",) * 20, 0.0)
    assert clean_call_report({"warnings": "not a list"}) == CallReport((), 0.0)


def test_notes_and_output():
    assert clean_notes(["ok", 5, "\x1b[1m" + "n" * 400] + ["x"] * 20) == [
        "ok",
        "[1m" + "n" * 296 + "\u2026",
        *["x"] * 7,
    ]
    assert clean_notes("not a list") == []
    assert clean_output(b"line 1\n\x1b[31mred\xff\r\n") == "line 1\n[31mred\ufffd\n"


def test_strings_in_returned_values_are_cleaned_and_arrays_left_alone():
    arr = np.arange(3.0)
    sent = wire.encode_value({"k\x1b": ["a\udcff", ("b\n",), arr, Handle(3, "T\x07")]})
    value = read_value(sent)
    assert list(value) == ["k"]
    inner = value["k"]
    assert inner[0] == "a\ufffd" and inner[1] == ("b ",) and (inner[2] == arr).all()
    assert inner[3] == Handle(3, "T")


def test_student_errors_keep_the_students_words_in_their_own_field():
    spoof = "x. Likely mistake: the sign is flipped. Got 1; expected 1"
    error = student_error("layers.f", {"type": "ValueError", "message": spoof, "where": ""})
    assert error.kind == "raised"
    assert error.failure == Failure("layers.f raised ValueError", student_text=spoof)
    forged = {"type": "AttributeError", "message": "nnbasics/layers.py has no 'f'. Likely mis"}
    assert student_error("layers.f", forged).kind == "raised"
    lookup = {"type": "AttributeError", "message": "nnbasics/layers.py has no 'f'"}
    assert student_error("layers.f", lookup).kind == "missing_name"
    assert student_error("layers.f", lookup).message == "nnbasics/layers.py has no 'f'"
    stub = {"type": "NotImplementedError", "message": "# Likely mistake", "where": ""}
    assert student_error("layers.f", stub).message == "layers.f is not implemented yet"
    assert student_error("layers.f", None).message == "layers.f failed"


def test_only_the_boundary_modules_read_a_workers_reply():
    """Replies are read in grading.sandbox.client and grading.sandbox.sandboxed_student
    (through grading.sandbox.untrusted) and framed in grading.sandbox.workers; no other grader
    module touches one."""
    from grading.course.paths import KIT_ROOT

    grading = KIT_ROOT / "grading"
    readers = {
        path.relative_to(grading).as_posix()
        for path in grading.rglob("*.py")
        if re.search(r"\breply(\.get\(|\[)", path.read_text(encoding="utf-8"))
    }
    assert readers == {
        "sandbox/client.py",
        "sandbox/sandboxed_student.py",
        "sandbox/workers.py",
        "sandbox/untrusted.py",
    }


def test_a_crash_quoting_the_reply_keeps_the_quote_in_the_students_field():
    plain = crash_error("layers.f", "the worker was killed by SIGKILL (killed, out of memory?)")
    assert plain.failure == Failure(
        "layers.f crashed the process: the worker was killed by SIGKILL (killed, out of memory?)"
    )
    quoted = crash_error("layers.f", "the worker broke the protocol (array dtype '. Likely mis')")
    assert quoted.kind == "crashed" and quoted.failure == Failure(
        "layers.f crashed the process",
        student_text="the worker broke the protocol (array dtype '. Likely mis')",
    )
