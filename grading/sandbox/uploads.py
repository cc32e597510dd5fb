"""Turn what a student handed in (a folder or a .zip) into a clean package folder.

Accepted: a folder holding the package (`<package>/`, its name from
solution/assignment.toml), a folder holding the module files directly, or a
.zip of either (a top folder inside the zip is fine). The package folder is found from
names alone (`<package>/` first, else the shallowest folder holding a module file); then
only that folder's importable `.py` files are read, and copied. The student's
`__init__.py` is replaced by an empty one, so a broken module costs only the tests that
use it.

The upload is hostile: every read below is bounded by the caps that follow, so whatever
is handed in, reading it costs at most a few tens of MB of grader memory and ends quickly,
with the package or a one-line `SubmissionError` a student can act on. Links, devices,
fifos and files with other hard links are never read; nothing outside the package folder
is read at all.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import stat
import zipfile
from collections import deque
from pathlib import Path, PurePosixPath
from typing import TypeVar

# Caps on reading an upload, each per submission (unit and reason there).
from grading.confined.limits import (
    MAX_DEPTH,
    MAX_ENTRIES,
    MAX_FILE_BYTES,
    MAX_NAME_BYTES,
    MAX_PACKAGE_FILES,
    MAX_REASON_CHARS,
    MAX_TOTAL_BYTES,
    MAX_ZIP_DIRECTORY_BYTES,
)
from grading.course.assignment import assignment


def _package() -> str:
    """The student package's name (solution/assignment.toml)."""
    return assignment().package


def _module_files() -> frozenset[str]:
    """The file names of the package's modules, one per part."""
    return assignment().module_files


_IMPORTABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\.py")  # a module `import` can load
_SKIPPED_DIRS = ("__MACOSX", "__pycache__")


class SubmissionError(Exception):
    """The submission cannot be read at all; the message is one line for the user."""


_Handle = TypeVar("_Handle")


def prepare(source: Path, dest: Path) -> str:
    """Copy the package found in `source` into `dest/<package>/`; return its sha256 (over
    the copied files' names and contents, so equal packages hash equal however handed in)."""
    source = Path(source)
    if not source.exists():
        raise SubmissionError(f"submission not found: {source}")
    if source.is_dir():
        package = _read_folder_package(_package_folder(_list_folder(source), source), source)
    elif zipfile.is_zipfile(source):
        package = _read_zip(source)
    else:
        raise SubmissionError(f"{source} is neither a folder nor a .zip file")
    target = dest / _package()
    target.mkdir(parents=True)
    digest = hashlib.sha256()
    for name in sorted(package):
        data = package[name]
        (target / name).write_bytes(data)
        digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    (target / "__init__.py").write_text('"""The submitted package, as the grader loads it."""\n')
    return digest.hexdigest()


# -- folders ----------------------------------------------------------------------------


def _too_many(source: Path) -> SubmissionError:
    return SubmissionError(
        f"{source} holds more than {MAX_ENTRIES:,} files and folders; "
        f"hand in only your {_package()} folder"
    )


def _skipped(name: bytes) -> bool:
    """Hidden entries, macOS and cache folders, and names no file system here can hold."""
    return (
        name.startswith(b".")
        or name.decode("utf-8", "replace") in _SKIPPED_DIRS
        or len(name) > MAX_NAME_BYTES
    )


def _list_folder(root: Path) -> dict[PurePosixPath, bytes]:
    """{relative folder: its absolute bytes path} for every folder (to MAX_DEPTH) holding
    a module file, from names only: nothing is opened but folders, and links to folders
    are never followed."""
    folders: dict[PurePosixPath, bytes] = {}
    queue = deque([(os.fsencode(root), PurePosixPath(), 0)])
    seen = 0
    while queue:
        path, rel, depth = queue.popleft()  # breadth first: shallow packages are found first
        try:
            with os.scandir(path) as entries:
                for entry in entries:
                    seen += 1
                    if seen > MAX_ENTRIES:
                        raise _too_many(root)
                    if _skipped(entry.name):
                        continue
                    name = entry.name.decode("utf-8", "surrogateescape")
                    if entry.is_dir(follow_symlinks=False):
                        if depth < MAX_DEPTH:
                            queue.append((entry.path, rel / name, depth + 1))
                    elif name in _module_files() and entry.is_file(follow_symlinks=False):
                        folders[rel] = path
        except OSError:
            continue  # an unreadable folder holds nothing the grader can use
    return folders


def _read_folder_package(folder: bytes, source: Path) -> dict[str, bytes]:
    """The importable `.py` files of the chosen folder, each opened without following
    links and read only if it is a regular file with no other hard link."""
    package: dict[str, bytes] = {}
    total = 0
    with os.scandir(folder) as entries:
        listed = list(itertools.islice(entries, MAX_ENTRIES + 1))
    if len(listed) > MAX_ENTRIES:
        raise _too_many(source)
    names = sorted(e.name for e in listed if len(e.name) <= MAX_NAME_BYTES)
    for raw in names:
        name = raw.decode("utf-8", "replace")
        if not _IMPORTABLE.fullmatch(name) or name == "__init__.py":
            continue
        if len(package) >= MAX_PACKAGE_FILES:
            raise _too_many_modules(source)
        data = _read_regular(os.path.join(folder, raw))
        if data is None:
            continue
        total += len(data)
        if total > MAX_TOTAL_BYTES:
            raise _too_big(source)
        package[name] = data
    return package


def _read_regular(path: bytes) -> bytes | None:
    """The file's bytes, or None for a link, a device, a fifo, a hard-linked file or one
    over MAX_FILE_BYTES (O_NONBLOCK: opening a fifo never waits for a writer)."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
            return None
        if info.st_size > MAX_FILE_BYTES:
            return None
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
        return data if len(data) <= MAX_FILE_BYTES else None
    except OSError:
        return None
    finally:
        os.close(fd)


def _too_many_modules(source: Path) -> SubmissionError:
    return SubmissionError(
        f"the {_package()} folder in {source} holds more than {MAX_PACKAGE_FILES} .py files"
    )


def _too_big(source: Path) -> SubmissionError:
    return SubmissionError(
        f"the {_package()} files in {source} add up to more than "
        f"{MAX_TOTAL_BYTES // (1024 * 1024)} MB"
    )


# -- zips -------------------------------------------------------------------------------


def _zip_directory_size(archive: Path) -> tuple[int, int]:
    """(entries, central directory bytes) as the archive's end record states them, read
    with zipfile's own reader so that the archive checked is the one later opened."""
    with archive.open("rb") as fh:
        end = zipfile._EndRecData(fh)  # noqa: SLF001 - the record ZipFile itself trusts
    if end is None:
        raise SubmissionError(f"{archive} is not a readable zip file")
    return int(end[zipfile._ECD_ENTRIES_TOTAL]), int(end[zipfile._ECD_SIZE])  # noqa: SLF001


def _zip_path(info: zipfile.ZipInfo) -> PurePosixPath | None:
    """The entry's relative path, or None for what is never read: folders, links, hidden
    or macOS entries, absolute or `..` paths, over-long names, paths deeper than
    MAX_DEPTH."""
    if info.is_dir() or stat.S_ISLNK(info.external_attr >> 16):
        return None
    path = PurePosixPath(info.filename.replace("\\", "/"))
    if path.is_absolute() or len(path.parts) > MAX_DEPTH + 1:
        return None
    for part in path.parts:
        if part in ("..", *_SKIPPED_DIRS) or part.startswith("."):
            return None
        if len(part.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES:
            return None
    return path


def _read_zip(archive: Path) -> dict[str, bytes]:
    entries, directory = _zip_directory_size(archive)
    if entries > MAX_ENTRIES or directory > MAX_ZIP_DIRECTORY_BYTES:
        raise SubmissionError(
            f"{archive} lists more than {MAX_ENTRIES:,} files; zip only your {_package()} folder"
        )
    try:
        with zipfile.ZipFile(archive) as zf:
            folders: dict[PurePosixPath, dict[str, zipfile.ZipInfo]] = {}
            for info in zf.infolist():
                path = _zip_path(info)
                if path is not None and _IMPORTABLE.fullmatch(path.name):
                    folders.setdefault(path.parent, {})[path.name] = info
            holding = {f: names for f, names in folders.items() if _module_files() & names.keys()}
            chosen = _package_folder(holding, archive)
            package: dict[str, bytes] = {}
            total = 0
            for name in sorted(chosen):
                info = chosen[name]
                if name == "__init__.py" or info.file_size > MAX_FILE_BYTES:
                    continue
                if len(package) >= MAX_PACKAGE_FILES:
                    raise _too_many_modules(archive)
                with zf.open(info) as fh:  # stops at the stated size: a bomb ends there
                    data = fh.read(MAX_FILE_BYTES + 1)
                if len(data) > MAX_FILE_BYTES:
                    continue
                total += len(data)
                if total > MAX_TOTAL_BYTES:
                    raise _too_big(archive)
                package[name] = data
            return package
    except SubmissionError:
        raise
    except UnicodeDecodeError:
        raise SubmissionError(
            f"{archive} has a file name that is not valid UTF-8; rename it and zip again"
        ) from None
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, NotImplementedError) as exc:
        # zipfile's messages quote entry names, which the student chose: printable ASCII only
        reason = "".join(c if c.isascii() and c.isprintable() else "?" for c in str(exc))
        reason = " ".join(reason.split())[:MAX_REASON_CHARS]
        raise SubmissionError(f"{archive} is not a readable zip file ({reason})") from None
    except Exception as exc:  # zlib.error, struct.error, ...: a damaged archive
        raise SubmissionError(
            f"{archive} is not a readable zip file ({type(exc).__name__})"
        ) from None


# -- choosing the package -----------------------------------------------------------------


def _package_folder(folders: dict[PurePosixPath, _Handle], source: Path) -> _Handle:
    """Of `folders` (each holding a module file), the one that holds the package:
    `<package>/` first, else the shallowest (ties: by name)."""
    candidates = list(folders)
    if not candidates:
        expected = ", ".join(sorted(_module_files()))
        raise SubmissionError(
            f"no {_package()} modules found in {source} (expected a folder {_package()}/ or the "
            f"files "
            f"{expected})"
        )
    named = [f for f in candidates if f.name == _package()]
    best = min(named or candidates, key=lambda f: (len(f.parts), str(f)))
    return folders[best]
