"""Every limit of the kit is defined once, in grading/confined/limits.py, with its unit and
why it has its size; the modules that apply one import it."""

from __future__ import annotations

import ast
import re

from grading.confined import limits
from grading.course.paths import KIT_ROOT

LIMITS_FILE = KIT_ROOT / "grading" / "confined" / "limits.py"
LIMIT_NAME = re.compile(r"^(MAX_|MIN_)|_(BYTES|CHARS|SECONDS|TIMEOUT|LIMIT|MB)$")
UNITS = (
    "bytes",
    "characters",
    "count",
    "seconds",
    "levels",
    "MiB",
    "processes",
    "warnings",
    "notes",
)


def is_number(value: ast.AST | None) -> bool:
    """True for a literal number or arithmetic on literal numbers (`4 * 1024 * 1024`)."""
    if value is None:
        return False
    allowed = (ast.BinOp, ast.UnaryOp, ast.operator, ast.unaryop)
    return all(
        isinstance(n, allowed) or (isinstance(n, ast.Constant) and type(n.value) in (int, float))
        for n in ast.walk(value)
    )


def numeric_constants(tree: ast.Module) -> list[str]:
    """The names of `tree`'s module-level and class-level `NAME = <number>` assignments."""
    found = []
    bodies = [tree.body] + [n.body for n in tree.body if isinstance(n, ast.ClassDef)]
    for body in bodies:
        for node in body:
            if isinstance(node, ast.Assign) and is_number(node.value):
                found += [t.id for t in node.targets if isinstance(t, ast.Name)]
            elif isinstance(node, ast.AnnAssign) and is_number(node.value):
                found += [node.target.id] if isinstance(node.target, ast.Name) else []
    return found


def test_no_other_module_defines_a_limit():
    elsewhere = []
    for path in sorted((KIT_ROOT / "grading").rglob("*.py")):
        if path == LIMITS_FILE:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for name in numeric_constants(tree):
            if LIMIT_NAME.search(name):
                elsewhere.append(f"{path.relative_to(KIT_ROOT)}: {name}")
    assert elsewhere == []


def test_every_limit_says_its_unit_and_reason():
    tree = ast.parse(LIMITS_FILE.read_text(encoding="utf-8"))
    documented = {}
    for node, after in zip(tree.body, tree.body[1:]):
        if isinstance(node, ast.Assign) and isinstance(after, ast.Expr):
            documented[node.targets[0].id] = after.value.value
    names = [n for n in vars(limits) if n.isupper()]
    assert names and sorted(documented) == sorted(names)
    for name, text in documented.items():
        assert any(unit.lower() in text.lower() for unit in UNITS), name
        assert len(text.split()) >= 6, name  # a unit alone is not a reason
