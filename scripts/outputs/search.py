"""Search: reads the searchable parts of every page (cut out by the checks); writes the pagefind index into ``<release>/pagefind/``.

Built offline by pagefind. Only what is marked ``data-pagefind-body`` is indexed: canonical data pages and prose pages, not
the home and latest-year aliases or the notices; on team and commune pages only the heading with
the names, which is what people search for. pagefind folds tones but not đ, so templates add a
hidden ASCII-folded copy of names (GUIDE §3). The bundle pagefind writes (pagefind.js, the
WebAssembly and the UI) is served from the site itself: no CDN.

pagefind reads whole pages even when it indexes a heading: on the sample, three quarters of its
time went on markup it then ignored. So it is given, instead of the site, a copy holding each
page's searchable parts alone, which the site checks cut out while they parse every page anyway
(scripts/publish/checks.py): a quarter of the time. Compared on the sample with an index of the whole
pages, every fragment is byte-identical; the index chunks differ only in how pages are numbered,
which follows the order pagefind lists the files in (in memory, the order they were written).

pagefind splits a typed team code at its hyphen and finds every page holding either half. So the search
page looks a code (with or without its hyphen) up first in a small file per commune, ``team_codes``,
written here from the dataset: the team's name, commune, address and latest allocation, with no
pagefind download at all. The same files give pagefind's team results their allocation, which stays
out of the index: a corrected amount must not re-index the site.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import orjson
from pagefind_bin import get_executable

from scripts.common import cache, files
from scripts.common.formatting import vnd
from scripts.model.dataset import Dataset
from scripts.model.urls import team_codes_file, team_url

BUNDLE = "pagefind"
# What a search for a place or team name never needs: figures, sources, findings and navigation.
# Left out, they would put words of every page into every index chunk and double the first search.
NOT_INDEXED = ".source, .findings, .totals, .year-switcher, .breadcrumbs, thead, tfoot, .num, .where, code"
# pagefind numbers pages in the order it lists their files, and that order is in the index's bytes.
# In memory (tmpfs) a folder lists its files in the order they were made, which this module fixes;
# on ext4 it is the order of their names' hashes, and the index differs from the committed one.
# Creating the ~1,600 files there also stalled for seconds on the shared benchmark machine.
SCRATCH = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
EXCERPT_PAGE = '<!doctype html><html lang="vi"><head><meta charset="utf-8"></head><body>{}</body></html>'


class SearchIndexFailed(Exception):
    pass


def run(site: Path, searchable: dict[str, str], cache_dir: Path) -> Path:
    """Put the index of ``searchable`` (page → its searchable HTML) into ``site``; return its bundle.

    pagefind runs only when something searchable changed: a corrected amount changes no name, and
    indexing again was 0.4–0.9 s of a one-cell republish. The last index is kept in ``cache_dir``
    under its ``cache.key`` (all code, pagefind's pinned version, every page's searchable part) and
    hard-linked into the release: releases never write into a file in place."""
    key = cache.key(*(f"{page}\0{searchable[page]}" for page in sorted(searchable)))
    made = cache_dir / key
    if not made.is_dir():
        shutil.rmtree(cache_dir, ignore_errors=True)  # only the last index is ever asked for again
        index(searchable, made.with_name(f"{key}.partial"))
        made.with_name(f"{key}.partial").rename(made)
    bundle = site / BUNDLE
    for folder, _, names in os.walk(made):
        target = bundle / Path(folder).relative_to(made)
        target.mkdir(parents=True)
        for name in names:
            os.link(os.path.join(folder, name), target / name)
    return bundle


def index(searchable: dict[str, str], bundle: Path) -> None:
    """pagefind's bundle of ``searchable`` in ``bundle``; raises with pagefind's own output on failure."""
    with tempfile.TemporaryDirectory(prefix="search-", dir=SCRATCH) as excerpts:
        for page, html in sorted(searchable.items()):
            path = os.path.join(excerpts, page)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as excerpt:
                excerpt.write(EXCERPT_PAGE.format(html))
        command = [str(get_executable()), "--site", excerpts, "--output-path", str(bundle)]
        command += ["--force-language", "vi", "--exclude-selectors", NOT_INDEXED, "--silent"]
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if done.returncode != 0 or not (bundle / "pagefind.js").is_file():
        raise SearchIndexFailed(f"pagefind không tạo được chỉ mục tìm kiếm:\n{done.stdout}")


def team_codes(dataset: Dataset) -> dict[str, bytes]:
    """Each commune's team codes file (path in the site → bytes): every team whose id starts with the
    commune's code, by id, with its name, commune, page and latest year's allocation, as its page shows them."""
    communes = {commune["code"]: commune["full_name"] for commune in dataset["communes"]}
    latest = {}
    for year in sorted(dataset["years"], key=lambda year: year["fiscal_year"]):
        for team in year["teams"]:
            latest[team["team_id"]] = year["fiscal_year"], team
    by_file: dict[str, dict[str, dict]] = {}
    for team_id, (fiscal_year, team) in sorted(latest.items()):
        by_file.setdefault(team_codes_file(team_id.partition("-")[0]), {})[team_id] = {
            "name": team["team_name"],
            "commune": communes[team["commune_code"]],
            "url": team_url(team_id),
            "year": fiscal_year,
            "amount": vnd(team["amount_vnd"]),
        }
    return {path: orjson.dumps(teams) for path, teams in by_file.items()}


def write_team_codes(site: Path, dataset: Dataset) -> None:
    for path, content in team_codes(dataset).items():
        files.write_new(site / path, content)
