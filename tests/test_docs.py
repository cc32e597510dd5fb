"""The documentation (every Markdown file of the kit) cites only files that exist."""

from __future__ import annotations

import re
import subprocess

from grading.course.paths import KIT_ROOT

# A path inside the kit, as the docs write it (`grading/sandbox/untrusted.py`); one that
# starts with `/` is a path on a grading machine (`/autograder/results/results.json`).
CITED_PATH = re.compile(
    r"(?<![/\w.-])((?:tests|grading|docs|bench|solution|autograder|samples)/[\w/.-]*\w"
    r"\.(?:py|json|sh|md|toml|yml|txt))"
)


def documents() -> list[str]:
    """The kit's own Markdown files, as git lists them."""
    listed = subprocess.run(
        ["git", "ls-files", "*.md"],
        cwd=KIT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    # assignment/ is the student's: its paths are relative to the student's package.
    return [name for name in listed if not name.startswith("assignment/")]


def missing_citations(text: str) -> list[str]:
    """The paths `text` cites that do not exist in the kit."""
    return [path for path in CITED_PATH.findall(text) if not (KIT_ROOT / path).exists()]


def test_every_cited_file_exists():
    missing = {
        name: found
        for name in documents()
        if (found := missing_citations((KIT_ROOT / name).read_text(encoding="utf-8")))
    }
    assert missing == {}


def test_a_missing_file_is_found():
    text = "See docs/DESIGN.md, docs/NOWHERE.md and /autograder/source/setup.sh."
    assert missing_citations(text) == ["docs/NOWHERE.md"]
