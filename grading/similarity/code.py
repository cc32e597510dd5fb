"""Each submission's code as one text, read as grading reads it.

A submission's text is its package's modules, in part order and then any other module
(sorted), each after a header line `# ---- <file> ----` (a comment, which the fingerprints
ignore), decoded as UTF-8 (undecodable bytes replaced); a submission's text is cut at
MAX_SIMILARITY_CHARS (`Code.cut` says so).
The files are read by `grading.sandbox.uploads.prepare`, so every cap on reading an upload
holds here too; a submission it refuses is skipped with its one-line reason.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from grading.confined.limits import MAX_ERROR_CHARS, MAX_SIMILARITY_CHARS
from grading.course.assignment import assignment
from grading.course.paths import ASSIGNMENT_DIR
from grading.grade.whole_class import clean_text, find_submissions
from grading.sandbox.uploads import SubmissionError, prepare


@dataclass(frozen=True)
class Code:
    """One submission's code: its id (`grading.grade.whole_class.submission_id`), the
    submitters' names from the metadata ("" if none), and its text."""

    id: str
    name: str
    text: str
    cut: bool = False  # longer than MAX_SIMILARITY_CHARS: only the start is compared


@dataclass(frozen=True)
class Skipped:
    """A submission that could not be read, and why (one line)."""

    id: str
    name: str
    reason: str


def class_code(folder: Path, exclude: list[Path] | None = None) -> tuple[list[Code], list[Skipped]]:
    """The code of every submission in `folder` (as `grade-all` finds them, sorted by id),
    and those that could not be read. Raises grading.grade.whole_class.BatchError when the
    folder cannot be used."""
    codes, skipped = [], []
    for sub in find_submissions(folder, exclude=exclude or []):
        try:
            text = submission_text(sub.path)
            cut = len(text) > MAX_SIMILARITY_CHARS
            codes.append(Code(sub.id, sub.name, text[:MAX_SIMILARITY_CHARS], cut))
        except SubmissionError as exc:
            skipped.append(Skipped(sub.id, sub.name, clean_text(str(exc), MAX_ERROR_CHARS)))
        except OSError as exc:  # a file that vanished or a full disk while copying
            reason = f"{type(exc).__name__}: {exc}"
            skipped.append(Skipped(sub.id, sub.name, clean_text(reason, MAX_ERROR_CHARS)))
    return codes, skipped


def submission_text(path: Path) -> str:
    """The text of the submission at `path` (a folder or .zip, read by `prepare`)."""
    with tempfile.TemporaryDirectory(prefix="nnkit-similarity-") as tmp:
        prepare(path, Path(tmp))
        return package_text(Path(tmp) / assignment().package)


def stub_text() -> str:
    """The release's stub code (assignment/<package>/): the boilerplate every submission
    starts from."""
    return package_text(ASSIGNMENT_DIR / assignment().package)


def package_text(folder: Path) -> str:
    """The modules of the package in `folder` as one text (see the module docstring)."""
    order = {f"{module}.py": i for i, module in enumerate(assignment().modules)}
    files = [p for p in folder.glob("*.py") if p.name != "__init__.py" and p.is_file()]
    files.sort(key=lambda p: (order.get(p.name, len(order)), p.name))
    pieces = []
    for path in files:
        code = path.read_bytes().decode("utf-8", "replace")
        pieces.append(f"# ---- {path.name} ----\n{code.rstrip()}\n\n")
    return "".join(pieces)
