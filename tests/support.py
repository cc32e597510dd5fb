"""What several test folders share: the tests' own folder and the results.json schema."""

from __future__ import annotations

import json
from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parent
# Gradescope's results.json, as its autograder specification describes it.
GRADESCOPE_SCHEMA = json.loads(
    (TESTS_DIR / "results" / "gradescope_results.schema.json").read_text()
)
