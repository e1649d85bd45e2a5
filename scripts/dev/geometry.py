"""Derive the small commune geometry the maps load, from the full boundaries in data/reference/.

Run once when the boundaries change, then commit the result:

    pip install -r requirements-geometry.txt
    python -m scripts.dev.geometry

The build never imports this module (nor topojson/shapely); it only copies the derived file.
A TopoJSON topology stores each shared border once, so simplifying it cannot open gaps or slivers
between neighbouring communes (GUIDE §3: prequantize 1e5 + toposimplify).
"""

from __future__ import annotations

import json
from pathlib import Path

import topojson

REFERENCE = Path(__file__).resolve().parents[2] / "data" / "reference"
SOURCE = REFERENCE / "communes.geojson"
DERIVED = REFERENCE / "communes.topo.json"
OBJECT = "communes"
PREQUANTIZE = 100_000
# Degrees (~30 m at this latitude): invisible at commune zoom, ~32 KB gzipped for the province.
TOLERANCE = 0.0003


def simplify(collection: dict) -> dict:
    features = sorted(collection["features"], key=lambda feature: feature["properties"]["code"])
    # Only the code travels: names and figures come from the dataset, joined on the code.
    slim = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"code": f["properties"]["code"]}, "geometry": f["geometry"]}
            for f in features
        ],
    }
    topology = topojson.Topology(
        slim, object_name=OBJECT, prequantize=PREQUANTIZE, toposimplify=TOLERANCE, topology=True
    ).to_dict()
    for geometry in topology["objects"][OBJECT]["geometries"]:
        geometry["id"] = geometry.pop("properties")["code"]
    return topology


def serialise(topology: dict) -> str:
    return json.dumps(topology, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def main() -> None:
    collection = json.loads(SOURCE.read_text(encoding="utf-8"))
    topology = simplify(collection)
    codes = [g["id"] for g in topology["objects"][OBJECT]["geometries"] if g.get("arcs")]
    if len(codes) != len(collection["features"]):
        raise SystemExit("simplification lost a commune: lower TOLERANCE")
    text = serialise(topology)
    DERIVED.write_text(text, encoding="utf-8")
    print(f"{DERIVED.relative_to(REFERENCE.parent.parent)}: {len(codes)} communes, {len(text.encode()):,} bytes")


if __name__ == "__main__":
    main()
