"""The tiny dataset builds exactly the committed golden files (`invoke update-golden` to refresh)."""

from __future__ import annotations

import pytest

from tests.golden import GOLDEN, KEY_PAGES, golden_name, key_html, readable_json


def test_validated_dataset_matches_golden(tiny_site):
    dataset = tiny_site.parent / "build" / "dataset.json"
    assert readable_json(dataset) == (GOLDEN / "dataset.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("page", KEY_PAGES)
def test_key_html_matches_golden(tiny_site, page):
    assert key_html(tiny_site, page) == (GOLDEN / golden_name(page)).read_text(encoding="utf-8")
