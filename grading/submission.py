"""Turn what a student handed in (a folder or a .zip) into a clean `nnbasics/` package.

Accepted: a folder holding `nnbasics/`, a folder holding the module files directly, or a
.zip of either (a top folder inside the zip is fine). Only `.py` files of the package
folder are copied; the student's `__init__.py` is replaced by an empty one, so a broken
module costs only the tests that use it.
"""

from __future__ import annotations

import hashlib
import os
import stat
import zipfile
from pathlib import Path, PurePosixPath

from grading.parts import PARTS

PACKAGE = "nnbasics"
MODULE_FILES = frozenset(f"{part.module}.py" for part in PARTS)
MAX_FILES = 500
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_TOTAL_BYTES = 20 * 1024 * 1024


class SubmissionError(Exception):
    """The submission cannot be read at all; the message is one line for the user."""


def prepare(source: Path, dest: Path) -> str:
    """Copy the package found in `source` into `dest/nnbasics/`; return its sha256."""
    if not source.exists():
        raise SubmissionError(f"submission not found: {source}")
    if source.is_dir():
        files = _files_in_folder(source)
    elif zipfile.is_zipfile(source):
        files = _files_in_zip(source)
    else:
        raise SubmissionError(f"{source} is neither a folder nor a .zip file")
    package = _package_files(files, source)
    target = dest / PACKAGE
    target.mkdir(parents=True)
    digest = hashlib.sha256()
    for name in sorted(package):
        data = package[name]
        (target / name).write_bytes(data)
        digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    (target / "__init__.py").write_text('"""The submitted package, as the grader loads it."""\n')
    return digest.hexdigest()


def _files_in_folder(root: Path) -> dict[PurePosixPath, bytes]:
    files: dict[PurePosixPath, bytes] = {}
    for folder, dirs, names in os.walk(root):  # never follows links to folders
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__MACOSX")
        for name in sorted(n for n in names if n.endswith(".py")):
            path = Path(folder) / name
            info = path.lstat()
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
                continue  # links and huge files are never followed or read
            files[PurePosixPath(path.relative_to(root).as_posix())] = path.read_bytes()
            if len(files) >= MAX_FILES:
                return files
    return files


def _files_in_zip(archive: Path) -> dict[PurePosixPath, bytes]:
    files: dict[PurePosixPath, bytes] = {}
    total = 0
    try:
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist()[: MAX_FILES * 4]:
                name = PurePosixPath(info.filename.replace("\\", "/"))
                if info.is_dir() or name.suffix != ".py" or name.is_absolute():
                    continue
                if ".." in name.parts or any(
                    p.startswith(".") or p == "__MACOSX" for p in name.parts
                ):
                    continue
                if info.file_size > MAX_FILE_BYTES or total + info.file_size > MAX_TOTAL_BYTES:
                    continue
                data = zf.read(info)[:MAX_FILE_BYTES]
                total += len(data)
                files[name] = data
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError) as exc:
        raise SubmissionError(f"{archive} is not a readable zip file ({exc})") from None
    return files


def _package_files(files: dict[PurePosixPath, bytes], source: Path) -> dict[str, bytes]:
    """The .py files of the folder that holds the modules: `nnbasics/` first, else the
    shallowest folder holding any module file."""
    folders: dict[PurePosixPath, dict[str, bytes]] = {}
    for path, data in files.items():
        folders.setdefault(path.parent, {})[path.name] = data
    candidates = [f for f, names in folders.items() if MODULE_FILES & names.keys()]
    if not candidates:
        expected = ", ".join(sorted(MODULE_FILES))
        raise SubmissionError(
            f"no nnbasics modules found in {source} (expected a folder nnbasics/ or the files "
            f"{expected})"
        )
    named = [f for f in candidates if f.name == PACKAGE]
    best = min(named or candidates, key=lambda f: (len(f.parts), str(f)))
    return {name: data for name, data in folders[best].items() if name != "__init__.py"}
