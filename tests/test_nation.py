"""The national build: synthetic provinces, each built alone, and the index that links them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest
from pypdf import PdfReader

from scripts.dev import synthetic
from scripts.dev.bench import tree_differences
from scripts.publish import nation
from scripts.validate import rules as validate
from tests.helpers import set_cell

TINY = synthetic.SIZES["tiny"]


ROOT = Path(__file__).resolve().parent.parent


def test_synthetic_data_is_deterministic(tmp_path):
    first = synthetic.generate(TINY, tmp_path / "a")
    synthetic.generate(TINY, tmp_path / "b")
    assert len(first) == TINY.provinces
    assert tree_differences(tmp_path / "a", tmp_path / "b") == []


def test_synthetic_national_data_passes_validation_and_is_marked_synthetic(tmp_path):
    folders = synthetic.generate(TINY, tmp_path / "data")
    teams = 0
    for folder in folders:
        dataset = validate.run(folder, tmp_path / "build" / folder.name)  # raises on any error
        text = dataset.read_text(encoding="utf-8")
        assert "Giả lập" in text
        teams += len(json.loads(text)["years"][0]["teams"])
        assert (folder / "reference" / "communes.topo.json").is_file()
    assert teams == TINY.teams


def test_a_bad_cell_in_one_province_stops_the_national_build_with_its_file_and_row(tmp_path):
    """Each province builds in a process of its own: its validation error comes back whole, not as a broken pool."""
    synthetic.generate(TINY, tmp_path / "data")
    teams = sorted((tmp_path / "data" / synthetic.province_slug(2)).glob("allocations/*/teams/*.csv"))[0]
    set_cell(teams, 2, "amount_vnd", "ba triệu")
    with pytest.raises(validate.ValidationFailed) as failure:
        nation.run(tmp_path / "data", tmp_path / "root", only=[synthetic.province_slug(2)])
    (problem,) = failure.value.report.errors
    assert (problem.file, problem.row, problem.column) == (teams.relative_to(teams.parents[3]).as_posix(), 2, "amount_vnd")


def test_a_province_whose_data_names_it_otherwise_than_the_national_list_is_not_published(tmp_path):
    synthetic.generate(TINY, tmp_path / "data")
    slug = synthetic.province_slug(2)
    names = tmp_path / "data" / slug / "reference" / "province.toml"
    names.write_text(names.read_text(encoding="utf-8").replace("Tỉnh Giả lập 02", "Tỉnh Giả lập 20"), encoding="utf-8")
    with pytest.raises(nation.ProvinceNameMismatch, match="Tỉnh Giả lập 20"):
        nation.run(tmp_path / "data", tmp_path / "root", only=[slug])
    assert not (tmp_path / "root" / "provinces" / slug / "output").exists()


@pytest.mark.slow
def test_each_province_builds_alone_and_the_national_index_links_them(tmp_path):
    synthetic.generate(TINY, tmp_path / "data")
    results, _ = nation.run(tmp_path / "data", tmp_path / "root")
    site = tmp_path / "root" / "output"
    index = (site / "index.html").read_bytes()
    tree = lxml.html.fromstring(index)
    links = tree.xpath("//main//a/@href")
    assert links == [f"{synthetic.province_slug(n)}/" for n in range(1, TINY.provinces + 1)]
    assert all((site / link / "index.html").is_file() for link in links)
    assert tree.get("lang") == "vi" and len(tree.xpath("//h1")) == 1
    # Each province's pages, notices and data package name it, its own data's sample note, and its own address.
    first = site / links[0]
    home = lxml.html.fromstring((first / "index.html").read_bytes())
    assert home.xpath("string(//h1)").endswith("tỉnh Giả lập 01 năm 2026")
    assert "mọi số liệu trên trang này đều do máy sinh ra" in home.xpath("string(//*[@class='sample-notice'])")
    assert "Ranh giới hành chính: ô vuông giả lập" in home.xpath("string(//footer)")
    assert home.xpath("//meta[@property='og:url']/@content") == [f"{nation.BASE_URL}/{links[0]}nam/2026/"]  # the home page is the latest year's
    assert json.loads((first / "du-lieu" / "datapackage.json").read_bytes())["title"].endswith("tỉnh Giả lập 01")
    notice = next(first.glob("xa/*/2026/thong-bao/*.pdf"))
    printed = " ".join(PdfReader(notice).pages[0].extract_text().split())
    assert "Ủy ban nhân dân tỉnh Giả lập 01" in printed and "Cao Bằng" not in printed
    assert not [page for page in first.rglob("*.html") if b"Cao B\xe1\xba\xb1ng" in page.read_bytes()]
    about = lxml.html.fromstring((first / "ve-du-lieu" / "index.html").read_bytes())
    assert "Tỉnh Giả lập 01 là tỉnh giả lập" in about.xpath("string(//main)")
    assert (first / "tim-kiem" / "index.html").is_file()  # the project's other prose pages are kept
    assert not any(result.skipped for result in results)
    again, _ = nation.run(tmp_path / "data", tmp_path / "root")
    assert all(result.skipped for result in again)  # unchanged provinces are not rebuilt
    # The roll-up reads each province's small summary, not its whole dataset.
    for dataset in (tmp_path / "root" / "provinces").glob("*/build/dataset.json"):
        dataset.unlink()
    nation.run(tmp_path / "data", tmp_path / "root", only=[])
    assert (site / "index.html").read_bytes() == index


@pytest.mark.slow
def test_one_job_per_province_then_a_roll_up_job_builds_the_national_site(tmp_path):
    """The fan-out the README gives for another engine: a province's job cannot know whether the others
    are done, so it does not roll up; the roll-up job refuses while a province has never been published."""
    synthetic.generate(TINY, tmp_path / "data")
    slugs = [synthetic.province_slug(n) for n in range(1, TINY.provinces + 1)]

    def job(*arguments):
        command = [sys.executable, "-m", "scripts.publish.nation", str(tmp_path / "data"), str(tmp_path / "root"), *arguments]
        return subprocess.run(command, cwd=ROOT, capture_output=True, text=True)

    typo = job("--province", "tinh-1", "--processes", "1")
    assert typo.returncode == 1 and "provinces.csv không có tỉnh tinh-1" in typo.stderr
    first = job("--province", slugs[0], "--processes", "1")
    assert first.returncode == 0, first.stderr
    assert "--roll-up-only" in first.stdout and not (tmp_path / "root" / "output").exists()
    early = job("--roll-up-only")
    assert early.returncode == 1 and "Traceback" not in early.stderr
    assert f"1 tỉnh chưa được công bố lần nào ({slugs[1]})" in early.stderr
    for slug in slugs[1:]:
        assert job("--province", slug, "--processes", "1").returncode == 0
    assert job("--roll-up-only").returncode == 0
    index = lxml.html.fromstring((tmp_path / "root" / "output" / "index.html").read_bytes())
    assert index.xpath("//main//a/@href") == [f"{slug}/" for slug in slugs]


@pytest.mark.slow
def test_a_dask_cluster_publishes_the_same_nation_as_the_local_pool(tmp_path):
    """``invoke publish-nation --scheduler``: the same calls through distributed's Executor, on two worker
    processes, make the same national site, byte for byte."""
    dask = pytest.importorskip("dask")
    distributed = pytest.importorskip("distributed")
    synthetic.generate(TINY, tmp_path / "data")
    nation.run(tmp_path / "data", tmp_path / "local")
    # A province's publish starts processes of its own: Dask's workers are daemons unless told otherwise.
    with dask.config.set({"distributed.worker.daemon": False}), distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
    ) as local_cluster, nation.cluster(local_cluster.scheduler_address) as executor:
        results, _ = nation.run(tmp_path / "data", tmp_path / "dask", executor)
    assert [result.slug for result in results] == [synthetic.province_slug(n) for n in range(1, TINY.provinces + 1)]
    assert tree_differences(tmp_path / "local" / "output", tmp_path / "dask" / "output") == []


def test_a_province_s_own_prose_pages_replace_the_project_s_of_the_same_name(tmp_path):
    from scripts.site import build

    data, work, project = tmp_path / "data", tmp_path / "build", build.ROOT / "content" / "pages"
    assert build.content_for(data, work) == build.ROOT / "content"  # none of its own: the project's, as they are
    own = data / "content" / "pages" / "ve-du-lieu.md"
    own.parent.mkdir(parents=True)
    own.write_text("Title: Về dữ liệu\nSlug: ve-du-lieu\n\nCủa tỉnh này.\n", encoding="utf-8")
    pages = build.content_for(data, work) / "pages"
    assert (pages / "ve-du-lieu.md").read_bytes() == own.read_bytes()
    assert (pages / "chinh-sach.md").read_bytes() == (project / "chinh-sach.md").read_bytes()
    own.rename(own.with_name("lich-su.md"))  # its page renamed: the project's comes back, and the old one goes
    pages = build.content_for(data, work) / "pages"
    assert (pages / "ve-du-lieu.md").read_bytes() == (project / "ve-du-lieu.md").read_bytes()
    assert sorted(path.name for path in pages.iterdir()) == sorted([*(path.name for path in project.iterdir()), "lich-su.md"])
