"""Build planning and the cache: nothing built twice, never a stale PDF."""

from __future__ import annotations

import shutil

import pytest

from booklet.content.load import load_project_content
from booklet.jobs import plan, run
from booklet.project import Project
from booklet.settings import Settings
from booklet.tailor.audience import tailor
from tests.conftest import CONTENT, ROOT


@pytest.fixture(scope="module")
def built_project(tmp_path_factory):
    """A project copy with every output built once, sequentially."""
    root = tmp_path_factory.mktemp("cache")
    shutil.copytree(CONTENT, root / "content")
    shutil.copytree(ROOT / "styles", root / "styles", ignore=shutil.ignore_patterns("__pycache__"))
    statuses = run_all(root)
    assert set(statuses.values()) == {"built"}
    return root


def run_all(root, force=False, workers=1):
    project = Project.locate(root / "content")
    content = load_project_content(project.content, project.root)
    jobs = plan(project, content, all_audiences=True)
    return {r.name: r.status for r in run(jobs, workers=workers, force=force)}


def test_no_change_rebuild_skips_everything(built_project):
    statuses = run_all(built_project)
    assert set(statuses.values()) == {"unchanged"}


def test_editing_one_organisation_rebuilds_exactly_the_audiences_that_include_it(built_project):
    content = load_project_content(built_project / "content", built_project)
    org = next(o for o in content.booklet.organisations if o.id == "alan-turing-institute")
    expected = {"default"} | {
        a.id for a in content.audiences if org.id in {o.id for o in tailor(content.booklet, a).organisations}
    }
    assert 1 < len(expected) < len(content.audiences) + 1  # the edit must discriminate

    path = built_project / "content" / "organisations" / f"{org.id}.yaml"
    path.write_text(path.read_text().replace("National Institute", "The national institute", 1))
    statuses = run_all(built_project)
    rebuilt = {name for name, status in statuses.items() if status == "built"}
    assert rebuilt == expected
    assert set(statuses.values()) <= {"built", "unchanged"}


def test_style_change_rebuilds_everything(built_project):
    css = built_project / "styles" / "booklet.css"
    css.write_text(css.read_text() + "\n/* a comment changes the cache key */\n")
    statuses = run_all(built_project)
    assert set(statuses.values()) == {"built"}


def test_a_replaced_or_deleted_pdf_is_rebuilt(built_project):
    project = Project.locate(built_project / "content")
    content = load_project_content(project.content, project.root)
    jobs = plan(project, content, all_audiences=True)
    jobs[1].output.write_bytes(b"%PDF-1.7 damaged")
    jobs[2].output.unlink()
    statuses = run_all(built_project)
    assert statuses[jobs[1].name] == "built"
    assert statuses[jobs[2].name] == "built"
    assert [s for n, s in statuses.items() if n not in (jobs[1].name, jobs[2].name)] == ["unchanged"] * (len(jobs) - 2)


def test_force_rebuilds_and_options_are_part_of_the_key(built_project):
    assert set(run_all(built_project, force=True).values()) == {"built"}
    project = Project.locate(built_project / "content")
    content = load_project_content(project.content, project.root)
    default = plan(project, content)[0]
    large = plan(project, content, settings=Settings(pdf_standard="none"))[0]
    assert default.output != large.output  # variants never overwrite each other
    from booklet.jobs import cache_key

    assert cache_key(default) != cache_key(large)


def test_unknown_audience_lists_known_ids_with_a_suggestion(built_project):
    from booklet.errors import BookletError

    project = Project.locate(built_project / "content")
    content = load_project_content(project.content, project.root)
    with pytest.raises(BookletError) as caught:
        plan(project, content, audiences=["graduate"])
    message = str(caught.value)
    assert "unknown audience 'graduate'" in message
    assert "did you mean 'graduates'?" in message
    for audience in content.audiences:
        assert audience.id in message
