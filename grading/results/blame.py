"""A check's `Blame` in words for the student, and as results.json carries it.

One mistake costs once (docs/ARCHITECTURE.md, "Second runs"): a check whose student code
called functions of earlier parts is run again with the grader's functions standing in for
those. These sentences say what that second run showed; `as_dict` / `blame_of` are the
results.json form (`tests[i].extra_data.blame`), the one place it is written and read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from grading.confined.limits import MAX_TEXT_CHARS
from grading.results.model import Blame, CheckResult


def _modules(functions: Iterable[str]) -> list[str]:
    return sorted({f.partition(".")[0] for f in functions})


def _named(functions: Iterable[str], part_numbers: Mapping[str, int]) -> str:
    """ "layers.dense_backward (Part 5)", or for several "one of a, b (Part 5), c (Part 1)"."""
    functions = sorted(functions)
    by_module: dict[str, list[str]] = {}
    for f in functions:
        by_module.setdefault(f.partition(".")[0], []).append(f)
    groups = []
    for module, names in by_module.items():
        number = part_numbers.get(module)
        groups.append(", ".join(names) + (f" (Part {number})" if number else ""))
    return ("one of " if len(functions) > 1 else "") + ", ".join(groups)


class Evidence:
    """What the checks graded so far say of each student function, to name the likeliest
    at fault among those the grader answered for (`suspects`).

    Per function: how many checks of its own part that called it failed, and how many ran
    (a check failed only because of earlier parts does not count against it); and for a
    function whose checks failed only because of others, those others' suspects.
    """

    def __init__(self) -> None:
        self._record: dict[str, tuple[int, int]] = {}
        self._passed_on: dict[str, set[str]] = {}

    def add(self, result: CheckResult) -> None:
        """Count a graded check for the functions of its own part it called."""
        own = [t for t in result.targets if t.partition(".")[0] == result.check.part]
        upstream = result.blame is not None and result.blame.upstream
        for f in own:
            failed, run = self._record.get(f, (0, 0))
            self._record[f] = (failed + (not result.passed and not upstream), run + 1)
            if upstream and result.blame is not None:
                self._passed_on.setdefault(f, set()).update(self.suspects(result.blame))

    def suspects(self, blame: Blame) -> tuple[str, ...]:
        """Of `blame.functions`, those with the largest share of failed checks in their own
        part; else, when their checks failed only because of other functions, those
        functions' suspects; else all of them."""
        share = {f: self._share(f) for f in blame.functions}
        top = max(share.values(), default=0.0)
        if top > 0:
            return tuple(f for f in blame.functions if share[f] == top)
        passed_on = set().union(*(self._passed_on.get(f, set()) for f in blame.functions))
        return tuple(sorted(passed_on)) or blame.functions

    def _share(self, function: str) -> float:
        failed, run = self._record.get(function, (0, 0))
        return failed / run if run else 0.0


def upstream_sentence(
    blame: Blame, own: Iterable[str], suspects: Iterable[str], part_numbers: Mapping[str, int]
) -> str:
    """For a check that passes only with the grader's functions: "Your network.forward is
    right when given correct layers: this test fails because of layers.dense_backward
    (Part 5)." (`own`: the functions of the check's part it called; `suspects`: the
    likeliest at fault, `Evidence.suspects`)."""
    mine = ", ".join(sorted(own)) or "code"
    given = " and ".join(_modules(blame.functions))
    return (
        f"Your {mine} is right when given correct {given}: this test fails because of "
        f"{_named(suspects, part_numbers)}."
    )


def rescued_sentence(blame: Blame) -> str:
    """For a check passed with the grader's functions standing in (charged elsewhere)."""
    given = " and ".join(_modules(blame.functions))
    return (
        f"Passed with the grader's {given} in place of yours: a mistake there costs points "
        "only in its own part."
    )


def own_sentence(blame: Blame) -> str:
    """Added to a failure that remains with the grader's functions standing in."""
    return f"it fails even with correct {', '.join(blame.functions)}"


def as_dict(blame: Blame) -> dict[str, Any]:
    """results.json's `extra_data.blame`."""
    return {"functions": list(blame.functions), "upstream": blame.upstream}


def blame_of(test: dict[str, Any]) -> Blame | None:
    """The Blame a results.json test entry carries (None without one, or when malformed)."""
    extra = test.get("extra_data")
    data = extra.get("blame") if type(extra) is dict else None
    if type(data) is not dict:
        return None
    functions, upstream = data.get("functions"), data.get("upstream")
    if type(functions) is not list or type(upstream) is not bool:
        return None
    if not functions or not all(type(f) is str and len(f) <= MAX_TEXT_CHARS for f in functions):
        return None
    return Blame(tuple(functions), upstream)
