"""Grade a whole class: every submission in a folder, in parallel, into one gradebook.

`SUBMISSIONS` holds one sub-folder or `.zip` per submission (its id is the name without
`.zip`), or a Gradescope "Export Submissions" folder: `submission_metadata.yml` at the
top, one `submission_<n>/` folder per submission, and the submitters' names, emails and
student ids (SID) in the metadata. For each submission `grade_all` writes
`OUT/submissions/<id>/results.json` (Gradescope's format), `junit.xml`, `feedback.md` and
`feedback.html` beside it, records a row in `OUT/gradebook.sqlite`, and at the end writes
from every row of the current suite version `OUT/gradebook.csv` (one row per submission)
and the per-student gradebooks of `grading.results.lms` (`students.csv`, `canvas.csv`,
`moodle.csv`), and `OUT/batch.json` (`grading.grade.shards.Manifest`: what was graded,
under which suite and course secret). Class-wide files live at fixed names directly in OUT
and every submission's files under `OUT/submissions/`, so no submission name can collide
with them.

With a `Shard` K/N, only the submissions `grading.grade.shards` assigns to shard K are
graded; `grading.grade.merge` combines the N outputs.

A submission's id is its file or folder name (`alice.zip` stays `alice.zip`), with every
character other than letters, digits and ` -_.+@,()` written as `%XX` (its UTF-8 bytes,
or the raw bytes of a name that is not UTF-8) and names longer than MAX_ID_BYTES cut and
suffixed with a hash: one name always gives the same id, and two names never give one.
Names and emails from the metadata, and error messages, are cleaned by `clean_text`
(one line, no control characters) before anything stores or shows them; each output
escapes them for itself (terminal markup, Markdown, CSV formulas).

A submission whose content (as `grading.sandbox.uploads.prepare` reads it) and hidden suite
are unchanged since it was last graded, under the same course secret, is not graded
again. A submission graded earlier under another suite version (or, with unchanged
content, under another course secret) is compared with that grade: `OUT/regrade_changes.csv`
lists each whose score or check verdicts changed (`grading.results.regrades`), and the
gradebook's history keeps both grades. A submission that cannot be read, whose grading
raises, or whose results cannot be written or recorded, gets a row with score 0 and a
one-line error, and is tried again on the next run; it never stops the batch.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from grading.confined.limits import (
    GRADE_DEADLINE_SECONDS,
    MAX_ERROR_CHARS,
    MAX_ID_BYTES,
    MAX_TEXT_CHARS,
)
from grading.course.assignment import assignment
from grading.grade.one_submission import (
    assignment_parts,
    could_not_grade,
    grade,
    load_checks,
    submission_seed,
    suite_version,
)
from grading.grade.process_pool import Lost, run_tasks
from grading.grade.secret import default_secret, secret_fingerprint
from grading.grade.shards import Manifest, Shard, class_listing
from grading.results.console import make_console
from grading.results.gradebook import (
    Gradebook,
    GradebookRow,
    HistoryEntry,
    Person,
    export_csv,
    format_points,
    now_iso,
)
from grading.results.gradescope import to_gradescope
from grading.results.lms import (
    MoodleExport,
    StudentBook,
    export_canvas,
    export_moodle,
    export_students,
    student_grades,
)
from grading.results.regrades import RegradeChange, compare, export_changes, summary_line
from grading.results.writers import folder_paths, write_outputs
from grading.sandbox import privileges
from grading.sandbox.uploads import SubmissionError, prepare

METADATA_FILE = "submission_metadata.yml"
GRADEBOOK_FILE = "gradebook.sqlite"
CSV_FILE = "gradebook.csv"
CHANGES_FILE = "regrade_changes.csv"
STUDENTS_FILE = "students.csv"  # one row per student (grading.results.lms)
CANVAS_FILE = "canvas.csv"
MOODLE_FILE = "moodle.csv"
SUBMISSIONS_DIR = "submissions"  # OUT/submissions/<id>/: one folder per submission
_ID_SAFE = frozenset(" -_.+@,()")  # kept as is in ids, with letters and digits
_JOINERS = frozenset("\u200c\u200d")  # format characters that names need (Persian, emoji)


class BatchError(Exception):
    """The class folder itself cannot be used (missing, not a folder, bad metadata); the
    message is one line for the user."""


@dataclass(frozen=True)
class Submission:
    """One student's (or group's) hand-in."""

    id: str
    path: Path
    name: str = ""  # every submitter's name, joined by "; "
    email: str = ""  # every submitter's email, joined by "; "
    people: tuple[Person, ...] = ()


@dataclass
class BatchSummary:
    """What `grade_all` did. `rows` are this run's submissions, in the order found."""

    graded: int
    reused: int
    failed: int
    seconds: float
    suite_version: str
    rows: list[GradebookRow] = field(default_factory=list)
    csv_path: Path | None = None
    changes: list[RegradeChange] = field(default_factory=list)  # one per earlier grade found
    changes_path: Path | None = None
    shard: Shard | None = None  # the part of the class graded, if not all of it
    lms: LmsFiles | None = None


@dataclass(frozen=True)
class LmsFiles:
    """The per-student gradebooks written: how many students, the submissions naming no
    one, and the students Moodle's file leaves out."""

    students: int
    unnamed: tuple[str, ...]
    moodle: MoodleExport


# -- finding submissions -------------------------------------------------------------------


def find_submissions(folder: Path, exclude: Iterable[Path] = ()) -> list[Submission]:
    """The submissions in `folder`, sorted by id. Names and emails come from a Gradescope
    `submission_metadata.yml` when there is one (in `folder`, or in the single folder that
    `folder` holds, as unzipping Gradescope's export leaves it). Hidden entries, `__MACOSX`,
    files that are not `.zip` and the paths in `exclude` are skipped."""
    folder = Path(folder)
    if not folder.exists():
        raise BatchError(f"submissions folder not found: {folder}")
    if not folder.is_dir():
        raise BatchError(f"{folder} is not a folder")
    folder = _export_root(folder)
    metadata = _read_metadata(folder / METADATA_FILE)
    skip = {Path(p).resolve() for p in exclude}
    submissions = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.name == "__MACOSX" or path.resolve() in skip:
            continue
        if path.is_symlink():
            continue  # a link is not a hand-in (and could point anywhere)
        if not path.is_dir() and not (path.is_file() and path.suffix.lower() == ".zip"):
            continue
        stem = path.name[:-4] if path.is_file() else path.name
        people = tuple(metadata.get(path.name) or metadata.get(stem) or ())
        submissions.append(
            Submission(
                submission_id(path.name),
                path,
                clean_text("; ".join(p.name for p in people if p.name)),
                clean_text("; ".join(p.email for p in people if p.email)),
                people,
            )
        )
    return sorted(submissions, key=lambda s: s.id)


def submission_id(name: str) -> str:
    """The id of the submission stored under file or folder `name` (see the module
    docstring): stable, unique per name, and safe as a path component, a CSV cell, a
    terminal or Markdown word."""
    parts = []
    for char in name:
        if char.isalnum() and char.isprintable() or char in _ID_SAFE:
            parts.append(char)
        else:
            parts.extend(f"%{b:02X}" for b in char.encode("utf-8", "surrogateescape"))
    sub_id = "".join(parts)
    if len(sub_id.encode()) > MAX_ID_BYTES:
        digest = hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:16]
        head = sub_id.encode()[: MAX_ID_BYTES - 17].decode("utf-8", "ignore")
        sub_id = f"{head}~{digest}"  # "~" is never kept as is, so no plain id ends so
    return sub_id


def clean_text(value: object, limit: int = MAX_TEXT_CHARS) -> str:
    """Text from outside the grader (metadata names and emails, error messages) as every
    output may hold it: a str (anything else gives ""), one line (whitespace runs become
    one space), valid UTF-8 (lone surrogates become "?"), without control or format
    characters (ESC, bidi overrides; zero-width joiners stay), at most `limit`
    characters. Each output still escapes it for its own syntax."""
    if not isinstance(value, str):
        return ""
    text = " ".join(value[: limit * 4].split())
    text = text.encode("utf-8", "replace").decode("utf-8")  # "?" for lone surrogates
    text = "".join(c for c in text if c in _JOINERS or unicodedata.category(c) not in ("Cc", "Cf"))
    return text[:limit].strip()


def _export_root(folder: Path) -> Path:
    """`folder`, or the one folder inside it that holds Gradescope's metadata file."""
    if (folder / METADATA_FILE).is_file():
        return folder
    inner = [p for p in folder.iterdir() if not p.name.startswith(".") and p.name != "__MACOSX"]
    if len(inner) == 1 and inner[0].is_dir() and (inner[0] / METADATA_FILE).is_file():
        return inner[0]
    return folder


class _MetadataLoader(yaml.SafeLoader):
    """A safe loader that reads unknown tags (Ruby objects in Gradescope's dumps) as the
    plain scalar, list or mapping they tag."""


def _plain(loader: yaml.SafeLoader, _suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node)


_MetadataLoader.add_multi_constructor("!", _plain)
_MetadataLoader.add_multi_constructor("tag:", _plain)


def _key(value: Any) -> str:
    """Gradescope writes Ruby symbols: `:name:` in the file is the key ":name"."""
    return str(value).strip().strip(":")


def _read_metadata(path: Path) -> dict[str, list[Person]]:
    """{submission folder name: [Person per submitter]} from Gradescope's
    `submission_metadata.yml` (keys `:submitters:`, `:name:`, `:email:`, `:sid:`, or the
    same without colons); {} when there is none."""
    if not path.is_file():
        return {}
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_MetadataLoader)
    except (yaml.YAMLError, OSError, UnicodeDecodeError) as exc:
        reason = " ".join(str(exc).split())
        raise BatchError(f"cannot read {path}: {reason}"[:MAX_ERROR_CHARS]) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise BatchError(f"cannot read {path}: expected a mapping of submission folders")
    metadata: dict[str, list[Person]] = {}
    for folder_name, info in data.items():
        info = {_key(k): v for k, v in info.items()} if isinstance(info, dict) else {}
        submitters = info.get("submitters")
        people = []
        for person in submitters if isinstance(submitters, list) else []:
            if isinstance(person, dict):
                person = {_key(k): v for k, v in person.items()}
                people.append(
                    Person(**{k: _scalar(person.get(k)) for k in ("name", "email", "sid")})
                )
        metadata[str(folder_name)] = people
    return metadata


def _scalar(value: Any) -> str:
    """A name, email or SID from the metadata: a plain string or number, cleaned; ""
    else."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    return clean_text(str(value))


# -- grading -------------------------------------------------------------------------------


def content_sha(path: Path) -> str:
    """The submission's content sha256, exactly as grading computes it (the package that
    `prepare` copies out); raises SubmissionError like `prepare`."""
    with tempfile.TemporaryDirectory(prefix="nnkit-sha-") as tmp:
        return prepare(path, Path(tmp))


def grade_all(
    folder: Path,
    out: Path,
    *,
    jobs: int | None = None,
    secret: bytes | None = None,
    progress: bool = True,
    shard: Shard | None = None,
    assignment_name: str | None = None,
) -> BatchSummary:
    """Grade every submission in `folder` (or only `shard`'s) into `out` (see the module
    docstring), on `jobs` processes (default: every core). `secret` defaults to
    NNKIT_SECRET's; `assignment_name` heads the LMS files' grade column (default
    `default_assignment_name()`).

    The graders are `spawn`ed processes (grading.grade.process_pool), so a script that
    calls this must do so under `if __name__ == "__main__":`; `nnkit grade-all` does.
    Raises BatchError if `folder` cannot be used."""
    started = time.perf_counter()
    folder, out = Path(folder), Path(out)
    if jobs is None:
        jobs = os.cpu_count() or 1
    if jobs < 1:
        raise ValueError("jobs must be at least 1")
    secret = default_secret() if secret is None else secret
    everyone = find_submissions(folder, exclude=[out])
    submissions = [s for s in everyone if shard is None or shard.holds(s.id)]
    version = suite_version()
    parts = assignment_parts()
    columns = [p.column for p in parts]
    max_total = round(sum(p.possible for p in parts), 4)
    counts = {"graded": 0, "reused": 0, "failed": 0}
    rows: dict[str, GradebookRow] = {}

    def failed(sub: Submission, sha: str, error: str) -> None:
        rows[sub.id] = _record_failure(book, out, sub, sha, error, max_total)
        counts["failed"] += 1

    def recorded(
        sub: Submission, sha: str, kind: str, record: Callable[..., GradebookRow], *args: Any
    ) -> None:
        """Count `record(*args)`'s row as `kind`, or, if writing or storing it raises, give
        the submission an error row: one submission's trouble never stops the batch."""
        try:
            rows[sub.id] = record(*args)
            counts[kind] += 1
        except Exception as exc:  # noqa: BLE001 - a full disk, a file in the way, ...
            failed(sub, sha, f"its grade could not be recorded: {_one_line(exc)}")

    with Gradebook(out / GRADEBOOK_FILE) as book, _progress_bar(progress) as bar:
        task = bar.add_task("grading", total=len(submissions))
        pending: dict[str, list[Submission]] = {}  # content sha -> submissions holding it
        for sub in submissions:
            try:
                sha = content_sha(sub.path)
            except Exception as exc:  # noqa: BLE001 - an unreadable submission is a row
                failed(sub, "", _one_line(exc))
                bar.advance(task)
                continue
            try:
                known = _reusable(book, sub, sha, version, submission_seed(secret, sha))
            except Exception:  # noqa: BLE001 - a damaged stored row: grade it again
                known = None
            if known is not None:
                recorded(sub, sha, "reused", _reuse, book, out, sub, known)
                bar.advance(task)
            else:
                pending.setdefault(sha, []).append(sub)

        if pending:
            _create_worker_user()
            paths = {sha: group[0].path for sha, group in pending.items()}
            for sha, outcome in _grade_in_pools(paths, jobs, secret):
                graded_under = outcome.get("document", {}).get("extra_data", {})
                if "error" not in outcome and graded_under.get("suite_version") != version:
                    outcome = {
                        "error": "the hidden suite changed while the batch ran; run the batch again"
                    }
                for i, sub in enumerate(pending[sha]):
                    if "error" in outcome:
                        failed(sub, sha, outcome["error"])
                    else:
                        kind = "graded" if i == 0 else "reused"
                        recorded(sub, sha, kind, _record_graded, book, out, sub, version, outcome)
                    bar.advance(task)

        csv_path = out / CSV_FILE
        lms = write_gradebooks(book.rows(version), out, columns, max_total, assignment_name)
        changes = regrade_changes(book, [rows[sub.id] for sub in submissions])
        changes_path = out / CHANGES_FILE
        export_changes(changes, changes_path)
        Manifest(
            shard=shard or Shard(1, 1),
            suite_version=version,
            secret_fingerprint=secret_fingerprint(secret),
            class_size=len(everyone),
            class_listing=class_listing(s.id for s in everyone),
            submissions=tuple(s.id for s in submissions),
        ).write(out)

    return BatchSummary(
        graded=counts["graded"],
        reused=counts["reused"],
        failed=counts["failed"],
        seconds=time.perf_counter() - started,
        suite_version=version,
        rows=[rows[s.id] for s in submissions],
        csv_path=csv_path,
        changes=changes,
        changes_path=changes_path,
        shard=shard,
        lms=lms,
    )


def default_assignment_name() -> str:
    """The LMS files' grade column by default: the course code and the package
    ("DD2418 nnbasics"), from solution/assignment.toml."""
    course = assignment()
    return f"{course.course.code} {course.package}"


def write_gradebooks(
    rows: Iterable[GradebookRow],
    out: Path,
    part_columns: list[str],
    max_total: float,
    assignment_name: str | None = None,
) -> LmsFiles:
    """Write `rows` as OUT's gradebooks: gradebook.csv (one row per submission), and
    students.csv, canvas.csv and moodle.csv (one row per student; `grading.results.lms`),
    their grade column headed `assignment_name` (default `default_assignment_name()`)."""
    rows = list(rows)
    name = assignment_name or default_assignment_name()
    export_csv(rows, out / CSV_FILE, part_columns)
    students: StudentBook = student_grades(rows)
    export_students(students, out / STUDENTS_FILE, part_columns)
    export_canvas(students, out / CANVAS_FILE, name, max_total)
    moodle = export_moodle(students, out / MOODLE_FILE, name)
    return LmsFiles(len(students.students), tuple(students.unnamed), moodle)


def lms_lines(lms: LmsFiles, out: Path) -> list[str]:
    """What the per-student gradebooks hold, and whom they leave out, for the terminal."""
    files = ", ".join(str(out / name) for name in (STUDENTS_FILE, CANVAS_FILE, MOODLE_FILE))
    lines = [f"{_count(lms.students, 'student', 'students')}, one row each, written to {files}"]
    if lms.unnamed:
        lines.append(
            f"{_count(len(lms.unnamed), 'submission names', 'submissions name')} no student "
            f"(no {METADATA_FILE} entry), so no per-student file has "
            f"{'it' if len(lms.unnamed) == 1 else 'them'}: {', '.join(lms.unnamed[:5])}"
            + (", ..." if len(lms.unnamed) > 5 else "")
        )
    if lms.moodle.left_out:
        names = ", ".join(p.name for p in lms.moodle.left_out[:5])
        lines.append(
            f"{_count(len(lms.moodle.left_out), 'student has', 'students have')} neither an "
            f"email nor a SID and {'is' if len(lms.moodle.left_out) == 1 else 'are'} not in "
            f"{MOODLE_FILE}: {names}" + (", ..." if len(lms.moodle.left_out) > 5 else "")
        )
    return lines


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def regrade_changes(book: Gradebook, graded: Iterable[GradebookRow]) -> list[RegradeChange]:
    """For each successfully graded row with an earlier grade (see
    `Gradebook.earlier_grade`), the change from it; derived from the history, so a re-run
    that regrades nothing gives the same changes."""
    changes = []
    for row in graded:
        earlier = None if row.error else book.earlier_grade(row)
        if earlier is not None:
            changes.append(compare(earlier, HistoryEntry.of(row), row.name, row.email))
    return changes


def _reusable(
    book: Gradebook, sub: Submission, sha: str, version: str, seed: int
) -> GradebookRow | None:
    """A successful grade of this exact content under this suite and secret: this
    submission's own row first, else any other submission's with identical content."""
    for row in (book.get(sub.id, version), book.lookup(sha, version)):
        if row is not None and row.sha256 == sha and not row.error and row.seed == seed:
            return row
    return None


def _grade_in_pools(
    paths: dict[str, Path], jobs: int, secret: bytes
) -> Iterator[tuple[str, dict[str, Any]]]:
    """`(key, outcome)` for every `{key: submission path}`, graded on `jobs` processes, as
    each finishes. A grading process that dies (killed, out of memory) or overruns
    GRADE_DEADLINE_SECONDS costs only the submission it held, which is graded again alone
    in a fresh process once the others are done; only one that is lost again gets an
    error outcome."""
    lost: list[str] = []
    tasks = {key: (path, secret) for key, path in paths.items()}
    for key, outcome in _graded(tasks, min(jobs, len(paths))):
        if isinstance(outcome, Lost):
            lost.append(key)
        else:
            yield key, outcome
    for key, outcome in _graded({key: tasks[key] for key in sorted(lost)}, 1):
        if isinstance(outcome, Lost):
            outcome = {"error": f"the grading process died: {outcome.reason}"}
        yield key, outcome


def _graded(
    tasks: dict[str, tuple[Path, bytes]], processes: int
) -> Iterator[tuple[str, dict[str, Any] | Lost]]:
    """`run_tasks` of `_grade_one` on `processes` grading processes."""
    yield from run_tasks(
        _grade_one,
        tasks,
        processes=processes,
        deadline_seconds=GRADE_DEADLINE_SECONDS,
        initializer=_init_pool_worker,
        pin_to_cpus=True,  # a grader and its worker take turns: one CPU each pair
    )


def _grade_one(path: Path, secret: bytes) -> dict[str, Any]:
    """In a pool process: grade one submission; plain data back, never an exception."""
    try:
        report = grade(path, secret=secret)
        parts = {part.column: part.earned for part in report.parts}
        return {
            "sha": report.submission_sha256,
            "seed": report.seed,
            "document": to_gradescope(report),
            "parts": parts,
            "total": report.score,
            "max_total": report.max_score,
        }
    except Exception as exc:  # noqa: BLE001 - reported as the submission's error
        return {"error": _one_line(exc)}


def _init_pool_worker() -> None:
    """Pool processes load the suite once."""
    load_checks()


def _create_worker_user() -> None:
    """As root, create the sandbox's worker user once, before parallel graders race to."""
    if os.geteuid() != 0:
        return
    tmp = Path(tempfile.mkdtemp(prefix="nnkit-batch-"))
    try:
        scratch = tmp / "scratch"
        scratch.mkdir()
        privileges.worker_identity(scratch)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _one_line(exc: BaseException) -> str:
    """A SubmissionError's own message; anything else as `Type: message`; one line."""
    text = str(exc) if isinstance(exc, SubmissionError) else f"{type(exc).__name__}: {exc}"
    return clean_text(text, MAX_ERROR_CHARS)


# -- writing results -----------------------------------------------------------------------


def _record_graded(
    book: Gradebook, out: Path, sub: Submission, version: str, outcome: dict[str, Any]
) -> GradebookRow:
    document = outcome["document"]
    text = _write_outputs(out, sub, document)
    return book.record(
        submission_id=sub.id,
        suite_version=version,
        sha256=outcome["sha"],
        seed=outcome["seed"],
        name=sub.name,
        email=sub.email,
        people=sub.people,
        parts=outcome["parts"],
        total=outcome["total"],
        max_total=outcome["max_total"],
        results_json=text,
    )


def _reuse(book: Gradebook, out: Path, sub: Submission, known: GradebookRow) -> GradebookRow:
    """Rewrite the submission's files from the stored grade; re-record it only if it was
    stored under another id (identical content) or with other names."""
    _write_outputs(out, sub, json.loads(known.results_json))
    if (known.submission_id, known.name, known.email, known.people) == (
        sub.id,
        sub.name,
        sub.email,
        sub.people,
    ):
        return known
    return book.record(
        submission_id=sub.id,
        suite_version=known.suite_version,
        sha256=known.sha256,
        seed=known.seed,
        name=sub.name,
        email=sub.email,
        people=sub.people,
        parts=known.parts,
        total=known.total,
        max_total=known.max_total,
        results_json=known.results_json,
        graded_at=known.graded_at,
    )


def _record_failure(
    book: Gradebook,
    out: Path,
    sub: Submission,
    sha: str,
    error: str,
    max_total: float,
) -> GradebookRow:
    report = could_not_grade(error, submission_sha256=sha)
    document = to_gradescope(report)
    fields: dict[str, Any] = {
        "submission_id": sub.id,
        "suite_version": report.suite_version,
        "sha256": sha,
        "name": sub.name,
        "email": sub.email,
        "people": sub.people,
        "parts": {part.column: 0.0 for part in report.parts},
        "total": 0.0,
        "max_total": max_total,
        "error": error,
        "results_json": json.dumps(document, indent=2),
    }
    try:
        fields["results_json"] = _write_outputs(out, sub, document)
    except Exception as exc:  # noqa: BLE001 - the row below still says what went wrong
        fields["error"] = clean_text(
            f"{error}; its files could not be written: {_one_line(exc)}", MAX_ERROR_CHARS
        )
    try:
        return book.record(**fields)
    except Exception as exc:  # noqa: BLE001 - this run's summary still has the row
        fields["error"] = clean_text(
            f"{fields['error']}; not stored in the gradebook: {_one_line(exc)}", MAX_ERROR_CHARS
        )
        return GradebookRow(seed=None, graded_at=now_iso(), **fields)


def _write_outputs(out: Path, sub: Submission, document: dict[str, Any]) -> str:
    """Write every output of grading.results.writers into OUT/submissions/<id>/; return
    the results.json text."""
    folder = out / SUBMISSIONS_DIR / sub.id
    byline = " ".join(filter(None, (sub.name, f"({sub.email})" if sub.email else "")))
    write_outputs(document, folder_paths(folder), f"nnkit feedback: {sub.id}", byline)
    return (folder / "results.json").read_text(encoding="utf-8")


@contextmanager
def _progress_bar(enabled: bool) -> Iterator[Progress]:
    """A transient progress bar on stderr (or a silent stand-in)."""
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=make_console(stderr=True),
        transient=True,
        disable=not enabled,
    )
    with progress:
        yield progress


def print_summary(
    summary: BatchSummary, title: str = "nnkit grade-all", console: Console | None = None
) -> None:
    """One row per submission of the run (id, name, points per part, total, error), then
    the counts and where the gradebook is. Fits an 80-column terminal."""
    console = console or make_console()
    parts = assignment_parts()
    table = Table(
        title=escape(title),
        caption="Parts: " + ", ".join(f"{p.number} {p.module}" for p in parts),
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        padding=0,
    )
    widest = max((len(row.submission_id) for row in summary.rows), default=10)
    table.add_column("Submission", overflow="fold", min_width=min(widest, 16))
    table.add_column("Name", ratio=1, overflow="fold", min_width=8)
    for part in parts:
        header = f"{part.number}\n/{format_points(part.possible)}"
        table.add_column(header, justify="right", no_wrap=True)
    possible = max((row.max_total for row in summary.rows), default=100.0)
    table.add_column(f"Total\n/{format_points(possible)}", justify="right", no_wrap=True)
    table.add_column("Error", ratio=2, overflow="fold", min_width=10)
    for row in summary.rows:
        table.add_row(
            escape(row.submission_id),
            escape(row.name),
            *(format_points(row.parts.get(part.column, 0.0)) for part in parts),
            f"[bold]{format_points(row.total)}[/]",
            f"[red]{escape(row.error)}[/]" if row.error else "",
        )
    console.print(table)
    console.print(
        f"{summary.graded} graded, {summary.reused} unchanged (reused), {summary.failed} failed "
        f"in {summary.seconds:.1f} s (suite {summary.suite_version}).",
        markup=False,
    )
    if summary.csv_path is not None:
        console.print(f"Gradebook written to {summary.csv_path}", markup=False, soft_wrap=True)
    if summary.lms is not None and summary.csv_path is not None:
        for line in lms_lines(summary.lms, summary.csv_path.parent):
            console.print(line, markup=False, soft_wrap=True)
    if summary.shard is not None:
        console.print(
            f"Shard {summary.shard} of the class: merge the {summary.shard.count} outputs "
            "with `nnkit merge-shards`.",
            markup=False,
            soft_wrap=True,
        )
    if summary.changes:
        line = summary_line(summary.changes, len(summary.rows), summary.suite_version)
        console.print(line, markup=False, soft_wrap=True)
        console.print(f"Changes written to {summary.changes_path}", markup=False, soft_wrap=True)
