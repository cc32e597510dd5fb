"""The one atomic file write of the kit: a temporary file beside the target, then a rename,
so a reader (Gradescope, a spreadsheet, a browser) never sees half a file."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

SHARED_MODE = 0o644  # results and reports are read by course staff (mkstemp makes 0600)


def write_atomic(path: Path, text: str, *, mode: int = SHARED_MODE) -> None:
    """Write `text` (UTF-8) to `path`, replacing what was there; parent folders are made.
    Newlines are written as given (no translation)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def json_text(document: Any) -> str:
    """`document` as strict JSON text (indented, UTF-8 characters kept, a final newline).

    A nan or inf anywhere raises ValueError (Gradescope's parser rejects `NaN` and
    `Infinity`), and so does a string that is not valid Unicode (a lone surrogate cannot be
    written as UTF-8: UnicodeEncodeError on writing); grading.sandbox.untrusted keeps both
    out of every document."""
    return json.dumps(document, indent=2, allow_nan=False, ensure_ascii=False) + "\n"


def write_json_atomic(document: Any, path: Path) -> None:
    """Write `document` to `path` as strict JSON (see `json_text`), atomically."""
    write_atomic(path, json_text(document))
