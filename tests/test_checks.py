"""The last gate before a release goes live: a broken page or link stops the publish."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scripts.publish import checks
from scripts.publish import pipeline as publish
from tests.conftest import ROOT, TEST_OVERRIDES


@pytest.fixture
def site_copy(tiny_site: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A writable copy of the tiny site and of its dataset, beside an empty check cache."""
    site = shutil.copytree(tiny_site.resolve(), tmp_path / "site")
    dataset = shutil.copy(tiny_site.resolve().parent.parent.parent / "build" / "dataset.json", tmp_path / "dataset.json")
    return site, Path(dataset)


def failures(site: Path, dataset: Path) -> list[str]:
    with pytest.raises(checks.SiteCheckFailed) as raised:
        checks.run(site, dataset)
    return raised.value.failures


def test_the_published_site_passes(site_copy):
    assert checks.run(*site_copy) > 10


def test_a_missing_stylesheet_is_a_broken_link_on_every_page(site_copy):
    site, dataset = site_copy
    stylesheet = next(site.glob("theme/css/*.css"))
    stylesheet.unlink()
    found = failures(site, dataset)
    assert any("liên kết hỏng" in failure and stylesheet.name in failure for failure in found)
    assert any(failure.startswith("index.html:") for failure in found)


def test_a_link_that_breaks_after_a_passing_run_is_still_caught(site_copy):
    site, dataset = site_copy
    checks.run(site, dataset)
    shutil.rmtree(site / "chinh-sach")
    assert any("liên kết hỏng" in failure and "chinh-sach" in failure for failure in failures(site, dataset))


def test_a_link_whose_target_turned_from_folder_to_file_is_resolved_again(site_copy):
    """A passed page keeps the files its links pointed at. When a folder became a file of the same
    name, the kept target is no file at all: it is resolved again, not reported broken."""
    site, dataset = site_copy
    for folder, link in (("x", '<a href="../bao-cao">r</a>'), ("bao-cao", "")):
        (site / folder).mkdir()
        (site / folder / "index.html").write_text(f'<html lang="vi"><body><div class="sample-notice"></div><h1>x</h1>{link}</body></html>', encoding="utf-8")
    checks.run(site, dataset)
    shutil.rmtree(site / "bao-cao")
    (site / "bao-cao").write_text("…", encoding="utf-8")
    checks.run(site, dataset)
    (site / "bao-cao").unlink()
    assert "x/index.html: liên kết hỏng ../bao-cao" in failures(site, dataset)


def test_a_link_to_the_site_root_is_resolved_from_each_page_s_own_depth(site_copy):
    """Links that climb exactly to the root are resolved once per depth: the same text one folder
    deeper points somewhere else, and there it is broken."""
    site, dataset = site_copy
    team_page = next(site.glob("to/*/index.html"))
    stylesheet = next(reference for reference in checks.inspect_page("to/x/index.html", team_page.read_bytes(), True)[1].references if reference.endswith(".css"))
    assert stylesheet.startswith("../../")
    deeper = team_page.parent / "sau" / "index.html"
    deeper.parent.mkdir()
    shutil.copy(team_page, deeper)
    found = failures(site, dataset)
    assert f"{deeper.relative_to(site).as_posix()}: liên kết hỏng {stylesheet}" in found
    assert not any(failure.startswith(f"{team_page.relative_to(site).as_posix()}:") for failure in found)


def test_missing_page_outside_script_missing_notice_and_second_h1_are_all_reported(site_copy):
    site, dataset = site_copy
    (site / "ve-du-lieu" / "index.html").unlink()
    home = site / "index.html"
    html = home.read_text(encoding="utf-8")
    html = html.replace("</head>", '<script src="https://cdn.example.org/x.js"></script></head>', 1)
    html = html.replace("sample-notice", "notice-gone").replace("</main>", "<h1>Hai</h1></main>", 1)
    home.write_text(html, encoding="utf-8")
    found = failures(site, dataset)
    assert "thiếu trang ve-du-lieu/index.html" in found
    assert "index.html: tải tài nguyên từ máy chủ ngoài https://cdn.example.org/x.js" in found
    assert "index.html: thiếu thông báo dữ liệu mẫu" in found
    assert "index.html: phải có đúng một thẻ h1" in found


def test_a_broken_link_or_a_second_title_in_a_prose_page_names_the_markdown_file_staff_correct(tiny_data, tmp_path):
    """Staff edit content/pages/*.md, or a province's own data/content/pages/*.md: a failure naming only
    the built chinh-sach/index.html left them to guess which file that was."""
    own = tiny_data / "content" / "pages" / "chinh-sach.md"
    own.parent.mkdir(parents=True)
    added = "\n# Mục mới\n\nXem [danh sách cũ](../danh-sach-cu/).\n"
    own.write_text((ROOT / "content" / "pages" / "chinh-sach.md").read_text(encoding="utf-8") + added, encoding="utf-8")
    paths = publish.Paths(tmp_path / "root", tiny_data)
    with pytest.raises(checks.SiteCheckFailed) as raised:
        publish.publish(paths, overrides=TEST_OVERRIDES)
    named = f"{own.as_posix()} (trang chinh-sach/index.html)"
    assert raised.value.failures == [
        f"{named}: phải có đúng một thẻ h1 (trong tệp Markdown, tiêu đề trang là dòng “Title:”, các mục bắt đầu bằng “## ”)",
        f"{named}: liên kết hỏng ../danh-sach-cu/",
    ]
    assert publish.live_release(paths) is None


def test_the_project_s_own_prose_page_is_named_as_staff_find_it_from_the_project_folder():
    names = checks.page_names({"chinh-sach/index.html": ROOT / "content" / "pages" / "chinh-sach.md"})
    assert names == {"chinh-sach/index.html": "content/pages/chinh-sach.md (trang chinh-sach/index.html)"}
