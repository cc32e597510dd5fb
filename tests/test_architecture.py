"""The dependency rules of docs/ARCHITECTURE.md hold: import-linter's contracts (in
pyproject.toml) are kept, and the confined worker's code imports only what it may."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

from grading.course.paths import KIT_ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
CONFINED = KIT_ROOT / "grading" / "confined"
# Loaded before confinement and so reachable by student code: nothing of the kit's beyond
# its own folder, and of third-party code only numpy and the libseccomp binding.
CONFINED_MAY_IMPORT = frozenset(sys.stdlib_module_names) | {"numpy", "pyseccomp"}


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """Run the real `lint-imports` on the kit at `root` (its pyproject.toml's contracts)."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=root, capture_output=True, text=True, timeout=300
    )


def outside_imports(path: Path) -> list[str]:
    """The modules `path` imports that a confined module may not: `module (line N)`."""
    siblings = {p.stem for p in path.parent.glob("*.py")}
    bad = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if name.startswith("grading.confined") or top in siblings:
                continue
            if top not in CONFINED_MAY_IMPORT:
                bad.append(f"{name} (line {node.lineno})")
    return bad


def test_the_import_contracts_are_kept():
    done = lint_imports(KIT_ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_a_broken_layer_is_reported(tmp_path):
    for name in ("grading", "autograder"):
        shutil.copytree(KIT_ROOT / name, tmp_path / name)
    shutil.copy(KIT_ROOT / "pyproject.toml", tmp_path)
    with open(tmp_path / "grading" / "confined" / "wire.py", "a") as module:
        module.write("\nimport grading.grade  # noqa\n")
    done = lint_imports(tmp_path)
    assert done.returncode == 1
    assert "The confined worker's code imports no other part of the kit BROKEN" in done.stdout
    assert "The engine's layers import only downwards BROKEN" in done.stdout
    assert "grading.confined.wire -> grading.grade" in done.stdout


def test_confined_code_imports_only_the_standard_library_numpy_and_its_siblings():
    for path in sorted(CONFINED.glob("*.py")):
        assert outside_imports(path) == [], path.name


def test_a_third_party_import_in_confined_code_is_found(tmp_path):
    module = tmp_path / "worker.py"
    module.write_text("import json\nimport numpy as np\nimport wire\nfrom rich import print\n")
    (tmp_path / "wire.py").write_text("")
    assert outside_imports(module) == ["rich (line 4)"]
