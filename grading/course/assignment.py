"""The assignment as data: `solution/assignment.toml`, read and checked once.

It holds the course content the engine needs: the student package's name, the course and
its lectures, the text of the student README, and the parts in order (module, title,
slides, summary, and optionally a declared total of points). Points themselves sit beside
each check (`@check(part, points=...)`); `grading.checks.points` adds them up per part and
compares with the totals declared here.

Every authoring mistake is an `AssignmentError` whose message is one line naming the file
and, where there is one, the part: the CLI prints it as `nnkit: error: ...`.
"""

from __future__ import annotations

import functools
import keyword
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the same parser, packaged as tomli
    import tomli as tomllib  # type: ignore[no-redef]

from grading.course.paths import KIT_ROOT, SOLUTION_DIR

ASSIGNMENT_FILE = SOLUTION_DIR / "assignment.toml"
MODULE_NAME = re.compile(r"[a-z_][a-z0-9_]*")
NOT_A_PART = frozenset({"__init__", "__main__", "conftest"})
README_KEYS = ("title", "intro", "notebook", "rules")


class AuthoringError(ValueError):
    """A mistake in a course file (the assignment, its solution markers, the slide examples,
    the notebook source); the message is one line naming the file. Every command ends on
    one with that line (grading.cli)."""


class AssignmentError(AuthoringError):
    """The assignment's data is wrong; the message is one line naming the file (and part)."""


@dataclass(frozen=True)
class Part:
    """One part of the assignment: the module `<package>/<module>.py` the student writes.

    `number` counts from 1 in file order; `points` is the total the instructor declared
    (None: whatever the part's checks add up to; see grading.checks.points).
    """

    number: int
    module: str
    title: str
    slides: str
    summary: str
    points: float | None = None


@dataclass(frozen=True)
class Course:
    """The course the assignment belongs to: its code (e.g. "CS101") and lectures."""

    code: str
    lectures: tuple[str, ...]


@dataclass(frozen=True)
class Readme:
    """The course's own paragraphs of the student README (Markdown, no trailing newline)."""

    title: str
    intro: str
    notebook: str
    rules: str


@dataclass(frozen=True)
class Grading:
    """How verdicts are reached (`[grading]`, optional).

    `charge_downstream`: when a check fails only because of functions of the parts before
    its own (it passes with the grader's functions standing in for them), it still fails
    (False, the default: it passes, and only the part holding the mistake is charged).
    """

    charge_downstream: bool = False


@dataclass(frozen=True)
class Assignment:
    """Everything `solution/assignment.toml` says, checked."""

    package: str
    course: Course
    readme: Readme
    parts: tuple[Part, ...]
    points: float | None  # the declared total (None: whatever the checks add up to)
    source: str  # the file it was read from, as the kit names it in messages
    grading: Grading = Grading()

    @property
    def modules(self) -> tuple[str, ...]:
        """The parts' module names, in order."""
        return tuple(part.module for part in self.parts)

    @property
    def module_files(self) -> frozenset[str]:
        """The file names a submission is made of: `<module>.py` for each part."""
        return frozenset(f"{module}.py" for module in self.modules)

    def part(self, module: str) -> Part:
        """The part whose module is `module` (AssignmentError when there is none)."""
        for part in self.parts:
            if part.module == module:
                return part
        raise AssignmentError(
            f"{self.source}: no part has module {module!r} (parts: {', '.join(self.modules)})"
        )


def display_path(path: Path) -> str:
    """`path` relative to the kit's root when it is inside it (for messages)."""
    try:
        return Path(path).resolve().relative_to(Path(KIT_ROOT).resolve()).as_posix()
    except ValueError:
        return str(path)


def assignment() -> Assignment:
    """The kit's assignment (`solution/assignment.toml`), read once per process."""
    return load_assignment(ASSIGNMENT_FILE)


@functools.lru_cache(maxsize=8)
def load_assignment(path: Path) -> Assignment:
    """Read and check an assignment file; AssignmentError (one line) on any mistake."""
    where = display_path(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AssignmentError(f"{where}: not found (the kit needs its assignment file)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AssignmentError(f"{where}: cannot be read: {exc}") from None
    return parse_assignment(text, where)


def parse_assignment(text: str, where: str) -> Assignment:
    """Check the text of an assignment file (`where` names it in messages)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise AssignmentError(f"{where}: not valid TOML: {exc}") from None
    return _assignment(data, where)


def _assignment(data: dict[str, Any], where: str) -> Assignment:
    _only_keys(
        data, {"package", "points", "course", "readme", "parts", "grading"}, where, "the file"
    )
    package = _text(data, "package", where, "the file")
    if not MODULE_NAME.fullmatch(package) or keyword.iskeyword(package):
        raise AssignmentError(
            f"{where}: package {package!r} is not a Python package name (lower case, digits, _)"
        )
    course_data = _table(data, "course", where)
    _only_keys(course_data, {"code", "lectures"}, where, "[course]")
    lectures = course_data.get("lectures", [])
    if not isinstance(lectures, list) or not all(isinstance(x, str) for x in lectures):
        raise AssignmentError(f"{where}: [course] lectures should be a list of strings")
    course = Course(_text(course_data, "code", where, "[course]"), tuple(lectures))
    readme_data = _table(data, "readme", where)
    _only_keys(readme_data, set(README_KEYS), where, "[readme]")
    readme = Readme(**{key: _text(readme_data, key, where, "[readme]") for key in README_KEYS})
    raw_parts = data.get("parts")
    if not isinstance(raw_parts, list) or not raw_parts:
        raise AssignmentError(f"{where}: no parts: add a [[parts]] table per module")
    parts: list[Part] = []
    for number, raw in enumerate(raw_parts, start=1):
        parts.append(_part(number, raw, where, {p.module for p in parts}))
    return Assignment(
        package=package,
        course=course,
        readme=readme,
        parts=tuple(parts),
        points=_points(data, where, "the file"),
        source=where,
        grading=_grading(data, where),
    )


def _grading(data: dict[str, Any], where: str) -> Grading:
    table = data.get("grading", {})
    if not isinstance(table, dict):
        raise AssignmentError(f"{where}: grading should be a table [grading]")
    _only_keys(table, {"charge_downstream"}, where, "[grading]")
    charge = table.get("charge_downstream", False)
    if not isinstance(charge, bool):
        raise AssignmentError(
            f"{where}: [grading] charge_downstream should be true or false, got {charge!r}"
        )
    return Grading(charge_downstream=charge)


def _part(number: int, raw: Any, where: str, taken: set[str]) -> Part:
    if not isinstance(raw, dict):
        raise AssignmentError(f"{where}: part {number} should be a [[parts]] table")
    module = raw.get("module")
    what = f"part {number}" + (f" ({module})" if isinstance(module, str) else "")
    _only_keys(raw, {"module", "title", "slides", "summary", "points"}, where, what)
    module = _text(raw, "module", where, what)
    if not MODULE_NAME.fullmatch(module) or keyword.iskeyword(module) or module in NOT_A_PART:
        raise AssignmentError(
            f"{where}: {what}: module {module!r} is not a module name (lower case, digits, _)"
        )
    if module in taken:
        raise AssignmentError(f"{where}: {what}: module {module!r} is listed twice")
    return Part(
        number=number,
        module=module,
        title=_text(raw, "title", where, what),
        slides=_text(raw, "slides", where, what),
        summary=_text(raw, "summary", where, what),
        points=_points(raw, where, what),
    )


def _only_keys(table: dict[str, Any], allowed: set[str], where: str, what: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise AssignmentError(
            f"{where}: {what}: unknown key {unknown[0]!r} (known: {', '.join(sorted(allowed))})"
        )


def _table(data: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    table = data.get(key)
    if not isinstance(table, dict):
        raise AssignmentError(f"{where}: missing table [{key}]")
    return table


def _text(table: dict[str, Any], key: str, where: str, what: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise AssignmentError(f"{where}: {what}: {key} should be a non-empty string")
    return value.strip()


def _points(table: dict[str, Any], where: str, what: str) -> float | None:
    value = table.get("points")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise AssignmentError(f"{where}: {what}: points should be a positive number, got {value!r}")
    return float(value)
