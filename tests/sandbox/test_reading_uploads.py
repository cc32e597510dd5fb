"""Reading what students hand in: folders, flat folders, zips; clear errors otherwise."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from grading.sandbox.uploads import SubmissionError, prepare


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


# -- issue 10, class 6: the caps, one at a time (the CLI runs are in tests/hostile/) -------


def test_package_is_searched_to_max_depth_and_no_deeper(tmp_path):
    from grading.sandbox.uploads import MAX_DEPTH

    at_cap = tmp_path / "ok" / Path(*["d"] * (MAX_DEPTH - 1))
    make_modules(at_cap / "nnbasics")
    assert "activations.py" in packaged(tmp_path, tmp_path / "ok")
    too_deep = tmp_path / "deep" / Path(*["d"] * MAX_DEPTH)
    make_modules(too_deep / "nnbasics")
    with pytest.raises(SubmissionError) as info:
        prepare(tmp_path / "deep", tmp_path)
    assert str(info.value).startswith(f"no nnbasics modules found in {tmp_path / 'deep'} ")


def test_only_importable_module_names_are_copied(tmp_path):
    make_modules(tmp_path / "sub" / "nnbasics")
    for name in ("my-helper.py", "2x.py", "ok_helper.py", "notes.txt", "a b.py"):
        (tmp_path / "sub" / "nnbasics" / name).write_text("Z = 3\n")
    assert packaged(tmp_path, tmp_path / "sub") == {
        "activations.py",
        "helpers.py",
        "ok_helper.py",
        "__init__.py",
    }


def test_too_many_package_files_is_a_one_line_error(tmp_path):
    from grading.sandbox.uploads import MAX_PACKAGE_FILES

    make_modules(tmp_path / "sub" / "nnbasics")
    for i in range(MAX_PACKAGE_FILES):
        (tmp_path / "sub" / "nnbasics" / f"m{i}.py").write_text("")
    with pytest.raises(SubmissionError) as info:
        prepare(tmp_path / "sub", tmp_path)
    assert str(info.value) == (
        f"the nnbasics folder in {tmp_path / 'sub'} holds more than 100 .py files"
    )


def test_links_fifos_and_hard_links_in_the_package_are_not_read(tmp_path):
    import os

    make_modules(tmp_path / "sub" / "nnbasics")
    package = tmp_path / "sub" / "nnbasics"
    outside = tmp_path / "secret.py"
    outside.write_text("SECRET = 1\n")
    (package / "linked.py").symlink_to(outside)
    os.link(outside, package / "hard.py")
    os.mkfifo(package / "fifo.py")  # opening it for reading must not wait for a writer
    assert packaged(tmp_path, tmp_path / "sub") == {"activations.py", "helpers.py", "__init__.py"}


def test_a_zip_listing_too_many_entries_is_refused(tmp_path):
    archive = tmp_path / "many.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for i in range(10_001):
            zf.writestr(f"f{i}", b"")
    with pytest.raises(SubmissionError) as info:
        prepare(archive, tmp_path)
    assert str(info.value) == (
        f"{archive} lists more than 10,000 files; zip only your nnbasics folder"
    )
