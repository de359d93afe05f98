"""`booklet personalise`: one real run over a class list with good and bad rows, checked in the PDFs,
the files, their modes and every byte written outside the PDFs (UK GDPR)."""

from __future__ import annotations

import csv
import hashlib
import os
import re
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from booklet.cli.app import app
from booklet.errors import save_traceback

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()

HEADER = ["id", "name", "audience", "routes", "organisations", "next_steps", "adviser", "follow_up", "notes", "email"]
LONG = "Maximiliana Á'Beckett-Featherstonehaugh de la Cruz Ó Súilleabháin-Wojciechowska"
STUDENTS = {
    # id: (name, audience, routes (ids), route titles, adviser)
    "S1042": (
        "Siân O'Connor",
        "graduates",
        "fast-stream; civil-service-jobs",
        ["Fast Stream", "Civil Service Jobs Board"],
    ),
    "S1043": ("Zoë N'Diaye-Ørsted", "school-leavers", "local-council-roles", ["Local Council Role"]),
    "S1044": (LONG, "", "research-fellowships", ["Research Fellowships"]),
    "S1045": ("Dafydd ap Rhys", "fair-handout", "", []),
    # More graduates: their copies are assembled from the shared pages laid out for S1042.
    "S1046": (
        "Ffion Llŷr-Hughes",
        "graduates",
        "fast-stream; civil-service-jobs",
        ["Fast Stream", "Civil Service Jobs Board"],
    ),
    "S1047": (
        "Seán Ó Dálaigh",
        "graduates",
        "civil-service-jobs; fast-stream",
        ["Civil Service Jobs Board", "Fast Stream"],
    ),
}
BAD = [
    ["S2001", "Wilhelmina Badrow", "graduate", "fast-stream", "", "", "Amara Okafor", "", "", ""],
    ["S2002", "Ignatius Typoroute", "graduates", "fast-steam", "", "", "", "", "", ""],
    ["S2003", "Perpetua Baddate", "", "", "", "", "", "12/31/2026", "", ""],  # month first: impossible read the UK way
]
SECRETS = [s[0] for s in STUDENTS.values()] + [row[1] for row in BAD] + ["Amara Okafor", "Private note about Siân"]


def class_list(path: Path, next_step: str = "Book a mock interview") -> Path:
    rows = [HEADER]
    for student_id, (name, audience, routes, _titles) in STUDENTS.items():
        notes = "Private note about Siân" if student_id == "S1042" else ""
        rows.append(
            [
                student_id,
                name,
                audience,
                routes,
                "gds" if audience == "graduates" else "",
                next_step,
                "Amara Okafor",
                "2026-12-15",
                notes,
                "x@example.org",
            ]
        )
    rows[3:3] = BAD  # bad rows among the good ones
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


@dataclass
class Run:
    root: Path
    people: Path
    cache: Path
    exit_code: int
    stdout: str
    stderr: str

    @property
    def folder(self) -> Path:
        return self.root / "output" / "people"


def personalise(root: Path, people: Path, *extra: str) -> tuple[int, str, str]:
    result = runner.invoke(
        app,
        [
            "personalise",
            str(people),
            "--content",
            str(root / "content"),
            "--brand",
            str(ROOT / "examples/brand/brand.yaml"),
            "--date",
            "2026-11-29",
            *extra,
        ],
    )
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    root = tmp_path_factory.mktemp("personal")
    shutil.copytree(ROOT / "content", root / "content")
    cache = root / "user-cache"
    old = os.environ.get("BOOKLET_CACHE")
    os.environ["BOOKLET_CACHE"] = str(cache)
    try:
        people = class_list(root / "people.csv")
        code, out, err = personalise(root, people, "--jobs", "2", "--print-file", "--allow-missing")
    finally:
        if old is None:
            del os.environ["BOOKLET_CACHE"]
        else:
            os.environ["BOOKLET_CACHE"] = old
    return Run(root, people, cache, code, out, err)


def texts(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_bad_rows_fail_with_row_and_column_and_every_good_row_is_built(run):
    assert run.exit_code == 1
    errors = [line for line in run.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        "error: people.csv:4:3  audience  not an audience id (did you mean graduates?)",
        "error: people.csv:5:4  routes  the 1st route is not a route id (did you mean fast-stream?)",
        "error: people.csv:6:8  follow_up  not a real date read day first (DD/MM/YYYY); is it written month first? "
        "(write it YYYY-MM-DD (e.g. 2026-12-15) or DD/MM/YYYY (15/12/2026))",
    ]
    assert "people.csv:1:10  -  warning: unknown column is ignored (known: id, name," in run.stderr
    assert "6 built, 0 unchanged, 3 failed" in run.stdout
    assert "print-file.pdf: every copy but row 4, row 5, row 6, each starting on an odd page" in run.stdout
    files = sorted(p.name for p in run.folder.iterdir())
    assert files == [".cache.json", *(f"{i}.pdf" for i in STUDENTS), "manifest.csv", "print-file.pdf"]


def test_each_copy_has_its_student_their_routes_and_nobody_else(run):
    for student_id, (name, _audience, _routes, titles) in STUDENTS.items():
        pages = texts(run.folder / f"{student_id}.pdf")
        text = flat("\n".join(pages))
        assert f"Prepared for {name} with Amara Okafor, 29 November 2026" in flat(pages[0])
        plan = next(i for i, page in enumerate(pages) if page.lstrip().startswith("Your action plan"))
        plan_text = flat("\n".join(pages[plan : plan + 2]))
        assert "Follow-up meeting: 15 December 2026" in plan_text
        assert "careers@exampleton.ac.uk" in plan_text  # the adviser contact comes from the brand
        position = plan_text.index("Your chosen routes") if titles else -1
        for title in titles:  # chosen routes come first, in the student's order
            assert plan_text.index(title) > position
            position = plan_text.index(title)
        for other in SECRETS:
            if other not in (name, "Amara Okafor") and not (student_id == "S1042" and other.startswith("Private")):
                assert other not in text, (student_id, other)


def test_contents_and_page_x_of_y_are_right_in_each_copy(run):
    for student_id in STUDENTS:
        pages = texts(run.folder / f"{student_id}.pdf")
        total = len(pages)
        for number, page in enumerate(pages[1:-1], start=2):  # covers carry no footer
            assert f"Page {number} of {total}" in page, (student_id, number)
        contents = next((p for p in pages if p.lstrip().startswith("Contents")), None)
        if contents is None:
            continue  # the handout has no contents page
        for title, number in re.findall(r"^(.+?) (?:\. ?){3,} ?(\d+)$", contents, re.M):
            assert flat(title.strip()) in flat(pages[int(number) - 1]), (student_id, title, number)
        assert re.search(r"^Your action plan (?:\. ?)+ ?3$", contents, re.M)


def test_tick_boxes_are_real_checkboxes_named_by_id_and_route(run):
    for student_id, (_name, _audience, routes, _titles) in STUDENTS.items():
        fields = PdfReader(run.folder / f"{student_id}.pdf").get_fields() or {}
        mine = sorted(name for name in fields if name.startswith("plan.") and ".step-" in name)
        for route in filter(None, (r.strip() for r in routes.split(";"))):
            assert f"plan.{student_id}.{route}.step-1" in mine
        assert f"plan.{student_id}.next.step-1" in mine
        assert all(name.startswith(f"plan.{student_id}.") for name in mine)
        assert all(fields[name].get("/FT") == "/Btn" for name in mine)


def test_action_plan_is_tagged_like_the_rest(run):
    with pikepdf.open(run.folder / "S1042.pdf") as pdf:
        assert "/StructTreeRoot" in pdf.Root and pdf.Root.MarkInfo.Marked
        headings, lists = [], 0
        stack = [pdf.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            kids = node.get("/K")
            if kids is None:
                continue
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    if str(kid.S) in ("/H2", "/H3", "/H4"):
                        headings.append(str(kid.S))
                    lists += str(kid.S) == "/L"
                    stack.append(kid)
    assert headings.count("/H4") == 2  # one per chosen route
    result = runner.invoke(app, ["check", "--accessibility", str(run.folder / "S1042.pdf")])
    assert result.exit_code == 0, result.stdout


def test_files_are_named_by_id_owner_only_and_no_name_is_anywhere_else(run):
    assert stat.S_IMODE(run.folder.stat().st_mode) == 0o700
    for path in run.folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert not any(name in path.name for path in run.folder.iterdir() for name in SECRETS)
    outside = [
        p
        for p in [*run.root.joinpath("output").rglob("*"), *run.cache.rglob("*")]
        if p.is_file() and p.suffix != ".pdf"
    ]
    assert any(p.name == ".cache.json" for p in outside)
    for path in outside:
        data = path.read_bytes()
        for secret in SECRETS:
            for encoded in (secret.encode("utf-8"), secret.encode("utf-16-be")):
                assert encoded not in data, (path, secret)
    for path in run.folder.glob("*.pdf"):  # metadata is the booklet's own
        with pikepdf.open(path) as pdf:
            meta = str(pdf.docinfo) + str(pdf.open_metadata())
            assert "AI Careers in UK Public Sector" in meta
            assert not any(secret in meta for secret in SECRETS), path


def test_print_file_starts_each_copy_on_an_odd_page_and_manifest_matches(run):
    rows = list(csv.DictReader((run.folder / "manifest.csv").open(encoding="utf-8")))
    assert [r["id"] for r in rows] == list(STUDENTS)
    combined = PdfReader(run.folder / "print-file.pdf")
    pages = [page.extract_text() or "" for page in combined.pages]
    assert len(pages) % 2 == 0
    for row in rows:
        first = int(row["first_page"])
        copy = run.folder / row["file"]
        assert first % 2 == 1
        assert row["sha256"] == hashlib.sha256(copy.read_bytes()).hexdigest()
        assert int(row["pages"]) == len(PdfReader(copy).pages)
        name = STUDENTS[row["id"]][0]
        assert f"Prepared for {name}" in flat(pages[first - 1])
        if int(row["pages"]) % 2:
            assert "intentionally left blank" in pages[first - 1 + int(row["pages"])]
    with pikepdf.open(run.folder / "print-file.pdf") as pdf:
        assert str(pdf.docinfo.Title) == "AI Careers in UK Public Sector"
        assert "/AcroForm" not in pdf.Root


def test_rerun_rebuilds_only_changed_rows_and_forget_removes_everything(run, tmp_path):
    root = tmp_path / "again"
    shutil.copytree(run.root, root, symlinks=True)
    (root / "output/people/print-file.pdf").unlink()
    code, out, err = personalise(root, root / "people.csv", "--print-file")
    assert code == 1 and "0 built, 6 unchanged, 3 failed" in out
    assert (
        "error: print-file.pdf not written: 3 of 9 copies failed (fix them and run again, or add --allow-missing "
        "to print the others)" in err
    )
    assert not (root / "output/people/print-file.pdf").exists()
    people = class_list(root / "people.csv")
    rows = list(csv.reader(people.open(encoding="utf-8")))
    rows[2][5] = "Phone the Fast Stream team"  # S1043's agreed next step changed
    with people.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    code, out, _err = personalise(root, people)
    assert "1 built, 5 unchanged, 3 failed" in out
    assert "output/people/S1043.pdf: " in out and "Phone the Fast Stream team" in flat(
        "\n".join(texts(root / "output/people/S1043.pdf"))
    )

    code, out, _err = personalise(root, people, "--forget")
    assert code == 0 and "removed 7 files" in out
    left = sorted(p.name for p in (root / "output/people").iterdir())
    assert left == [".cache.json"]
    assert (root / "output/people/.cache.json").read_text().strip() == "{}"


def test_a_saved_traceback_leaves_out_the_message_that_may_hold_a_name(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    name = "Si" + "ân O'Connor"
    try:
        raise ValueError(f"could not lay out {name}")
    except ValueError:
        saved = save_traceback("job: student id S1042, row 2", redact=True)
    assert saved is not None and saved.parent == tmp_path
    text = saved.read_text(encoding="utf-8")
    assert "ValueError" in text and "S1042" in text and "Siân" not in text


def structure(path: Path) -> dict[str, object]:
    """What must be the same however a copy was made: text, fields, outline, links, tags."""
    reader = PdfReader(path)
    with pikepdf.open(path) as pdf:
        outline = [(str(item.title), pdf.pages.index(item.destination[0])) for item in pdf.open_outline().root]
        annotations = [len(page.get("/Annots", [])) for page in pdf.pages]
        tags = len(pdf.Root.StructTreeRoot.ParentTree.Nums)
    return {
        "text": [page.extract_text() for page in reader.pages],
        "fields": sorted(reader.get_fields() or {}),
        "outline": outline,
        "annotations": annotations,
        "tags": tags,
    }


def test_an_assembled_copy_equals_a_copy_laid_out_whole(run, tmp_path, monkeypatch):
    from booklet.content.load import load_project_content
    from booklet.jobs.people import ASSEMBLED, load_class_list, plan_people, render_person
    from booklet.project import Project

    project = Project.locate(run.root / "content")
    content = load_project_content(project.content, project.root, ROOT / "examples/brand/brand.yaml")
    jobs = plan_people(
        project, content, load_class_list(run.people, content), prepared=__import__("datetime").date(2026, 11, 29)
    )
    first, job = (next(j for j in jobs if j.student_id == i) for i in ("S1042", "S1046"))
    render_person(first)  # lays out the graduates' shared pages in this process
    before = ASSEMBLED[0]
    assembled = render_person(job)
    assert ASSEMBLED[0] == before + 1 and assembled.warnings == ()
    monkeypatch.setenv("BOOKLET_PERSONAL_RENDER", "whole")
    whole = render_person(job)
    assert whole.warnings == ()
    (tmp_path / "whole.pdf").write_bytes(whole.pdf)
    (tmp_path / "assembled.pdf").write_bytes(assembled.pdf)
    assert structure(tmp_path / "whole.pdf") == structure(tmp_path / "assembled.pdf")
    assert structure(tmp_path / "assembled.pdf")["text"] == structure(run.folder / "S1046.pdf")["text"]
    checked = runner.invoke(app, ["check", "--accessibility", str(tmp_path / "assembled.pdf")])
    assert checked.exit_code == 0, checked.stdout

    # The independent PDF/UA checkers, as for every other tagged output: an assembled copy,
    # a copy laid out whole (S1042) and a personal handout (S1045).
    from booklet.pdf.checkers import check_independently

    paths = [tmp_path / "assembled.pdf", run.folder / "S1042.pdf", run.folder / "S1045.pdf"]
    report = {}
    for path, verdicts in check_independently(paths).items():
        for verdict in verdicts:
            assert not verdict.missing and not verdict.failure, (path.name, verdict.checker, verdict.failure)
            if verdict.findings:
                report[(path.name, verdict.checker)] = [f.line() for f in verdict.findings]
    assert report == {}


# Rows of the benchmark's class list (bench/common.py) whose copies came out different when assembled
# from the shared pages of a copy made before them in the same process.
ORDER_ROWS = [
    # A plan that spills a line or two onto a page of its own (the shared pages it was laid out with
    # ran the introduction on after the spill), then a one-page plan and another spilling one.
    [
        "B0002",
        "Zoë O'Neill 2",
        "school-leavers",
        "fast-stream; civil-service-jobs",
        "gds",
        "Visit an open day; Draft a CV",
    ],
    ["B0008", "Zoë O'Neill 8", "school-leavers", "fast-stream", "gds", "Draft a CV; Book a mock interview"],
    [
        "B0011",
        "Zoë O'Neill 11",
        "school-leavers",
        "research-fellowships; fast-stream",
        "gds",
        "Draft a CV; Visit an open day",
    ],
    # A two-page plan, then one whose spill the first copy's remedies did not pull back.
    [
        "B0004",
        "Zoë O'Neill 4",
        "career-changers",
        "fast-stream; nhs-internships",
        "gds",
        "Visit an open day; Draft a CV",
    ],
    [
        "B0007",
        "Zoë O'Neill 7",
        "career-changers",
        "research-fellowships; local-council-roles",
        "gds",
        "Book a mock interview; Ask for a reference",
    ],
]


def test_a_copy_is_the_same_whichever_copies_the_process_made_before(tmp_path, monkeypatch):
    """Each student's copy made after another of their audience (assembled from its shared pages) is
    byte for byte the copy made alone (laid out whole): what a copy looks like never depends on the
    order of the class list or on which worker made which copies."""
    import datetime as dt

    from booklet.content.load import load_project_content
    from booklet.jobs import people
    from booklet.project import Project

    shutil.copytree(ROOT / "content", tmp_path / "content")
    listed = tmp_path / "order.csv"
    with listed.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([HEADER[:8], *[[*row, "Amara Okafor", "2026-12-15"] for row in ORDER_ROWS]])
    project = Project.locate(tmp_path / "content")
    content = load_project_content(project.content, project.root, None)
    jobs = people.plan_people(project, content, people.load_class_list(listed, content), prepared=dt.date(2026, 11, 29))

    def fresh_process() -> None:
        for name in ("_shared", "_rest_pages", "_remedies", "_plan_pages"):
            monkeypatch.setattr(people, name, {})

    fresh_process()
    batch = []
    for job in jobs:
        before = people.ASSEMBLED[0]
        batch.append((people.render_person(job), people.ASSEMBLED[0] - before))
    assert sum(assembled for _, assembled in batch) >= 2  # both ways of making a copy are compared
    for job, (made, _) in zip(jobs, batch, strict=True):
        if job.student_id not in ("B0008", "B0011", "B0007"):
            continue  # the first of an audience: laid out whole already
        fresh_process()
        alone = people.render_person(job)
        assert (made.pages, made.pdf) == (alone.pages, alone.pdf), job.student_id


def test_a_warning_the_copies_share_is_printed_once_with_how_many_copies_gave_it(tmp_path):
    """A blocked address in the project's CSS comes with every copy: one line, with the count."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copytree(ROOT / "styles", tmp_path / "styles", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "styles" / "custom.css").write_text("body { background: url(http://evil.example/track.gif) }\n")
    people = tmp_path / "people.csv"
    with people.open("w", newline="", encoding="utf-8") as handle:
        rows = [HEADER] + [[f"W{n}", f"Student {n}", "graduates", "fast-stream"] + [""] * 6 for n in range(3)]
        csv.writer(handle).writerows(rows)
    code, out, err = personalise(tmp_path, people, "--jobs", "1")
    assert code == 0 and "3 built, 0 unchanged, 0 failed" in out, err
    warned = [line for line in err.splitlines() if line.startswith("warning: blocked http://evil.example/track.gif")]
    assert len(warned) == 1, err
    assert warned[0].endswith("(only files inside the project are read) (in 3 copies)")
    weasyprint = [line for line in err.splitlines() if line.startswith("warning: WeasyPrint: ")]
    assert len(weasyprint) == 1 and weasyprint[0].endswith("(in 3 copies)"), err
