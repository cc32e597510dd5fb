"""What several test folders share: the tests' own folder, the results.json schema, and a
look at this process's spawned children."""

from __future__ import annotations

import json
import os
from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parent
# Gradescope's results.json, as its autograder specification describes it.
GRADESCOPE_SCHEMA = json.loads(
    (TESTS_DIR / "results" / "gradescope_results.schema.json").read_text()
)


def spawned_children() -> list[int]:
    """The pids of this process's live children that multiprocessing spawned (pool
    processes; not its resource tracker, which lives as long as this process)."""
    found = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, parent = stat_file.read_text().rsplit(")", 1)[1].split()[:2]
            cmdline = (stat_file.parent / "cmdline").read_bytes()
        except (OSError, ValueError):
            continue
        if int(parent) == os.getpid() and state != "Z" and b"spawn_main" in cmdline:
            found.append(int(stat_file.parent.name))
    return found
