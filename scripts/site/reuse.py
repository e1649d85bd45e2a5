"""Page reuse: reads the live release and its page keys; writes hard links of the unchanged pages into the new release.

A one-cell correction changes a few dozen of the ~1,800 data pages. A data page's key is
``scripts.common.cache.key`` (all code, templates, prose, settings files and pinned libraries) of
its save path, its own context (the figures it shows) and the site's inputs: the settings and the
site-wide part of the dataset (all but the years' rows). When the previous release holds a page
with the same key, the new release gets a hard link to that file instead of a render.
Rule that keeps this sound: templates read per-page figures from the page context only;
SITE_DATA is for site-wide facts. tests/test_stale_cache.py compares against a clean build.

The pages of one commune and its teams (``pages.Block``) are made from site-wide data and that
commune's own rows only. A block whose rows are unchanged (``block_key``) is linked whole from the
release before, with no page model made or key computed: a one-cell correction models one commune.
tests/test_reuse.py checks that equal block keys come with equal page contexts.

Releases share those inodes, so no file in a release is ever opened for writing in place: new
files go to a temporary name and are renamed over (``write_new``); the live release never changes.
Keys are kept per release outside the site and the releases folder, in ``build/page-keys/<release>.json``.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from pathlib import Path

from scripts.common import cache
from scripts.common.files import write_new
from scripts.site.pages import Block, PageModel, sitemap_entry, year_heading

# Settings that name where this build goes and how it is emptied first, not what it contains.
PLACE_SETTINGS = {"OUTPUT_PATH", "REUSE_FROM", "DELETE_OUTPUT_DIRECTORY"}


PAGE_KEYS = "page-keys"


def keys_file(release: Path) -> Path:
    """What ``release`` recorded for the next one to reuse, outside the releases folder (which holds only releases)."""
    return release.parent.with_name(PAGE_KEYS) / f"{release.name}.json"


def stored_record(release: Path | None) -> dict:
    """What ``release`` recorded (``PageReuse.save``); nothing for no release or one without a record."""
    stored = keys_file(release) if release else None
    return json.loads(stored.read_text(encoding="utf-8")) if stored and stored.is_file() else {}


def stable(value) -> str:
    """Modules and functions in settings, by name: their repr carries a memory address."""
    return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', type(value).__name__)}"


def site_key(settings: dict, dataset: dict) -> str:
    """What every data page depends on besides its own context: the code (``cache.key``), the settings,
    the prose pages this site is built with (a province may bring its own, scripts/site/build.py) and
    the whole dataset but what a block's own inputs carry (its year's rows, its findings). Listing the
    site-wide fields instead once left out the province's name, and a renamed province kept its old
    name on every linked page."""
    kept = {key: value for key, value in settings.items() if key not in PLACE_SETTINGS}
    site_wide = {key: value for key, value in dataset.items() if key not in ("years", "findings")}
    site_wide["years"] = [year_heading(year) for year in dataset["years"]]
    content = Path(settings["PATH"])
    prose = [path.relative_to(content).as_posix().encode() + b"\0" + path.read_bytes() for path in sorted(content.rglob("*")) if path.is_file()]
    return cache.key(json.dumps(kept, sort_keys=True, default=stable), json.dumps(site_wide, sort_keys=True), *prose)


def block_key(site: str, block: Block, downloads: list[dict]) -> str:
    """Of a commune's inputs (``pages.Block``) and the entries of its own download files, whose sizes its
    pages show: equal keys, equal pages, without making their models. A commune's workbook names the
    release, so its bytes can change when only another commune's figures did."""
    return hashlib.sha256(pickle.dumps([site, block.code, block.inputs, downloads], protocol=5)).hexdigest()


def page_key(site: str, page: PageModel) -> str:
    """Pickled, not JSON-dumped (4× faster over the sample's 1,700 pages). Equal bytes can only come
    from equal contexts, so reuse stays sound; a context built in another order only costs a render."""
    return hashlib.sha256(pickle.dumps([site, page.save_as, page.template, page.context], protocol=5)).hexdigest()


class PageReuse:
    """Link a page from the previous release when its key is unchanged; record every key for the next one."""

    def __init__(self, output: Path, previous: Path | None):
        self.output = Path(output)
        self.previous = Path(previous) if previous else None
        record = stored_record(self.previous)
        self.old: dict[str, str] = record.get("pages", {})
        self.old_blocks: dict[str, dict] = record.get("blocks", {})
        self.new: dict[str, str] = {}
        self.new_blocks: dict[str, dict] = {}
        self.sitemap: list[tuple[str, str | None]] = []  # of the pages of blocks linked whole
        self.folders: set[str] = set()  # made in ``output`` by ``link``

    def link_block(self, code: str, key: str) -> bool:
        """Link every page of the commune's block when the previous release recorded the same key."""
        stored = self.old_blocks.get(code)
        if stored is None or stored["key"] != key or not all(page in self.old for page in stored["pages"]):
            return False
        linked = []
        for page in stored["pages"]:
            if not self.link(page, self.old[page]):
                # Gone from the previous release: the whole block is made again, as if its key had changed.
                for done in linked:
                    os.unlink(os.path.join(self.output, done))
                    del self.new[done]
                del self.new[page]
                return False
            linked.append(page)
        self.new_blocks[code] = stored
        self.sitemap += [tuple(entry) for entry in stored["sitemap"]]
        return True

    def record_block(self, code: str, key: str, pages: list[PageModel]) -> None:
        """For the next release: the block's pages (their keys are recorded as they are written)."""
        entries = [entry for page in pages if (entry := sitemap_entry(page))]
        self.new_blocks[code] = {"key": key, "pages": [page.save_as for page in pages], "sitemap": entries}

    def link(self, save_as: str, key: str) -> bool:
        """Link the page from the previous release when its key is the one recorded there and the file is
        still there (a page deleted from the live site is rendered again, not a crash of every publish)."""
        self.new[save_as] = key
        if self.old.get(save_as) != key:
            return False
        # os, not pathlib: this runs for every page, and a one-cell republish links nearly all of them.
        source, target = os.path.join(self.previous, save_as), os.path.join(self.output, save_as)
        if not os.path.isfile(source):
            return False
        folder = os.path.dirname(target)
        if folder not in self.folders:
            os.makedirs(folder, exist_ok=True)
            self.folders.add(folder)
        os.link(source, target)
        return True

    def save(self) -> None:
        record = {"pages": self.new, "blocks": self.new_blocks}
        write_new(keys_file(self.output), json.dumps(record, sort_keys=True).encode())
