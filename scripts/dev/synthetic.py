"""Deterministic synthetic datasets for the benchmark: one province, ten, or the whole country.

A national dataset is a folder per province, each a complete data/ folder that publishes alone,
plus ``provinces.csv`` listing them (read by scripts/publish/nation.py):

    <root>/provinces.csv          code, slug, name
    <root>/<slug>/reference/      province.toml, communes.csv, communes.geojson, communes.topo.json, SOURCES.md
    <root>/<slug>/policy/, allocations/   written by scripts/dev/sample.py, sized per province
    <root>/<slug>/content/pages/  its own policy and "about the data" pages (scripts/site/build.py)

Every name says it is synthetic ("Xã Giả lập 01-017", "Tỉnh Giả lập 07") and the boundaries are
squares on a grid, so nothing here can pass for real data. Run: ``python -m scripts.dev.synthetic SIZE DIR``.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
from dataclasses import dataclass
from pathlib import Path

from scripts.common.files import write_if_changed
from scripts.dev import sample

ROOT = Path(__file__).resolve().parents[2]
MEMBERS_PER_TEAM = sample.FIRST_YEAR_MEMBERS / sample.FIRST_YEAR_TEAMS
REFERENCE_COLUMNS = ("code", "type", "name_dataset", "full_name_sapnhap", "gis_server_id", "area_km2", "truoc_sap_nhap")
SOURCES_NOTE = (
    "# Dữ liệu tổng hợp (giả lập)\n\n"
    "Tên, mã và ranh giới các xã trong thư mục này do scripts/dev/synthetic.py sinh ra để đo hiệu năng.\n"
    "Ranh giới là các ô vuông trên lưới, không phải bản đồ thật.\n"
)


@dataclass(frozen=True)
class Size:
    """A national dataset of ``provinces`` synthetic provinces with ``communes`` and ``teams`` in all."""

    provinces: int
    communes: int
    teams: int


# "province" is the bundled sample (the real 56 communes); the others are synthetic.
SIZES = {
    "tiny": Size(provinces=2, communes=14, teams=140),
    "provinces10": Size(provinces=10, communes=560, teams=14_310),
    "nation": Size(provinces=34, communes=3_321, teams=100_000),
}


def province_slug(number: int) -> str:
    return f"tinh-{number:02d}"


def province_name(number: int) -> str:
    return f"Tỉnh Giả lập {number:02d}"


def communes_of(number: int, count: int) -> list[dict]:
    return [
        {
            "code": f"{number:02d}{index:03d}",
            "type": "phuong" if index % 7 == 0 else "xa",
            "name_dataset": f"Giả lập {number:02d}-{index:03d}",
            "full_name_sapnhap": f"{'Phường' if index % 7 == 0 else 'Xã'} Giả lập {number:02d}-{index:03d}",
            "gis_server_id": "gia-lap",
            "area_km2": "100.00",
            "truoc_sap_nhap": "",
        }
        for index in range(1, count + 1)
    ]


def squares(number: int, codes: list[str]) -> list[tuple[str, list[list[float]]]]:
    """One closed square ring per commune, on a grid inside the province's own 1°×1° cell."""
    side = math.ceil(math.sqrt(len(codes)))
    cell = 0.9 / side
    west, south = 100 + (number - 1) % 6, 8 + (number - 1) // 6
    rings = []
    for index, code in enumerate(codes):
        x, y = west + (index % side) * cell, south + (index // side) * cell
        ring = [[x, y], [x + cell, y], [x + cell, y + cell], [x, y + cell], [x, y]]
        rings.append((code, [[round(a, 6), round(b, 6)] for a, b in ring]))
    return rings


def bbox(rings) -> list[float]:
    points = [point for _, ring in rings for point in ring]
    return [min(p[0] for p in points), min(p[1] for p in points), max(p[0] for p in points), max(p[1] for p in points)]


def compact_json(value) -> bytes:
    return (json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode()


def geometry_files(number: int, codes: list[str]) -> dict[str, bytes]:
    """The boundaries as GeoJSON, and as the TopoJSON the maps load (one arc per ring, unquantised)."""
    rings = squares(number, codes)
    geojson = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": code, "properties": {"code": code, "synthetic": True}, "geometry": {"type": "Polygon", "coordinates": [ring]}}
            for code, ring in rings
        ],
    }
    topology = {
        "type": "Topology",
        "bbox": bbox(rings),
        "arcs": [ring for _, ring in rings],
        "objects": {
            "communes": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[index]], "id": code, "properties": {"code": code}}
                    for index, (code, _) in enumerate(rings)
                ],
            }
        },
    }
    return {"communes.geojson": compact_json(geojson), "communes.topo.json": compact_json(topology)}


def province_toml(number: int) -> bytes:
    return (
        f'name = "{province_name(number)}"\n'
        'boundaries_source = "ô vuông giả lập do scripts/dev/synthetic.py vẽ, không phải bản đồ thật"\n'
        'sample_note = "Tên tỉnh, tên và ranh giới xã, phường cùng mọi số liệu trên trang này đều do máy sinh ra để đo hiệu năng."\n'
    ).encode("utf-8")


def prose_pages(number: int) -> dict[str, bytes]:
    """Its own policy and "about the data" pages, in place of the project's, which describe Cao Bằng."""
    name = province_name(number)
    made = (
        f"{name} là tỉnh giả lập: chương trình `scripts/dev/synthetic.py` sinh ra tên tỉnh, tên, mã và ranh giới các xã,\n"
        "phường (những ô vuông trên lưới), các tổ và mọi số liệu của nó, theo cách cố định, để đo thời gian công bố\n"
        "ở quy mô cả nước. Không số liệu nào trên trang này là của một tỉnh có thật.\n"
    )
    pages = {
        "chinh-sach.md": (
            "Title: Chính sách hỗ trợ Tổ chuyển đổi số cộng đồng\nSlug: chinh-sach\nTemplate: policy\n"
            f"Summary: {name} là tỉnh giả lập để đo hiệu năng; không có nghị quyết nào của tỉnh này.\n\n"
            f"{made}\nBảng dưới đây là mức hỗ trợ giả định trong tệp data/policy/policy.toml của tỉnh giả lập.\n"
        ),
        "ve-du-lieu.md": (
            "Title: Về dữ liệu\nSlug: ve-du-lieu\nTemplate: about\n"
            "Summary: Dữ liệu giả lập để đo hiệu năng: nguồn gốc và cấu trúc các tệp.\n\n"
            f"## Dữ liệu giả lập\n\n{made}"
        ),
    }
    return {f"content/pages/{page}": text.encode("utf-8") for page, text in pages.items()}


def write_province(data_dir: Path, number: int, communes: int, teams: int) -> None:
    records = communes_of(number, communes)
    reference = {
        "communes.csv": sample.csv_bytes(REFERENCE_COLUMNS, records),
        "province.toml": province_toml(number),
        "SOURCES.md": SOURCES_NOTE.encode("utf-8"),
        **geometry_files(number, [record["code"] for record in records]),
    }
    for name, content in reference.items():
        write_if_changed(data_dir / "reference" / name, content)
    for path, content in prose_pages(number).items():
        write_if_changed(data_dir / path, content)
    sample.generate(data_dir, teams=teams, members=round(teams * MEMBERS_PER_TEAM))


def split(total: int, parts: int) -> list[int]:
    return [total // parts + (index < total % parts) for index in range(parts)]


def generate(size: Size, root: Path) -> list[Path]:
    """Write a national dataset under ``root``; return each province's data folder."""
    root.mkdir(parents=True, exist_ok=True)
    folders, listing = [], []
    for number, (communes, teams) in enumerate(zip(split(size.communes, size.provinces), split(size.teams, size.provinces)), 1):
        folder = root / province_slug(number)
        write_province(folder, number, communes, teams)
        folders.append(folder)
        listing.append({"code": f"{number:02d}", "slug": province_slug(number), "name": province_name(number)})
    write_if_changed(root / "provinces.csv", sample.csv_bytes(("code", "slug", "name"), listing))
    return folders


def bundled_province(root: Path) -> Path:
    """The "province" size: a copy of the bundled data/, so runs never touch the real folder."""
    destination = root / "data"
    if destination.exists():
        shutil.rmtree(destination)
    shutil.copytree(ROOT / "data", destination)
    return destination


def main() -> None:
    parser = argparse.ArgumentParser(description="Sinh bộ dữ liệu tổng hợp (giả lập) để đo hiệu năng.")
    parser.add_argument("size", choices=sorted(SIZES))
    parser.add_argument("root", type=Path)
    arguments = parser.parse_args()
    folders = generate(SIZES[arguments.size], arguments.root)
    print(f"{len(folders)} tỉnh giả lập trong {arguments.root}")


if __name__ == "__main__":
    main()
