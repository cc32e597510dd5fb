"""Hostile uploads (issue 10, class 6): whatever a student hands in, `nnkit grade`,
`nnkit grade-all` and `nnkit run-autograder` read only the package they grade, under the
caps in grading/sandbox/uploads.py, give the exact one-line error or the score, write strict
results.json, and the grader's process tree peaks under 400 MB.

Every upload is built here, in tmp: a zip listing 400,000 entries, a zip bomb (490 entries
of 2 MB beside the package, and 10 of them inside it), 1,100 nested folders (folder and
zip), non-UTF-8 names (bytes paths), names over 255 bytes, more than 10,000 files, 490
sparse files of 2 MB, and links, hard links, fifos and devices in a folder upload.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
import struct
import subprocess
import sys
import tempfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest
from support import GRADESCOPE_SCHEMA

from grading.checks.points import scored_parts
from grading.course.paths import KIT_ROOT, SOLUTION_DIR

PARTS = scored_parts()  # the parts with their points, from the assignment's data
PARTS_BY_MODULE = {p.module: p for p in PARTS}

SCHEMA = GRADESCOPE_SCHEMA
MAX_RSS_MB = 400
TWO_MB = 2 * 1024 * 1024
SOLUTION_FILES = sorted((SOLUTION_DIR / "nnbasics").glob("*.py"))
IS_ROOT = os.geteuid() == 0

# What a rerun of this upload must give: the one-line error (`{path}` is the upload's
# path as the command received it) or the score.
Expect = tuple[str, str | float]


# -- building uploads ----------------------------------------------------------------------


def raw_zip(path: Path, entries: list[tuple[bytes, bytes, int, int, int]], flags: int = 0) -> None:
    """Write a zip from raw records, fast: (name, stored data, method, crc, size) each;
    `flags` is every entry's general purpose flags (0x800: the name is UTF-8)."""
    local, central, offset = [], [], 0
    for name, data, method, crc, size in entries:
        header = struct.pack(
            "<4sHHHHHIIIHH",
            b"PK\x03\x04",
            20,
            flags,
            method,
            0,
            0,
            crc,
            len(data),
            size,
            len(name),
            0,
        )
        local.append(header + name + data)
        central.append(
            struct.pack(
                "<4sHHHHHHIIIHHHHHII",
                b"PK\x01\x02",
                20,
                20,
                flags,
                method,
                0,
                0,
                crc,
                len(data),
                size,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
        offset += len(header) + len(name) + len(data)
    directory = b"".join(central)
    count = min(len(entries), 0xFFFF)
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, count, count, len(directory), offset, 0)
    path.write_bytes(b"".join(local) + directory + end)


def stored(name: str | bytes, data: bytes) -> tuple[bytes, bytes, int, int, int]:
    raw = name.encode() if isinstance(name, str) else name
    return raw, data, 0, zlib.crc32(data), len(data)


def deflated(
    name: str, data: bytes, packed: bytes | None = None
) -> tuple[bytes, bytes, int, int, int]:
    if packed is None:
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        packed = compressor.compress(data) + compressor.flush()
    return name.encode(), packed, 8, zlib.crc32(data), len(data)


def solution_entries(prefix: str = "hw/nnbasics/") -> list[tuple[bytes, bytes, int, int, int]]:
    return [stored(prefix + p.name, p.read_bytes()) for p in SOLUTION_FILES]


def solution_folder(folder: Path) -> Path:
    shutil.copytree(SOLUTION_DIR / "nnbasics", folder / "nnbasics")
    return folder


def zip_400k_entries(tmp: Path) -> tuple[Path, Expect]:
    path = tmp / "many.zip"
    raw_zip(path, [stored(f"f{i}", b"") for i in range(400_000)])
    return path, ("error", "{path} lists more than 10,000 files; zip only your nnbasics folder")


ZEROS = bytes(TWO_MB)


def zip_bomb_beside(tmp: Path) -> tuple[Path, Expect]:
    """490 entries of 2 MB (980 MB unpacked, about 1 MB packed) beside the package."""
    path = tmp / "bomb.zip"
    first = deflated("junk/0.py", ZEROS)
    junk = [deflated(f"junk/{i}.py", ZEROS, first[1]) for i in range(490)]
    raw_zip(path, solution_entries() + junk)
    assert path.stat().st_size < 2 * 1024 * 1024
    return path, ("score", 100.0)


def zip_bomb_inside(tmp: Path) -> tuple[Path, Expect]:
    """Ten 2 MB modules in the package itself: over the 8 MB the grader holds."""
    path = tmp / "bomb_inside.zip"
    first = deflated("hw/nnbasics/pad0.py", ZEROS)
    pads = [deflated(f"hw/nnbasics/pad{i}.py", ZEROS, first[1]) for i in range(10)]
    raw_zip(path, solution_entries() + pads)
    return path, ("error", "the nnbasics files in {path} add up to more than 8 MB")


def zip_deep_long_odd(tmp: Path) -> tuple[Path, Expect]:
    """Entries 1,100 folders deep, names over 255 bytes, raw non-UTF-8 bytes (read as
    cp437 by zip's rules), a symlink entry and `..`: all skipped, the package graded."""
    path = tmp / "odd.zip"
    odd = [
        stored("d/" * 1100 + "activations.py", b"raise SystemExit\n"),
        stored("hw/nnbasics/" + "a" * 300 + ".py", b"raise SystemExit\n"),
        stored("hw/" + "b" * 300 + "/activations.py", b"raise SystemExit\n"),
        stored(b"hw/nnbasics/\xff\xfe.py", b"raise SystemExit\n"),
        stored(b"\xff/nnbasics/activations.py", b"raise SystemExit\n"),
        stored("../nnbasics/activations.py", b"raise SystemExit\n"),
    ]
    raw_zip(path, odd + solution_entries())
    return path, ("score", 100.0)


def zip_bad_utf8_flag(tmp: Path) -> tuple[Path, Expect]:
    """Names flagged UTF-8 that are not: zipfile cannot list the archive at all."""
    path = tmp / "flagged.zip"
    raw_zip(path, [stored(b"hw/\xff.py", b"")] + solution_entries(), flags=0x800)
    return path, (
        "error",
        "{path} has a file name that is not valid UTF-8; rename it and zip again",
    )


def zip_bad_crc_odd_name(tmp: Path) -> tuple[Path, Expect]:
    """A damaged module under a folder whose name holds ESC and BEL: the error quotes the
    name as Python's repr (control characters as backslash escapes; anything else not
    printable ASCII as "?"), so it cannot drive the terminal it is printed on."""
    path = tmp / "crc.zip"
    name = b"hw\x1b]0;x\x07/nnbasics/activations.py"
    raw_zip(path, [(name, b"X = 1\n", 0, 12345, 6)])
    return path, (
        "error",
        "{path} is not a readable zip file "
        "(Bad CRC-32 for file 'hw\\x1b]0;x\\x07/nnbasics/activations.py')",
    )


def make_deep(top: Path, depth: int) -> None:
    """`depth` nested folders under `top`, made relative to an open folder each time (the
    full path would pass PATH_MAX)."""
    fd = os.open(top, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for _ in range(depth):
            os.mkdir("d", dir_fd=fd)
            inner = os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = inner
        os.close(os.open("activations.py", os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd))
    finally:
        os.close(fd)


def remove_deep(top: Path) -> None:
    """Remove what `make_deep` made, bottom up, one open folder at a time (shutil.rmtree
    and pytest's cleanup recurse once per level)."""
    fds = [os.open(top, os.O_RDONLY | os.O_DIRECTORY)]
    while True:
        try:
            fds.append(os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fds[-1]))
        except FileNotFoundError:
            break
    with contextlib.suppress(FileNotFoundError):
        os.unlink("activations.py", dir_fd=fds[-1])
    os.close(fds.pop())
    while fds:
        os.rmdir("d", dir_fd=fds[-1])
        os.close(fds.pop())


def folder_deep_and_odd(tmp: Path) -> tuple[Path, Expect]:
    """1,100 nested folders, non-UTF-8 file and folder names, beside the package."""
    top = solution_folder(tmp / "deep")
    make_deep(top, 1100)
    raw = os.fsencode(top)
    os.mkdir(raw + b"/caf\xe9")
    for name in (b"/caf\xe9/activations.py", b"/nnbasics/\xff\xfe.py", b"/\xff.py"):
        with open(raw + name, "wb") as fh:
            fh.write(b"raise SystemExit\n")
    return top, ("score", 100.0)


def folder_non_utf8_package(tmp: Path) -> tuple[Path, Expect]:
    """The package itself in a folder whose name is not UTF-8: found and graded."""
    top = tmp / "latin1"
    top.mkdir()
    shutil.copytree(SOLUTION_DIR / "nnbasics", os.fsdecode(os.fsencode(top) + b"/paquet\xe9"))
    return top, ("score", 100.0)


def folder_too_many(tmp: Path) -> tuple[Path, Expect]:
    top = solution_folder(tmp / "crowd")
    (top / "junk").mkdir()
    for i in range(10_001):
        (top / "junk" / f"{i}.txt").touch()
    return top, (
        "error",
        "{path} holds more than 10,000 files and folders; hand in only your nnbasics folder",
    )


def folder_sparse_giants(tmp: Path) -> tuple[Path, Expect]:
    """490 files of 2 MB (sparse, so free to make) beside the package."""
    top = solution_folder(tmp / "giants")
    (top / "junk").mkdir()
    for i in range(490):
        with open(top / "junk" / f"{i}.py", "wb") as fh:
            fh.truncate(TWO_MB)
    return top, ("score", 100.0)


# Modules replaced by non-files: ones no other module imports, so each costs its part only.
LINKED = ("gradcheck", "neuron", "graph", "train")


def folder_links(tmp: Path) -> tuple[Path, Expect]:
    """The solution, but gradcheck.py links out of the upload, neuron.py is a hard link
    to a file outside it, graph.py a fifo, train.py a character device (/dev/zero, as
    root) or a link to it. None is read: their parts score 0, nothing hangs."""
    top = solution_folder(tmp / "links")
    package = top / "nnbasics"
    outside = tmp / "outside_neuron.py"
    shutil.copy(SOLUTION_DIR / "nnbasics" / "neuron.py", outside)
    for module in LINKED:
        (package / f"{module}.py").unlink()
    (package / "gradcheck.py").symlink_to(SOLUTION_DIR / "nnbasics" / "gradcheck.py")
    os.link(outside, package / "neuron.py")
    os.mkfifo(package / "graph.py")
    if IS_ROOT:
        os.mknod(package / "train.py", stat.S_IFCHR | 0o644, os.makedev(1, 5))
    else:
        (package / "train.py").symlink_to("/dev/zero")
    lost = sum(PARTS_BY_MODULE[m].points for m in LINKED)
    return top, ("score", float(100 - lost))


def folder_linked_package(tmp: Path) -> tuple[Path, Expect]:
    """nnbasics/ is a symlink to the instructor's solution: never followed."""
    top = tmp / "linked_package"
    top.mkdir()
    (top / "nnbasics").symlink_to(SOLUTION_DIR / "nnbasics")
    expected = (
        "no nnbasics modules found in {path} (expected a folder nnbasics/ or the files "
        "activations.py, gradcheck.py, graph.py, layers.py, losses.py, network.py, neuron.py, "
        "train.py)"
    )
    return top, ("error", expected)


UPLOADS: dict[str, Callable[[Path], tuple[Path, Expect]]] = {
    f.__name__: f
    for f in (
        zip_400k_entries,
        zip_bomb_beside,
        zip_bomb_inside,
        zip_deep_long_odd,
        zip_bad_utf8_flag,
        zip_bad_crc_odd_name,
        folder_deep_and_odd,
        folder_non_utf8_package,
        folder_too_many,
        folder_sparse_giants,
        folder_links,
        folder_linked_package,
    )
}


@pytest.fixture(scope="module")
def uploads() -> Iterator[dict[str, tuple[Path, Expect]]]:
    # Not under pytest's shared basetemp: its cleanup (here, or in another session on this
    # machine) recurses once per folder level and fails on the deep tree.
    tmp = Path(tempfile.mkdtemp(prefix="nnkit-uploads-"))
    try:
        yield {name: build(tmp) for name, build in UPLOADS.items()}
    finally:
        if (tmp / "deep").exists():
            remove_deep(tmp / "deep")
        shutil.rmtree(tmp)


# -- running the commands, measuring memory --------------------------------------------------

MEASURE = (
    "import resource, subprocess, sys\n"
    "proc = subprocess.run(sys.argv[1:], capture_output=True)\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "sys.stdout.buffer.write(b'%d %d\\n' % (proc.returncode, peak) + proc.stdout)\n"
    "sys.stderr.buffer.write(proc.stderr)\n"
)


@dataclass
class Run:
    returncode: int
    peak_mb: float
    stdout: str
    stderr: str


def measured(*args: str | Path, env: dict[str, str] | None = None) -> Run:
    """Run `nnkit ARGS` under a parent that reports the peak RSS of its largest descendant
    (the grader, its fork server or a worker; RUSAGE_CHILDREN counts every one waited for)."""
    proc = subprocess.run(
        [sys.executable, "-c", MEASURE, sys.executable, "-m", "grading.cli", *map(str, args)],
        cwd=KIT_ROOT,
        capture_output=True,
        timeout=600,
        env=env,
    )
    head, _, out = proc.stdout.partition(b"\n")
    code, peak_kb = map(int, head.split())
    return Run(
        code, peak_kb / 1024, out.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")
    )


def strict_json(path: Path) -> dict:
    """results.json as strict JSON (NaN and infinity refused) that Gradescope's schema takes."""

    def refuse(name: str) -> None:
        raise ValueError(f"not JSON: {name}")

    document = json.loads(path.read_text(encoding="utf-8"), parse_constant=refuse)
    jsonschema.validate(document, SCHEMA)
    return document


# -- the tests -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(UPLOADS))
def test_nnkit_grade(uploads, tmp_path, name):
    path, (kind, value) = uploads[name]
    results = tmp_path / "results.json"
    run = measured("grade", path, "--results", results, "--quiet")
    assert run.peak_mb < MAX_RSS_MB, run.peak_mb
    if kind == "error":
        assert (run.returncode, run.stdout) == (2, "")
        assert run.stderr == "nnkit: error: " + str(value).format(path=path) + "\n"
        assert not results.exists()
    else:
        assert run.returncode == 0, run.stderr
        assert run.stdout == f"{value:g} / 100\n"
        assert strict_json(results)["score"] == value


@pytest.mark.parametrize("mode", ["namespaces", "no_namespaces"])
@pytest.mark.parametrize("name", list(UPLOADS))
def test_nnkit_run_autograder(uploads, tmp_path, name, mode):
    """Gradescope's layout: the upload is ROOT/submission (a folder, or the zip itself);
    also without namespaces, as in Gradescope's container."""
    path, (kind, value) = uploads[name]
    env = dict(os.environ)
    env.pop("NNKIT_NO_NAMESPACES", None)
    if mode == "no_namespaces":
        env["NNKIT_NO_NAMESPACES"] = "1"
    root = tmp_path / "autograder"
    root.mkdir()
    submission = root / "submission"
    os.rename(path, submission)
    try:
        run = measured("run-autograder", "--root", root, env=env)
    finally:
        os.rename(submission, path)
    assert run.peak_mb < MAX_RSS_MB, run.peak_mb
    assert run.returncode == 0, run.stderr
    document = strict_json(root / "results" / "results.json")
    if kind == "error":
        message = str(value).format(path=submission)
        assert document["score"] == 0 and document["tests"] == []
        assert document["output"] == f"Your submission could not be graded: {message}"
        assert run.stdout == f"nnkit: submission could not be read: {message}\n"
    else:
        assert document["score"] == value, document.get("output")


def test_nnkit_grade_all(uploads, tmp_path):
    """Every hostile upload in one class: one row each, the batch unharmed."""
    folder = tmp_path / "class"
    folder.mkdir()
    for path, _ in uploads.values():
        os.rename(path, folder / path.name)
    out = tmp_path / "out"
    try:
        run = measured("grade-all", folder, "--out", out, "--jobs", "2", "--no-class-report")
        from grading.grade.whole_class import submission_id
        from grading.results.gradebook import Gradebook

        with Gradebook(out / "gradebook.sqlite") as book:
            rows = {row.submission_id: row for row in book.rows()}
    finally:
        for path, _ in uploads.values():
            os.rename(folder / path.name, path)
    assert run.returncode == 0, run.stderr
    assert run.peak_mb < MAX_RSS_MB, run.peak_mb
    assert len(rows) == len(uploads)
    for name, (path, (kind, value)) in uploads.items():
        row = rows[submission_id(path.name)]
        if kind == "error":
            assert (row.total, row.error) == (0, str(value).format(path=folder / path.name)), name
        else:
            assert (row.total, row.error) == (value, ""), name
        strict_json(out / "submissions" / row.submission_id / "results.json")
