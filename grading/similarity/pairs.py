"""Pairs of submissions whose code is alike, by copydetect's winnowed fingerprints.

copydetect tokenizes each text as Python and replaces every name with one letter (so
renaming variables changes nothing), hashes its k-grams (k = copydetect's noise
threshold, 25 characters of the filtered code) and keeps them by winnowing; the stub's
fingerprints are dropped from every submission (boilerplate). A pair's similarity on one
side is the share of that side's fingerprinted code that the other side has too
(copydetect's `compare_files`); a pair is listed when either side reaches the threshold.

copydetect (and numpy, matplotlib and pygments through it) is imported only here, when a
report is made: never on the grading path.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the CLI reads DEFAULT_THRESHOLD without loading the upload reader
    from grading.similarity.code import Code

DEFAULT_THRESHOLD = 0.6
"""Similarity (a share of the code, 0 to 1) from which a pair is listed: renamed copies
score above 0.9, independent correct solutions of this assignment 0.15 to 0.45."""
PREFILTER = 0.5
"""A pair is compared in full only when the fingerprints the two share are at least this
share of the threshold times the smaller side's fingerprints: far fewer can never reach
the threshold, and counting shared hashes is much cheaper than `compare_files`."""


class ThresholdError(ValueError):
    """A bad threshold; one line for the user."""


def parse_threshold(text: str | float) -> float:
    """A threshold from the command line: a number above 0 and at most 1."""
    try:
        value = float(text)
    except (TypeError, ValueError):
        value = float("nan")
    if not 0.0 < value <= 1.0:  # also refuses NaN
        raise ThresholdError(
            f"--threshold must be a number above 0 and at most 1 (a share of the code), "
            f"not {str(text)!r}"
        )
    return value


@dataclass(frozen=True)
class Pair:
    """Two submissions (`a` before `b` in id order) and how alike they are.

    `similarity`: (share of a's code found in b, share of b's found in a), 0 to 1;
    `matched`: characters of a's filtered code in matching k-grams;
    `spans`: for a and for b, the (start, end) character ranges of their texts that match.
    """

    a: Code
    b: Code
    similarity: tuple[float, float]
    matched: int
    spans: tuple[list[tuple[int, int]], list[tuple[int, int]]]

    @property
    def score(self) -> float:
        """The larger side's similarity: what the threshold is compared with."""
        return max(self.similarity)


def similar_pairs(
    codes: Sequence[Code],
    boilerplate: str,
    threshold: float = DEFAULT_THRESHOLD,
    progress: Callable[[int, int], None] | None = None,
) -> list[Pair]:
    """The pairs of `codes` whose similarity reaches `threshold` on either side, most
    alike first; `boilerplate` is the stub code, whose fingerprints never count.
    `progress(done, total)` is called as submissions are fingerprinted."""
    import numpy as np
    from copydetect import CodeFingerprint, compare_files, defaults

    k = defaults.NOISE_THRESHOLD
    window = defaults.GUARANTEE_THRESHOLD - defaults.NOISE_THRESHOLD + 1

    def fingerprint(name: str, text: str, stub: Any = None) -> Any:
        return CodeFingerprint(
            name, k, window, boilerplate=stub, fp=io.StringIO(text), language="python"
        )

    stub = np.array(sorted(fingerprint("stub.py", boilerplate).hashes))
    prints = []
    for done, code in enumerate(codes, 1):
        prints.append(fingerprint(f"{code.id}.py", code.text, stub))
        if progress is not None:
            progress(done, len(codes))
    pairs = []
    for i, first in enumerate(prints):
        for j in range(i + 1, len(prints)):
            second = prints[j]
            smaller = min(len(first.hashes), len(second.hashes))
            shared = len(first.hashes & second.hashes)
            if smaller == 0 or shared < PREFILTER * threshold * smaller:
                continue
            matched, similarity, slices = compare_files(first, second)
            pair = Pair(
                codes[i],
                codes[j],
                (float(similarity[0]), float(similarity[1])),
                int(matched),
                (_spans(slices[0]), _spans(slices[1])),
            )
            if pair.score >= threshold:
                pairs.append(pair)
    return sorted(pairs, key=lambda p: (-p.score, p.a.id, p.b.id))


def _spans(slices: Any) -> list[tuple[int, int]]:
    """copydetect's 2 x N array of (starts, ends) as sorted, merged (start, end) pairs."""
    if len(slices) < 2 or len(slices[0]) == 0:
        return []
    merged: list[tuple[int, int]] = []
    for start, end in sorted(zip(map(int, slices[0]), map(int, slices[1]), strict=True)):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
