"""Student-code errors are types (grading.checks.suite.StudentErrorKind), not phrases: a
check tells a stub from a crash, or an overflow from a recursion error, without reading
the message, whose words may be the student's."""

from __future__ import annotations

import pytest

from grading.checks.suite import NOTHING_RAN, StudentError, StudentErrorKind
from grading.results.failure import Failure
from grading.sandbox.sandboxed_student import student_error


def test_a_kind_is_one_of_the_enum_and_nothing_else():
    assert StudentError("x", "timed_out").kind is StudentErrorKind.TIMED_OUT
    with pytest.raises(ValueError, match="^unknown student error kind 'slow'$"):
        StudentError("x", "slow")


def test_nothing_ran_for_a_stub_an_import_or_a_missing_name_only():
    for kind in StudentErrorKind:
        assert StudentError("x", kind).nothing_ran == (kind in NOTHING_RAN)
    assert NOTHING_RAN == {"not_implemented", "import_failed", "missing_name"}


def test_the_exception_class_travels_apart_from_the_students_words():
    said = {"type": "ValueError", "message": "OverflowError RecursionError", "where": ""}
    error = student_error("graph.Value", said)
    assert (error.kind, error.exception) == (StudentErrorKind.RAISED, "ValueError")
    assert error.failure == Failure(
        "graph.Value raised ValueError", student_text="OverflowError RecursionError"
    )
    overflow = student_error("graph.Value", {"type": "OverflowError", "message": "", "where": ""})
    assert overflow.exception == "OverflowError"
    stub = student_error("layers.f", {"type": "NotImplementedError", "message": "", "where": ""})
    assert (stub.kind, stub.exception) == (StudentErrorKind.NOT_IMPLEMENTED, "")
