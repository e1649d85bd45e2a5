"""A commune's pages are linked whole from the release before when its block key is unchanged,
without being modelled: that is only sound if an equal key always comes with equal pages.

Each case changes the tiny dataset the way staff would, in one commune or in the province file,
and every commune whose key stayed the same must have exactly the same page contexts as before.
"""

from __future__ import annotations

import os
import pickle
from collections import defaultdict
from pathlib import Path

import pytest

from scripts.common.files import write_anew
from scripts.site import pages
from scripts.site.reuse import block_key
from scripts.validate import rules as validate
from tests.helpers import set_cell

YEAR = "allocations/2025"


def blocks_of(data: Path, build: Path) -> tuple[dict[str, tuple[str, bytes]], dict[str, list[dict]]]:
    """Block code (a commune's, or phat-hien/<kind> for a kind of finding) → (block key, its pages' paths,
    templates and contexts, pickled); and the dataset's findings by kind."""
    dataset = validate.run(data, build)
    _, _, blocks = pages.site_page_models(dataset)
    findings = defaultdict(list)
    for finding in pages.read_dataset(dataset)["findings"]:
        findings[finding["code"]].append(finding)
    keys = {
        block.code: (block_key("site", block, []), pickle.dumps([(p.save_as, p.template, p.context) for p in block.pages()]))
        for block in blocks
    }
    return keys, findings


CHANGES = {
    "a team's amount": (lambda d: set_cell(d / f"{YEAR}/teams/01786.csv", 2, "amount_vnd", "5500000"), "01786"),
    "a team's name": (lambda d: set_cell(d / f"{YEAR}/teams/01786.csv", 2, "team_name", "Tổ đổi tên"), "01786"),
    "a payment": (lambda d: set_cell(d / f"{YEAR}/payments/01273.csv", 2, "amount_vnd", "2000000"), "01273"),
    "a finding (members below the minimum)": (lambda d: set_cell(d / f"{YEAR}/teams/01786.csv", 2, "member_count", "2"), "01786"),
    "the province's decision file": (lambda d: set_cell(d / f"{YEAR}/province.csv", 2, "decision_date", "2025-01-14"), None),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_commune_whose_block_key_is_unchanged_has_the_same_pages(tiny_data, tmp_path, change):
    make_change, changed_commune = CHANGES[change]
    before, findings_before = blocks_of(tiny_data, tmp_path / "before")
    make_change(tiny_data)
    after, findings_after = blocks_of(tiny_data, tmp_path / "after")
    changed_kinds = {f"phat-hien/{kind}" for kind in findings_before.keys() | findings_after.keys() if findings_before.get(kind) != findings_after.get(kind)}
    assert before.keys() ^ after.keys() <= changed_kinds  # a kind of finding that comes or goes
    # A finding names its team: a renamed team changes the pages of its kinds of finding too.
    changed_kinds |= {code for code in before.keys() & after.keys() if code.startswith("phat-hien/") and before[code][1] != after[code][1]}
    kept = {code for code in before.keys() & after.keys() if before[code][0] == after[code][0]}
    for code in kept:
        assert before[code][1] == after[code][1], f"{code}: same key, other pages"
    # The commune changed (every commune, for a province-wide change) and the kinds of finding that
    # changed are modelled again; the others are not.
    communes = {code for code in before if not code.startswith("phat-hien/")}
    expected_kept = (before.keys() & after.keys()) - (communes if changed_commune is None else {changed_commune}) - changed_kinds
    assert kept == expected_kept


def test_a_file_written_anew_leaves_the_release_holding_it_as_it_was(tmp_path):
    """Staged downloads are rewritten by ``write_anew``: a new inode, never the linked one."""
    staged = tmp_path / "build" / "tat-ca.csv"
    write_anew(staged, b"old")
    os.link(staged, tmp_path / "release.csv")
    write_anew(staged, b"new")
    assert (tmp_path / "release.csv").read_bytes() == b"old" and staged.read_bytes() == b"new"


def test_a_block_key_covers_the_sizes_of_its_communes_download_files(tiny_data, tmp_path):
    """A commune's workbook names the release, so a correction elsewhere can change its size, which its
    page shows: linked from the release before, the page once kept the old size (the bench caught it)."""
    _, _, blocks = pages.site_page_models(validate.run(tiny_data, tmp_path / "build"))
    block = blocks[0]
    entry = {"scope": f"{block.code}/2025", "path": f"du-lieu/xa/kinh-phi-to-{block.code}-2025.xlsx", "bytes": 5_400}
    assert block_key("site", block, [entry]) != block_key("site", block, [{**entry, "bytes": 5_500}])
    assert block_key("site", block, [entry]) == block_key("site", block, [dict(entry)])
