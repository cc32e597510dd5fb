"""Terminal output: one line per check (PASS/FAIL), a per-part table and the total."""

from __future__ import annotations

from pathlib import Path

from rich import box
from rich.console import Console
from rich.table import Table

from grading.grader import GradeReport
from grading.parts import PARTS
from grading.results import part_scores


def print_report(report: GradeReport, submission: Path, console: Console | None = None) -> None:
    """Every check with its verdict, then the per-part table and the total."""
    console = console or Console(highlight=False)
    for r in report.results:
        mark = "[green]PASS[/]" if r.passed else "[red]FAIL[/]"
        console.print(
            f"{mark} {r.number:>5}  {r.check.title}  [dim]({r.score:g}/{r.check.points:g})[/]"
        )
        if not r.passed:
            console.print(f"            {r.message}", markup=False)
    table = Table(title=f"nnkit grade: {submission}")
    table.add_column("Part")
    table.add_column("Earned", justify="right")
    table.add_column("Possible", justify="right")
    for title, earned, possible in part_scores(report):
        table.add_row(title, f"{earned:g}", f"{possible:g}")
    table.add_row("[bold]Total[/]", f"[bold]{report.score:g}[/]", f"{report.max_score:g}")
    console.print(table)
    console.print(
        f"Graded in {report.seconds:.2f} s (seed {report.seed}, suite {report.suite_version})."
    )


def print_class_table(
    reports: list[tuple[str, GradeReport]], console: Console | None = None
) -> None:
    """One row per submission, one column per part (P1..P8, named below), and the total."""
    console = console or Console(highlight=False, width=120)
    table = Table(title="nnkit: sample submissions", box=box.SIMPLE_HEAD)
    table.add_column("Submission", no_wrap=True)
    for part in PARTS:
        table.add_column(f"P{part.number}\n/{part.points}", justify="right")
    table.add_column("Total\n/100", justify="right")
    table.add_column("Time", justify="right", no_wrap=True)
    for name, report in reports:
        cells = [f"{earned:g}" for _t, earned, _p in part_scores(report)]
        table.add_row(name, *cells, f"[bold]{report.score:g}[/]", f"{report.seconds:.1f} s")
    console.print(table)
    console.print("  ".join(f"P{p.number} {p.module}" for p in PARTS))
