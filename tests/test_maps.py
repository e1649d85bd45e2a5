"""The maps stage (scripts/outputs/maps.py) on the bundled sample data, without Pelican or a browser."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from collections import defaultdict
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from jinja2 import Environment, FileSystemLoader

from scripts.common.formatting import vnd
from scripts.outputs import maps
from scripts.validate import rules as validate

ROOT = Path(__file__).resolve().parent.parent
TILES_OFF = {"MAP_TILES_URL": None}
CDN_HOSTS = (
    "cdn.jsdelivr.net",
    "code.jquery.com",
    "cdnjs.cloudflare.com",
    "bootstrapcdn.com",
    "unpkg.com",
    "googleapis.com",
    "rawcdn.githack.com",
)
GEOMETRY_BUDGET = 60_000
PAGE_BUDGET = 150_000


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


@pytest.fixture(scope="module")
def dataset_path(tmp_path_factory) -> Path:
    return validate.run(ROOT / "data", tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="module")
def dataset(dataset_path) -> dict:
    return json.loads(dataset_path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def site(tmp_path_factory, dataset_path) -> Path:
    """Map files plus theme/static/ where Pelican puts it, as in a built site (tiles off)."""
    out = tmp_path_factory.mktemp("site")
    shutil.copytree(ROOT / "theme" / "static", out / "theme")
    maps.run(dataset_path, out, TILES_OFF, out.parent / "build")
    return out


def map_pages(site: Path) -> list[Path]:
    return sorted((site / maps.MAPS_DIR).glob("*.html"))


def test_a_map_for_every_commune_and_year(site, dataset):
    for year in dataset["years"]:
        fiscal_year = year["fiscal_year"]
        assert (site / maps.province_map_path(fiscal_year)).is_file()
        for allocation in year["communes"]:
            assert (site / maps.commune_map_path(allocation["commune_code"], fiscal_year)).is_file()


def test_geometry_has_every_commune_once(site, dataset):
    topology = json.loads((site / maps.MAPS_DIR / "communes.topo.json").read_text(encoding="utf-8"))
    geometries = topology["objects"][maps.GEOMETRY_OBJECT]["geometries"]
    assert len(geometries) == 56
    assert sorted(g["id"] for g in geometries) == sorted(c["code"] for c in dataset["communes"])
    assert all(g["arcs"] for g in geometries)


def test_geometry_fits_its_budget():
    assert gzipped(maps.GEOMETRY.read_bytes()) <= GEOMETRY_BUDGET


def test_map_figures_equal_the_dataset(site, dataset):
    for year in dataset["years"]:
        figures = json.loads((site / maps.MAPS_DIR / f"so-lieu-{year['fiscal_year']}.json").read_text(encoding="utf-8"))
        teams = defaultdict(list)
        for team in year["teams"]:
            teams[team["commune_code"]].append(team)
        assert set(figures["communes"]) == {a["commune_code"] for a in year["communes"]}
        for allocation in year["communes"]:
            code = allocation["commune_code"]
            shown = figures["communes"][code]
            members = sum(team["member_count"] for team in teams[code])
            assert shown["values"]["allocated_vnd"] == allocation["amount_vnd"]
            assert shown["text"]["allocated_vnd"] == vnd(allocation["amount_vnd"])
            assert shown["values"]["team_count"] == len(teams[code])
            assert shown["values"]["members_per_team"] == round(members / len(teams[code]), 2)
            assert shown["url"] == f"../xa/{code}/{year['fiscal_year']}/"


def test_legend_classes_cover_every_value(site, dataset):
    figures = json.loads((site / maps.MAPS_DIR / "so-lieu-2025.json").read_text(encoding="utf-8"))
    for metric in figures["metrics"]:
        assert len(metric["colors"]) == len(metric["legend"]) == len(metric["breaks"]) + 1
        assert metric["breaks"] == sorted(set(metric["breaks"]))
        classes = {sum(v["values"][metric["key"]] >= b for b in metric["breaks"]) for v in figures["communes"].values()}
        assert classes == set(range(len(metric["colors"]))), "every legend class holds at least one commune"
    amount = figures["metrics"][0]
    assert re.fullmatch(r"Dưới \d{1,3}(\.\d{3})+\xa0₫", amount["legend"][0])


@pytest.mark.parametrize(
    "values",
    [[], [5] * 10, list(range(100, 160)), [1, 1, 1, 1, 2, 50, 51, 52, 99, 100], [187_345_000, 93_000_000]],
)
def test_class_breaks_never_leave_a_class_empty(values):
    breaks = maps.class_breaks(values, maps.two_significant)
    assert len(breaks) < maps.CLASSES
    classes = {sum(value >= cut for cut in breaks) for value in values}
    assert classes == (set(range(len(breaks) + 1)) if values else set())


def test_two_runs_are_byte_identical(tmp_path, dataset_path, site):
    again = tmp_path / "again"
    maps.run(dataset_path, again, TILES_OFF, tmp_path / "build")
    first = {p.relative_to(site): p.read_bytes() for p in (site / maps.MAPS_DIR).rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in (again / maps.MAPS_DIR).rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_run_returns_every_file_it_writes(tmp_path, dataset_path):
    written = maps.run(dataset_path, tmp_path, TILES_OFF, tmp_path / "build")
    assert sorted(written) == sorted(p for p in (tmp_path / maps.MAPS_DIR).rglob("*") if p.is_file())


def test_a_new_release_links_the_map_files_the_last_one_holds_and_writes_the_others(tmp_path, dataset_path):
    last = tmp_path / "last"
    maps.run(dataset_path, last, TILES_OFF, tmp_path / "build")
    changed = next((last / maps.MAPS_DIR).glob("*.json"))
    expected = changed.read_bytes()
    changed.unlink()  # as a release that showed other figures holds it
    changed.write_bytes(b"{}")
    written = maps.run(dataset_path, tmp_path / "new", TILES_OFF, tmp_path / "build", previous=last)
    linked = [path for path in written if path.stat().st_ino == (last / path.relative_to(tmp_path / "new")).stat().st_ino]
    assert sorted(written) == sorted(linked + [tmp_path / "new" / changed.relative_to(last)])
    assert (tmp_path / "new" / changed.relative_to(last)).read_bytes() == expected and changed.read_bytes() == b"{}"


def test_no_cdn_in_any_map_file_or_vendored_asset(site):
    files = [p for p in (site / maps.MAPS_DIR).rglob("*") if p.is_file()]
    files += [p for p in (site / "theme" / "vendor").rglob("*") if p.suffix in (".js", ".css", ".html")]
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert [host for host in CDN_HOSTS if host in text] == [], path


def test_pages_load_only_files_of_the_site(site):
    for page in map_pages(site):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        urls = [tag["src"] for tag in soup.find_all("script", src=True)]
        urls += [tag["href"] for tag in soup.find_all("link", rel="stylesheet")]
        assert {Path(u).name for u in urls} == {
            "leaflet.js",
            "leaflet.css",
            "topojson-client.min.js",
            "ban-do.js",
            "ban-do.css",
        }
        for url in urls:
            assert "//" not in url and (page.parent / url).resolve().is_file(), url


def test_pages_are_standalone_vietnamese_and_zoomable(site):
    for page in map_pages(site)[:3] + map_pages(site)[-3:]:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert soup.html["lang"] == "vi"
        assert soup.title.string.startswith("Bản đồ ")
        viewport = soup.find("meta", attrs={"name": "viewport"})["content"]
        assert "user-scalable" not in viewport and "maximum-scale" not in viewport
        assert soup.find("noscript").get_text(strip=True)
        assert "__" not in soup.title.string, "a placeholder was left in the page"


def test_commune_page_names_its_commune_and_links_back(site):
    page = (site / maps.commune_map_path("01273", 2025)).read_text(encoding="utf-8")
    assert "<title>Bản đồ Phường Thục Phán và các xã, phường lân cận năm 2025</title>" in page
    assert '"code": "01273"' in page and '"backUrl": "../nam/2025/"' in page
    assert '"dataUrl": "so-lieu-2025.json"' in page


def test_boundary_source_is_credited_on_every_map(site):
    for page in map_pages(site):
        config = json.loads(re.search(r"BanDo\.\w+\(map_\w+, (\{.*\})\);", page.read_text(encoding="utf-8")).group(1))
        assert config["attribution"] == "Ranh giới hành chính: NXB Tài nguyên Môi trường và Bản đồ Việt Nam"


def test_one_map_page_transfer_fits_its_budget(site):
    """HTML + every script and stylesheet it loads + the two JSON files it fetches, gzipped; no tiles."""
    page = site / maps.province_map_path(2025)
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    urls = [tag["src"] for tag in soup.find_all("script", src=True)]
    urls += [tag["href"] for tag in soup.find_all("link", rel="stylesheet")]
    urls += ["communes.topo.json", "so-lieu-2025.json"]
    total = gzipped(page.read_bytes()) + sum(gzipped((page.parent / url).read_bytes()) for url in urls)
    assert total <= PAGE_BUDGET
    data = sum(gzipped((page.parent / url).read_bytes()) for url in urls[-2:])
    assert data <= GEOMETRY_BUDGET, "geometry + figures one page needs"


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({}, maps.DEFAULT_TILES_URL),
        (
            {"MAP_TILES_URL": "https://tiles.example.org/{z}/{x}/{y}.png", "MAP_TILES_ATTRIBUTION": "© Ví dụ"},
            "tiles.example.org",
        ),
        ({"MAP_TILES_URL": ""}, None),
        ({"MAP_TILES_URL": None}, None),
    ],
)
def test_tiles_follow_the_settings(tmp_path, dataset_path, settings, expected):
    maps.run(dataset_path, tmp_path, settings, tmp_path / "build")
    page = (tmp_path / maps.province_map_path(2025)).read_text(encoding="utf-8")
    if expected is None:
        assert "L.tileLayer" not in page
    else:
        assert "L.tileLayer" in page and expected in page
        attribution = settings.get("MAP_TILES_ATTRIBUTION", "OpenStreetMap")
        assert json.dumps(attribution)[1:-1] in page


def test_theme_static_dir_setting_moves_the_vendor_paths(tmp_path, dataset_path):
    maps.run(dataset_path, tmp_path, {**TILES_OFF, "THEME_STATIC_DIR": "static"}, tmp_path / "build")
    page = (tmp_path / maps.province_map_path(2025)).read_text(encoding="utf-8")
    assert 'src="../static/vendor/leaflet/leaflet.js"' in page


def test_map_partial_renders_a_lazy_titled_iframe():
    env = Environment(loader=FileSystemLoader(ROOT / "theme" / "templates"), autoescape=True)
    html = env.get_template("_map.html").render(
        SITEURL="/cb", map_src=maps.province_map_path(2025), map_title="Bản đồ kinh phí theo xã, phường năm 2025"
    )
    soup = BeautifulSoup(html, "html.parser")
    iframe = soup.find("iframe")
    assert iframe["loading"] == "lazy"
    assert iframe["title"] == "Bản đồ kinh phí theo xã, phường năm 2025"
    assert iframe["src"] == "/cb/ban-do/tinh-2025.html"
    assert soup.find("noscript").get_text(strip=True)


def test_committed_geometry_is_what_the_script_makes():
    pytest.importorskip("topojson", reason="requirements-geometry.txt is not installed")
    from scripts.dev import geometry

    source = json.loads(geometry.SOURCE.read_text(encoding="utf-8"))
    assert geometry.serialise(geometry.simplify(source)) == maps.GEOMETRY.read_text(encoding="utf-8")
