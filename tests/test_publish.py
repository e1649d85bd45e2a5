"""Publishing is all or nothing: a bad cell never touches the live site; same data, same bytes."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import jinja2
import pytest
from jinja2 import meta
from pelican.settings import read_settings
from pelican.writers import FileOverwriteFailedError

from scripts.publish import checks
from scripts.publish import pipeline as publish
from scripts.site import build, reuse
from scripts.site.pages import PageModel
from scripts.site.pelican_plugin import PageWriter
from scripts.site.reuse import PageReuse
from scripts.validate import console, quality_report
from scripts.validate.rules import ValidationFailed
from tests.conftest import ROOT
from tests.test_bad_inputs import cp1258
from tests.helpers import set_cell


def tree_digest(site: Path) -> dict[str, str]:
    return {
        path.relative_to(site).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def tiny_paths(tiny_data, tmp_path) -> publish.Paths:
    return publish.Paths(tmp_path / "site", tiny_data)


def test_build_release_runs_each_stage_once_in_the_pipeline_s_order(tiny_paths, monkeypatch):
    """The order scripts/publish/pipeline.py reads in is the order the stages run in."""
    entered = []
    stage = publish.StageTimer.stage
    monkeypatch.setattr(publish.StageTimer, "stage", lambda timer, name: entered.append(name) or stage(timer, name))
    publish.publish(tiny_paths)
    assert entered == ["validate", "maps", "downloads", "pages", "notices", "api", "checks", "search", "links"]


def test_publish_switches_output_to_a_checked_release(tiny_paths):
    release = publish.publish(tiny_paths)
    assert tiny_paths.output.is_symlink() and tiny_paths.output.resolve() == release.resolve()
    assert (tiny_paths.output / "index.html").is_file()


def test_a_broken_cell_stops_publish_and_leaves_output_untouched(tiny_paths):
    publish.publish(tiny_paths)
    before = tree_digest(tiny_paths.output)
    set_cell(tiny_paths.data / "allocations/2025/teams/01273.csv", 3, "amount_vnd", "ba triệu")
    with pytest.raises(ValidationFailed) as failure:
        publish.publish(tiny_paths)
    (problem,) = failure.value.report.errors
    assert (problem.file, problem.row, problem.column) == ("allocations/2025/teams/01273.csv", 3, "amount_vnd")
    assert tree_digest(tiny_paths.output) == before
    assert len(list(tiny_paths.releases.iterdir())) == 1


def test_a_failing_site_check_leaves_output_untouched(tiny_paths, monkeypatch):
    publish.publish(tiny_paths)
    before = tree_digest(tiny_paths.output)

    def broken(inspection):
        raise RuntimeError("kiểm tra thất bại")

    monkeypatch.setattr(checks, "conclude", broken)
    with pytest.raises(RuntimeError):
        publish.publish(tiny_paths)
    assert tree_digest(tiny_paths.output) == before
    assert len(list(tiny_paths.releases.iterdir())) == 1


def staff_reports(paths: publish.Paths) -> list[Path]:
    return [paths.work / "validation.csv", paths.work / quality_report.REPORT_NAME]


def test_the_staff_reports_are_written_even_when_a_later_stage_fails(tiny_paths, monkeypatch):
    """Staff read them to find why a publish failed."""
    publish.publish(tiny_paths)
    expected = [report.read_bytes() for report in staff_reports(tiny_paths)]
    for report in staff_reports(tiny_paths):
        report.unlink()

    def broken(*args):
        raise RuntimeError("bản đồ thất bại")

    monkeypatch.setattr(publish.maps, "run", broken)
    with pytest.raises(RuntimeError):
        publish.publish(tiny_paths)
    assert [report.read_bytes() for report in staff_reports(tiny_paths)] == expected


def test_two_builds_of_the_same_data_are_byte_identical(tiny_data, tmp_path):
    first = publish.publish(publish.Paths(tmp_path / "a", tiny_data))
    second = publish.publish(publish.Paths(tmp_path / "b", tiny_data))
    assert tree_digest(first) == tree_digest(second)


def test_rollback_returns_to_the_previous_release(tiny_paths):
    first = publish.publish(tiny_paths)
    set_cell(tiny_paths.data / "allocations/2025/teams/01273.csv", 2, "member_count", "11")
    second = publish.publish(tiny_paths)
    assert tiny_paths.output.resolve() == second.resolve()
    assert publish.rollback(tiny_paths).resolve() == first.resolve()
    assert tiny_paths.output.resolve() == first.resolve()


def test_old_releases_are_pruned_but_never_the_live_one(tiny_paths):
    """Pruned releases are deleted, with their records."""
    for members in ("11", "12"):
        publish.publish(tiny_paths)
        set_cell(tiny_paths.data / "allocations/2025/teams/01273.csv", 2, "member_count", members)
    publish.publish(tiny_paths)
    live = publish.rollback(tiny_paths)
    publish.prune_releases(tiny_paths, keep=1)
    assert sorted(release.name for release in tiny_paths.releases.iterdir()) == [live.name, "000003"]
    assert tiny_paths.output.resolve() == live.resolve() and (tiny_paths.output / "index.html").is_file()
    assert not reuse.keys_file(tiny_paths.releases / "000001").exists()


@pytest.mark.parametrize("already_there", ["other generator", "same run"])
def test_a_data_page_never_overwrites_another_file(tmp_path, already_there):
    """Two writers of one path are a bug in the site's layout: the build stops instead of keeping either."""
    env = jinja2.Environment(loader=jinja2.DictLoader({"page.html": "{{ text }}"}))
    settings = {"RELATIVE_URLS": True, "THEME": str(tmp_path)}
    if already_there == "other generator":
        (tmp_path / "gioi-thieu").mkdir()
        (tmp_path / "gioi-thieu" / "index.html").write_text("prose page", encoding="utf-8")
    writer = PageWriter(tmp_path, PageReuse(tmp_path, None), "site key", settings, env, {})
    first = PageModel("gioi-thieu/index.html", "page.html", {"text": "first"})
    if already_there == "same run":
        writer.write([first])
    with pytest.raises(FileOverwriteFailedError, match="gioi-thieu/index.html"):
        writer.write([PageModel("gioi-thieu/index.html", "page.html", {"text": "second"})])
    kept = "prose page" if already_there == "other generator" else "first"
    assert (tmp_path / "gioi-thieu" / "index.html").read_text(encoding="utf-8") == kept


def own_prose_page(data: Path, name: str, slug: str) -> Path:
    """A prose page in the data's own content/pages/ (scripts/site/build.py, content_for)."""
    page = data / "content" / "pages" / name
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(f"Title: Trang mới\nSlug: {slug}\n\nNội dung.\n", encoding="utf-8")
    return page


@pytest.mark.parametrize(
    "slug, expected",
    [
        ("chinh-sach", "{page} và content/pages/chinh-sach.md cùng là trang chinh-sach/index.html: hãy đổi dòng “Slug:” của một trong hai tệp."),
        ("du-lieu", "{page} là trang du-lieu/index.html, địa chỉ của một trang số liệu: hãy đổi dòng “Slug:” của tệp đó."),
    ],
    ids=["copied page", "a data page's address"],
)
def test_a_prose_page_whose_slug_is_taken_stops_the_publish_naming_both_files(tiny_paths, slug, expected):
    """A page copied from another without a new Slug, or given a data page's address ("du-lieu", data):
    a located message for staff, not an unexpected program error to send to the maintainer."""
    page = own_prose_page(tiny_paths.data, "trang-moi.md", slug)
    with pytest.raises(build.PagesCollide) as raised:
        publish.publish(tiny_paths)
    assert str(raised.value) == expected.format(page=page.as_posix())
    assert publish.live_release(tiny_paths) is None
    assert console.failure_message(raised.value, tiny_paths.work) == str(raised.value)  # not the crash log's


@pytest.mark.parametrize(
    "written, expected",
    [
        ("Slug: trang-moi\n\nNội dung.\n".encode(), "{page}: thiếu dòng “Title:” ở đầu tệp."),
        (cp1258("Title: Trang mới\nSlug: trang-moi\n\nNội dung.\n"), "{page}: không đọc được tệp (không phải chữ UTF-8: hãy lưu lại tệp với bảng mã UTF-8)."),
    ],
    ids=["no Title line", "saved as Windows-1258"],
)
def test_a_prose_page_pelican_cannot_read_is_named_with_what_to_fix_in_vietnamese(tiny_paths, written, expected):
    """Pelican says "Skipping …: could not find information about 'title'" or "Could not process …", in English."""
    page = own_prose_page(tiny_paths.data, "trang-moi.md", "trang-moi")
    page.write_bytes(written)
    with pytest.raises(build.PelicanWarnings) as raised:
        publish.publish(tiny_paths)
    assert str(raised.value).splitlines()[1:] == [expected.format(page=page.as_posix())]
    assert publish.live_release(tiny_paths) is None


# What each partial rendered once for every page showing the same (``partial``, scripts/site/pelican_plugin.py)
# may read. d and deadline_days: _timeliness.html's, set by _source.html around its include.
PARTIAL_ARGUMENTS = {
    "_source.html": {"source", "source_heading", "source_id", "d", "deadline_days"},
    "_findings.html": {"findings", "SITEURL"},
    "_contacts.html": {"contacts"},
}


def test_every_partial_called_is_checked():
    called = {name for path in (ROOT / "theme" / "templates").glob("*.html") for name in re.findall(r'partial\("([^"]+)"', path.read_text(encoding="utf-8"))}
    assert called == set(PARTIAL_ARGUMENTS)


@pytest.mark.parametrize("name", sorted(PARTIAL_ARGUMENTS))
def test_a_partial_reads_nothing_but_its_arguments(name):
    """``partial`` renders a partial once and gives it to every page that passes the same arguments:
    the partial, and what it includes, may read no other variable of the page."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(ROOT / "theme" / "templates"))
    env.filters.update(read_settings(str(ROOT / "pelicanconf.py"))["JINJA_FILTERS"])
    read, pending = set(), [name]
    while pending:
        tree = env.parse(env.loader.get_source(env, pending.pop())[0])
        read |= meta.find_undeclared_variables(tree)
        pending += [included for included in meta.find_referenced_templates(tree) if included]
    assert read == PARTIAL_ARGUMENTS[name]
