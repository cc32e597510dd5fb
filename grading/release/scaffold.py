"""`nnkit new-part MODULE`: the files of a new part, ready to fill in.

It writes, for a part `MODULE` of the student package:
- `solution/<package>/MODULE.py`: an example function and its gradient, each with
  `# STUB: ` lines and a `# BEGIN SOLUTION` ... `# END SOLUTION` region (the release's
  conventions, grading.release.student_release);
- `solution/tests/test_MODULE.py`: a public test of the example;
- `autograder/checks_MODULE.py`: two hidden checks, a value check against the reference
  solution and a gradient check against the grader's central differences;
- and registers the part: a `[[parts]]` table in `solution/assignment.toml`, and its
  `[solution]` and `[check]` cells in `solution/notebook.py`.

The scaffold works as written (the solution scores full marks on the new part, the
release 0); the instructor then replaces the example with the part's own functions.
Nothing is written when any of it would fail: a module that exists, a bad name or an
unknown `--after` part is a `ScaffoldError` (one line).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from grading.course.assignment import (
    ASSIGNMENT_FILE,
    AssignmentError,
    assignment,
    display_path,
    parse_assignment,
)
from grading.course.paths import AUTOGRADER_DIR, SOLUTION_DIR
from grading.release.notebook import NOTEBOOK_SOURCE

PARTS_HEADER = "[[parts]]"


class ScaffoldError(ValueError):
    """The part cannot be scaffolded; the message is one line for the instructor."""


@dataclass(frozen=True)
class NewPart:
    """What the templates need: `number` is the part's place (1-based) after insertion."""

    package: str
    module: str
    title: str
    number: int
    points: float | None

    @property
    def check_points(self) -> str:
        """Each of the two example checks' points (half the part's, or 1)."""
        return f"{self.points / 2:g}" if self.points is not None else "1"


def scaffold_part(
    module: str, title: str, *, points: float | None = None, after: str | None = None
) -> list[str]:
    """Write the new part's files and register it; returns the paths written (as the kit
    names them). Raises ScaffoldError, and writes nothing, when it cannot."""
    course = assignment()
    if after is not None and after not in course.modules:
        raise ScaffoldError(f"--after {after!r}: no such part (parts: {', '.join(course.modules)})")
    index = course.modules.index(after) + 1 if after is not None else len(course.parts)
    part = NewPart(course.package, module, title.strip(), index + 1, points)
    files = {
        SOLUTION_DIR / course.package / f"{module}.py": solution_module(part),
        SOLUTION_DIR / "tests" / f"test_{module}.py": public_tests(part),
        AUTOGRADER_DIR / f"checks_{module}.py": hidden_checks(part),
    }
    if module in course.modules:
        raise ScaffoldError(f"part {module!r} exists already ({course.source})")
    for path in files:
        if path.exists():
            raise ScaffoldError(f"{display_path(path)} exists already: choose another module")
    toml = registered_toml(ASSIGNMENT_FILE.read_text(encoding="utf-8"), part, after)
    try:  # the same checks as every command's, before anything is written
        parse_assignment(toml, course.source)
    except AssignmentError as exc:
        raise ScaffoldError(str(exc)) from None
    notebook = registered_notebook(NOTEBOOK_SOURCE.read_text(encoding="utf-8"), part, after)
    files[ASSIGNMENT_FILE] = toml
    files[NOTEBOOK_SOURCE] = notebook
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    return [display_path(path) for path in files]


# -- registering ---------------------------------------------------------------------------


def registered_toml(text: str, part: NewPart, after: str | None) -> str:
    """`text` (solution/assignment.toml) with a `[[parts]]` table for `part`, after the
    table of `after` (default: the last), comments and layout kept."""
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.strip() == PARTS_HEADER]
    if not starts:
        raise ScaffoldError(f"{display_path(ASSIGNMENT_FILE)} has no [[parts]] table")
    modules = [_module_of(lines, start) for start in starts]
    if after is None:
        insert_at = len(lines)
    else:
        which = modules.index(after) + 1
        insert_at = starts[which] if which < len(starts) else len(lines)
    table = [
        PARTS_HEADER,
        f"module = {_quoted(part.module)}",
        f"title = {_quoted(part.title)}",
        'slides = "TODO: where the lecture covers it"',
        'summary = "TODO: one line for the student README, ending with a full stop."',
    ]
    if part.points is not None:
        table.append(f"points = {part.points:g}")
    block = "\n".join(table) + "\n"
    head = lines[:insert_at]
    if head and not head[-1].endswith("\n"):
        head[-1] += "\n"
    while head and not head[-1].strip():
        head.pop()
    tail = lines[insert_at:]
    return "".join(head) + "\n" + block + ("\n" if tail else "") + "".join(tail)


def _module_of(lines: list[str], start: int) -> str:
    for line in lines[start + 1 :]:
        if line.strip().startswith("[") or line.strip() == PARTS_HEADER:
            break
        key, _, value = line.partition("=")
        if key.strip() == "module":
            return value.strip().strip("\"'")
    return ""


def _quoted(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def registered_notebook(text: str, part: NewPart, after: str | None) -> str:
    """`text` (solution/notebook.py) with the part's cells: a heading, its [solution] and
    its [check] cell, after the [check] cell of `after` (default: of the last part)."""
    previous = after or assignment().modules[-1]
    marker = f"# %% [check] {previous}"
    lines = text.splitlines(keepends=True)
    found = [i for i, line in enumerate(lines) if line.strip() == marker]
    if len(found) != 1:
        raise ScaffoldError(
            f"{display_path(NOTEBOOK_SOURCE)}: expected one '{marker}' line to put the new "
            f"part's cells after"
        )
    cells = (
        "\n# %% [markdown]\n"
        f"# ## Part {part.number}: {part.title}\n"
        "#\n"
        "# TODO: what this part builds, and the example from the slides.\n"
        f"\n# %% [solution] {part.module}\n"
        f"\n# %% [check] {part.module}\n"
    )
    at = found[0] + 1
    return "".join(lines[:at]) + cells + "".join(lines[at:])


# -- the three files -------------------------------------------------------------------------


def solution_module(part: NewPart) -> str:
    """The solution module: an example function and its gradient, with stubs."""
    stub = f"Part {part.number} ({part.module})"
    return textwrap.dedent(
        f'''\
        """Part {part.number}: {part.title}.

        TODO: what this part computes, with the shapes of its inputs and outputs. The
        example below (half the sum of squares and its gradient) shows the conventions
        of docs/AUTHORING.md: stub lines (the hint and the NotImplementedError students
        see) just before each solution region.
        """

        import numpy as np


        def example(x):
            """Half the sum of squares of x: 0.5 * sum(x ** 2).

            Inputs:
            - x: array of any shape

            Returns:
            - value: float
            """
            # STUB: # Hint: square elementwise, sum everything, halve it; return float(...).
            # STUB: raise NotImplementedError("{stub}: implement example")
            # BEGIN SOLUTION
            x = np.asarray(x, dtype=np.float64)
            return float(0.5 * np.sum(x**2))
            # END SOLUTION


        def example_grad(x):
            """Gradient of example(x) with respect to x.

            Inputs:
            - x: array of any shape

            Returns:
            - dx: float64 array shaped like x
            """
            # STUB: # Hint: the derivative of 0.5 * x**2 is x.
            # STUB: raise NotImplementedError("{stub}: implement example_grad")
            # BEGIN SOLUTION
            return np.array(x, dtype=np.float64)
            # END SOLUTION
        '''
    )


def public_tests(part: NewPart) -> str:
    """The public tests students run (`pytest tests/test_MODULE.py`)."""
    return textwrap.dedent(
        f'''\
        """Part {part.number}: {part.title}."""

        import numpy as np
        import pytest
        from {part.package}.{part.module} import example, example_grad

        pytestmark = pytest.mark.part({part.number}, "{part.module}")


        def test_example_value():
            x = np.array([1.0, -2.0, 3.0])
            value = example(x)
            assert np.isclose(value, 7.0), (
                f"example([1, -2, 3]) should be 0.5 * (1 + 4 + 9) = 7.0, got {{value}}"
            )


        def test_example_grad_shape():
            x = np.zeros((2, 3))
            grad = example_grad(x)
            assert np.shape(grad) == (2, 3), (
                f"example_grad should return an array shaped like x, (2, 3), "
                f"got {{np.shape(grad)}}"
            )
        '''
    )


def hidden_checks(part: NewPart) -> str:
    """The hidden checks: a value check and a gradient check, with their points."""
    module = part.module
    return textwrap.dedent(
        f'''\
        """Part {part.number}: {part.title}."""

        from __future__ import annotations

        import numpy as np

        from autograder.common import check, expect_grad, expect_number, gradcheck_problem
        from grading.checks.reference import ref
        from grading.checks.suite import Student, numerical_gradient

        PART = "{module}"


        def _draw(rng: np.random.Generator) -> np.ndarray:
            """A random (4, 3) input: a batch of 4 rows, not square."""
            return rng.normal(size=(4, 3))


        @check(PART, points={part.check_points}, tags=("random",))
        def {module}_example_random(student: Student) -> None:
            """example: right value on a random (4, 3) array"""
            x = _draw(student.rng)
            value = student.call("{module}.example", x)
            expect_number(value, ref.{module}.example(x), "example(x) for x of shape (4, 3)")


        @check(PART, points={part.check_points}, tags=("gradcheck", "random"))
        def {module}_example_gradient(student: Student) -> None:
            """example_grad: passes the gradient check on a random (4, 3) array"""
            x, (numeric,) = gradcheck_problem(
                student.rng,
                _draw,
                exact=lambda x: [ref.{module}.example_grad(x)],
                numeric=lambda x: [numerical_gradient(ref.{module}.example, x)],
            )
            grad = student.call("{module}.example_grad", x)
            expect_grad(grad, numeric, "example_grad(x) for x of shape (4, 3)")
        '''
    )
