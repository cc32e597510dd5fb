"""The similarity report on a class of independent solutions and one disguised copy: the
copy's pair is found, no independent pair is, the stub code counts for nothing, and
whatever students wrote is escaped in every file of the report."""

from __future__ import annotations

import csv
import re
import shutil
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from grading.confined.limits import MAX_SIMILARITY_CHARS, MAX_SIMILARITY_PAIRS
from grading.course.assignment import assignment
from grading.course.paths import ASSIGNMENT_DIR, KIT_ROOT, SOLUTION_DIR
from grading.similarity.code import Code, class_code, stub_text
from grading.similarity.pairs import DEFAULT_THRESHOLD, Pair, parse_threshold, similar_pairs
from grading.similarity.report import CSV_COLUMNS, marked, write_report
from grading.similarity.run import similarity_report

SUBMISSIONS = KIT_ROOT / "tests" / "submissions"
RENAMES = {  # what a student hiding a copy renames (names of correct_functional's code)
    "cache": "stash",
    "grads": "gradients",
    "dZ": "delta",
    "A_prev": "inputs",
    "params": "theta",
    "losses": "history",
    "name": "kind",
    "z": "x_in",
    "g": "fn",
}
HOSTILE_NAME = '=cmd|"/c calc"!A1 <script>alert(1)</script>'
SAID = '# </pre><script>alert("copied")</script> \x1b[31m & done'


def disguise(source: Path, target: Path) -> None:
    """A near-copy of the package in `source`: names renamed, docstrings rewritten,
    comments dropped, one comment of the copier's added."""
    target.mkdir(parents=True)
    for path in sorted(source.glob("*.py")):
        text = path.read_text()
        for old, new in RENAMES.items():
            text = re.sub(rf"\b{old}\b", new, text)
        text = re.sub(r'"""(.|\n)*?"""', '"""My own work."""', text)
        lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
        (target / path.name).write_text(f"{SAID}\n" + "\n".join(lines) + "\n")


@pytest.fixture(scope="module")
def class_folder(tmp_path_factory) -> Path:
    """A Gradescope export: the solution, correct_loops, correct_functional (as a zip), a
    disguised copy of correct_functional, two that handed in the stub, and an empty one."""
    export = tmp_path_factory.mktemp("class")
    shutil.copytree(SOLUTION_DIR / "nnbasics", export / "submission_1")
    shutil.copytree(SUBMISSIONS / "correct_loops", export / "submission_2")
    with zipfile.ZipFile(export / "submission_3.zip", "w") as zf:
        for path in sorted((SUBMISSIONS / "correct_functional" / "nnbasics").glob("*.py")):
            zf.write(path, f"nnbasics/{path.name}")
    disguise(SUBMISSIONS / "correct_functional" / "nnbasics", export / "submission_4" / "nnbasics")
    shutil.copytree(ASSIGNMENT_DIR / "nnbasics", export / "submission_5")
    shutil.copytree(ASSIGNMENT_DIR / "nnbasics", export / "submission_6")
    (export / "submission_7").mkdir()
    people = {3: "Grace Hopper", 4: HOSTILE_NAME}
    (export / "submission_metadata.yml").write_text(
        "".join(
            f"submission_{n}:\n  :submitters:\n  - :name: {name!r}\n" for n, name in people.items()
        )
    )
    return export


@pytest.fixture(scope="module")
def report(class_folder, tmp_path_factory):
    return similarity_report(class_folder, tmp_path_factory.mktemp("out"))


def test_the_disguised_copy_is_the_only_pair(report):
    assert [(p.a.id, p.b.id) for p in report.pairs] == [("submission_3.zip", "submission_4")]
    (pair,) = report.pairs
    assert min(pair.similarity) > 0.9 and pair.b.name == HOSTILE_NAME
    assert [c.id for c in report.codes] == [f"submission_{n}" for n in (1, 2)] + [
        "submission_3.zip",
        *(f"submission_{n}" for n in (4, 5, 6)),
    ]


def test_independent_solutions_stay_well_below_the_threshold(report):
    independent = [c for c in report.codes if c.id in ("submission_1", "submission_2")]
    independent += [c for c in report.codes if c.id == "submission_3.zip"]
    pairs = similar_pairs(independent, stub_text(), threshold=0.01)
    assert len(pairs) == 3 and max(p.score for p in pairs) < DEFAULT_THRESHOLD * 0.75


def test_the_stub_is_boilerplate(report):
    """Two submissions of the bare stub are identical, yet share nothing once the stub's
    fingerprints are dropped; counting the stub, they would be the most alike pair."""
    stubs = [c for c in report.codes if c.id in ("submission_5", "submission_6")]
    assert similar_pairs(stubs, stub_text(), threshold=0.01) == []
    (pair,) = similar_pairs(stubs, "", threshold=DEFAULT_THRESHOLD)
    assert pair.similarity == (1.0, 1.0)


def test_an_unreadable_submission_is_listed_not_compared(report, class_folder):
    (skipped,) = report.skipped
    assert skipped.id == "submission_7"
    assert skipped.reason.startswith(f"no nnbasics modules found in {class_folder}/submission_7")


class Page(HTMLParser):
    """The tags, links and text of a page."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[str] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "a":
            self.links.append(dict(attrs)["href"])

    def handle_data(self, data):
        self.text.append(data)


def test_the_index_links_each_pair_and_escapes_names(report):
    page = Page(report.index.read_text(encoding="utf-8"))
    assert page.links == ["pair_0001.html", "pairs.csv"]
    assert "script" not in page.tags
    assert HOSTILE_NAME in "".join(page.text)
    assert "no nnbasics modules found" in "".join(page.text)


def test_the_pair_page_shows_both_sides_with_the_matches_marked_and_escaped(report):
    text = (report.index.parent / "pair_0001.html").read_text(encoding="utf-8")
    page = Page(text)
    assert "script" not in page.tags and page.tags.count("pre") == 2
    assert page.tags.count("mark") >= 2
    shown = "".join(page.text)
    assert '# </pre><script>alert("copied")</script> \ufffd[31m & done' in shown
    assert "\x1b" not in text
    assert "def dense_forward(inputs, W, b):" in shown


def test_marked_escapes_inside_and_outside_the_marks():
    """Overlapping spans are marked once; a span past the end is cut."""
    expected = "a<mark>&lt;b&gt;</mark><mark>c&amp;</mark>d<mark>!</mark>"
    assert marked("a<b>c&d!", [(1, 4), (3, 6), (7, 12)]) == expected


def test_the_csv_reads_back_with_names_escaped(report):
    with open(report.index.parent / "pairs.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == list(CSV_COLUMNS)
    (row,) = rows
    assert (row["a_id"], row["a_name"], row["b_id"]) == (
        "submission_3.zip",
        "Grace Hopper",
        "submission_4",
    )
    assert row["b_name"] == "'" + HOSTILE_NAME
    assert float(row["a_in_b"]) > 0.9 and row["page"] == "pair_0001.html"


@pytest.mark.parametrize("text", ["0", "1.5", "-0.2", "nan", "lots", ""])
def test_a_bad_threshold_is_refused(text):
    with pytest.raises(ValueError, match=re.escape(f"not {text!r}")):
        parse_threshold(text)


def test_similarity_command(nnkit, class_folder, tmp_path):
    proc = nnkit("similarity", class_folder, "--out", tmp_path)
    assert proc.returncode == 0, proc.stderr
    index = tmp_path / "similarity" / "index.html"
    assert proc.stdout == (
        "Compared 6 submissions (1 could not be read): 1 pair at 60% similarity or more. "
        f"Similarity report written to {index}\n"
    )
    proc = nnkit("similarity", class_folder, "--out", tmp_path, "--threshold", "0.1")
    assert ": 6 pairs at 10% similarity or more." in proc.stdout  # all but the stubs


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--threshold", "60"), "--threshold must be a number above 0 and at most 1 (a share "
         "of the code), not '60'"),
        (("--threshold", "0"), "--threshold must be a number above 0 and at most 1 (a share "
         "of the code), not '0'"),
    ],
)  # fmt: skip
def test_bad_similarity_input_is_a_one_line_error(nnkit, class_folder, tmp_path, args, message):
    proc = nnkit("similarity", class_folder, "--out", tmp_path, *args)
    assert (proc.returncode, proc.stderr) == (2, f"nnkit: error: {message}\n")
    assert not (tmp_path / "similarity").exists()


def test_a_missing_class_folder_is_a_one_line_error(nnkit, tmp_path):
    proc = nnkit("similarity", tmp_path / "nope", "--out", tmp_path)
    assert (proc.returncode, proc.stderr) == (
        2,
        f"nnkit: error: submissions folder not found: {tmp_path / 'nope'}\n",
    )


def test_class_code_reads_through_the_upload_reader(tmp_path):
    """A package with a link out of it and an oversized file: the reader's caps hold."""
    package = tmp_path / "class" / "alice" / "nnbasics"
    shutil.copytree(SOLUTION_DIR / "nnbasics", package)
    (package / "secret.py").symlink_to("/etc/passwd")
    (package / "huge.py").write_text("x = 1\n" * 400_000)  # 2.4 MB: over MAX_FILE_BYTES
    (package / "long.py").write_text("y = 2\n" * 30_000)  # 180,000 characters
    ((code,), skipped) = class_code(tmp_path / "class")
    assert skipped == [] and "root:" not in code.text
    assert "# ---- huge.py ----" not in code.text and "# ---- secret.py ----" not in code.text
    headers = re.findall(r"^# ---- (\w+)\.py ----$", code.text, re.M)
    assert headers == [*assignment().modules, "long"]
    assert code.cut and len(code.text) == MAX_SIMILARITY_CHARS


def test_the_index_shows_the_most_alike_pairs_and_says_what_it_left_out(tmp_path):
    codes = [Code(f"s{i}", "", "x = 1\n", cut=i == 0) for i in range(MAX_SIMILARITY_PAIRS + 3)]
    pairs = [Pair(codes[0], c, (0.9, 0.9), 10, ([], [])) for c in codes[1:]]
    index = write_report(pairs, codes, [], tmp_path, threshold=0.6)
    assert len(list(tmp_path.glob("pair_*.html"))) == MAX_SIMILARITY_PAIRS
    text = " ".join(Page(index.read_text()).text)
    assert f"2 more pairs reach the threshold; only the {MAX_SIMILARITY_PAIRS} most alike" in text
    assert f"Compared only in part (the first {MAX_SIMILARITY_CHARS:,} characters" in text
    write_report(pairs[:1], codes, [], tmp_path, threshold=0.6)  # a later, smaller report
    assert [p.name for p in tmp_path.glob("pair_*.html")] == ["pair_0001.html"]


def test_grade_all_writes_the_report_and_the_class_report_links_it(nnkit, tmp_path):
    shutil.copytree(SOLUTION_DIR / "nnbasics", tmp_path / "class" / "alice" / "nnbasics")
    disguise(SOLUTION_DIR / "nnbasics", tmp_path / "class" / "bob" / "nnbasics")
    out = tmp_path / "out"
    proc = nnkit("grade-all", tmp_path / "class", "--out", out, "--similarity", "--local")
    assert proc.returncode == 0, proc.stderr
    index = out / "similarity" / "index.html"
    assert (
        "Compared 2 submissions: 1 pair at 60% similarity or more. "
        f"Similarity report written to {index}\n"
    ) in proc.stdout
    report = out / "class_report" / "class_report.html"
    links = Page(report.read_text(encoding="utf-8")).links
    assert "../similarity/index.html" in links
    assert (report.parent / links[links.index("../similarity/index.html")]).resolve() == index
    assert {"test_pass_rates.csv", "common_mistakes.csv"} <= set(links)
    assert all((report.parent / link).is_file() for link in links)
