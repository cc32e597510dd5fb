"""The solution markers, and the one parser of them.

In a solution file each solution region is a `# BEGIN SOLUTION` ... `# END SOLUTION` pair
of comment lines, preceded by the `# STUB: ` lines the student gets instead. The release,
the exports and mutation testing all find regions with `solution_regions`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from grading.course.assignment import AuthoringError

BEGIN, END, STUB = "# BEGIN SOLUTION", "# END SOLUTION", "# STUB: "
STUB_RE = re.compile(r"^(\s*)# STUB: ?(.*)$")


class MarkerError(AuthoringError):
    """A solution file whose markers do not pair up; the message names file and line."""


@dataclass(frozen=True)
class Region:
    """One solution region: the 1-based line numbers of its BEGIN and END markers."""

    begin: int
    end: int

    @property
    def inside(self) -> range:
        """The line numbers strictly between the markers."""
        return range(self.begin + 1, self.end)


def solution_regions(source: str, filename: str = "<source>") -> list[Region]:
    """Every region of `source`, in order; MarkerError when the markers do not pair up."""
    regions: list[Region] = []
    start: int | None = None
    for number, line in enumerate(source.splitlines(), start=1):
        marker = line.strip()
        if marker == BEGIN:
            if start is not None:
                raise MarkerError(f"{filename}:{number}: BEGIN SOLUTION inside another region")
            start = number
        elif marker == END:
            if start is None:
                raise MarkerError(f"{filename}:{number}: END SOLUTION without BEGIN SOLUTION")
            regions.append(Region(start, number))
            start = None
    if start is not None:
        raise MarkerError(f"{filename}: BEGIN SOLUTION is never closed")
    return regions
