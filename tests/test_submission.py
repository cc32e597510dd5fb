"""Reading what students hand in: folders, flat folders, zips; clear errors otherwise."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from grading.submission import SubmissionError, prepare


def make_modules(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "activations.py").write_text("X = 1\n")
    (folder / "helpers.py").write_text("Y = 2\n")
    (folder / "__init__.py").write_text("raise SystemExit\n")


def packaged(tmp_path: Path, source: Path) -> set[str]:
    dest = tmp_path / "out"
    dest.mkdir()
    prepare(source, dest)
    return {p.name for p in (dest / "nnbasics").iterdir()}


def test_folder_with_package(tmp_path):
    make_modules(tmp_path / "sub" / "nnbasics")
    assert packaged(tmp_path, tmp_path / "sub") == {"activations.py", "helpers.py", "__init__.py"}


def test_students_init_is_replaced(tmp_path):
    make_modules(tmp_path / "sub" / "nnbasics")
    dest = tmp_path / "out"
    dest.mkdir()
    prepare(tmp_path / "sub", dest)
    assert "SystemExit" not in (dest / "nnbasics" / "__init__.py").read_text()


def test_flat_folder(tmp_path):
    make_modules(tmp_path / "flat")
    assert "activations.py" in packaged(tmp_path, tmp_path / "flat")


def test_zip_with_top_folder(tmp_path):
    archive = tmp_path / "hw.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("hw/nnbasics/activations.py", "X = 1\n")
        zf.writestr("__MACOSX/hw/nnbasics/._activations.py", "junk")
        zf.writestr("../evil/activations.py", "X = 2\n")
    assert packaged(tmp_path, archive) == {"activations.py", "__init__.py"}


def test_same_content_same_hash(tmp_path):
    make_modules(tmp_path / "a" / "nnbasics")
    make_modules(tmp_path / "b")
    (tmp_path / "o1").mkdir()
    (tmp_path / "o2").mkdir()
    assert prepare(tmp_path / "a", tmp_path / "o1") == prepare(tmp_path / "b", tmp_path / "o2")


def test_missing_submission(tmp_path):
    with pytest.raises(SubmissionError) as info:
        prepare(tmp_path / "nope", tmp_path)
    assert str(info.value) == f"submission not found: {tmp_path / 'nope'}"


def test_not_a_zip(tmp_path):
    bad = tmp_path / "hw.zip"
    bad.write_text("not a zip")
    with pytest.raises(SubmissionError) as info:
        prepare(bad, tmp_path)
    assert str(info.value) == f"{bad} is neither a folder nor a .zip file"


def test_folder_without_modules(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.py").write_text("")
    with pytest.raises(SubmissionError) as info:
        prepare(tmp_path / "empty", tmp_path)
    assert str(info.value).startswith(f"no nnbasics modules found in {tmp_path / 'empty'} ")
