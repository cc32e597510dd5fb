"""Points: declared only beside each check (`@check(part, points=...)`), added up here.

A part's total is the sum of its checks' points; the assignment's total the sum of the
parts'. When `solution/assignment.toml` declares a total (for a part, or for the whole
assignment), the checks must add up to it: otherwise an `AssignmentError` names the part,
both numbers and the file to edit. A part without checks is an error too.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from dataclasses import dataclass

from grading.checks.suite import CHECKS, Check
from grading.course.assignment import Assignment, AssignmentError, Part, assignment, display_path
from grading.course.paths import AUTOGRADER_DIR

DIGITS = 4  # points are compared and shown rounded to this many decimals


@dataclass(frozen=True)
class ScoredPart:
    """A part with its total: `points`, the sum of its checks' points."""

    part: Part
    points: float

    @property
    def number(self) -> int:
        return self.part.number

    @property
    def module(self) -> str:
        return self.part.module

    @property
    def title(self) -> str:
        return self.part.title


def load_suite() -> list[Check]:
    """Import the hidden suite (autograder/, once) and return its checks in part order,
    after checking that their points add up (AssignmentError otherwise)."""
    from grading.checks.loader import load_package
    from grading.checks.slide_examples import examples

    examples()  # a malformed examples file stops here, not in each check that reads it
    load_package("autograder", AUTOGRADER_DIR)  # registers every check
    scored_parts(CHECKS)
    order = {module: i for i, module in enumerate(assignment().modules)}
    return sorted(CHECKS, key=lambda c: order[c.part])


def scored_parts(
    checks: Sequence[Check] | None = None, course: Assignment | None = None
) -> tuple[ScoredPart, ...]:
    """Every part with its total from `checks` (default: the loaded suite), checked
    against the totals declared in the assignment file."""
    course = course or assignment()
    checks = load_suite() if checks is None else checks
    scored = []
    for part in course.parts:
        mine = [c for c in checks if c.part == part.module]
        if not mine:
            raise AssignmentError(
                f"{course.source}: part {part.number} ({part.module}) has no checks: add one "
                f'with @check("{part.module}", points=...) in autograder/checks_{part.module}.py'
            )
        total = round(sum(c.points for c in mine), DIGITS)
        if part.points is not None and total != round(part.points, DIGITS):
            raise AssignmentError(
                f"part {part.number} ({part.module}): its checks add up to {total:g} points but "
                f"{course.source} declares {part.points:g}: change points= in "
                f"{_files_of(mine)} (or the part's points in {course.source})"
            )
        scored.append(ScoredPart(part, total))
    grand = total_points(scored)
    if course.points is not None and grand != round(course.points, DIGITS):
        raise AssignmentError(
            f"the checks add up to {grand:g} points but {course.source} declares {course.points:g}"
            f" in all: change points= in autograder/checks_*.py (part totals: "
            + ", ".join(f"{p.module} {p.points:g}" for p in scored)
            + f") or points in {course.source}"
        )
    return tuple(scored)


def check_numbers(checks: Sequence[Check], course: Assignment | None = None) -> list[str]:
    """Each of `checks`' number as students see it, "part.index" ("3.2": the second check
    of part 3), in the order of `checks` (the suite's order, as `load_suite` returns it)."""
    course = course or assignment()
    counters: dict[str, int] = {}
    numbers = []
    for chk in checks:
        counters[chk.part] = counters.get(chk.part, 0) + 1
        numbers.append(f"{course.part(chk.part).number}.{counters[chk.part]}")
    return numbers


def total_points(parts: Sequence[ScoredPart]) -> float:
    """The assignment's total: the sum of the parts' totals."""
    return round(sum(p.points for p in parts), DIGITS)


def _files_of(checks: Sequence[Check]) -> str:
    """The checks files that hold `checks`, as the kit names them."""
    files = []
    for chk in checks:
        name = display_path(inspect.unwrap(chk.func).__code__.co_filename)
        if name not in files:
            files.append(name)
    return " and ".join(files)
