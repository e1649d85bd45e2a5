"""Golden files: the tiny dataset's validated data and key HTML, committed as expected output.

Regenerate them on purpose with `invoke update-golden`, then read the diff before committing.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from bs4 import BeautifulSoup

from scripts.publish import pipeline as publish
from tests.conftest import FIXTURES, TEST_OVERRIDES, assemble_data

GOLDEN = Path(__file__).resolve().parent / "golden"
KEY_PAGES = ("index.html", "xa/01273/2025/index.html", "xa/01786/2025/index.html", "to/01273-002/index.html")


def key_html(site: Path, page: str) -> str:
    """The page's <main>, re-indented, so diffs point at content rather than whitespace."""
    main = BeautifulSoup((site / page).read_text(encoding="utf-8"), "lxml").main
    return main.prettify()


def readable_json(path: Path) -> str:
    """The build writes compact JSON for speed; the golden copy is indented, so diffs point at a field."""
    return json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def golden_name(page: str) -> str:
    return page.replace("/", "__")


def build_tiny(root: Path) -> publish.Paths:
    paths = publish.Paths(root, assemble_data(FIXTURES / "tiny", root / "data"))
    publish.publish(paths, overrides=TEST_OVERRIDES)
    return paths


def regenerate() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        paths = build_tiny(Path(tmp))
        GOLDEN.mkdir(exist_ok=True)
        (GOLDEN / "dataset.json").write_text(readable_json(paths.work / "dataset.json"), encoding="utf-8")
        for page in KEY_PAGES:
            (GOLDEN / golden_name(page)).write_text(key_html(paths.output, page), encoding="utf-8")
