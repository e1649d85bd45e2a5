"""Reads build/dataset.json and the simplified boundaries; writes the map pages and their files under ban-do/ of a release.

A province choropleth per year and a map per commune and year.

Every map page is a standalone HTML file (embedded with theme/templates/_map.html) that fetches:
- ``ban-do/communes.topo.json``: the one simplified geometry (scripts/dev/geometry.py), cached across pages;
- ``ban-do/so-lieu-<year>.json``: that year's figures per commune, already formatted in Vietnamese;
- ``ban-do/ban-do.js`` and ``ban-do/ban-do.css`` (copied from scripts/outputs/maps.js and scripts/outputs/maps.css);
- Leaflet and topojson-client, vendored under theme/static/vendor/ (no CDN).

folium draws each kind of page once per publish, with placeholders (scripts/outputs/map_templates.py);
the per-commune and per-year pages are stamped from it, which keeps a national build (3,321 communes)
to string replacements.

Settings read by ``run``:
- ``MAP_TILES_URL``: tile URL template; default OpenStreetMap. Empty or None: no tiles, polygons only.
- ``MAP_TILES_ATTRIBUTION``: HTML attribution for those tiles; default the OpenStreetMap credit.
- ``THEME_STATIC_DIR``: Pelican's folder for theme/static/ in the output; default ``theme``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from babel.numbers import format_decimal
from markupsafe import escape

from scripts.common import cache
from scripts.common.files import write_if_changed
from scripts.common.formatting import LOCALE, number, vnd
from scripts.model.urls import (
    MAPS_DIR,
    commune_map_path,
    commune_url,
    province_map_path,
    year_url,
)
from scripts.site.pages import SiteData, site_data

HERE = Path(__file__).resolve().parent
GEOMETRY = HERE.parents[1] / "data" / "reference" / "communes.topo.json"
GEOMETRY_OBJECT = "communes"
ASSETS = {"ban-do.js": HERE / "maps.js", "ban-do.css": HERE / "maps.css"}

DEFAULT_TILES_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
DEFAULT_TILES_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright" target="_blank" rel="noopener">'
    "Những người đóng góp OpenStreetMap</a>"
)

# ColorBrewer YlGnBu: sequential, readable with the common colour-vision deficiencies and in greyscale.
PALETTES = {
    1: ["#41b6c4"],
    2: ["#edf8b1", "#2c7fb8"],
    3: ["#edf8b1", "#7fcdbb", "#2c7fb8"],
    4: ["#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"],
    5: ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"],
}
CLASSES = 5

# Every word the map script shows, so all the Vietnamese lives here.
TEXT = {
    "legend": "Chú giải",
    "colour_by": "Tô màu theo",
    "no_data": "Không có số liệu",
    "sample": "Số liệu mẫu, không phải số liệu thật",
    "open": "Bấm hoặc nhấn Enter để mở trang của xã",
    "tap_again": "Chạm lần nữa để mở trang của xã",
    "failed": "Không tải được dữ liệu bản đồ. Các số liệu có trong bảng trên trang.",
}
NOSCRIPT = "Bản đồ cần JavaScript. Các số liệu có trong bảng trên trang."


def data_file(fiscal_year) -> str:
    return f"so-lieu-{fiscal_year}.json"


def from_maps_dir(site_path: str) -> str:
    return "../" + site_path


def two_significant(value: float) -> int:
    """Round a class break to 2 significant digits, so the legend reads 190.000.000 ₫, not 187.345.000 ₫."""
    value = int(round(value))
    step = 10 ** max(len(str(abs(value))) - 2, 0)
    return int(round(value / step) * step)


def one_decimal(value: float) -> float:
    return round(value, 1)


def decimal_1(value: float) -> str:
    return format_decimal(value, "#,##0.0", locale=LOCALE)


# key in SiteData.commune_rows, label, formatter of a value, rounding of a class break.
METRICS = [
    ("allocated_vnd", "Kinh phí được giao", vnd, two_significant),
    ("team_count", "Số tổ", number, two_significant),
    ("members_per_team", "Thành viên bình quân mỗi tổ", decimal_1, one_decimal),
]


def class_breaks(values: list[float], nice) -> list[float]:
    """Rounded quantile breaks; a value v is in class i when breaks[i-1] <= v < breaks[i].

    A break is kept only if the class it closes and the top class both hold a commune, so the
    legend never shows an empty colour.
    """
    ordered = sorted(values)
    breaks: list[float] = []
    for i in range(1, CLASSES if ordered else 1):
        cut = nice(ordered[len(ordered) * i // CLASSES])
        low = breaks[-1] if breaks else ordered[0]
        if cut <= ordered[-1] and any(low <= value < cut for value in ordered):
            breaks.append(cut)
    return breaks


def legend(breaks: list[float], fmt) -> list[str]:
    if not breaks:
        return ["Mọi xã, phường"]
    labels = [f"Dưới {fmt(breaks[0])}"]
    labels += [f"Từ {fmt(low)} đến dưới {fmt(high)}" for low, high in zip(breaks, breaks[1:])]
    return labels + [f"Từ {fmt(breaks[-1])} trở lên"]


def year_figures(site: SiteData, fiscal_year: int) -> dict:
    """The per-year JSON every map of that year reads: figures from the same rows as the tables."""
    rows = site.commune_rows[fiscal_year]
    metrics = []
    for key, label, fmt, nice in METRICS:
        breaks = class_breaks([row[key] for row in rows], nice)
        metrics.append(
            {
                "key": key,
                "label": label,
                "breaks": breaks,
                "colors": PALETTES[len(breaks) + 1],
                "legend": legend(breaks, fmt),
            }
        )
    return {
        "fiscal_year": fiscal_year,
        "sample": site.year(fiscal_year)["sample"],
        "metrics": metrics,
        "communes": {
            row["code"]: {
                "name": row["full_name"],
                "url": from_maps_dir(commune_url(row["code"], fiscal_year)),
                "values": {key: round(row[key], 2) for key, *_ in METRICS},
                "text": {key: fmt(row[key]) for key, _, fmt, _ in METRICS},
            }
            for row in rows
        },
    }


class Writer:
    """Map files into a new release. A file whose bytes the previous release already holds at the same
    path is hard-linked from it: a one-cell correction changes one year's figures, not the ~120 map pages,
    and making those files again took up to 0.2 s of a republish on this disk."""

    def __init__(self, out_dir: Path, previous: Path | None):
        self.out_dir, self.previous = Path(out_dir), previous

    def __call__(self, relative: str, data: bytes) -> Path:
        path = self.out_dir / relative
        before = self.previous / relative if self.previous else None
        if before and before.is_file() and before.read_bytes() == data:
            # Releases never write into a file in place (scripts/site/reuse.py): the link stays as it is.
            path.parent.mkdir(parents=True, exist_ok=True)
            os.link(before, path)
        else:
            write_if_changed(path, data)  # makes the folder itself
        return path


# Unique tokens that folium passes through untouched; replaced per page after the one render.
YEAR, CODE, TITLE = "__NAM__", "__MA_XA__", "__TIEU_DE__"


def drawn(build_dir: Path, *arguments) -> str:
    """A map page as ``map_templates.render_template(*arguments)`` draws it, kept in build/cache/map-templates/.
    Importing folium (and pandas, requests and numpy with it) was 0.6–0.7 s of every one-cell republish
    as staff run it: only a publish whose map code, settings or libraries changed imports it."""
    store = cache.Store(build_dir, "map-templates")
    key = cache.key(json.dumps(arguments, sort_keys=True))
    if (kept := store.get(key)) is not None:
        return kept.decode()
    from scripts.outputs.map_templates import render_template

    html = render_template(*arguments)
    store.put(key, html.encode())
    return html


def run(
    dataset_path: Path,
    out_dir: Path,
    settings: dict,
    build_dir: Path,
    geometry_path: Path = GEOMETRY,
    previous: Path | None = None,
) -> list[Path]:
    """Write every map file under out_dir/ban-do/ and return their paths; link those ``previous`` (the
    live release) holds with the same bytes.

    ``geometry_path`` is the simplified boundaries of the data being published (each province's own).
    """
    site = site_data(dataset_path)
    write = Writer(out_dir, previous)
    geometry = Path(geometry_path).read_bytes()
    west, south, east, north = json.loads(geometry)["bbox"]
    center = [round((south + north) / 2, 4), round((west + east) / 2, 4)]

    written = [write(f"{MAPS_DIR}/communes.topo.json", geometry)]
    written += [write(f"{MAPS_DIR}/{name}", source.read_bytes()) for name, source in ASSETS.items()]

    # Leaflet's attribution is HTML: the source's name, from the data, is escaped.
    credit = {
        "geometryUrl": "communes.topo.json",
        "object": GEOMETRY_OBJECT,
        "dataUrl": data_file(YEAR),
        "text": TEXT,
        "attribution": str(escape(f"Ranh giới hành chính: {site.boundaries_source}")),
    }
    commune_config = {**credit, "code": CODE, "backUrl": from_maps_dir(year_url(YEAR)), "backLabel": f"Bản đồ toàn tỉnh năm {YEAR}"}
    tiles = settings.get("MAP_TILES_URL", DEFAULT_TILES_URL), settings.get("MAP_TILES_ATTRIBUTION") or DEFAULT_TILES_ATTRIBUTION
    static = "../" + settings.get("THEME_STATIC_DIR", "theme")
    province = drawn(build_dir, "province", credit, center, static, *tiles, NOSCRIPT, [TITLE, YEAR])
    commune = drawn(build_dir, "commune", commune_config, center, static, *tiles, NOSCRIPT, [TITLE, YEAR, CODE])
    for fiscal_year in site.year_numbers:
        figures = year_figures(site, fiscal_year)
        text = json.dumps(figures, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        written.append(write(f"{MAPS_DIR}/{data_file(fiscal_year)}", text.encode()))
        year = str(fiscal_year)
        title = f"Bản đồ kinh phí hỗ trợ Tổ chuyển đổi số cộng đồng theo xã, phường năm {year}"
        page = province.replace(YEAR, year).replace(TITLE, str(escape(title)))
        written.append(write(province_map_path(fiscal_year), page.encode()))
        for code, row in figures["communes"].items():
            title = f"Bản đồ {row['name']} và các xã, phường lân cận năm {year}"
            page = commune.replace(YEAR, year).replace(CODE, code).replace(TITLE, str(escape(title)))
            written.append(write(commune_map_path(code, fiscal_year), page.encode()))
    return written
