"""The `nnkit` command line: release, grade, demo.

Exit codes: 0 when the command did its job (whatever the score), 1 when `release --check`
finds the release out of date, 2 for bad input (an unreadable submission, a bad option).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from click.core import ParameterSource

from grading.confined.limits import MUTANT_TIMEOUT_SECONDS
from grading.course.paths import ASSIGNMENT_DIR, KIT_ROOT, SAMPLES_DIR, SOLUTION_DIR
from grading.results.model import DEFAULT_VISIBILITY, VISIBILITIES
from grading.similarity.pairs import DEFAULT_THRESHOLD


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"nnkit: error: {message}", err=True)
    sys.exit(code)


LOCAL_HINT = ", or pass --local to try the kit with the public built-in secret"
PUBLIC_SECRET_WARNING = (
    "nnkit: warning: grading with the public built-in secret: anyone can compute these "
    "random inputs in advance (set NNKIT_SECRET for real grades)"
)
NO_BUNDLE_SECRET = (
    "this autograder holds no course secret (nnkit.json) and {reason}: rebuild it with "
    "NNKIT_SECRET set (nnkit gradescope)"
)
NO_BUNDLE_SECRET_STUDENT = (
    "the autograder is not set up (it holds no course secret). Please tell your instructor."
)
CLASS_REPORT_OPTION = click.option(
    "--class-report/--no-class-report",
    default=True,
    show_default=True,
    help="Write OUT/class_report/ (pass rates, score histogram, common diagnoses).",
)
ASSIGNMENT_NAME_OPTION = click.option(
    "--assignment-name",
    default=None,
    metavar="NAME",
    help="The grade column of canvas.csv and moodle.csv: the assignment's name in the LMS "
    '(Canvas also takes "Name (assignment id)").  [default: course code and package]',
)
LOCAL_OPTION = click.option(
    "--local",
    is_flag=True,
    help="Without NNKIT_SECRET, grade with the public built-in secret (to try the kit; "
    "never for real grades).",
)


def _course_secret(
    *, local: bool, missing: str = LOCAL_HINT, bundle: dict[str, object] | None = None
) -> bytes:
    """The course secret (grading.grade.secret.default_secret: the `bundle`'s, else
    NNKIT_SECRET), or a one-line error saying what to do (`missing`); with `local`, the
    public built-in secret and a warning instead."""
    from grading.grade.secret import SecretError, default_secret, uses_public_secret

    try:
        secret = default_secret(local=local, bundle=bundle)
    except SecretError as exc:
        _fail(f"{exc}: set it to your course secret{missing}")
    if uses_public_secret(secret):
        click.echo(PUBLIC_SECRET_WARNING, err=True)
    return secret


class _Kit(click.Group):
    """The command group: an authoring mistake anywhere (solution/assignment.toml, a check's
    points, the solution markers, the slide examples, the notebook source) ends any command
    with its one-line message."""

    def invoke(self, ctx: click.Context) -> object:
        from grading.course.assignment import AuthoringError

        try:
            return super().invoke(ctx)
        except AuthoringError as exc:
            _fail(str(exc))


@click.group(cls=_Kit, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """nnkit: release, grade and demo the assignment in solution/."""


@main.command()
@click.option(
    "--check",
    is_flag=True,
    help="Only check that assignment/ and autograder/CHECKS.md are up to date.",
)
def release(check: bool) -> None:
    """Regenerate the student release assignment/ from solution/, and the catalogue of the
    hidden checks autograder/CHECKS.md."""
    from grading.release.student_release import generated_places, release_all, stale_files

    places = " and ".join(generated_places())
    if check:
        problems = stale_files()
        if problems:
            click.echo("generated files are out of date; run `nnkit release`:", err=True)
            for line in problems:
                click.echo(f"  {line}", err=True)
            sys.exit(1)
        click.echo(f"{places} are up to date.")
        return
    files = release_all()
    click.echo(f"Wrote {len(files)} files ({places}).")


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
@click.option(
    "--junit",
    "junit_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Also write the results as JUnit XML, for CI test reports.",
)
@click.option(
    "--html",
    "html_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Also write the feedback as one HTML page.",
)
@click.option("--quiet", is_flag=True, help="Print only the total.")
@LOCAL_OPTION
def grade(
    submission: Path,
    results_path: Path,
    junit_path: Path | None,
    html_path: Path | None,
    quiet: bool,
    local: bool,
) -> None:
    """Grade SUBMISSION (a folder holding the package, its module files, or a .zip).

    Random test inputs are seeded from the course secret NNKIT_SECRET and the submission.
    """
    from grading.grade.one_submission import grade as grade_submission
    from grading.results.gradescope import to_gradescope
    from grading.results.writers import write_outputs
    from grading.sandbox.privileges import keep_private
    from grading.sandbox.uploads import SubmissionError

    secret = _course_secret(local=local)
    paths = {"results": results_path, "junit": junit_path, "html": html_path}
    paths = {name: path for name, path in paths.items() if path is not None}
    # Where nothing else keeps the worker out, the results' folders are closed to it.
    keep_private([p.parent for p in paths.values()])
    try:
        report = grade_submission(submission, secret=secret)
    except SubmissionError as exc:
        _fail(str(exc))
    write_outputs(to_gradescope(report), paths, title=f"nnkit feedback: {submission.name}")
    if quiet:
        click.echo(f"{report.score:g} / {report.max_score:g}")
        return
    from grading.results.terminal import print_report

    print_report(report, submission)
    click.echo(f"Results written to {results_path}")


@main.command("grade-all")
@click.argument("submissions", type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="Where to write submissions/<id>/results.json, feedback.md and the gradebooks.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Submissions graded in parallel.  [default: one per core]",
)
@CLASS_REPORT_OPTION
@click.option(
    "--shard",
    metavar="K/N",
    default=None,
    help="Grade only shard K of N: the submissions whose id hashes to K (merge the N "
    "outputs with `nnkit merge-shards`).",
)
@ASSIGNMENT_NAME_OPTION
@click.option(
    "--similarity",
    is_flag=True,
    help="Also write OUT/similarity/ (alike pairs, as `nnkit similarity`), linked from the "
    "class report.",
)
@LOCAL_OPTION
def grade_all(
    submissions: Path,
    out: Path,
    jobs: int | None,
    class_report: bool,
    shard: str | None,
    assignment_name: str | None,
    similarity: bool,
    local: bool,
) -> None:
    """Grade every submission in SUBMISSIONS (sub-folders or .zip files, or a Gradescope
    export with submission_metadata.yml) into OUT; unchanged submissions are not regraded.
    The course secret is NNKIT_SECRET."""
    from grading.grade.shards import ShardError, parse_shard
    from grading.grade.whole_class import BatchError, print_summary
    from grading.grade.whole_class import grade_all as grade_class
    from grading.sandbox.privileges import keep_private

    try:
        part = parse_shard(shard) if shard is not None else None
    except ShardError as exc:
        _fail(str(exc))
    secret = _course_secret(local=local)
    try:  # made now, so that it can be closed to the worker before grading starts
        out.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass  # grade_class says what is wrong with it
    keep_private([out, submissions])  # where nothing else keeps the worker out
    try:
        summary = grade_class(
            submissions,
            out,
            jobs=jobs,
            secret=secret,
            shard=part,
            assignment_name=assignment_name,
        )
    except BatchError as exc:
        _fail(str(exc))
    print_summary(summary, title=f"nnkit grade-all: {submissions}")
    if similarity:
        _similarity(submissions, out)
    if class_report:
        _class_report(summary.rows, out, f"nnkit class report: {submissions}")


def _class_report(rows: list, out: Path, title: str) -> None:
    """Write OUT/class_report/ from gradebook rows and say where."""
    from grading.checks.diagnose import mistake_titles
    from grading.results.class_report import write_class_report

    page = write_class_report(
        rows, out / "class_report", title=title, titles=mistake_titles(), links=_class_links(out)
    )
    click.echo(f"Class report written to {page}")


@main.command("merge-shards")
@click.argument("shards", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="A new (or empty) folder for the whole class's gradebooks, files and report.",
)
@CLASS_REPORT_OPTION
@ASSIGNMENT_NAME_OPTION
def merge_shards(
    shards: tuple[Path, ...], out: Path, class_report: bool, assignment_name: str | None
) -> None:
    """Merge the OUT folders of `grade-all --shard K/N` runs (SHARDS, one per K) into one
    gradebook, CSVs and class report in OUT. Refuses shards graded under different hidden
    suites or course secrets, cut from different classes, given twice, or missing."""
    from grading.grade.merge import merge_shards as merge
    from grading.grade.shards import ShardError
    from grading.grade.whole_class import lms_lines

    try:
        summary = merge(shards, out, assignment_name=assignment_name)
    except ShardError as exc:
        _fail(str(exc))
    click.echo(
        f"Merged {summary.shards} shards: {len(summary.rows)} submissions graded under suite "
        f"{summary.suite_version} (course secret {summary.secret_fingerprint}) in "
        f"{summary.seconds:.1f} s, into {out}"
    )
    for line in lms_lines(summary.lms, out):
        click.echo(line)
    if class_report:
        _class_report(summary.rows, out, f"nnkit class report: {out}")


def _class_links(out: Path) -> list[tuple[str, str]]:
    """The class-wide pages in OUT that the class report (OUT/class_report/) links."""
    from grading.similarity.report import INDEX
    from grading.similarity.run import REPORT_DIR

    if (out / REPORT_DIR / INDEX).is_file():
        return [("Similarity report", f"../{REPORT_DIR}/{INDEX}")]
    return []


def _similarity(submissions: Path, out: Path, threshold: str | None = None) -> None:
    """Write OUT/similarity/ for the class in SUBMISSIONS and say what it found."""
    from grading.grade.whole_class import BatchError
    from grading.similarity.pairs import ThresholdError, parse_threshold
    from grading.similarity.run import similarity_report

    try:
        share = parse_threshold(DEFAULT_THRESHOLD if threshold is None else threshold)
        found = similarity_report(submissions, out, threshold=share, exclude=[out])
    except (ThresholdError, BatchError) as exc:
        _fail(str(exc))
    unread = f" ({len(found.skipped)} could not be read)" if found.skipped else ""
    pairs = f"{len(found.pairs)} pair{'' if len(found.pairs) == 1 else 's'}"
    click.echo(
        f"Compared {len(found.codes)} submissions{unread}: {pairs} at {100 * share:.0f}% "
        f"similarity or more. Similarity report written to {found.index}"
    )


@main.command()
@click.argument("submissions", type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="Where to write OUT/similarity/ (index.html, a side-by-side page per pair, "
    "pairs.csv). A class report grade-all writes to the same OUT links it.",
)
@click.option(
    "--threshold",
    default=None,
    metavar="SHARE",
    help="List pairs where at least this share (0 to 1) of either side's code is found in "
    f"the other.  [default: {DEFAULT_THRESHOLD}]",
)
def similarity(submissions: Path, out: Path, threshold: str | None) -> None:
    """Compare every submission in SUBMISSIONS with every other (copydetect's winnowed
    fingerprints, as MOSS; the release's stub code is not counted) and report the alike
    pairs side by side. No student code is run."""
    _similarity(submissions, out, threshold)


@main.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("build/demo"),
    show_default=True,
    help="Where to write each sample's results.json.",
)
def demo(out: Path) -> None:
    """Grade the bundled samples (solution, release, buggy submissions) and show a table.

    Without NNKIT_SECRET it uses the public built-in secret (these are not real grades)."""
    from grading.grade.one_submission import grade as grade_submission
    from grading.results.gradescope import to_gradescope
    from grading.results.terminal import print_class_table
    from grading.results.writers import write_outputs

    secret = _course_secret(local=True)
    samples = [("solution", SOLUTION_DIR), ("release (stubs)", ASSIGNMENT_DIR)]
    samples += [(p.name, p) for p in sorted((SAMPLES_DIR / "submissions").iterdir()) if p.is_dir()]
    reports = []
    for name, path in samples:
        click.echo(f"grading {name} ...", err=True)
        report = grade_submission(path, secret=secret)
        write_outputs(to_gradescope(report), {"results": out / f"{path.name}.json"}, name)
        reports.append((name, report))
    print_class_table(reports)
    click.echo(f"Results written to {out}/")


@main.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("autograder.zip"),
    show_default=True,
    help="Where to write the zip to upload to Gradescope.",
)
@click.option(
    "--visibility",
    type=click.Choice(VISIBILITIES),
    default=DEFAULT_VISIBILITY,
    show_default=True,
    help="Visibility of tests whose checks declare none.",
)
@click.option(
    "--try",
    "try_submission",
    type=click.Path(path_type=Path),
    default=None,
    metavar="SUBMISSION",
    help="Then run the zip on SUBMISSION as Gradescope would, in a temporary root "
    "(setup.sh's venv cached in NNKIT_CACHE), and say where results.json is.",
)
@click.option(
    "--bundle",
    type=click.Path(path_type=Path),
    default=None,
    metavar="ZIP",
    help="With --try: try this zip instead of building one.",
)
@click.option(
    "--submission-limit",
    default=None,
    metavar="N",
    help="Grade at most N submissions per --limit-per; later ones get the score that "
    "counts and when the next graded one is possible.  [default: no limit]",
)
@click.option(
    "--limit-per",
    default=None,
    metavar="24h|assignment",
    help="The limit's window: a rolling 24 hours, or the whole assignment.  [default: 24h]",
)
@click.option(
    "--score-counts",
    default=None,
    metavar="last|best",
    help="Whose score counts: the last graded submission's, or the best one's.  [default: last]",
)
def gradescope(
    out: Path,
    visibility: str,
    try_submission: Path | None,
    bundle: Path | None,
    submission_limit: str | None,
    limit_per: str | None,
    score_counts: str | None,
) -> None:
    """Build the Gradescope autograder zip (setup.sh, run_autograder, hidden suite).

    The zip keeps the course secret NNKIT_SECRET: Gradescope grades with it, so a local
    regrade with the same secret gives the same random inputs and scores. With --try, the
    zip's setup.sh and run_autograder then grade SUBMISSION here, as on Gradescope.
    """
    from grading.grade.secret import secret_fingerprint
    from grading.release.gradescope_bundle import build_bundle
    from grading.release.try_bundle import TryError, check_submission, describe, try_bundle

    if bundle is not None and try_submission is None:
        _fail("--bundle goes with --try SUBMISSION")
    from grading.grade.policy import PolicyError, SubmissionPolicy

    given = click.get_current_context().get_parameter_source
    if bundle is not None and ParameterSource.COMMANDLINE in map(given, ("out", "visibility")):
        _fail("--out and --visibility build a zip; --bundle tries one already built")
    policy_options = (submission_limit, limit_per, score_counts)
    if bundle is not None and any(value is not None for value in policy_options):
        _fail("the policy options build a zip; --bundle tries one already built")
    try:
        policy = SubmissionPolicy.from_options(submission_limit, limit_per, score_counts)
    except PolicyError as exc:
        _fail(str(exc))
    try:
        if try_submission is not None:
            check_submission(try_submission)
        if bundle is None:
            secret = _course_secret(
                local=False,
                missing=" before building the zip (Gradescope grades with the copy inside)",
            )
            build_bundle(out, secret=secret.decode(), visibility=visibility, policy=policy)
            click.echo(
                f"Wrote {out} (course secret {secret_fingerprint(secret)}): upload it as the "
                "autograder of a Gradescope programming assignment."
            )
            if policy.active:
                click.echo(f"Submission policy: {policy.describe()}.")
        if try_submission is None:
            return
        trial = try_bundle(bundle or out, try_submission)
    except TryError as exc:
        _fail(str(exc))
    click.echo(trial.stderr, err=True, nl=False)  # run_autograder's warnings and errors
    click.echo("\n".join(describe(trial, bundle or out)))
    if trial.returncode != 0:
        sys.exit(2)


@main.group(name="export")
def export_group() -> None:
    """Export the assignment for a Jupyter grading platform (nbgrader, otter-grader)."""


def _export(kind: str, out: Path, force: bool) -> None:
    from grading.release.exports import ExportError, export_nbgrader, export_otter, next_steps

    write = export_nbgrader if kind == "nbgrader" else export_otter
    try:
        written = write(out, force=force)
    except ExportError as exc:
        _fail(str(exc))
    click.echo(f"Wrote {len(written)} files to {out}/; {next_steps(kind, out)}")


@export_group.command(name="nbgrader")
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite what nnkit writes in OUT; keep the rest.")
def export_nbgrader_command(out: Path, force: bool) -> None:
    """Write an nbgrader course folder to OUT (nbgrader_config.py, source/<package>/)."""
    _export("nbgrader", out, force)


@export_group.command(name="otter")
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite what nnkit writes in OUT; keep the rest.")
def export_otter_command(out: Path, force: bool) -> None:
    """Write an otter-assign master notebook to OUT (<package>.ipynb and what it needs)."""
    _export("otter", out, force)


@main.command(name="run-autograder")
@click.option(
    "--root",
    type=click.Path(path_type=Path),
    default=Path("/autograder"),
    show_default=True,
    help="Gradescope's root: submission/ in, results/ out.",
)
def run_autograder(root: Path) -> None:
    """Grade ROOT/submission and write ROOT/results/results.json (what Gradescope runs).

    A results.json is always written, and is always strict JSON: the grade, or score 0 and
    a one-line reason (an unreadable upload, or a grader failure to report)."""
    from grading.grade.secret import SecretError
    from grading.results.files import write_json_atomic
    from grading.results.gradescope import to_gradescope
    from grading.results.model import GradeReport
    from grading.sandbox.uploads import SubmissionError

    results = root / "results" / "results.json"

    def not_graded(reason: str) -> None:
        write_json_atomic(to_gradescope(GradeReport.could_not_grade(reason)), results)

    try:
        document, summary = _autograde(root)
    except SecretError as exc:
        not_graded(NO_BUNDLE_SECRET_STUDENT)
        _fail(NO_BUNDLE_SECRET.format(reason=exc))
    except SubmissionError as exc:
        not_graded(str(exc))
        click.echo(f"nnkit: submission could not be read: {exc}")
        return
    except (Exception, MemoryError, RecursionError) as exc:  # noqa: BLE001 - still a result
        not_graded(f"the grader failed ({type(exc).__name__}); please tell your instructor")
        from grading.confined.limits import MAX_ERROR_CHARS

        line = f"nnkit: grading failed: {type(exc).__name__}: {exc}"
        click.echo(line[:MAX_ERROR_CHARS], err=True)
        return
    write_json_atomic(document, results)
    click.echo(summary)


def _autograde(root: Path) -> tuple[dict[str, object], str]:
    """(results.json document, summary text) for ROOT/submission; the document is checked
    to be strict JSON (no NaN or infinity) before it is returned."""
    import os

    from grading.grade.one_submission import grade as grade_submission
    from grading.grade.policy import SubmissionPolicy, apply, decision_for, over_limit_document
    from grading.grade.secret import SECRET_ENV, default_secret, secret_mismatch
    from grading.release.gradescope_bundle import load_config
    from grading.results.files import json_text
    from grading.results.gradescope import summary_text, to_gradescope
    from grading.results.model import DEFAULT_VISIBILITY, GradeReport
    from grading.sandbox.privileges import keep_private
    from grading.sandbox.uploads import SubmissionError

    config = load_config(KIT_ROOT)
    # Where neither namespaces nor Landlock keep the worker out, close the hidden tests, the
    # solution and the results to it (as `grade` and `grade-all` do).
    keep_private([KIT_ROOT, root / "results"])
    # The bundle's secret (nnkit.json); outside a bundle, NNKIT_SECRET; else SecretError.
    secret = default_secret(bundle=config)
    mismatch = secret_mismatch(secret, os.environ.get(SECRET_ENV))
    if mismatch:
        click.echo(f"nnkit: warning: {mismatch}", err=True)
    policy = SubmissionPolicy.from_config(config.get("policy"))
    decision = decision_for(policy, root) if policy.active else None
    if decision is not None and decision.note:
        click.echo(f"nnkit: warning: {decision.note}", err=True)
    if decision is not None and not decision.grade:  # over the limit: the code never runs
        document = over_limit_document(policy, decision)
        return document, f"Not graded ({policy.describe()}): {document['output']}"
    try:
        report = grade_submission(root / "submission", secret=secret)
    except SubmissionError as exc:
        if decision is None:
            raise
        # Under a policy an unreadable upload still gets the score that counts.
        document = apply(policy, decision, to_gradescope(GradeReport.could_not_grade(str(exc))))
        return document, f"nnkit: submission could not be read: {exc}"
    document = to_gradescope(
        report, default_visibility=config.get("visibility", DEFAULT_VISIBILITY)
    )
    if decision is not None:
        document = apply(policy, decision, document)
    json_text(document)  # raises ValueError on NaN or infinity
    return document, summary_text(report)


@main.command()
@click.option(
    "--json",
    "json_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Write the report here: total, killed, equivalent, survivors (with diffs).",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Mutants graded in parallel.  [default: one per core]",
)
@click.option(
    "--sample",
    type=click.IntRange(min=1),
    default=None,
    help="Grade a deterministic sample of N mutants instead of all of them.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1.0),
    default=MUTANT_TIMEOUT_SECONDS,
    show_default=True,
    help="Seconds one mutant may take before it counts as killed (timeout).",
)
@click.option(
    "--fail-under",
    type=click.FloatRange(0.0, 1.0),
    default=None,
    help="Exit 1 when killed / non-equivalent is below this (e.g. 0.95).",
)
@click.option(
    "--part",
    "parts",
    multiple=True,
    metavar="MODULE",
    help="Mutate only this part's module (repeatable).  [default: every part]",
)
def mutants(
    json_path: Path | None,
    jobs: int | None,
    sample: int | None,
    timeout: float,
    fail_under: float | None,
    parts: tuple[str, ...],
) -> None:
    """Mutation-test the hidden suite: grade small changes to the solution package and list
    the mutants that still get full marks, with their diffs."""
    from grading.course.assignment import assignment
    from grading.mutants.runner import (
        EQUIVALENT_FILE,
        MutationRunError,
        mutation_run,
        summary_line,
        write_report,
    )

    for module in parts:
        assignment().part(module)  # an unknown part: a one-line error
    try:
        doc = mutation_run(sample_size=sample, jobs=jobs, timeout=timeout, parts=parts)
    except MutationRunError as exc:
        _fail(str(exc), 1)
    for survivor in doc["survivors"]:
        click.echo(f"SURVIVED {survivor['id']}\n{survivor['diff']}")
    for stale in doc["stale_equivalent_ids"]:
        click.echo(
            f"nnkit: {EQUIVALENT_FILE.name} lists a mutant that no longer exists: {stale}", err=True
        )
    click.echo(summary_line(doc))
    if json_path is not None:
        write_report(doc, json_path)
        click.echo(f"Report written to {json_path}")
    if fail_under is not None and doc["score"] < fail_under:
        sys.exit(1)


@main.command("new-part")
@click.argument("module")
@click.option("--title", required=True, help="The part's title, as students see it.")
@click.option(
    "--points",
    type=click.FloatRange(min=0.0, min_open=True),
    default=None,
    help="The part's total: its example check's points, declared in assignment.toml.",
)
@click.option("--after", metavar="PART", default=None, help="Insert after this part's module.")
def new_part(module: str, title: str, points: float | None, after: str | None) -> None:
    """Scaffold a new part MODULE: solution module, public tests, hidden checks, and its
    entry in solution/assignment.toml."""
    from grading.release.scaffold import ScaffoldError, scaffold_part

    try:
        written = scaffold_part(module, title, points=points, after=after)
    except ScaffoldError as exc:
        _fail(str(exc))
    for path in written:
        click.echo(f"wrote {path}")


if __name__ == "__main__":
    main(prog_name="nnkit")
