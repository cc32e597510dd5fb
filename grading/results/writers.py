"""The table of output writers: every file `nnkit grade` and `nnkit grade-all` can write
for one graded submission, each made from its results.json document.

`grade-all` writes every one into each submission's folder under its file name; `grade`
writes results.json and those asked for by option. Adding a format is adding a row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grading.results.feedback import html_page, markdown_page
from grading.results.files import json_text, write_atomic
from grading.results.junit import to_junit


@dataclass(frozen=True)
class Writer:
    """One output: `render(document, title, byline)` gives the file's text."""

    name: str  # what `grade`'s options and callers call it
    file_name: str  # its name in a submission's folder
    render: Callable[[dict[str, Any], str, str], str]


WRITERS: tuple[Writer, ...] = (
    Writer("results", "results.json", lambda doc, title, byline: json_text(doc)),
    Writer("junit", "junit.xml", lambda doc, title, byline: to_junit(doc, name=title)),
    Writer("markdown", "feedback.md", lambda doc, title, byline: markdown_page(doc, title, byline)),
    Writer("html", "feedback.html", lambda doc, title, byline: html_page(doc, title=title)),
)
WRITERS_BY_NAME: dict[str, Writer] = {w.name: w for w in WRITERS}


def write_outputs(
    document: dict[str, Any], paths: Mapping[str, Path], title: str, byline: str = ""
) -> None:
    """Write `document` as each writer named in `paths` ({writer name: path}), atomically,
    in table order. The results.json text is rendered first, so a document that is not
    strict JSON leaves every file as it was."""
    for writer in WRITERS:
        if writer.name in paths:
            write_atomic(paths[writer.name], writer.render(document, title, byline))


def folder_paths(folder: Path) -> dict[str, Path]:
    """{writer name: folder / its file name} for every writer."""
    return {w.name: folder / w.file_name for w in WRITERS}
