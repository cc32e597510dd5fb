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
from grading.results.model import Blame


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


def upstream_sentence(blame: Blame, own: Iterable[str], part_numbers: Mapping[str, int]) -> str:
    """For a check that passes only with the grader's functions: "Your network.forward is
    right when given correct layers: this test fails because of layers.dense_backward
    (Part 5)." (`own`: the functions of the check's part it called)."""
    mine = ", ".join(sorted(own)) or "code"
    given = " and ".join(_modules(blame.functions))
    return (
        f"Your {mine} is right when given correct {given}: this test fails because of "
        f"{_named(blame.functions, part_numbers)}."
    )


def rescued_sentence(blame: Blame, part_numbers: Mapping[str, int]) -> str:
    """For a check passed with the grader's functions standing in (charged elsewhere)."""
    return (
        f"Passed with the grader's correct {', '.join(blame.functions)} in place of yours; "
        f"yours fail in their own part ({_parts(blame, part_numbers)}), and only there."
    )


def own_sentence(blame: Blame) -> str:
    """Added to a failure that remains with the grader's functions standing in."""
    return f"it fails even with correct {', '.join(blame.functions)}"


def _parts(blame: Blame, part_numbers: Mapping[str, int]) -> str:
    numbers = sorted({part_numbers[m] for m in _modules(blame.functions) if m in part_numbers})
    return ", ".join(f"Part {n}" for n in numbers) or "their part"


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
