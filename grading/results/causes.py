"""Feedback that points at the cause: the sentences every output shows besides each failure.

Everything here reads a results.json document (`grading.results.gradescope.to_gradescope`),
so results.json, the Markdown and HTML pages, JUnit and the terminal say the same thing:

- `shared_causes(document)`: failed tests whose diagnoses share one known mistake (a
  `Cause` of the same key, in functions of one part or of parts that use each other; or
  a WRONG_INPUT cause naming a function the others are about) are one group;
  `Causes(document).lines()` gives one sentence per group, shown once, before anything
  else: "7 failed tests (4.4, ...) share one likely mistake, in Value (Part 4): ...".
- `Causes(document).label(test)`: "Likely mistake", naming the function when the mistake
  is in another part than the test's ("Likely mistake, in binary_cross_entropy
  (Part 2)"), e.g. for a test that fails through a shared cause's functions.
- `Causes(document).notes(test)`: the sentences one test adds to its own verdict: which
  functions its result rests on (`Blame`, when the grader ran it again with its own
  functions), and the other parts it uses that lost points in this report (a failure's
  `see_parts`; nothing is said of a part that lost no points).

Sentences are plain text; each writer escapes them for its format. Function names are
"module.name" in the structure and shown without the module ("binary_cross_entropy").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from grading.results.failure import WRONG_INPUT, Cause, Failure, dotted_names, of_test
from grading.results.model import Blame, CheckResult, PartScore, parts_of


@dataclass(frozen=True)
class SharedCause:
    """One likely mistake behind several failed tests.

    `cause`: the mistake (its `functions` are where to fix it: the functions of the tests
    that use no other test's functions, e.g. `losses.binary_cross_entropy`);
    `tests`: the numbers of the failed tests it explains ("2.3"), in the report's order;
    `knock_on`: those of `tests` that fail through other functions of the group.
    """

    cause: Cause
    tests: tuple[str, ...]
    knock_on: tuple[str, ...]


# -- Blame in results.json -----------------------------------------------------------------


def blame_as_dict(blame: Blame) -> dict[str, Any]:
    """`extra_data.blame` of a results.json test."""
    return {"functions": list(blame.functions), "upstream": blame.upstream}


def blame_from_dict(data: Any) -> Blame | None:
    """A Blame from `extra_data.blame`; None when absent or malformed."""
    if type(data) is not dict or type(data.get("upstream")) is not bool:
        return None
    functions = dotted_names(data.get("functions"))
    return None if functions is None else Blame(functions, data["upstream"])


def blame_of(test: dict[str, Any]) -> Blame | None:
    """The Blame of a results.json test (None when it has none)."""
    extra = test.get("extra_data")
    return blame_from_dict(extra.get("blame")) if type(extra) is dict else None


def settled(result: CheckResult) -> Failure | None:
    """The failure of `result` as results.json stores it: when the grader's second run
    with its own functions passed (`blame.upstream`), the mistake is in those functions,
    so the cause is placed there and their parts are among those the result rests on."""
    failure = result.failure
    blame = result.blame
    if failure is None or blame is None or not blame.upstream or not blame.functions:
        return failure
    cause = failure.cause
    if cause is not None:
        cause = replace(cause, functions=blame.functions)
    parts = dict.fromkeys([*failure.see_parts, *(module_of(f) for f in blame.functions)])
    parts.pop(result.check.part, None)
    return failure.but(cause=cause, see_parts=tuple(parts))


# -- names ------------------------------------------------------------------------------------


def module_of(function: str) -> str:
    """The module of `function`: "losses" for "losses.binary_cross_entropy"."""
    return function.split(".", 1)[0]


def shown(function: str) -> str:
    """`function` as students know it: "binary_cross_entropy" for
    "losses.binary_cross_entropy", "Value" for "graph.Value"."""
    return function.split(".", 1)[-1]


def joined(items: Sequence[str]) -> str:
    """`items` as an English list: "a", "a and b", "a, b and c"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _part_names(modules: Sequence[str], parts: dict[str, PartScore]) -> str:
    """The parts of `modules`: "Part 5 (Dense and activation layers)" or "Parts 5 and 6"."""
    known = sorted((parts[m] for m in modules if m in parts), key=lambda p: p.number)
    if len(known) == 1:
        return f"Part {known[0].number} ({known[0].title})"
    return "Parts " + joined([str(p.number) for p in known])


def _where(functions: Sequence[str], parts: dict[str, PartScore]) -> str:
    """Where `functions` are: "binary_cross_entropy and binary_cross_entropy_grad (Part 2)"."""
    modules = list(dict.fromkeys(module_of(f) for f in functions))
    numbers = [f"Part {parts[m].number}" for m in modules if m in parts]
    tail = f" ({joined(numbers)})" if numbers else ""
    return joined([shown(f) for f in functions]) + tail


FUNCTIONS_NAMED = 2
"""Functions a note names one by one; more are named by their parts ("code of Part 5")."""


def _given(functions: Sequence[str], parts: dict[str, PartScore]) -> str:
    """The functions a Blame names, as a note says them: "dense_backward (Part 5)", or
    "code of Part 5 (Dense and activation layers)" when there are many."""
    if len(functions) <= FUNCTIONS_NAMED:
        return _where(functions, parts)
    modules = list(dict.fromkeys(module_of(f) for f in functions))
    return f"code of {_part_names(modules, parts)}"


# -- shared causes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Failed:
    number: str
    part: str
    failure: Failure
    cause: Cause

    @property
    def modules(self) -> set[str]:
        return {module_of(f) for f in self.cause.functions} or {self.part}

    def joins(self, group: list[_Failed]) -> bool:
        """Whether this failure has the cause of `group`: the same mistake in related
        functions, or the wrong result of functions a member of the group is about."""
        if self.cause.key == WRONG_INPUT:
            mine = set(self.cause.functions)
            return any(mine & set(o.cause.functions) for o in group)
        same = [o for o in group if o.cause.key == self.cause.key]
        return any(self.uses(o) or o.uses(self) for o in same)

    def uses(self, other: _Failed) -> bool:
        """Whether this test's result rests on `other`'s functions (their part is one of
        this failure's `see_parts`, or the two are about the same part)."""
        return bool(other.modules & (self.modules | set(self.failure.see_parts)))


def _failed_with_cause(document: dict[str, Any]) -> list[_Failed]:
    found = []
    for test in document.get("tests", []):
        if type(test) is not dict:
            continue
        failure = of_test(test)
        if failure is None or failure.cause is None:
            continue
        blame = blame_of(test)
        if blame is not None and not blame.upstream:  # its own code is wrong: an origin
            failure = failure.but(see_parts=())
        tags = test.get("tags")
        part = str(tags[0]) if type(tags) is list and tags else ""
        found.append(_Failed(str(test.get("number", "")), part, failure, failure.cause))
    return found


def shared_causes(document: dict[str, Any]) -> list[SharedCause]:
    """The groups of at least two failed tests of `document` with one likely mistake: the
    same cause key, joined when one test uses another's functions (or both are about one
    part). In the order of each group's first test."""
    failed = _failed_with_cause(document)
    groups: list[list[_Failed]] = []
    for item in failed:
        joins = [g for g in groups if item.joins(g)]
        merged = [item]
        for g in joins:
            groups.remove(g)
            merged = [*g, *merged]
        groups.append(sorted(merged, key=failed.index))
    groups.sort(key=lambda g: failed.index(g[0]))
    shared = []
    for group in groups:
        if len(group) < 2:
            continue
        # where to fix it: the tests that use no other test's functions of the group
        origins = [t for t in group if not any(t.uses(o) and not o.uses(t) for o in group)]
        functions = dict.fromkeys(f for t in origins for f in t.cause.functions)
        mistake = next((t.cause for t in group if t.cause.key != WRONG_INPUT), group[0].cause)
        cause = replace(mistake, functions=tuple(functions))
        knock_on = tuple(t.number for t in group if t not in origins)
        shared.append(SharedCause(cause, tuple(t.number for t in group), knock_on))
    return shared


class Causes:
    """What one report says about causes, computed once from its results.json `document`:
    `lines()` for the top of every output, `label(test)` and `notes(test)` for each test."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.parts = {p.module: p for p in parts_of(document)}
        self.shared = shared_causes(document)
        self._knock_on = {n: group for group in self.shared for n in group.knock_on}

    def lines(self) -> list[str]:
        """One plain sentence per shared cause: "4 failed tests (2.3, 2.7, 3.5 and 6.9)
        share one likely mistake, in binary_cross_entropy and binary_cross_entropy_grad
        (Part 2): it is m times too large: .... Tests 3.5 and 6.9 use them: fix them
        first."."""
        lines = []
        for group in self.shared:
            where = _where(group.cause.functions, self.parts)
            line = (
                f"{len(group.tests)} failed tests ({joined(group.tests)}) share one likely mistake"
            )
            line += f", in {where}: " if where else ": "
            line += group.cause.text + "."
            if group.knock_on and where:
                tests, verb = ("Test", "uses") if len(group.knock_on) == 1 else ("Tests", "use")
                them = "it" if len(group.cause.functions) == 1 else "them"
                line += f" {tests} {joined(group.knock_on)} {verb} {them}: fix {them} first."
            lines.append(line)
        return lines

    def label(self, test: dict[str, Any]) -> str:
        """The label of a test's likely mistake: "Likely mistake", or "Likely mistake, in
        binary_cross_entropy (Part 2)" when the mistake is in functions of another part
        than the test's (a test that fails through a shared cause's functions, or one
        whose diagnosis placed it elsewhere)."""
        failure = of_test(test)
        cause = failure.cause if failure is not None else None
        group = self._knock_on.get(str(test.get("number", "")))
        if group is not None and cause is not None and cause.key != WRONG_INPUT:
            cause = group.cause  # it fails through the functions of the group's origins
        tags = test.get("tags")
        part = tags[0] if type(tags) is list and tags else None
        if cause is None or all(module_of(f) == part for f in cause.functions):
            return "Likely mistake"
        return f"Likely mistake, in {_where(cause.functions, self.parts)}"

    def notes(self, test: dict[str, Any]) -> list[str]:
        """The plain sentences a test adds to its verdict: what its `Blame` says, and
        which parts its result rests on that lost points in this report."""
        parts = self.parts
        blame = blame_of(test)
        failure = of_test(test)
        notes = []
        if blame is not None and blame.functions:
            others = _given(blame.functions, parts)
            upstream = {module_of(f) for f in blame.functions}
            mine = [shown(c) for c in sorted(_calls(test)) if module_of(c) not in upstream]
            own = joined(mine) or "code"
            if failure is None and blame.upstream:
                verb = "are" if len(mine) > 1 else "is"
                correct = "a correct" if len(blame.functions) == 1 else "correct"
                notes.append(
                    f"Your {own} {verb} right when given {correct} {others}: "
                    f"the mistake there costs points only in its own part"
                )
            elif failure is not None and blame.upstream:
                notes.append(
                    f"This test fails only because of your {others}: it passes with the "
                    f"grader's version"
                )
            elif failure is not None:
                notes.append(
                    f"The mistake is in your {own} itself: this test fails even with the "
                    f"grader's own {others}"
                )
        if failure is not None and blame is None:  # a Blame says more, and more surely
            lost = [
                m for m in failure.see_parts if m in parts and parts[m].earned < parts[m].possible
            ]
            if lost:
                that = "that" if len(lost) == 1 else "those"
                notes.append(
                    f"This test uses your code of {_part_names(lost, parts)}, which lost "
                    f"points: fix {that} first"
                )
        return notes


def _calls(test: dict[str, Any]) -> set[str]:
    """The student functions a results.json test called (`extra_data.calls`)."""
    extra = test.get("extra_data")
    calls = extra.get("calls") if type(extra) is dict else None
    return {c for c in calls or [] if type(c) is str}
