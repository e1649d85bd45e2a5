"""The benchmark's own correctness, at a tiny size: synthetic data, incremental publish, national roll-up.

Timings are never asserted here (they live in benchmarks/results.md); these tests check that what
the benchmark measures is right.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import lxml.html
import pytest
from invoke import MockContext, Result
from pypdf import PdfReader

from scripts.outputs import downloads
from scripts.validate import file_cache
from scripts.outputs import maps
from scripts.publish import nation
from scripts.publish import pipeline as publish
from scripts.validate import console as report
from scripts.publish import reuse
from scripts.dev import synthetic
from scripts.validate import rules as validate
from scripts.dev.bench import STAGES, beyond_pages_lines, change_one_amount, project_copy, target_lines, tree_differences
from tests.helpers import set_cell

TINY = synthetic.SIZES["tiny"]
ROOT = Path(__file__).resolve().parent.parent


def last_line_printed(script: str, *arguments, cwd: Path = ROOT) -> str:
    """Run ``script`` in a new Python process, as a command would; the last line it printed."""
    run = subprocess.run([sys.executable, "-c", script, *map(str, arguments)], cwd=cwd, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout.strip().splitlines()[-1]


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


def shared_inodes(left, right, suffix: str = "") -> int:
    count = 0
    for folder, _, names in os.walk(left):
        for name in names:
            if not name.endswith(suffix):
                continue
            other = right / os.path.relpath(os.path.join(folder, name), left)
            count += other.exists() and os.path.samefile(os.path.join(folder, name), other)
    return count


def publish_change_and_clean(tiny_data, tmp_path, change):
    """Publish, ``change`` the data, republish; and the same two publishes of a copy, the second reusing
    nothing. Returns (first release, incremental release, clean release, the copy's paths)."""
    paths = publish.Paths(tmp_path / "site", tiny_data)
    # Its own copy of the data, with the same release history (downloads archive releases under data/).
    reference = publish.Paths(tmp_path / "clean", shutil.copytree(tiny_data, tmp_path / "clean-data"))
    first = publish.publish(paths)
    publish.publish(reference)
    change(tiny_data)
    change(reference.data)
    return first, publish.publish(paths), publish.publish(reference, overrides={"REUSE_FROM": None}), reference


def test_incremental_publish_equals_a_clean_build_and_reuses_unchanged_pages(tiny_data, tmp_path):
    first, second, clean, reference = publish_change_and_clean(tiny_data, tmp_path, change_one_amount)
    assert tree_differences(second, clean) == []
    assert tree_differences(first, second) != []  # the change reached the site
    assert shared_inodes(second, first) > 0  # unchanged pages were linked, not re-rendered
    assert shared_inodes(second / "pagefind", first / "pagefind") > 0  # no name changed: the index was kept
    # Pages rendered afresh (notice PDFs come from their cache either way).
    assert shared_inodes(clean, reference.releases / "000001", ".html") == 0


def test_invoke_bench_installs_its_own_pinned_requirements_first(monkeypatch, tmp_path):
    """The Quick start installs the site's and the tests' requirements, not the bench's (psutil)."""
    import tasks

    monkeypatch.chdir(tmp_path)  # run from anywhere: the commands run in the project
    context, ran = MockContext(run=Result(), repeat=True), []
    context.run.side_effect = lambda command, **_: ran.append((context.cwd, command)) or Result()
    tasks.bench(context, sizes="province", hugo=False)
    assert [folder for folder, _ in ran] == [str(ROOT), str(ROOT)]
    install, bench = [command for _, command in ran]
    assert "-m pip install" in install and "-r requirements-bench.txt -c constraints.txt" in install
    assert bench.endswith("-m scripts.dev.bench --sizes province --no-hugo")
    pinned = (ROOT / "requirements-bench.txt").read_text(encoding="utf-8")
    assert "psutil==" in pinned


def test_a_publish_times_every_stage_the_bench_prints_each_once(tiny_data, tmp_path, capfd):
    timer = publish.StageTimer()
    start = time.perf_counter()
    publish.publish(publish.Paths(tmp_path / "site", tiny_data), timer)
    wall = time.perf_counter() - start
    assert set(timer.seconds) == set(STAGES) - {"rollup"}
    assert all(seconds > 0 for seconds in timer.seconds.values())
    # The data pages are timed inside Pelican's stage, and counted for themselves only.
    assert sum(timer.seconds.values()) <= wall
    # Staff read every stage in Vietnamese, and not Pelican's count of its prose pages alone.
    report.print_timings(timer)
    printed = " ".join(" ".join(capfd.readouterr()).split())  # as Rich wrapped it to the terminal
    assert "Done: Processed" not in printed
    assert all(f"{label} {timer.seconds[stage]:.2f} s" in printed for stage, label in report.STAGE_LABELS.items())


def test_a_publish_in_a_new_process_links_the_pages_the_last_one_wrote(tiny_data, tmp_path):
    """Staff publish from a fresh interpreter each time (its own hash seed): page keys must not
    depend on the process, or nothing would ever be reused."""
    paths = publish.Paths(tmp_path / "site", tiny_data)
    first = publish.publish(paths)
    code = "import sys; from scripts import publish; publish.publish(publish.Paths(sys.argv[1], sys.argv[2]))"
    subprocess.run([sys.executable, "-c", code, str(paths.root), str(tiny_data)], cwd=ROOT, check=True, env={**os.environ, "PYTHONHASHSEED": "random"})
    second = publish.live_release(paths)
    assert second != first and tree_differences(first, second) == []
    data_pages = [page for folder in ("to", "xa") for page in (second / folder).rglob("index.html")]
    assert data_pages and all(os.path.samefile(page, first / page.relative_to(second)) for page in data_pages)
    # Each commune's pages were linked as a whole: its block key is the one the other process computed.
    blocks = reuse.stored_record(first)["blocks"]
    assert blocks and reuse.stored_record(second)["blocks"] == blocks


def replace_in(relative: str, old: str, new: str) -> Callable[[Path], None]:
    """A change to one file under data/: its first ``old`` becomes ``new``."""

    def change(data_dir: Path) -> None:
        path = data_dir / relative
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return change


def own_prose_page(data_dir: Path) -> None:
    """The province's own "Về dữ liệu" page, in place of the project's."""
    page = ROOT / "content" / "pages" / "ve-du-lieu.md"
    own = data_dir / "content" / "pages" / page.name
    own.parent.mkdir(parents=True)
    own.write_text(page.read_text(encoding="utf-8") + "\nTrang riêng của tỉnh.\n", encoding="utf-8")


# Each input a page shows but no commune's rows hold, changed as staff would. Before the publish keyed
# every page on the whole province.toml, a renamed province kept its old name on the pages linked from
# the release before.
SITE_WIDE_CHANGES = {
    "the province's name": replace_in("reference/province.toml", 'name = "Tỉnh Cao Bằng"', 'name = "Tỉnh Cao Bằng (mới)"'),
    "the boundaries' source": replace_in("reference/province.toml", 'boundaries_source = "', 'boundaries_source = "Bản đồ: '),
    "the sample note": replace_in("reference/province.toml", 'sample_note = "', 'sample_note = "Ghi chú mới. '),
    "a commune's name": lambda data_dir: set_cell(data_dir / "reference" / "communes.csv", 2, "full_name_sapnhap", "Phường Thục Phán Mới"),
    "the policy's minimum of members": replace_in("policy/policy.toml", "minimum_members = 10", "minimum_members = 12"),
    "the year's publication date": replace_in("allocations/2025/year.toml", "published_on = 2025-02-14", "published_on = 2025-02-13"),
    "a prose page of the province's own": own_prose_page,
}


@pytest.mark.parametrize("change", SITE_WIDE_CHANGES)
def test_incremental_publish_equals_a_clean_build_whatever_input_changed(tiny_data, tmp_path, change):
    first, second, clean, _ = publish_change_and_clean(tiny_data, tmp_path, SITE_WIDE_CHANGES[change])
    assert tree_differences(first, second) != []  # the change reached the site
    assert tree_differences(second, clean) == []


def test_a_file_gone_from_the_live_site_is_made_again(tiny_data, tmp_path):
    """A release never changes once live; should a file still go from it (deleted by hand), the next
    publish makes it again. Linking a page that had gone made every later publish fail; a search
    fragment that had gone was missing from every later release."""
    live = tmp_path / "site" / "output"

    def delete_files(data_dir: Path) -> None:
        if data_dir != tiny_data:
            return  # the clean build's copy of the data: its site is left whole
        fragments = sorted((live / "pagefind" / "fragment").glob("*"))
        # A page of a commune's block, a page linked alone, and a piece of the search index.
        for path in [live / "to/01786-001/index.html", live / "nam/2025/index.html", *fragments[:1]]:
            path.unlink()

    _, again, clean, _ = publish_change_and_clean(tiny_data, tmp_path, delete_files)
    assert tree_differences(again, clean) == []


def test_after_a_library_upgrade_nothing_made_with_the_old_libraries_is_reused(tiny_data, tmp_path):
    """Pages, notices, validation and downloads are cached under keys of the code that makes them; the
    libraries make them too. A copy of the project publishes in its own processes, and its pinned
    versions (constraints.txt) change between two publishes, as an upgrade changes them."""
    project = project_copy(tmp_path / "project")
    publish_in_copy = "import sys; from pathlib import Path; from scripts import publish; print(publish.publish(publish.Paths(Path(sys.argv[1]), Path(sys.argv[2]))))"

    def publish_copy() -> Path:
        return Path(last_line_printed(publish_in_copy, tmp_path / "site", tiny_data, cwd=project))

    def cache_keys() -> set[str]:
        """The keys of the validation's, the maps' and the downloads' caches."""
        build = tmp_path / "site" / "build"
        caches = [build / file_cache.FILE, build / file_cache.YEARS_FILE, build / maps.TEMPLATES_FILE, build / "downloads" / downloads.DEFLATED_MEMBERS]
        caches += sorted((build / "downloads" / downloads.ENCODED_CHUNKS).glob("*.pickle"))
        return {key for cache in caches for key in reuse.read_cache(cache)}

    first = publish_copy()
    again = publish_copy()
    assert shared_inodes(again, first, ".html") > 0 and shared_inodes(again, first, ".pdf") > 0  # same libraries: reused
    kept = cache_keys()
    with (project / "constraints.txt").open("a", encoding="utf-8") as constraints:
        constraints.write("# an upgrade\n")
    upgraded = publish_copy()
    # Map pages are linked when their bytes are the same (maps.Writer compares them), not by a key.
    assert shared_inodes(upgraded, again, ".html") == shared_inodes(upgraded / "ban-do", again / "ban-do", ".html")
    assert shared_inodes(upgraded, again, ".pdf") == 0
    assert kept and kept.isdisjoint(cache_keys())


def test_a_one_cell_republish_in_a_new_process_loads_no_library_only_a_full_build_needs(tiny_data, tmp_path):
    """What staff wait for includes starting the command: folium (with pandas, which it imports) draws
    the map pages, pandas reads the communes and openpyxl reads workbooks, and a one-cell correction
    changes none of those, so a republish takes them from its caches and does not import them."""
    publish_and_list = (
        "import sys; from pathlib import Path; from scripts import publish; publish.publish(publish.Paths(Path(sys.argv[1]), Path(sys.argv[2])));"
        "print(sorted({'folium', 'pandas', 'openpyxl'} & set(sys.modules)))"
    )

    def loaded() -> str:
        return last_line_printed(publish_and_list, tmp_path / "site", tiny_data)

    assert loaded() == "['folium', 'pandas']"  # the first publish draws the maps and reads the communes
    change_one_amount(tiny_data)
    assert loaded() == "[]"


def test_a_command_imports_the_site_generator_while_its_worker_validates(tiny_data, tmp_path):
    """A command begins with 0.15 s of imports (Pelican, lexbor, ReportLab): the publish forks its worker
    before them and validates there, so the two overlap, and no input table reaches the main process."""
    script = textwrap.dedent(
        """
        import os, sys
        from pathlib import Path
        import tasks  # as `invoke publish` begins
        from scripts.ingest import load
        from scripts.publish import pipeline as publish
        imported = sorted({"pelican", "selectolax", "reportlab"} & set(sys.modules))
        parent, read_table = os.getpid(), load.read_table

        def read_in_the_worker(*arguments):
            assert os.getpid() != parent, "an input table was read in the main process"
            return read_table(*arguments)

        load.read_table = read_in_the_worker
        publish.publish(publish.Paths(Path(sys.argv[1]), Path(sys.argv[2])))
        print(imported)
        """
    )
    assert last_line_printed(script, tmp_path / "site", tiny_data) == "[]"


def rename_first_team(data_dir) -> None:
    path = sorted(data_dir.glob("allocations/*/teams/*.csv"))[-1]
    text = path.read_text(encoding="utf-8")
    header, first, rest = text.split("\n", 2)
    column = header.split(",").index("team_name")
    cells = first.split(",")
    cells[column] = "Tổ Nà Giàng đổi tên"
    path.write_text("\n".join([header, ",".join(cells), rest]), encoding="utf-8")


def test_a_renamed_team_is_searchable_after_an_incremental_publish(tiny_data, tmp_path):
    first, second, clean, _ = publish_change_and_clean(tiny_data, tmp_path, rename_first_team)
    assert tree_differences(second, clean) == []
    assert tree_differences(first / "pagefind", second / "pagefind") != []  # the index was rebuilt


def test_a_bad_cell_in_one_province_stops_the_national_build_with_its_file_and_row(tmp_path):
    """Each province builds in a process of its own: its validation error comes back whole, not as a broken pool."""
    synthetic.generate(TINY, tmp_path / "data")
    teams = sorted((tmp_path / "data" / synthetic.province_slug(2)).glob("allocations/*/teams/*.csv"))[0]
    set_cell(teams, 2, "amount_vnd", "ba triệu")
    with pytest.raises(validate.ValidationFailed) as failure:
        nation.run(tmp_path / "data", tmp_path / "root", processes=1, only=[synthetic.province_slug(2)])
    (problem,) = failure.value.report.errors
    assert (problem.file, problem.row, problem.column) == (teams.relative_to(teams.parents[3]).as_posix(), 2, "amount_vnd")


def test_a_province_whose_data_names_it_otherwise_than_the_national_list_is_not_published(tmp_path):
    synthetic.generate(TINY, tmp_path / "data")
    slug = synthetic.province_slug(2)
    names = tmp_path / "data" / slug / "reference" / "province.toml"
    names.write_text(names.read_text(encoding="utf-8").replace("Tỉnh Giả lập 02", "Tỉnh Giả lập 20"), encoding="utf-8")
    with pytest.raises(nation.ProvinceNameMismatch, match="Tỉnh Giả lập 20"):
        nation.run(tmp_path / "data", tmp_path / "root", processes=1, only=[slug])
    assert not (tmp_path / "root" / "provinces" / slug / "output").exists()


@pytest.mark.slow
def test_each_province_builds_alone_and_the_national_index_links_them(tmp_path):
    synthetic.generate(TINY, tmp_path / "data")
    results, _ = nation.run(tmp_path / "data", tmp_path / "root", processes=2)
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
    again, _ = nation.run(tmp_path / "data", tmp_path / "root", processes=2)
    assert all(result.skipped for result in again)  # unchanged provinces are not rebuilt
    # The roll-up reads each province's small summary, not its whole dataset.
    for dataset in (tmp_path / "root" / "provinces").glob("*/build/dataset.json"):
        dataset.unlink()
    nation.run(tmp_path / "data", tmp_path / "root", processes=2, only=[])
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


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="one CPU: nothing to share")
def test_a_build_sharing_the_machine_runs_pagefind_on_its_share_of_the_cpus(monkeypatch):
    from scripts.common import system

    count = [sys.executable, "-c", "import os; print(len(os.sched_getaffinity(0)))"]
    assert system.within_share(count) == count  # alone, a build uses every CPU
    monkeypatch.setenv(system.SHARED_CORES, "1")  # as scripts/publish/nation.py sets it for two provinces on two CPUs
    assert subprocess.run(system.within_share(count), capture_output=True, text=True, check=True).stdout == "1\n"


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


def test_the_bench_report_says_which_targets_its_run_met_and_which_it_did_not():
    def run(size, pages, full, incremental, **more):
        return {"size": size, "pages": pages, "full_seconds": full, "incremental_seconds": incremental, "incremental_differences": [], **more}

    results = [
        run("province", 1_850, 4.0, 1.2, hugo_seconds=0.3),
        run("provinces10", 18_501, 16.8, 0.7, hugo_seconds=2.8),
        run("nation", 124_419, 130.0, 1.4, peak_memory=2**30),
    ]
    results[2]["incremental_differences"] = ["to/01-001/index.html"]
    rows = [line.strip("|").split(" | ") for line in target_lines(results) if line.startswith("| ") and "Mục tiêu" not in line]
    met = {label.strip(): verdict.strip() for label, _, verdict in rows}
    assert met == {
        "Tỉnh: công bố toàn bộ ≤ 5 s": "có",
        "Toàn quốc: công bố toàn bộ ≤ 120 s": "KHÔNG",
        "Toàn quốc: bộ nhớ đỉnh ≤ 2 GB": "có",
        "provinces10, 18,501 trang: ≤ 1.0× thời gian của Hugo": "KHÔNG",
        "province: cập nhật 1 ô ≤ 25% công bố toàn bộ": "KHÔNG",
        "provinces10: cập nhật 1 ô ≤ 25% công bố toàn bộ": "có",
        "nation: cập nhật 1 ô ≤ 25% công bố toàn bộ": "có",
        "province: cập nhật 1 ô giống hệt bản dựng sạch": "có",
        "provinces10: cập nhật 1 ô giống hệt bản dựng sạch": "có",
        "nation: cập nhật 1 ô giống hệt bản dựng sạch": "KHÔNG",
    }


def test_the_bench_report_says_what_the_hugo_target_asks_of_everything_but_the_pages():
    """The median run's CPU time (user + kernel) without its pages stage, over the machine's cores,
    against Hugo's build: only for the sizes the Hugo target is set at."""
    provinces10 = {
        "size": "provinces10", "pages": 18_501, "hugo_seconds": 2.5, "full_seconds": 15.4,
        "full_runs": [15.7, 15.4, 15.1], "full_cpu": [[30.0, 7.0], [24.0, 5.0], [20.0, 4.0]],
        "stages": {"pages": 14.0, "search": 4.9},
    }
    province = {"size": "province", "pages": 1_850, "hugo_seconds": 0.3, "full_seconds": 1.9}
    text = "\n".join(beyond_pages_lines([province, provinces10], cores=2))
    assert [line for line in text.splitlines() if line.startswith("## ")] == ["## provinces10: Hugo so với phần không phải dựng trang"]
    assert "24.0 + 5.0 s CPU" in text and "14.0 s" in text  # the median run's, not another's
    assert "cần 15.0 s CPU: trên 2 lõi, ít nhất 7.5 s, tức 3.00×" in text
