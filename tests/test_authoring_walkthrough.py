"""docs/AUTHORING.md, performed on a copy of the kit: a new course adds a part (softmax and
categorical cross-entropy, with a gradient check), changes its course data and a check's
visibility, rebalances the points, and releases, grades, exports, bundles and
mutation-tests the result, editing only the files the guide names and no engine file.

Every step is the `nnkit` command an instructor types, run in a fresh process on the copy
(NNKIT_ROOT points the engine at it).
"""

from __future__ import annotations

import fnmatch
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from grading.course.paths import KIT_ROOT

GUIDE = KIT_ROOT / "docs" / "AUTHORING.md"
PACKAGE = "nnbasics"  # the kit's package, read back from the copy's assignment file below

SOFTMAX = '''\
"""Part 9: softmax and categorical cross-entropy.

Batches are rows: Z has shape (m, k), one row of k scores per example, and Y the one-hot
labels of the same shape.
"""

import numpy as np


def softmax(Z):
    """Row-wise softmax of scores Z, shape (m, k): each row sums to 1.

    Returns:
    - P: float64 array (m, k), P[i, j] = exp(Z[i, j]) / sum_l exp(Z[i, l])
    """
    # STUB: # Hint: subtract each row's maximum first (np.max(..., axis=1, keepdims=True)).
    # STUB: raise NotImplementedError("Part 9 (softmax): implement softmax")
    # BEGIN SOLUTION
    Z = np.asarray(Z, dtype=np.float64)
    E = np.exp(Z - np.max(Z, axis=1, keepdims=True))
    return E / np.sum(E, axis=1, keepdims=True)
    # END SOLUTION


def categorical_cross_entropy(P, Y):
    """Mean over the m rows of -sum_j Y[i, j] ln P[i, j].

    Returns:
    - loss: float
    """
    # STUB: # Hint: clip P away from 0 before the log; the mean is over rows.
    # STUB: raise NotImplementedError("Part 9 (softmax): implement categorical_cross_entropy")
    # BEGIN SOLUTION
    P = np.clip(np.asarray(P, dtype=np.float64), 1e-12, 1.0)
    return float(-np.sum(np.asarray(Y) * np.log(P)) / P.shape[0])
    # END SOLUTION


def softmax_cross_entropy_grad(Z, Y):
    """Gradient of categorical_cross_entropy(softmax(Z), Y) with respect to Z.

    Returns:
    - dZ: float64 array (m, k), (softmax(Z) - Y) / m
    """
    # STUB: # Hint: the softmax and the log cancel out: (P - Y) / m.
    # STUB: raise NotImplementedError("Part 9 (softmax): implement softmax_cross_entropy_grad")
    # BEGIN SOLUTION
    Z = np.asarray(Z, dtype=np.float64)
    return (softmax(Z) - np.asarray(Y, dtype=np.float64)) / Z.shape[0]
    # END SOLUTION
'''

PUBLIC_TESTS = '''\
"""Part 9: softmax and categorical cross-entropy."""

import numpy as np
import pytest
from nnbasics.softmax import categorical_cross_entropy, softmax, softmax_cross_entropy_grad

pytestmark = pytest.mark.part(9, "softmax")


def test_softmax_rows_sum_to_one():
    P = softmax(np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]))
    assert np.allclose(P.sum(axis=1), 1.0), f"each row of softmax should sum to 1, got {P}"
    assert np.allclose(P[1], 1 / 3), f"equal scores should give equal probabilities, got {P[1]}"


def test_cross_entropy_of_a_sure_answer_is_zero():
    loss = categorical_cross_entropy(np.array([[1.0, 0.0]]), np.array([[1.0, 0.0]]))
    assert abs(loss) < 1e-9, f"a probability of 1 on the right class costs 0, got {loss}"


def test_gradient_shape():
    grad = softmax_cross_entropy_grad(np.zeros((2, 3)), np.eye(3)[:2])
    assert np.shape(grad) == (2, 3), f"dZ should be shaped like Z, got {np.shape(grad)}"
'''

HIDDEN_CHECKS = '''\
"""Part 9: softmax and categorical cross-entropy."""

from __future__ import annotations

import numpy as np

from autograder.common import (
    check,
    expect_grad,
    expect_number,
    expect_values,
    gradcheck_problem,
)
from grading.checks.reference import ref
from grading.checks.suite import Student, numerical_gradient

PART = "softmax"


def _draw(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Scores for 5 examples and 4 classes, and one-hot labels."""
    return rng.normal(size=(5, 4)), np.eye(4)[rng.integers(0, 4, 5)]


@check(PART, points=1, tags=("random",))
def softmax_random(student: Student) -> None:
    """softmax: right probabilities on random (5, 4) scores"""
    Z, _ = _draw(student.rng)
    P = student.call("softmax.softmax", Z)
    expect_values(P, ref.softmax.softmax(Z), "softmax(Z) for Z of shape (5, 4)")


@check(PART, points=1, tags=("random",))
def categorical_cross_entropy_random(student: Student) -> None:
    """categorical_cross_entropy: right value on random (5, 4) probabilities"""
    Z, Y = _draw(student.rng)
    P = ref.softmax.softmax(Z)
    loss = student.call("softmax.categorical_cross_entropy", P, Y)
    expected = ref.softmax.categorical_cross_entropy(P, Y)
    expect_number(loss, expected, "categorical_cross_entropy(P, Y) for P of shape (5, 4)", m=5)


@check(PART, points=1, tags=("gradcheck", "random"))
def softmax_cross_entropy_gradient(student: Student) -> None:
    """softmax_cross_entropy_grad: passes the gradient check on random (5, 4) scores"""

    def loss(Z: np.ndarray, Y: np.ndarray) -> float:
        return ref.softmax.categorical_cross_entropy(ref.softmax.softmax(Z), Y)

    (Z, Y), (numeric,) = gradcheck_problem(
        student.rng,
        _draw,
        exact=lambda p: [ref.softmax.softmax_cross_entropy_grad(*p)],
        numeric=lambda p: [numerical_gradient(lambda z: loss(z, p[1]), p[0])],
    )
    grad = student.call("softmax.softmax_cross_entropy_grad", Z, Y)
    expect_grad(grad, numeric, "softmax_cross_entropy_grad(Z, Y) for Z of shape (5, 4)", m=5)
'''


def guide_patterns() -> list[str]:
    """The files docs/AUTHORING.md tells an instructor to edit, as fnmatch patterns."""
    text = GUIDE.read_text(encoding="utf-8")
    block = text.split("<!-- files-you-edit -->")[1].split("<!-- end files-you-edit -->")[0]
    names = re.findall(r"^- `([^`]+)`", block, re.M)
    assert names, "docs/AUTHORING.md lists no files to edit"
    return [re.sub(r"<[a-z]+>", "*", name) + ("*" if name.endswith("/") else "") for name in names]


def git_copy_of_kit(dest: Path) -> Path:
    """The git-tracked files of the kit, copied to `dest`, as a git repository of its own
    (so that `git diff` shows what the walkthrough changed)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=KIT_ROOT, capture_output=True, check=True
    ).stdout.decode()
    for rel in filter(None, listed.split("\0")):
        source = KIT_ROOT / rel
        if source.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / rel)
    git = ["git", "-c", "user.email=t@example.org", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], cwd=dest, check=True)
    subprocess.run([*git, "add", "-A"], cwd=dest, check=True)
    subprocess.run([*git, "commit", "-qm", "kit"], cwd=dest, check=True)
    return dest


def nnkit(kit: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    """`nnkit ARGS` on the copy, in a fresh process (the engine reads the copy's files)."""
    env = {**os.environ, "NNKIT_ROOT": str(kit), "NNKIT_SECRET": "walkthrough-secret"}
    env["PYTHONPATH"] = str(kit)
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "grading.cli", *args],
        cwd=kit,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    print(f"nnkit {' '.join(args[:2])}: {time.perf_counter() - started:.1f} s")  # with -s
    if ok:
        assert proc.returncode == 0, f"nnkit {' '.join(args)}:\n{proc.stdout}\n{proc.stderr}"
    return proc


def edit(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of `old` in `path` by `new`."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path}: {old!r} occurs {text.count(old)} times"
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def walked(tmp_path_factory) -> Path:
    """The copy of the kit after the guide's edits and `nnkit release`."""
    kit = git_copy_of_kit(tmp_path_factory.mktemp("walk") / "kit")
    toml = kit / "solution" / "assignment.toml"

    # Adding a part: the scaffold, then the part's real code, tests and checks.
    made = nnkit(kit, "new-part", "softmax", "--title", "Softmax and categorical cross-entropy")
    assert made.stdout.split() == [
        word
        for path in (
            f"solution/{PACKAGE}/softmax.py",
            "solution/tests/test_softmax.py",
            "autograder/checks_softmax.py",
            "solution/assignment.toml",
            "solution/notebook.py",
        )
        for word in ("wrote", path)
    ]
    again = nnkit(kit, "new-part", "softmax", "--title", "again", ok=False)
    assert (again.returncode, again.stderr) == (
        2,
        "nnkit: error: part 'softmax' exists already (solution/assignment.toml)\n",
    )
    (kit / "solution" / PACKAGE / "softmax.py").write_text(SOFTMAX, encoding="utf-8")
    (kit / "solution" / "tests" / "test_softmax.py").write_text(PUBLIC_TESTS, encoding="utf-8")
    (kit / "autograder" / "checks_softmax.py").write_text(HIDDEN_CHECKS, encoding="utf-8")
    edit(toml, 'slides = "TODO: where the lecture covers it"', 'slides = "Lecture 9, softmax"')
    edit(
        toml,
        'summary = "TODO: one line for the student README, ending with a full stop."',
        'summary = "the softmax, the categorical cross-entropy and their gradient."',
    )

    # The points do not add up yet: one line names the difference.
    unbalanced = nnkit(kit, "release", ok=False)
    assert unbalanced.returncode == 2
    assert unbalanced.stderr.startswith(
        "nnkit: error: the checks add up to 103 points but solution/assignment.toml declares "
        "100 in all: change points= in autograder/checks_*.py (part totals: "
    ), unbalanced.stderr
    # Rebalancing: two checks of `train` lose 1.5 points each, and its declared total.
    train = kit / "autograder" / "checks_train.py"
    edit(train, "@check(PART, points=2.5,", "@check(PART, points=1,")
    edit(
        train,
        '@check(PART, points=2, tags=("random",))',
        '@check(PART, points=0.5, tags=("random",))',
    )
    half_done = nnkit(kit, "release", ok=False)
    assert half_done.stderr == (
        "nnkit: error: part 8 (train): its checks add up to 10 points but "
        "solution/assignment.toml declares 13: change points= in autograder/checks_train.py "
        "(or the part's points in solution/assignment.toml)\n"
    )
    edit(toml, "points = 13\n", "points = 10\n")

    # The lecture's own logistic-regression example: theta^T x = 0.3 instead of 0.1.
    examples = kit / "solution" / "slide_examples.toml"
    edit(examples, "theta = [-0.1, 0.5, -0.3]", "theta = [0.2, 0.4, -0.3]")
    edit(examples, "h = [0.5250]  # sigma(theta^T x) = sigma(0.1)", "h = [0.5744]")
    edit(examples, "loss = 0.7444  # -ln(1 - h), since y = 0", "loss = 0.8544")
    edit(examples, "grad = [0.5250, 0.5250, 0.5250]", "grad = [0.5744, 0.5744, 0.5744]")

    # Visibility beside a check, and the course's own data.
    edit(
        train,
        '@check(PART, points=1, tags=("edge",))',
        '@check(PART, points=1, visibility="visible", tags=("edge",))',
    )
    edit(toml, 'code = "DD2418"', 'code = "NN101"')

    # Release, then grade the solution (full marks) and the release (0).
    nnkit(kit, "release")
    readme = (kit / "assignment" / "README.md").read_text(encoding="utf-8")
    assert "### Part 9: Softmax and categorical cross-entropy (3 points)" in readme
    assert "### Part 8: Training with gradient descent (10 points)" in readme
    assert "DD2418" not in (kit / "assignment" / "README.md").read_text().split("## Set up")[1]
    nnkit(kit, "release", "--check")
    checks = (kit / "autograder" / "CHECKS.md").read_text(encoding="utf-8")
    assert "| 9 `softmax` | Softmax and categorical cross-entropy | 3 | " in checks
    assert "| 8 `train` | Training with gradient descent | 10 | " in checks
    assert "0.8544" in (kit / "assignment" / "slide_examples.toml").read_text(encoding="utf-8")
    return kit


def test_the_walked_kit_grades_exports_bundles_and_mutates(walked, tmp_path):
    kit = walked
    solution = nnkit(
        kit, "grade", "--local", "--quiet", "--results", str(tmp_path / "s.json"), "solution"
    )
    assert solution.stdout.strip() == "100 / 100", solution.stdout
    released = nnkit(
        kit, "grade", "--local", "--quiet", "--results", str(tmp_path / "r.json"), "assignment"
    )
    assert released.stdout.strip() == "0 / 100", released.stdout
    public = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "solution/tests"],
        cwd=kit,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert public.returncode == 0, public.stdout[-3000:]
    notebook = (kit / "assignment" / f"{PACKAGE}.ipynb").read_text(encoding="utf-8")
    assert "Part 9, 3 points" in notebook and 'check(\\"softmax\\")' in notebook

    # Both exports and the Gradescope zip carry the new part.
    nnkit(kit, "export", "nbgrader", str(tmp_path / "nbgrader"))
    assert "softmax_cross_entropy_grad" in (
        tmp_path / "nbgrader" / "source" / PACKAGE / f"{PACKAGE}.ipynb"
    ).read_text(encoding="utf-8")
    nnkit(kit, "export", "otter", str(tmp_path / "otter"))
    assert '"name: softmax' in (tmp_path / "otter" / f"{PACKAGE}.ipynb").read_text()
    nnkit(kit, "gradescope", "--out", str(tmp_path / "autograder.zip"))
    with zipfile.ZipFile(tmp_path / "autograder.zip") as zf:
        names = set(zf.namelist())
    assert {"autograder/checks_softmax.py", f"solution/{PACKAGE}/softmax.py"} <= names
    assert "solution/assignment.toml" in names

    # Mutation testing of the new part only.
    mutants = nnkit(kit, "mutants", "--part", "softmax", "--jobs", "2")
    assert re.search(r"^\d+ of \d+ non-equivalent mutants killed", mutants.stdout, re.M), (
        mutants.stdout
    )
    print(mutants.stdout.splitlines()[-1])
    unknown = nnkit(kit, "mutants", "--part", "sofmax", ok=False)
    assert unknown.stderr.startswith("nnkit: error: solution/assignment.toml: no part has module")

    # Only the files the guide names were edited, and nothing of the engine.
    changed = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=kit,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    paths = [line[3:] for line in changed]
    patterns = guide_patterns()
    assert not [p for p in paths if p.startswith("grading/")]
    outside = [p for p in paths if not any(fnmatch.fnmatch(p, pat) for pat in patterns)]
    assert outside == [], f"edited files docs/AUTHORING.md does not name: {outside}"


@pytest.mark.slow
def test_the_walked_kits_notebook_runs_with_the_new_part(walked, tmp_path):
    """Slow: 55 to 80 s measured on a loaded 2-core machine (a kernel, XOR training, plots)."""
    kit = walked
    # The notebook runs top to bottom on the solution, the new part's check included.
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    handout = tmp_path / "handout"
    shutil.copytree(kit / "assignment", handout)
    shutil.rmtree(handout / PACKAGE)
    shutil.copytree(kit / "solution" / PACKAGE, handout / PACKAGE)
    notebook = (kit / "assignment" / f"{PACKAGE}.ipynb").read_text(encoding="utf-8")
    nb = nbformat.reads(notebook, as_version=4)
    started = time.perf_counter()
    nbclient.NotebookClient(
        nb, timeout=300, resources={"metadata": {"path": str(handout)}}
    ).execute()
    print(f"the notebook: {time.perf_counter() - started:.1f} s")
    printed = "".join(
        out.get("text", "") for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs
    )
    assert "Part 9 softmax" in printed, printed[-2000:]


@pytest.mark.parametrize("pattern", ["solution/assignment.toml", "autograder/checks_*.py"])
def test_the_guide_names_the_course_files(pattern):
    assert pattern in guide_patterns()
