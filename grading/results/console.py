"""The one place the kit's rich Consoles are made, so output suits where it goes.

On a terminal rich measures the window and wraps text to it. Anywhere else (a pipe, a file:
CI logs, Gradescope's stdout) there is no window: rich would assume 80 columns and fold
every longer line mid-sentence, which a log shows as broken lines. So when the stream is
not a terminal, text is printed without wrapping (a long line comes out whole) and tables
are laid out LOG_WIDTH columns wide (or $COLUMNS, when set), so cells fold less.
"""

from __future__ import annotations

import os
import sys
from typing import IO

from rich.console import Console

LOG_WIDTH = 160  # columns for tables when the output is not a terminal


def make_console(
    *, stderr: bool = False, file: IO[str] | None = None, width: int | None = None
) -> Console:
    """A Console writing to `file` (default stdout, or stderr if `stderr`), without
    highlighting. `width` (columns) fixes the layout width everywhere; by default a
    terminal's own width is used, and LOG_WIDTH (or $COLUMNS) elsewhere, with text never
    soft-wrapped."""
    stream = file if file is not None else (sys.stderr if stderr else sys.stdout)
    if _is_tty(stream):
        return Console(file=stream, highlight=False, width=width)
    columns = os.environ.get("COLUMNS", "")
    log_width = int(columns) if columns.isdigit() and int(columns) > 0 else LOG_WIDTH
    return Console(file=stream, highlight=False, width=width or log_width, soft_wrap=True)


def _is_tty(stream: IO[str]) -> bool:
    """Whether `stream` is a terminal (its own word: FORCE_COLOR may ask rich for colours
    in a CI log, which still has no width to wrap to)."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or closed
        return False
