"""`nnkit gradescope --try`: the zip run as Gradescope runs it, on this machine (the real
CLI, setup.sh, venv and run_autograder); and the README's table of environment variables
checked against the code."""

from __future__ import annotations

import json
import os
import re
import time
import zipfile
from pathlib import Path

import jsonschema
import pytest
from support import GRADESCOPE_SCHEMA, run_nnkit

from grading.course.paths import ASSIGNMENT_DIR, KIT_ROOT, SOLUTION_DIR
from grading.grade.one_submission import submission_seed
from grading.grade.secret import secret_fingerprint
from grading.release.gradescope_bundle import build_bundle

SECRET = "try-secret"
RESULTS_LINE = re.compile(r"^Results written to (.+/results/results\.json)$", re.M)


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    """The tries' cache folder, empty at first: the first try makes the venv."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bundle") / "autograder.zip"
    build_bundle(out, secret=SECRET)
    return out


def environment(cache: Path, tmp: Path, **changes: str | None) -> dict[str, str]:
    """This process's environment with NNKIT_CACHE=`cache`, temporary roots under `tmp`,
    then `changes` (None removes a variable)."""
    env = {**os.environ, "NNKIT_CACHE": str(cache), "TMPDIR": str(tmp)}
    for name, value in changes.items():
        env.pop(name, None) if value is None else env.__setitem__(name, value)
    return env


def results_of(stdout: str) -> dict:
    """The results.json whose path the try printed, schema-checked."""
    found = RESULTS_LINE.search(stdout)
    assert found, stdout
    document = json.loads(Path(found.group(1)).read_text())
    jsonschema.validate(document, GRADESCOPE_SCHEMA)
    return document


@pytest.fixture(scope="module")
def first_and_second(cache, bundle, tmp_path_factory):
    """The first try (builds the zip, makes the venv) on the solution, then a second with
    the zip from the fixture on the release: their processes and wall times (seconds)."""
    tmp = tmp_path_factory.mktemp("tries")
    out = tmp / "built.zip"
    runs = []
    for args, env in [
        (("--out", out, "--try", SOLUTION_DIR), environment(cache, tmp, NNKIT_SECRET=SECRET)),
        (("--bundle", bundle, "--try", ASSIGNMENT_DIR), environment(cache, tmp, NNKIT_SECRET=None)),
    ]:
        started = time.monotonic()
        proc = run_nnkit("gradescope", *args, env=env)
        runs.append((proc, time.monotonic() - started))
    print(f"\nfirst --try {runs[0][1]:.1f} s, second --try {runs[1][1]:.1f} s")
    return out, runs


@pytest.mark.slow  # makes a fresh venv, as setup.sh does, 15-60 s
def test_try_builds_the_zip_and_the_solution_scores_100(first_and_second, cache, tmp_path):
    out, [(proc, _), _] = first_and_second
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    fingerprint = secret_fingerprint(SECRET.encode())
    lines = proc.stdout.splitlines()
    assert lines[0] == (
        f"Wrote {out} (course secret {fingerprint}): upload it as the autograder of a "
        "Gradescope programming assignment."
    )
    assert lines[1] == f"{out} holds course secret {fingerprint}"
    assert re.fullmatch(rf"setup\.sh: [\d.]+ s \(made the venv {cache}/venvs/\w{{16}}\)", lines[2])
    document = results_of(proc.stdout)
    assert document["score"] == 100
    assert document["output"] in proc.stdout  # the score per part, as the student sees it
    assert "| 1. " in document["output"]


@pytest.mark.slow  # makes a fresh venv, as setup.sh does, 15-60 s
def test_a_second_try_reuses_the_venv_and_is_faster(first_and_second, cache):
    _, [(first, first_seconds), (second, second_seconds)] = first_and_second
    assert second.returncode == 0, second.stderr
    made = re.search(r"\(made the venv (\S+)\)", first.stdout).group(1)
    assert f"(reused the venv {made})" in second.stdout
    assert [p.name for p in (cache / "venvs").iterdir() if p.is_dir()] == [Path(made).name]
    assert second_seconds < first_seconds


@pytest.mark.slow  # makes a fresh venv, as setup.sh does, 15-60 s
def test_try_on_the_release_scores_0(first_and_second, bundle):
    _, [_, (proc, _)] = first_and_second
    assert proc.stderr == ""
    assert proc.stdout.splitlines()[0] == (
        f"{bundle} holds course secret {secret_fingerprint(SECRET.encode())}"
    )
    document = results_of(proc.stdout)
    assert document["score"] == 0 and document["tests"]


@pytest.mark.slow  # makes a fresh venv, as setup.sh does, about 15 s
def test_another_nnkit_secret_is_reported_and_the_zips_is_used(
    nnkit, first_and_second, cache, bundle, tmp_path
):
    """Also: a .zip submission is unpacked into ROOT/submission, as Gradescope does."""
    handin = tmp_path / "handin.zip"
    with zipfile.ZipFile(handin, "w") as zf:
        for path in (SOLUTION_DIR / "nnbasics").glob("*.py"):
            zf.write(path, f"nnbasics/{path.name}")
    env = environment(cache, tmp_path, NNKIT_SECRET="another-secret")
    proc = nnkit("gradescope", "--bundle", bundle, "--try", handin, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == (
        f"nnkit: warning: NNKIT_SECRET (course secret {secret_fingerprint(b'another-secret')})"
        f" is not this autograder's ({secret_fingerprint(SECRET.encode())}): grading with the "
        "autograder's\n"
    )
    document = results_of(proc.stdout)
    assert document["score"] == 100
    [root] = tmp_path.glob("nnkit-try-*")
    assert (root / "submission" / "nnbasics" / "layers.py").is_file()
    sha = document["extra_data"]["submission_sha256"]
    assert document["extra_data"]["seed"] == submission_seed(SECRET.encode(), sha)


def rewritten(bundle: Path, out: Path, replace: dict[str, bytes | None]) -> Path:
    """A copy of `bundle` with entries replaced (bytes) or dropped (None)."""
    with zipfile.ZipFile(bundle) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename not in replace:
                dst.writestr(info, src.read(info))
            elif replace[info.filename] is not None:
                dst.writestr(info, replace[info.filename])
    return out


def test_a_zip_without_a_secret_fails_at_setup_as_on_gradescope(
    nnkit, first_and_second, cache, bundle, tmp_path
):
    """setup.sh grades the solution, so without NNKIT_SECRET the image is never built."""
    no_secret = rewritten(bundle, tmp_path / "a.zip", {"nnkit.json": b'{"visibility": "hidden"}'})
    env = environment(cache, tmp_path, NNKIT_SECRET=None)
    proc = nnkit("gradescope", "--bundle", no_secret, "--try", SOLUTION_DIR, env=env)
    assert proc.returncode == 2
    [root] = tmp_path.glob("nnkit-try-*")
    assert proc.stderr == (
        "nnkit: error: setup.sh failed (exit 2): this autograder holds no course secret "
        "(nnkit.json) and NNKIT_SECRET is not set: rebuild it with NNKIT_SECRET set (nnkit "
        f"gradescope); its output is in {root / 'setup.log'}\n"
    )
    assert proc.stdout == ""


@pytest.mark.slow  # makes a fresh venv, as setup.sh does, about 15 s
def test_a_zip_whose_setup_fails_is_a_one_line_error(
    nnkit, first_and_second, cache, bundle, tmp_path
):
    """A zip whose reference solution is the release's stubs: setup.sh's check fails."""
    stubs = {
        f"solution/nnbasics/{p.name}": p.read_bytes()
        for p in (ASSIGNMENT_DIR / "nnbasics").glob("*.py")
    }
    broken = rewritten(bundle, tmp_path / "a.zip", stubs)
    proc = nnkit("gradescope", "--bundle", broken, "--try", SOLUTION_DIR, env=environment(
        cache, tmp_path
    ))  # fmt: skip
    assert proc.returncode == 2
    [root] = tmp_path.glob("nnkit-try-*")
    assert proc.stderr == (
        "nnkit: error: setup.sh failed (exit 1): setup.sh: the reference solution scores 0 of "
        f"100 here; its output is in {root / 'setup.log'}\n"
    )
    assert proc.stdout == ""


def damaged(source: Path, out: Path) -> Path:
    """A copy of the zip `source` whose first entry's data has one byte changed."""
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as zf:
        first = zf.infolist()[0]
    data[first.header_offset + 30 + len(first.filename.encode()) + len(first.extra)] ^= 0xFF
    out.write_bytes(bytes(data))
    return out


def test_damaged_zips_are_one_line_errors(nnkit, bundle, cache, tmp_path):
    broken = damaged(bundle, tmp_path / "autograder.zip")
    proc = nnkit("gradescope", "--bundle", broken, "--try", SOLUTION_DIR, env=environment(
        cache, tmp_path
    ))  # fmt: skip
    assert (proc.returncode, proc.stdout) == (2, "")
    first = zipfile.ZipFile(bundle).namelist()[0]
    assert proc.stderr == f"nnkit: error: {broken} is damaged: {first} cannot be read\n"

    handin = tmp_path / "handin.zip"
    with zipfile.ZipFile(handin, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("nnbasics/layers.py", "import numpy as np\n")
    handin = damaged(handin, tmp_path / "damaged.zip")
    proc = nnkit("gradescope", "--bundle", bundle, "--try", handin, env=environment(
        cache, tmp_path
    ))  # fmt: skip
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == (
        f"nnkit: error: {handin} is not a readable zip file (Bad CRC-32 for file "
        "'nnbasics/layers.py')\n"
    )
    assert not list(tmp_path.glob("nnkit-try-*"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--try", "{tmp}/nope"), "submission not found: {tmp}/nope"),
        (("--try", "{tmp}/notes.txt"), "{tmp}/notes.txt is neither a folder nor a .zip file"),
        (("--bundle", "{tmp}/nope.zip", "--try", "{solution}"), "autograder zip not found: "
         "{tmp}/nope.zip"),
        (("--bundle", "{tmp}/notes.txt", "--try", "{solution}"), "{tmp}/notes.txt is not a "
         "zip file"),
        (("--bundle", "{tmp}/hw.zip", "--try", "{solution}"), "{tmp}/hw.zip is not an nnkit "
         "autograder zip: it has no setup.sh, run_autograder, requirements.txt, nnkit.json "
         "(build one with `nnkit gradescope`)"),
        (("--bundle", "{tmp}/hw.zip"), "--bundle goes with --try SUBMISSION"),
        (("--bundle", "{tmp}/hw.zip", "--try", "{solution}", "--visibility", "hidden"),
         "--out and --visibility build a zip; --bundle tries one already built"),
    ],
)  # fmt: skip
def test_bad_input_is_a_one_line_error(nnkit, cache, tmp_path, args, message):
    (tmp_path / "notes.txt").write_text("not a submission")
    with zipfile.ZipFile(tmp_path / "hw.zip", "w") as zf:  # a student's zip, not a bundle
        zf.write(SOLUTION_DIR / "nnbasics" / "layers.py", "nnbasics/layers.py")
    fill = {"tmp": tmp_path, "solution": SOLUTION_DIR}
    env = environment(cache, tmp_path)
    proc = nnkit("gradescope", *[a.format(**fill) for a in args], cwd=tmp_path, env=env)
    assert proc.returncode == 2
    assert proc.stderr == f"nnkit: error: {message.format(**fill)}\n"
    assert proc.stdout == ""
    assert not (tmp_path / "autograder.zip").exists() and not list(tmp_path.glob("nnkit-try-*"))


# -- the README's table of environment variables ---------------------------------------------

SCANNED = ("grading", "autograder", "solution", "tests", "bench")
NAME = re.compile(r"\bNNKIT_[A-Z][A-Z0-9_]*\b")
SHELL_READ = re.compile(r"\$\{([A-Z_][A-Z0-9_]*):-")  # the bundle's scripts
# os.environ.get("X"), os.getenv("X"), os.environ["X"] (not assigned): a read of X.
ENVIRON_READ = re.compile(
    r"""(?:environ\.get\(|getenv\(|environ\[)\s*["']([A-Za-z_][A-Za-z0-9_]*)["'](?!\]\s*=[^=])"""
)
# Read in grading/ but not the kit's: the system's own, documented elsewhere.
SYSTEM_VARIABLES = {"XDG_CACHE_HOME"}
TABLE_ROW = re.compile(r"^\| `([A-Z_][A-Z0-9_]*)` \| `([^`]+)` \| (.+) \|$", re.M)


def variables_in_the_code() -> set[str]:
    """Every NNKIT_* name in the kit's Python files and Makefile, and every variable the
    shell scripts under grading/ read with a default."""
    found: set[str] = set()
    for folder in SCANNED:
        for path in (KIT_ROOT / folder).rglob("*.py"):
            text = path.read_text(errors="replace")
            found |= set(NAME.findall(text))
            if folder == "grading":
                found |= set(SHELL_READ.findall(text))
    found |= set(NAME.findall((KIT_ROOT / "Makefile").read_text()))
    return found


def readme_table() -> dict[str, str]:
    """The README's "Environment variables" table: variable -> the file it is read in."""
    text = (KIT_ROOT / "README.md").read_text()
    section = text.split("\n## Environment variables\n", 1)[1].split("\n## ", 1)[0]
    return {name: where for name, where, _ in TABLE_ROW.findall(section)}


def test_the_readme_lists_every_environment_variable_the_kit_reads():
    table = readme_table()
    read = {
        name
        for path in (KIT_ROOT / "grading").rglob("*.py")
        for name in ENVIRON_READ.findall(path.read_text())
    }
    assert "NNKIT_ROOT" in read  # the pattern finds reads
    assert sorted(table) == sorted(variables_in_the_code() | (read - SYSTEM_VARIABLES))
    for name, where in table.items():
        assert name in (KIT_ROOT / where).read_text(), f"{name} is not read in {where}"
