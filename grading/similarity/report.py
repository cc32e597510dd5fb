"""The similarity report's files: `index.html` (the pairs above the threshold, most alike
first, at most MAX_SIMILARITY_PAIRS, each linked to its page), `pair_<n>.html` (the two
submissions side by side, the matching code marked), and `pairs.csv` (the same rows;
cells escaped as in gradebook.csv).

Everything shown comes from student files or names: it is HTML-escaped (with control
characters other than tab and newline shown as U+FFFD), and file names are the report's
own, never a student's.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Sequence
from pathlib import Path

from grading.confined.limits import MAX_SIMILARITY_CHARS, MAX_SIMILARITY_PAIRS
from grading.results.files import write_atomic
from grading.results.gradebook import csv_cell
from grading.similarity.code import Code, Skipped
from grading.similarity.pairs import Pair

INDEX = "index.html"
CSV_FILE = "pairs.csv"
CSV_COLUMNS = (
    "pair",
    "a_id",
    "a_name",
    "b_id",
    "b_name",
    "a_in_b",
    "b_in_a",
    "matched_chars",
    "page",
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
CSS = (
    "body{font:15px/1.45 system-ui,sans-serif;margin:2em;color:#222}"
    "table{border-collapse:collapse;margin:1em 0}td,th{padding:.25em .7em;"
    "border-bottom:1px solid #ddd;text-align:left;vertical-align:top}td.num{text-align:right}"
    ".sides{display:grid;grid-template-columns:1fr 1fr;gap:1em}"
    "pre{font-size:12px;background:#fafafa;border:1px solid #ddd;padding:.5em;overflow:auto}"
    "mark{background:#ffe082}"
)


def page_name(number: int) -> str:
    """The file name of the `number`th pair's page (1 is the most alike)."""
    return f"pair_{number:04d}.html"


def write_report(
    pairs: Sequence[Pair],
    codes: Sequence[Code],
    skipped: Sequence[Skipped],
    out_dir: Path,
    *,
    threshold: float,
    title: str = "nnkit similarity report",
) -> Path:
    """Write the report's files to `out_dir` (created); returns the index page's path.
    Pages of an earlier report that this one does not have are removed."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    more = max(len(pairs) - MAX_SIMILARITY_PAIRS, 0)
    pairs = pairs[:MAX_SIMILARITY_PAIRS]
    keep = {page_name(n) for n in range(1, len(pairs) + 1)}
    for old in out_dir.glob("pair_*.html"):
        if old.name not in keep:
            old.unlink()
    for number, pair in enumerate(pairs, 1):
        write_atomic(out_dir / page_name(number), _pair_page(pair, number, title))
    write_atomic(out_dir / CSV_FILE, _csv(pairs))
    index = out_dir / INDEX
    write_atomic(index, _index(pairs, more, codes, skipped, threshold, title))
    return index


def _esc(text: str) -> str:
    return html.escape(_CONTROL.sub("\ufffd", text), quote=True)


def _who(code: Code | Skipped) -> str:
    name = f" <span class=name>({_esc(code.name)})</span>" if code.name else ""
    return f"<code>{_esc(code.id)}</code>{name}"


def _percent(share: float) -> str:
    return f"{100 * share:.0f}%"


def _head(title: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=en>\n<head>\n<meta charset=utf-8>\n"
        f"<title>{_esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
    )


def _index(
    pairs: Sequence[Pair],
    more: int,
    codes: Sequence[Code],
    skipped: Sequence[Skipped],
    threshold: float,
    title: str,
) -> str:
    rows = "\n".join(
        f"<tr><td class=num>{n}</td><td>{_who(p.a)}</td><td>{_who(p.b)}</td>"
        f"<td class=num>{_percent(p.similarity[0])}</td>"
        f"<td class=num>{_percent(p.similarity[1])}</td>"
        f'<td><a href="{page_name(n)}">side by side</a></td></tr>'
        for n, p in enumerate(pairs, 1)
    )
    table = (
        "<table><tr><th>#</th><th>Submission A</th><th>Submission B</th>"
        "<th>A's code in B</th><th>B's code in A</th><th></th></tr>\n"
        f"{rows}\n</table>\n"
        if pairs
        else "<p>No pair reaches the threshold.</p>\n"
    )
    if more:
        table += (
            f"<p>{more} more pairs reach the threshold; only the {len(pairs)} most alike are "
            "shown (a higher threshold shows fewer).</p>\n"
        )
    cut = [c for c in codes if c.cut]
    if cut:
        items = "\n".join(f"<li>{_who(c)}</li>" for c in cut)
        table += (
            f"<p>Compared only in part (the first {MAX_SIMILARITY_CHARS:,} characters of "
            f"their code):</p>\n<ul>\n{items}\n</ul>\n"
        )
    unread = ""
    if skipped:
        items = "\n".join(f"<li>{_who(s)}: {_esc(s.reason)}</li>" for s in skipped)
        unread = f"<h2>Not compared (could not be read)</h2>\n<ul>\n{items}\n</ul>\n"
    return (
        f"{_head(title)}<h1>{_esc(title)}</h1>\n"
        f"<p>{len(codes)} submissions compared, pairwise; {len(pairs)} "
        f"pair{'s' if len(pairs) != 1 else ''} with at least {_percent(threshold)} of either "
        "side's code found in the other. The release's stub code is not counted, and renamed "
        "variables or functions do not hide a match (copydetect's winnowed fingerprints, as "
        "MOSS). A high share is a reason to look, not proof of copying: read the code side "
        f"by side.</p>\n{table}"
        f'<p><a href="{CSV_FILE}">{CSV_FILE}</a></p>\n{unread}</body>\n</html>\n'
    )


def _pair_page(pair: Pair, number: int, title: str) -> str:
    sides = []
    for code, spans, share in (
        (pair.a, pair.spans[0], pair.similarity[0]),
        (pair.b, pair.spans[1], pair.similarity[1]),
    ):
        sides.append(
            f"<div><h2>{_who(code)}</h2>\n<p>{_percent(share)} of this code is found in the "
            f"other.</p>\n<pre>{marked(code.text, spans)}</pre></div>"
        )
    heading = f"Pair {number}: {pair.a.id} and {pair.b.id}"
    return (
        f'{_head(f"{title}: pair {number}")}<p><a href="{INDEX}">All pairs</a></p>\n'
        f"<h1>{_esc(heading)}</h1>\n<p>Matching code is marked.</p>\n"
        f"<div class=sides>\n{chr(10).join(sides)}\n</div>\n</body>\n</html>\n"
    )


def marked(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """`text` HTML-escaped, with each (start, end) range of `spans` (sorted, disjoint)
    inside <mark>."""
    pieces, at = [], 0
    for start, end in spans:
        start, end = max(start, at), min(end, len(text))
        if start >= end:
            continue
        pieces.append(_esc(text[at:start]))
        pieces.append(f"<mark>{_esc(text[start:end])}</mark>")
        at = end
    pieces.append(_esc(text[at:]))
    return "".join(pieces)


def _csv(pairs: Sequence[Pair]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for number, p in enumerate(pairs, 1):
        writer.writerow(
            [
                number,
                csv_cell(p.a.id),
                csv_cell(p.a.name),
                csv_cell(p.b.id),
                csv_cell(p.b.name),
                f"{p.similarity[0]:.4f}",
                f"{p.similarity[1]:.4f}",
                p.matched,
                page_name(number),
            ]
        )
    return buffer.getvalue()
