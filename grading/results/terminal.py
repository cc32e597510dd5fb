"""Terminal output: the likely causes shared by several failures, one line per check
(PASS/FAIL), a per-part table and the total; the words are those of results.json
(`grading.results.causes`).

Text that is not the grader's own (a failure's student text, a submission's name) is made
safe for a terminal here: control characters removed (no escape sequence reaches the
terminal: no recolouring, no window title, no clipboard) and rich markup escaped. A
failure is printed as plain text, indented on every line it wraps to, so that nothing it
says can look like a verdict line.
"""

from __future__ import annotations

import re
from pathlib import Path

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from grading.results.causes import Causes
from grading.results.console import make_console
from grading.results.failure import of_test
from grading.results.gradescope import to_gradescope
from grading.results.model import GradeReport

_CONTROLS = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
MESSAGE_INDENT = 12  # columns: failure text starts (and wraps) right of the verdict


def terminal_text(text: str) -> str:
    """`text` on one line, without control characters (ESC, BEL, CR, C1, bidi overrides)."""
    return _CONTROLS.sub("", text.replace("\n", " "))


def print_report(report: GradeReport, submission: Path, console: Console | None = None) -> None:
    """The likely causes shared by several failures, every check with its verdict (and
    the report's notes on it), then the per-part table and the total."""
    console = console or make_console()
    document = to_gradescope(report)  # the words every other output uses
    causes = Causes(document)
    for line in causes.lines():
        console.print(Text("Likely cause: ", style="bold red") + Text(terminal_text(line)))
    for r, test in zip(report.results, document["tests"], strict=True):
        mark = "[green]PASS[/]" if r.passed else "[red]FAIL[/]"
        console.print(
            f"{mark} {r.number:>5}  {escape(r.check.title)}  "
            f"[dim]({r.score:g}/{r.check.points:g})[/]"
        )
        failure = of_test(test)
        notes = causes.notes(test)
        if failure is not None:
            text = failure.plain(causes.label(test), notes)
        else:
            text = " ".join(f"{note}." for note in notes)
        if text and console.soft_wrap:  # a log: the whole line, however long
            console.print(Text(" " * MESSAGE_INDENT + terminal_text(text)))
        elif text:
            message = Text(terminal_text(text))
            console.print(Padding(message, (0, 0, 0, MESSAGE_INDENT)))
    table = Table(title=escape(terminal_text(f"nnkit grade: {submission}")))
    table.add_column("Part")
    table.add_column("Earned", justify="right")
    table.add_column("Possible", justify="right")
    for part in report.parts:
        table.add_row(part.label, f"{part.earned:g}", f"{part.possible:g}")
    table.add_row("[bold]Total[/]", f"[bold]{report.score:g}[/]", f"{report.max_score:g}")
    console.print(table)
    console.print(
        f"Graded in {report.seconds:.2f} s (seed {report.seed}, suite {report.suite_version})."
    )


def print_class_table(
    reports: list[tuple[str, GradeReport]], console: Console | None = None
) -> None:
    """One row per submission, one column per part (P1..P8, named below), and the total."""
    console = console or make_console(width=120)
    table = Table(title="nnkit: sample submissions", box=box.SIMPLE_HEAD)
    table.add_column("Submission", no_wrap=True)
    parts = next((report.parts for _name, report in reports if report.parts), [])
    for part in parts:
        table.add_column(f"P{part.number}\n/{part.possible:g}", justify="right")
    total = max((report.max_score for _name, report in reports), default=0.0)
    table.add_column(f"Total\n/{total:g}", justify="right")
    table.add_column("Time", justify="right", no_wrap=True)
    for name, report in reports:
        cells = [f"{part.earned:g}" for part in report.parts]
        table.add_row(
            escape(terminal_text(name)),
            *cells,
            f"[bold]{report.score:g}[/]",
            f"{report.seconds:.1f} s",
        )
    console.print(table)
    console.print("  ".join(f"P{p.number} {p.module}" for p in parts))
