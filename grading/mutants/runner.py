"""Mutation testing of the hidden suite: how many small mistakes in the solution lose points?

`generate()` parses every module of `solution/<package>/` and, inside the solution regions
only (the code students write; the rest is handed to them), makes one small change at a
time with the AST: operator swaps (+ -, * /, @ *, ** *), swapped operands, comparison
changes (> >=, == !=, > <), `and`/`or`, dropped unary minus and `not`, constant changes
(0, c + 1, -c, True/False, strings compared), dropped statements, swapped call
arguments, dropped transposes (`.T`), changed or removed `axis=`, `+=` turned into `=` or
`-=`, swapped numpy functions (maximum/minimum, sum/mean, max/min, zeros/ones, log/log1p),
dropped calls (`reversed(x)`, `abs(x)`, ... become `x`), negated `if`/`while`
conditions and `break`/`continue` swaps. Each mutant is the original file with exactly
one expression or statement replaced, so its diff is that one line.

`run()` grades mutants with the hidden suite in parallel worker processes
(`grading.grade.unsandboxed.LocalStudent`, in-process: mutants are our own trusted
code), each with a timeout, checks of the mutated part first, stopping at the first failed check. A
mutant
is *killed* when it loses points (a failed check, an error, a timeout or a crash all
would in real grading) and *survives* when it still scores 100.

Mutants that cannot change behaviour (e.g. `z >= 0` -> `z > 0` in a `np.where` whose two
branches agree at 0) are listed, each with the reason, in the reviewed file
`autograder/equivalent_mutants.json`, and are not graded. The mutation score is killed /
(total - equivalent).
"""

from __future__ import annotations

import ast
import contextlib
import copy
import difflib
import hashlib
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grading.confined.limits import (
    MAX_MUTANT_MESSAGE_CHARS,
    MUTANT_GRACE_SECONDS,
    MUTANT_MEMORY_BYTES,
    MUTANT_TIMEOUT_SECONDS,
)
from grading.course.assignment import assignment
from grading.course.markers import Region, solution_regions
from grading.course.paths import AUTOGRADER_DIR, solution_package

EQUIVALENT_FILE = AUTOGRADER_DIR / "equivalent_mutants.json"
DEFAULT_TIMEOUT = MUTANT_TIMEOUT_SECONDS
DEFAULT_SEED = 20240607
MEMORY_LIMIT = MUTANT_MEMORY_BYTES


@dataclass(frozen=True)
class Mutant:
    """One mutant: `module`'s source with one change at `line` (1-based)."""

    id: str
    module: str
    scope: str
    operator: str
    line: int
    before: str
    after: str
    source: str = field(repr=False)
    original: str = field(repr=False)

    def diff(self) -> str:
        """The unified diff of the module, original to mutant (a few lines of context)."""
        name = f"solution/{assignment().package}/{self.module}.py"
        return "".join(
            difflib.unified_diff(
                self.original.splitlines(keepends=True),
                self.source.splitlines(keepends=True),
                f"a/{name}",
                f"b/{name}",
                n=2,
            )
        )


# -- mutation operators ---------------------------------------------------------------------

ARITH = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.MatMult: ast.Mult,
    ast.Pow: ast.Mult,
    ast.FloorDiv: ast.Div,
    ast.Mod: ast.FloorDiv,
}
NON_COMMUTATIVE = (ast.Sub, ast.Div, ast.MatMult, ast.Pow, ast.FloorDiv, ast.Mod)
COMPARE = {
    ast.Gt: [ast.GtE, ast.Lt],
    ast.GtE: [ast.Gt, ast.LtE],
    ast.Lt: [ast.LtE, ast.Gt],
    ast.LtE: [ast.Lt, ast.GtE],
    ast.Eq: [ast.NotEq],
    ast.NotEq: [ast.Eq],
    ast.In: [ast.NotIn],
    ast.NotIn: [ast.In],
    ast.Is: [ast.IsNot],
    ast.IsNot: [ast.Is],
}
FUNCTION_SWAPS = {
    "maximum": "minimum",
    "minimum": "maximum",
    "max": "min",
    "min": "max",
    "sum": "mean",
    "mean": "sum",
    "zeros": "ones",
    "ones": "zeros",
    "log": "log1p",
    "log1p": "log",
}
DROPPABLE_CALLS = {"reversed", "abs", "sqrt", "exp", "tanh"}


@dataclass
class _Change:
    """Replace the source span of `node` with `text` (an expression or a statement)."""

    node: ast.AST
    text: str
    operator: str
    before: str
    after: str
    statement: bool = False


def _short(node: ast.AST | str) -> str:
    text = node if isinstance(node, str) else ast.unparse(node)
    text = " ".join(text.split())
    return text if len(text) <= 70 else text[:67] + "..."


ATOMS = (ast.Name, ast.Attribute, ast.Call, ast.Subscript)


def _expr_change(node: ast.expr, new: ast.expr, operator: str) -> _Change:
    """Replace expression `node` by `new`, in parentheses unless `new` is an atom (the
    parentheses keep the precedence of the original, e.g. in `c * (a + b)`)."""
    new = ast.fix_missing_locations(new)
    text = ast.unparse(new)
    atom = isinstance(new, ATOMS) or (
        isinstance(new, ast.Constant)
        and not (isinstance(new.value, (int, float)) and new.value < 0)
    )
    return _Change(node, text if atom else f"({text})", operator, _short(node), _short(new))


def _changes(node: ast.AST, parent: ast.AST | None) -> Iterator[_Change]:
    """Every mutation of `node` itself (its children are visited separately)."""
    if isinstance(node, ast.BinOp):
        op = type(node.op)
        if op in ARITH:
            yield _expr_change(node, ast.BinOp(node.left, ARITH[op](), node.right), "arith")
        if isinstance(node.op, NON_COMMUTATIVE) and ast.dump(node.left) != ast.dump(node.right):
            yield _expr_change(node, ast.BinOp(node.right, node.op, node.left), "swap_operands")
    elif isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            for new_op in COMPARE.get(type(op), []):
                ops = list(node.ops)
                ops[i] = new_op()
                yield _expr_change(node, ast.Compare(node.left, ops, node.comparators), "compare")
    elif isinstance(node, ast.BoolOp):
        other = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        yield _expr_change(node, ast.BoolOp(other, node.values), "boolop")
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.Not)):
        yield _expr_change(node, node.operand, "drop_unary")
    elif isinstance(node, ast.Constant):
        yield from _constant_changes(node, parent)
    elif isinstance(node, ast.Attribute) and node.attr == "T":
        yield _expr_change(node, node.value, "drop_transpose")
    elif isinstance(node, ast.Call):
        yield from _call_changes(node)
    elif isinstance(node, ast.AugAssign):
        assign = ast.Assign([node.target], node.value)
        yield _stmt_change(node, assign, "augassign_to_assign")
        if type(node.op) in ARITH:
            yield _stmt_change(
                node, ast.AugAssign(node.target, ARITH[type(node.op)](), node.value), "augassign_op"
            )
    if isinstance(node, (ast.If, ast.While)):
        test = ast.UnaryOp(ast.Not(), node.test)
        yield _expr_change(node.test, test, "negate_condition")
    if isinstance(node, ast.Break):
        yield _stmt_change(node, ast.Continue(), "loop_control")
    elif isinstance(node, ast.Continue):
        yield _stmt_change(node, ast.Break(), "loop_control")
    if isinstance(node, ast.stmt) and not _is_docstring(node) and not isinstance(node, ast.Pass):
        yield _Change(node, "pass", "drop_statement", _short(_first_line(node)), "pass", True)


def _stmt_change(node: ast.stmt, new: ast.stmt, operator: str) -> _Change:
    new = ast.fix_missing_locations(new)
    return _Change(node, ast.unparse(new), operator, _short(node), _short(new), True)


def _first_line(node: ast.stmt) -> str:
    return ast.unparse(node).splitlines()[0]


def _is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _constant_changes(node: ast.Constant, parent: ast.AST | None) -> Iterator[_Change]:
    value = node.value
    if isinstance(value, bool):
        yield _expr_change(node, ast.Constant(not value), "constant")
    elif isinstance(value, (int, float)):
        news: list[int | float] = []
        if value != 0:
            news += [type(value)(0), -value]
        else:
            news.append(type(value)(1))
        if value + 1 not in news:
            news.append(value + 1)
        for new in news:
            yield _expr_change(node, ast.Constant(new), "constant")
    elif isinstance(value, str) and isinstance(parent, ast.Compare):
        yield _expr_change(node, ast.Constant(value + "_"), "constant")


def _call_changes(node: ast.Call) -> Iterator[_Change]:
    args = node.args
    for i in range(len(args) - 1):
        a, b = args[i], args[i + 1]
        if isinstance(a, ast.Starred) or isinstance(b, ast.Starred) or ast.dump(a) == ast.dump(b):
            continue
        swapped = list(args)
        swapped[i], swapped[i + 1] = b, a
        yield _expr_change(node, ast.Call(node.func, swapped, node.keywords), "swap_args")
    for k, kw in enumerate(node.keywords):
        if kw.arg != "axis":
            continue
        rest = node.keywords[:k] + node.keywords[k + 1 :]
        yield _expr_change(node, ast.Call(node.func, args, rest), "axis")
        if isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, int):
            other = 1 if kw.value.value in (0, -2) else 0
            new_kw = ast.keyword("axis", ast.Constant(other))
            keywords = node.keywords[:k] + [new_kw] + node.keywords[k + 1 :]
            yield _expr_change(node, ast.Call(node.func, args, keywords), "axis")
    name = _func_name(node.func)
    if name in FUNCTION_SWAPS:
        func = copy.deepcopy(node.func)
        if isinstance(func, ast.Attribute):
            func.attr = FUNCTION_SWAPS[name]
        else:
            func = ast.Name(FUNCTION_SWAPS[name], ast.Load())
        yield _expr_change(node, ast.Call(func, args, node.keywords), "swap_function")
    if name in DROPPABLE_CALLS and len(args) == 1 and not node.keywords:
        yield _expr_change(node, args[0], "drop_call")


def _func_name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


# -- generating mutants ----------------------------------------------------------------------


class _Scopes(ast.NodeVisitor):
    """Each node's parent and the qualified name of the function or class around it."""

    def __init__(self) -> None:
        self.parent: dict[int, ast.AST] = {}
        self.scope: dict[int, str] = {}
        self._stack: list[str] = []

    def generic_visit(self, node: ast.AST) -> None:
        named = isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        if named:
            self._stack.append(node.name)  # type: ignore[attr-defined]
        for child in ast.iter_child_nodes(node):
            self.parent[id(child)] = node
            self.scope[id(child)] = ".".join(self._stack) or "<module>"
            self.visit(child)
        if named:
            self._stack.pop()


def _inside(node: ast.AST, regions: Sequence[Region]) -> bool:
    start = getattr(node, "lineno", None)
    end = getattr(node, "end_lineno", None)
    if start is None or end is None:
        return False
    return any(start in r.inside and end in r.inside for r in regions)


def _in_fstring(node: ast.AST, parents: dict[int, ast.AST]) -> bool:
    while id(node) in parents:
        node = parents[id(node)]
        if isinstance(node, ast.JoinedStr):
            return True
    return False


def _splice(source: bytes, lines: list[int], node: ast.AST, text: str) -> bytes:
    """`source` with the bytes of `node` (AST offsets are UTF-8 byte offsets) replaced;
    parentheses around `text` are left out where the source already has them."""
    start = lines[node.lineno - 1] + node.col_offset  # type: ignore[attr-defined]
    end = lines[node.end_lineno - 1] + node.end_col_offset  # type: ignore[attr-defined]
    wrapped = source[start - 1 : start] == b"(" and source[end : end + 1] == b")"
    if wrapped and text.startswith("(") and text.endswith(")"):
        try:
            ast.parse(text[1:-1], mode="eval")
            text = text[1:-1]
        except SyntaxError:
            pass
    return source[:start] + text.encode("utf-8") + source[end:]


def mutants_of(module: str, source: str) -> list[Mutant]:
    """The mutants of one module's solution regions, in source order."""
    regions = solution_regions(source)  # grading.course.markers: the one parser
    if not regions:
        return []
    tree = ast.parse(source)
    scopes = _Scopes()
    scopes.visit(tree)
    raw = source.encode("utf-8")
    offsets, pos = [], 0
    for line in raw.splitlines(keepends=True):
        offsets.append(pos)
        pos += len(line)
    text_lines = source.splitlines()
    found: list[Mutant] = []
    seen: dict[str, int] = {}
    nodes = [n for n in ast.walk(tree) if _inside(n, regions)]
    nodes.sort(key=lambda n: (n.lineno, n.col_offset, -n.end_lineno, -n.end_col_offset))  # type: ignore[attr-defined]
    for node in nodes:
        if _in_fstring(node, scopes.parent):
            continue
        parent = scopes.parent.get(id(node))
        for change in _changes(node, parent):
            target = change.node
            mutated = _splice(raw, offsets, target, change.text).decode("utf-8")
            if mutated == source:
                continue
            try:
                ast.parse(mutated)
            except SyntaxError:
                continue
            line = target.lineno  # type: ignore[attr-defined]
            scope = scopes.scope.get(id(target), "<module>")
            context = " ".join(text_lines[line - 1].split("  #")[0].split())
            what = f"{change.operator}: {change.before} -> {change.after}"
            base = f"{module}.{scope} | {context} | {what}"
            seen[base] = seen.get(base, 0) + 1
            mid = base if seen[base] == 1 else f"{base} #{seen[base]}"
            found.append(
                Mutant(
                    mid,
                    module,
                    scope,
                    change.operator,
                    line,
                    change.before,
                    change.after,
                    mutated,
                    source,
                )
            )
    return found


def generate(package: Path | None = None, parts: Sequence[str] = ()) -> list[Mutant]:
    """Every mutant of every module of `package` (default: the solution's), module by module
    in name order; with `parts`, of those parts' modules only."""
    package = package or solution_package()
    mutants: list[Mutant] = []
    for path in sorted(package.glob("*.py")):
        if parts and path.stem not in parts:
            continue
        mutants += mutants_of(path.stem, path.read_text(encoding="utf-8"))
    return mutants


def sample(mutants: Sequence[Mutant], n: int | None) -> list[Mutant]:
    """A deterministic sample of `n` mutants (by a hash of their ids), in their order."""
    if n is None or n >= len(mutants):
        return list(mutants)
    ranked = sorted(mutants, key=lambda m: hashlib.sha256(m.id.encode()).hexdigest())
    chosen = {m.id for m in ranked[:n]}
    return [m for m in mutants if m.id in chosen]


# -- the reviewed list of equivalent mutants ------------------------------------------------


def load_equivalent(path: Path = EQUIVALENT_FILE) -> dict[str, str]:
    """{mutant id: reason} from the reviewed file: {"about": ..., "mutants": [{"id",
    "reason"}, ...]}."""
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    entries = data["mutants"] if isinstance(data, dict) else data
    return {e["id"]: e["reason"] for e in entries}


def stale_equivalents(
    mutants: Sequence[Mutant] | None = None, path: Path = EQUIVALENT_FILE
) -> list[str]:
    """Ids in the reviewed file that no generated mutant has (the solution changed)."""
    ids = {m.id for m in (mutants if mutants is not None else generate())}
    return sorted(i for i in load_equivalent(path) if i not in ids)


# -- grading one mutant (in a worker process) ---------------------------------------------


class MutantTimeout(BaseException):
    """Raised by the alarm in a worker; a BaseException, so that no check catches it."""


@dataclass
class Outcome:
    """What grading a mutant gave. `status`: killed, survived, timeout or error."""

    id: str
    status: str
    check: str = ""
    message: str = ""
    seconds: float = 0.0

    @property
    def killed(self) -> bool:
        return self.status != "survived"


_CHECKS: list[Any] = []


def _init_worker() -> None:
    """Once per worker: quiet output, a memory cap, the suite and the reference loaded."""
    sys.dont_write_bytecode = True
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    with contextlib.suppress(ValueError, OSError, ImportError):
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    import warnings

    warnings.simplefilter("ignore")
    from grading.checks.reference import ref
    from grading.grade.one_submission import load_checks

    _CHECKS[:] = load_checks()
    for name in assignment().modules:
        getattr(ref, name)


def _on_alarm(_signum: int, _frame: Any) -> None:
    raise MutantTimeout


@contextlib.contextmanager
def solution_with(modules: dict[str, str], timeout: float) -> Iterator[Path]:
    """A copy of the solution package with `modules` ({module: source}) laid over it, in a
    temporary folder (yielded: the package's parent), while an alarm raises MutantTimeout
    after `timeout` seconds; the folder, the alarm and the imported package are gone after."""
    from grading.grade.unsandboxed import forget_package

    work = Path(tempfile.mkdtemp(prefix="nnkit-mutant-"))
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        package = assignment().package
        shutil.copytree(
            solution_package(), work / package, ignore=shutil.ignore_patterns("__pycache__")
        )
        for module, source in modules.items():
            (work / package / f"{module}.py").write_text(source, encoding="utf-8")
        yield work
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        with contextlib.suppress(ValueError):
            sys.path.remove(str(work))
        forget_package(assignment().package)
        shutil.rmtree(work, ignore_errors=True)


def grade_mutant(module: str, source: str, mutant_id: str, seed: int, timeout: float) -> Outcome:
    """Grade one mutant in this process: the checks of its part first, stopping at the
    first one that fails."""
    from grading.grade.one_submission import load_checks, run_checks
    from grading.grade.unsandboxed import LocalStudent

    checks = _CHECKS or load_checks()
    ordered = [c for c in checks if c.part == module] + [c for c in checks if c.part != module]
    started = time.perf_counter()
    try:
        with solution_with({module: source}, timeout) as work:
            student = LocalStudent(work, seed=seed)
            for chk in ordered:
                result = run_checks(student, [chk])[0]
                if not result.passed:
                    return Outcome(
                        mutant_id,
                        "killed",
                        chk.name,
                        result.message[:MAX_MUTANT_MESSAGE_CHARS],
                        time.perf_counter() - started,
                    )
        return Outcome(mutant_id, "survived", seconds=time.perf_counter() - started)
    except MutantTimeout:
        return Outcome(
            mutant_id, "timeout", message=f"no result within {timeout:g} s", seconds=timeout
        )
    except BaseException as exc:  # noqa: BLE001 - e.g. MemoryError, RecursionError in the suite
        return Outcome(
            mutant_id,
            "error",
            message=f"{type(exc).__name__}: {exc}"[:MAX_MUTANT_MESSAGE_CHARS],
            seconds=time.perf_counter() - started,
        )


# -- grading many mutants in parallel ---------------------------------------------------------


CONTROL = "<control: the unmutated solution>"


class MutationRunError(RuntimeError):
    """The run cannot be trusted: the unmutated solution did not pass in a worker."""


def run(
    mutants: Sequence[Mutant],
    *,
    jobs: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    seed: int = DEFAULT_SEED,
    progress: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Grade `mutants` on `jobs` worker processes (default: every core); outcomes in the
    order of `mutants`.

    The unmutated solution is graded first, alone, as a control: unless it scores 100 in a
    worker, nothing else can be trusted and MutationRunError is raised. A mutant whose
    worker dies (a crash) or hangs in C code past the timeout is killed ("error"); the
    pool (grading.grade.process_pool) loses only that mutant's process."""
    from grading.checks.points import load_suite

    load_suite()  # an authoring mistake is one line here, not a failed control in a worker
    jobs = jobs or os.cpu_count() or 1
    control = _control()
    o = _grade_all([control], 1, timeout, seed, None)[CONTROL]
    if o.status != "survived":
        detail = ": ".join(x for x in (o.status, o.check, o.message) if x)
        raise MutationRunError(
            f"the unmutated solution does not score 100 in a mutation worker ({detail})"
        )
    outcomes = _grade_all(mutants, min(jobs, max(1, len(mutants))), timeout, seed, progress)
    return [outcomes[m.id] for m in mutants]


def _grade_all(
    mutants: Sequence[Mutant],
    processes: int,
    timeout: float,
    seed: int,
    progress: Callable[[Outcome], None] | None,
) -> dict[str, Outcome]:
    """Grade each mutant in a pool of `processes`; a lost process is the mutant's "error"."""
    from grading.grade.process_pool import Lost, run_tasks

    tasks = {m.id: (m.module, m.source, m.id, seed, timeout) for m in mutants}
    outcomes: dict[str, Outcome] = {}
    graded = run_tasks(
        grade_mutant,
        tasks,
        processes=processes,
        deadline_seconds=timeout + MUTANT_GRACE_SECONDS,
        initializer=_init_worker,
    )
    for key, outcome in graded:
        if isinstance(outcome, Lost):
            outcome = Outcome(str(key), "error", message=f"the worker process {outcome.reason}")
        outcomes[str(key)] = outcome
        if progress:
            progress(outcome)
    return outcomes


def _control() -> Mutant:
    module = assignment().modules[0]
    source = (solution_package() / f"{module}.py").read_text(encoding="utf-8")
    return Mutant(CONTROL, module, "<module>", "control", 0, "", "", source, source)


# -- the report ------------------------------------------------------------------------------


def report(
    graded: Sequence[Mutant],
    outcomes: Sequence[Outcome],
    equivalent: Sequence[Mutant] = (),
    *,
    seconds: float = 0.0,
    stale: Sequence[str] = (),
) -> dict[str, Any]:
    """The JSON document: the counts, the mutation score killed / non-equivalent, every
    survivor with its diff, which checks killed how many, and the equivalent mutants left
    out (with `stale`: reviewed ids that no mutant has any more)."""
    by_id = {m.id: m for m in graded}
    killed = sum(o.killed for o in outcomes)
    statuses: dict[str, int] = {}
    for o in outcomes:
        statuses[o.status] = statuses.get(o.status, 0) + 1
    non_equivalent = len(outcomes)
    return {
        "total": len(outcomes) + len(equivalent),
        "killed": killed,
        "equivalent": len(equivalent),
        "non_equivalent": non_equivalent,
        "score": round(killed / non_equivalent, 4) if non_equivalent else 1.0,
        "statuses": statuses,
        "seconds": round(seconds, 1),
        "survivors": [
            {
                "id": o.id,
                "module": by_id[o.id].module,
                "function": by_id[o.id].scope,
                "line": by_id[o.id].line,
                "operator": by_id[o.id].operator,
                "before": by_id[o.id].before,
                "after": by_id[o.id].after,
                "diff": by_id[o.id].diff(),
            }
            for o in outcomes
            if not o.killed
        ],
        "killed_by": _killed_by(outcomes),
        "operators": _by_operator(graded, outcomes),
        "equivalent_ids": [m.id for m in equivalent],
        "stale_equivalent_ids": list(stale),
    }


def _killed_by(outcomes: Sequence[Outcome]) -> dict[str, int]:
    """How many mutants each check (or timeout/error) killed first, most first."""
    counts: dict[str, int] = {}
    for o in outcomes:
        if o.killed:
            key = o.check or o.status
            counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _by_operator(graded: Sequence[Mutant], outcomes: Sequence[Outcome]) -> dict[str, list[int]]:
    """{operator: [killed, graded]}."""
    result: dict[str, list[int]] = {}
    for m, o in zip(graded, outcomes):
        row = result.setdefault(m.operator, [0, 0])
        row[0] += o.killed
        row[1] += 1
    return dict(sorted(result.items()))


def mutation_run(
    *,
    sample_size: int | None = None,
    jobs: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    seed: int = DEFAULT_SEED,
    progress: Callable[[Outcome], None] | None = None,
    equivalent_file: Path = EQUIVALENT_FILE,
    parts: Sequence[str] = (),
) -> dict[str, Any]:
    """Generate every mutant (of `parts`' modules only, when given), set aside the reviewed
    equivalent ones, grade the rest (or a deterministic sample of `sample_size` drawn from
    all mutants) and report."""
    started = time.perf_counter()
    reviewed = load_equivalent(equivalent_file)
    everything = generate(parts=parts)
    stale = stale_equivalents(everything, equivalent_file)
    if parts:  # the other parts' reviewed mutants were not generated: not stale
        stale = [i for i in stale if i.split(".", 1)[0] in parts]
    chosen = sample(everything, sample_size)
    graded = [m for m in chosen if m.id not in reviewed]
    equivalent = [m for m in chosen if m.id in reviewed]
    outcomes = run(graded, jobs=jobs, timeout=timeout, seed=seed, progress=progress)
    doc = report(graded, outcomes, equivalent, seconds=time.perf_counter() - started, stale=stale)
    doc["sample"] = sample_size
    doc["seed"] = seed
    return doc


def write_report(doc: dict[str, Any], path: Path) -> None:
    """Write the JSON document to `path`, atomically (grading.results.files)."""
    from grading.results.files import write_json_atomic

    write_json_atomic(doc, path)


def summary_line(doc: dict[str, Any]) -> str:
    """`546 of 547 non-equivalent mutants killed (99.8%); ...` for the terminal."""
    sampled = f" (a sample of {doc['sample']})" if doc.get("sample") else ""
    return (
        f"{doc['killed']} of {doc['non_equivalent']} non-equivalent mutants killed "
        f"({100 * doc['score']:.1f}%); {doc['total']} mutants{sampled}, {doc['equivalent']} "
        f"equivalent (reviewed), {len(doc['survivors'])} survived; {doc['seconds']:.0f} s"
    )


def main(argv: list[str] | None = None) -> int:
    """`python -m grading.mutants.runner [--json PATH] [--jobs N] [--sample N] [--timeout S]`
    (what `nnkit mutants` runs): print the score and every survivor's diff."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m grading.mutants.runner")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--sample", type=int, default=None)
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT)
    args = parser.parse_args(argv)
    doc = mutation_run(sample_size=args.sample, jobs=args.jobs, timeout=args.timeout)
    if args.json:
        write_report(doc, args.json)
    print(summary_line(doc))
    for s in doc["survivors"]:
        print(f"\nSURVIVED {s['id']}\n{s['diff']}")
    for stale in doc["stale_equivalent_ids"]:
        print(f"STALE (in {EQUIVALENT_FILE.name}, no such mutant): {stale}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
