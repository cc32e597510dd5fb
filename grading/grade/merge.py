"""Merge the outputs of `grade-all --shard K/N` runs into one output for the whole class.

`merge_shards(shard_outs, out)` first checks that the outputs belong together, from their
`batch.json` (`grading.grade.shards.Manifest`), and refuses with a one-line ShardError,
before writing anything: an output with no batch.json; outputs cut for different N, graded
under different hidden suites or course secrets, or cut from different class folders; a
shard given twice; a submission in a shard it does not belong to (a split by another
nnkit); missing shards (named); shards that do not add up to the class; a shard with no
gradebook.

Then it writes into `out` (new, or an empty folder) what one `grade-all` of the whole class
writes: gradebook.sqlite (every shard's grades, with their history), gradebook.csv, the
per-student gradebooks, regrade_changes.csv, every `submissions/<id>/` folder, and a
batch.json of shard 1/1, so a later `grade-all` into `out` reuses every grade. The class
report is drawn by the caller from `MergeSummary.rows` (matplotlib stays out of here).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from grading.grade.shards import Manifest, Shard, ShardError, shard_of
from grading.grade.whole_class import (
    CHANGES_FILE,
    GRADEBOOK_FILE,
    SUBMISSIONS_DIR,
    LmsFiles,
    regrade_changes,
    write_gradebooks,
)
from grading.results.gradebook import Gradebook, GradebookRow
from grading.results.regrades import RegradeChange, export_changes


@dataclass
class MergeSummary:
    """What `merge_shards` wrote."""

    shards: int
    suite_version: str
    secret_fingerprint: str
    rows: list[GradebookRow]
    lms: LmsFiles
    changes: list[RegradeChange]
    seconds: float


def check_shards(shard_outs: Sequence[Path]) -> list[tuple[Path, Manifest]]:
    """Each output with its manifest, sorted by shard; ShardError (see the module
    docstring) when they do not make one class together."""
    if not shard_outs:
        raise ShardError("give the grade-all outputs of the shards to merge")
    found = [(Path(p), Manifest.read(Path(p))) for p in shard_outs]
    _same(found, lambda m: f"N={m.shard.count}", "cut for different N")
    _same(found, lambda m: f"suite {m.suite_version}", "graded with different hidden suites")
    _same(
        found,
        lambda m: f"course secret {m.secret_fingerprint}",
        "graded with different course secrets",
    )
    _same(
        found,
        lambda m: f"{m.class_size} submissions (listing {m.class_listing})",
        "cut from different class folders",
    )
    count = found[0][1].shard.count
    by_index: dict[int, list[Path]] = {}
    for path, manifest in found:
        by_index.setdefault(manifest.shard.index, []).append(path)
    for index, paths in sorted(by_index.items()):
        if len(paths) > 1:
            where = ", ".join(map(str, paths))
            raise ShardError(f"shard {index}/{count} is given {len(paths)} times: {where}")
    for path, manifest in found:
        for sub_id in manifest.submissions:
            owner = Shard(shard_of(sub_id, count), count)
            if owner != manifest.shard:
                raise ShardError(
                    f"{path} holds submission {sub_id}, which belongs to shard {owner}, not "
                    f"{manifest.shard}: grade every shard and merge with the same nnkit"
                )
    missing = sorted(set(range(1, count + 1)) - set(by_index))
    if missing:
        listed = ", ".join(map(str, missing))
        verb = "is" if len(missing) == 1 else "are"
        raise ShardError(
            f"shard{'s' if len(missing) > 1 else ''} {listed} of {count} {verb} missing"
        )
    for path, _ in found:
        if not (path / GRADEBOOK_FILE).is_file():
            raise ShardError(f"{path} holds no {GRADEBOOK_FILE}: grade that shard again")
    total = sum(len(m.submissions) for _, m in found)
    if total != found[0][1].class_size:
        raise ShardError(
            f"the shards hold {total} submissions, but their class has "
            f"{found[0][1].class_size}: grade the missing ones again"
        )
    return sorted(found, key=lambda pm: pm[1].shard)


def _same(found: list[tuple[Path, Manifest]], key: Callable[[Manifest], str], what: str) -> None:
    """ShardError naming each group of outputs when `key` differs between them."""
    groups: dict[str, list[str]] = {}
    for path, manifest in found:
        groups.setdefault(key(manifest), []).append(str(path))
    if len(groups) > 1:
        parts = "; ".join(f"{value}: {', '.join(paths)}" for value, paths in groups.items())
        raise ShardError(f"the shards were {what} ({parts})")


def merge_shards(
    shard_outs: Sequence[Path], out: Path, assignment_name: str | None = None
) -> MergeSummary:
    """Check the shards (`check_shards`), then write the whole class's output to `out`
    (see the module docstring). `assignment_name` as for `whole_class.write_gradebooks`."""
    started = time.perf_counter()
    found = check_shards(shard_outs)
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ShardError(f"{out} is not an empty folder: merge into a new one")
    first = found[0][1]
    out.mkdir(parents=True, exist_ok=True)
    with Gradebook(out / GRADEBOOK_FILE) as book:
        for path, manifest in found:
            missing = book.copy_from(
                path / GRADEBOOK_FILE, manifest.suite_version, manifest.submissions
            )
            if missing:
                more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
                raise ShardError(
                    f"{path / GRADEBOOK_FILE} holds no grade for submission {missing[0]}"
                    f"{more}, which its batch.json lists"
                )
            for sub_id in manifest.submissions:
                source = path / SUBMISSIONS_DIR / sub_id
                if source.is_dir():
                    shutil.copytree(source, out / SUBMISSIONS_DIR / sub_id, dirs_exist_ok=True)
        rows = book.rows(first.suite_version)
        columns = _part_columns(rows)
        max_total = max((row.max_total for row in rows), default=0.0)
        lms = write_gradebooks(rows, out, columns, max_total, assignment_name)
        changes = regrade_changes(book, rows)
        export_changes(changes, out / CHANGES_FILE)
    Manifest(
        shard=Shard(1, 1),
        suite_version=first.suite_version,
        secret_fingerprint=first.secret_fingerprint,
        class_size=first.class_size,
        class_listing=first.class_listing,
        submissions=tuple(row.submission_id for row in rows),
    ).write(out)
    return MergeSummary(
        shards=first.shard.count,
        suite_version=first.suite_version,
        secret_fingerprint=first.secret_fingerprint,
        rows=rows,
        lms=lms,
        changes=changes,
        seconds=time.perf_counter() - started,
    )


def _part_columns(rows: Sequence[GradebookRow]) -> list[str]:
    """The part columns, in the order grading wrote them (part order): from the rows, so
    a merge needs no copy of the suite that graded them."""
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row.parts))
    return list(columns)
