"""`similarity_report`: read a class, find the alike pairs, write the report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from grading.similarity.code import Code, Skipped, class_code, stub_text
from grading.similarity.pairs import DEFAULT_THRESHOLD, Pair, similar_pairs
from grading.similarity.report import write_report

REPORT_DIR = "similarity"  # OUT/similarity/, beside grade-all's class_report/


@dataclass
class SimilaritySummary:
    """What `similarity_report` found and where it wrote it."""

    index: Path
    pairs: list[Pair] = field(default_factory=list)
    codes: list[Code] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def similarity_report(
    folder: Path,
    out: Path,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    exclude: Sequence[Path] = (),
    title: str | None = None,
) -> SimilaritySummary:
    """Compare every submission in `folder` (as `grade-all` finds them) with every other,
    and write the report to `out/similarity/`. Raises BatchError when `folder` cannot be
    used."""
    codes, skipped = class_code(folder, exclude=list(exclude))
    pairs = similar_pairs(codes, stub_text(), threshold)
    index = write_report(
        pairs,
        codes,
        skipped,
        Path(out) / REPORT_DIR,
        threshold=threshold,
        title=title or f"nnkit similarity report: {folder}",
    )
    return SimilaritySummary(index, pairs, codes, skipped)
