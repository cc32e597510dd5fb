"""The `nnkit` command line: release, grade, demo.

Exit codes: 0 when the command did its job (whatever the score), 1 when `release --check`
finds the release out of date, 2 for bad input (an unreadable submission, a bad option).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from grading.paths import ASSIGNMENT_DIR, KIT_ROOT, SAMPLES_DIR, SOLUTION_DIR


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"nnkit: error: {message}", err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """nnkit: release, grade and demo the neural-network basics assignment."""


@main.command()
@click.option("--check", is_flag=True, help="Only check that assignment/ is up to date.")
def release(check: bool) -> None:
    """Regenerate the student release assignment/ from solution/."""
    from grading.release import MarkerError, release_differences, write_release

    try:
        if check:
            problems = release_differences()
            if problems:
                click.echo("assignment/ is out of date; run `nnkit release`:", err=True)
                for line in problems:
                    click.echo(f"  {line}", err=True)
                sys.exit(1)
            click.echo("assignment/ is up to date.")
            return
        files = write_release()
    except MarkerError as exc:
        _fail(str(exc))
    click.echo(f"Wrote {len(files)} files to {ASSIGNMENT_DIR.relative_to(KIT_ROOT)}/.")


@main.command()
@click.argument("submission", type=click.Path(path_type=Path))
@click.option(
    "--results",
    "results_path",
    type=click.Path(path_type=Path),
    default=Path("results.json"),
    show_default=True,
    help="Where to write Gradescope's results.json.",
)
@click.option("--quiet", is_flag=True, help="Print only the total.")
def grade(submission: Path, results_path: Path, quiet: bool) -> None:
    """Grade SUBMISSION (a folder holding nnbasics/, the module files, or a .zip)."""
    from grading.grader import default_secret
    from grading.grader import grade as grade_submission
    from grading.results import to_gradescope, write_json_atomic
    from grading.submission import SubmissionError

    try:
        report = grade_submission(submission, secret=default_secret())
    except SubmissionError as exc:
        _fail(str(exc))
    write_json_atomic(to_gradescope(report), results_path)
    if quiet:
        click.echo(f"{report.score:g} / {report.max_score:g}")
        return
    from grading.report import print_report

    print_report(report, submission)
    click.echo(f"Results written to {results_path}")


@main.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("build/demo"),
    show_default=True,
    help="Where to write each sample's results.json.",
)
def demo(out: Path) -> None:
    """Grade the bundled samples (solution, release, buggy submissions) and show a table."""
    from grading.grader import default_secret
    from grading.grader import grade as grade_submission
    from grading.report import print_class_table
    from grading.results import to_gradescope, write_json_atomic

    samples = [("solution", SOLUTION_DIR), ("release (stubs)", ASSIGNMENT_DIR)]
    samples += [(p.name, p) for p in sorted((SAMPLES_DIR / "submissions").iterdir()) if p.is_dir()]
    reports = []
    for name, path in samples:
        click.echo(f"grading {name} ...", err=True)
        report = grade_submission(path, secret=default_secret())
        write_json_atomic(to_gradescope(report), out / f"{path.name}.json")
        reports.append((name, report))
    print_class_table(reports)
    click.echo(f"Results written to {out}/")


if __name__ == "__main__":
    main()
