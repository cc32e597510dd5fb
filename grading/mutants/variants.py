"""Allowed variants: the dual of mutation testing. Does the hidden suite accept every
correct solution the contract allows?

An allowed variant is the reference solution rewritten along one freedom the contract
leaves to students (another clipping epsilon, another sigmoid formula, caches as dicts,
loops instead of vectorised code, ...). It lives in `autograder/allowed_variants/<name>/`
as whole replacement modules (`<module>.py`, a module of the package) that are laid over
a copy of `solution/<package>/`. Each module's docstring starts with two lines (each
may go on in indented lines):

    Allowed variant: <the freedom it exercises>.
    Allowed by: <the contract sentence that allows it, and where it is written>.

`run_variants` grades each variant under several submission seeds (checks draw random
inputs) the way `nnkit mutants` grades a mutant (`grading.grade.unsandboxed.LocalStudent`
in worker processes, `grading.grade.one_submission.run_checks`), but runs every check: a
variant that loses any point is a *false negative* of the suite (a check demands more
than the contract says), reported with the checks it failed.
"""

from __future__ import annotations

import ast
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grading.confined.limits import (
    MAX_MUTANT_MESSAGE_CHARS,
    MUTANT_GRACE_SECONDS,
    MUTANT_TIMEOUT_SECONDS,
    VARIANT_SEEDS,
)
from grading.course.assignment import AuthoringError, assignment, display_path
from grading.course.paths import AUTOGRADER_DIR
from grading.mutants.runner import DEFAULT_SEED, MutantTimeout, _init_worker, solution_with

VARIANTS_DIR = AUTOGRADER_DIR / "allowed_variants"
FREEDOM, ALLOWED_BY = "Allowed variant:", "Allowed by:"


class VariantError(AuthoringError):
    """An allowed variant that cannot be graded as written; the message names the file."""


@dataclass(frozen=True)
class Variant:
    """One allowed variant: replacement sources of some modules of the package."""

    name: str
    freedom: str
    allowed_by: str
    modules: dict[str, str] = field(repr=False)


@dataclass
class VariantOutcome:
    """A variant graded under one seed: its score, and each failed check with its message
    (`error`: the grading itself failed, e.g. a timeout)."""

    name: str
    seed: int
    score: float
    total: float
    failed: list[tuple[str, str]] = field(default_factory=list)
    error: str = ""
    seconds: float = 0.0

    @property
    def full_marks(self) -> bool:
        return not self.error and not self.failed and self.score >= self.total


def load_variants(folder: Path = VARIANTS_DIR, parts: Sequence[str] = ()) -> list[Variant]:
    """Every variant in `folder` (one sub-folder each), by name; with `parts`, only those
    that replace a module of these parts. VariantError, naming the file, for a module that
    is no part of the package, a syntax error, or a docstring without the two lines."""
    modules = set(assignment().modules)
    variants = []
    for directory in sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []:
        files = sorted(directory.glob("*.py"))
        if not files:
            raise VariantError(f"{display_path(directory)}: no module of the package in it")
        sources, freedoms, allowed = {}, [], []
        for path in files:
            where = display_path(path)
            if path.stem not in modules:
                raise VariantError(
                    f"{where}: {path.stem} is not a module of the package "
                    f"({', '.join(sorted(modules))})"
                )
            source = path.read_text(encoding="utf-8")
            freedom, allowed_by = _docstring_lines(source, where)
            sources[path.stem] = source
            freedoms.append(freedom)
            allowed.append(allowed_by)
        variant = Variant(directory.name, "; ".join(freedoms), "; ".join(allowed), sources)
        if not parts or set(variant.modules) & set(parts):
            variants.append(variant)
    return variants


def _docstring_lines(source: str, where: str) -> tuple[str, str]:
    """The texts after "Allowed variant:" and "Allowed by:" in the module's docstring."""
    try:
        doc = ast.get_docstring(ast.parse(source)) or ""
    except SyntaxError as exc:
        raise VariantError(f"{where}:{exc.lineno}: {exc.msg}") from None
    found: dict[str, str] = {}
    current = None
    for line in doc.splitlines():
        key = next((k for k in (FREEDOM, ALLOWED_BY) if line.startswith(k)), None)
        if key is not None:
            current, found[key] = key, line[len(key) :].strip()
        elif current is not None and line.startswith(" ") and line.strip():
            found[current] += " " + line.strip()  # an indented continuation line
        else:
            current = None
    missing = [key for key in (FREEDOM, ALLOWED_BY) if not found.get(key)]
    if missing:
        raise VariantError(
            f"{where}: its docstring needs a line {missing[0]!r} (the freedom it exercises, "
            f"then the contract sentence that allows it)"
        )
    return found[FREEDOM], found[ALLOWED_BY]


# -- grading one variant (in a worker process) ---------------------------------------------


def grade_variant(name: str, modules: dict[str, str], seed: int, timeout: float) -> VariantOutcome:
    """Grade the solution with `modules` laid over it, every check, under `seed`."""
    from grading.grade.one_submission import load_checks, run_checks
    from grading.grade.unsandboxed import LocalStudent

    started = time.perf_counter()
    checks = load_checks()
    total = sum(c.points for c in checks)
    try:
        with solution_with(modules, timeout) as work:
            results = run_checks(LocalStudent(work, seed=seed), checks)
        failed = [
            (r.check.name, r.message[:MAX_MUTANT_MESSAGE_CHARS]) for r in results if not r.passed
        ]
        score = sum(r.score for r in results)
        return VariantOutcome(name, seed, score, total, failed, "", time.perf_counter() - started)
    except MutantTimeout:
        return VariantOutcome(name, seed, 0.0, total, [], f"no result within {timeout:g} s")
    except BaseException as exc:  # noqa: BLE001 - e.g. a RecursionError in the suite
        error = f"{type(exc).__name__}: {exc}"[:MAX_MUTANT_MESSAGE_CHARS]
        return VariantOutcome(name, seed, 0.0, total, [], error, time.perf_counter() - started)


# -- grading many, in parallel --------------------------------------------------------------


def variant_seeds(count: int = VARIANT_SEEDS, first: int = DEFAULT_SEED) -> list[int]:
    """The `count` submission seeds every variant is graded under."""
    return [first + k for k in range(count)]


def run_variants(
    variants: Sequence[Variant],
    *,
    seeds: Sequence[int] = (),
    jobs: int | None = None,
    timeout: float = MUTANT_TIMEOUT_SECONDS,
    progress: Callable[[VariantOutcome], None] | None = None,
) -> list[VariantOutcome]:
    """Grade every variant under every seed (default: `variant_seeds()`) on `jobs` worker
    processes (default: every core); outcomes by variant, then seed."""
    from grading.checks.points import load_suite
    from grading.grade.process_pool import Lost, run_tasks

    load_suite()  # an authoring mistake is one line here, not a failure in every worker
    seeds = list(seeds) or variant_seeds()
    tasks = {
        f"{v.name}@{seed}": (v.name, v.modules, seed, timeout) for v in variants for seed in seeds
    }
    if not tasks:
        return []
    jobs = min(jobs or os.cpu_count() or 1, len(tasks))
    total = sum(c.points for c in load_suite())
    found: dict[str, VariantOutcome] = {}
    for key, outcome in run_tasks(
        grade_variant,
        tasks,
        processes=jobs,
        deadline_seconds=timeout + MUTANT_GRACE_SECONDS,
        initializer=_init_worker,
    ):
        if isinstance(outcome, Lost):
            name, seed = str(key).rsplit("@", 1)
            outcome = VariantOutcome(
                name, int(seed), 0.0, total, [], f"the worker process {outcome.reason}"
            )
        found[str(key)] = outcome
        if progress:
            progress(outcome)
    return [found[key] for key in tasks]


def false_negatives(outcomes: Sequence[VariantOutcome]) -> list[VariantOutcome]:
    """The outcomes of variants that lost points: each is a check that demands more than
    the contract says (or a variant the contract does not allow after all)."""
    return [o for o in outcomes if not o.full_marks]


def report(outcomes: Sequence[VariantOutcome], variants: Sequence[Variant]) -> dict[str, Any]:
    """The JSON document: per variant its freedom, the contract sentence, and its score
    under each seed; every false negative with its failed checks."""
    by_name: dict[str, list[VariantOutcome]] = {}
    for o in outcomes:
        by_name.setdefault(o.name, []).append(o)
    return {
        "variants": [
            {
                "name": v.name,
                "freedom": v.freedom,
                "allowed_by": v.allowed_by,
                "modules": sorted(v.modules),
                "scores": {str(o.seed): o.score for o in by_name.get(v.name, [])},
            }
            for v in variants
        ],
        "false_negatives": [
            {"name": o.name, "seed": o.seed, "score": o.score, "failed": o.failed, "error": o.error}
            for o in false_negatives(outcomes)
        ],
    }


def describe(outcome: VariantOutcome) -> str:
    """`FALSE NEGATIVE eps_1e-7 (seed 3): 98.5 of 100` and one line per failed check."""
    lines = [
        f"FALSE NEGATIVE {outcome.name} (seed {outcome.seed}): "
        f"{outcome.score:g} of {outcome.total:g}" + (f"; {outcome.error}" if outcome.error else "")
    ]
    lines += [f"  {check}: {message}" for check, message in outcome.failed]
    return "\n".join(lines)


def summary_line(outcomes: Sequence[VariantOutcome]) -> str:
    """`12 of 12 allowed variants score 100 under 3 seeds each` for the terminal."""
    if not outcomes:
        return "no allowed variant to grade (autograder/allowed_variants/)"
    names = list(dict.fromkeys(o.name for o in outcomes))
    seeds = len({o.seed for o in outcomes})
    bad = {o.name for o in false_negatives(outcomes)}
    return (
        f"{len(names) - len(bad)} of {len(names)} allowed variants score full marks under "
        f"{seeds} seed{'s' if seeds != 1 else ''} each"
        + (f"; false negatives of the suite: {', '.join(sorted(bad))}" if bad else "")
    )
