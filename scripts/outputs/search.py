"""Stage 4c: the site's search index, built offline by pagefind into ``<site>/pagefind/``.

Only what is marked ``data-pagefind-body`` is indexed: canonical data pages and prose pages, not
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
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from importlib.metadata import version
from pathlib import Path

from pagefind_bin import get_executable

from scripts.publish import reuse
from scripts.common import system
from scripts.publish.checks import Listing

BUNDLE = "pagefind"
# What a search for a place or team name never needs: figures, sources, findings and navigation.
# Left out, they would put words of every page into every index chunk and double the first search.
NOT_INDEXED = ".source, .findings, .totals, .year-switcher, .breadcrumbs, thead, tfoot, .num, .where, code"
# Scratch space in memory where the machine has it: creating a few thousand small files on disk
# stalled for up to 2 s at a time on the benchmark machine, and these live for one pagefind run.
SCRATCH = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
EXCERPT_PAGE = '<!doctype html><html lang="vi"><head><meta charset="utf-8"></head><body>{}</body></html>'


class SearchIndexFailed(Exception):
    pass


class Indexing:
    """pagefind in its own process, started as soon as the checks have cut out the searchable parts,
    so that the stages after them run meanwhile. When nothing searchable changed since ``previous``
    (a corrected amount changes no name), that release's bundle is hard-linked instead, by ``cp -al``
    in its own process too: linking its ~1,600 files from Python took 0.03–0.04 s of a one-cell republish.
    Only a bundle that still holds every file it was made with: a fragment deleted from the live site
    would otherwise be missing from every later release, and nothing else would notice."""

    def __init__(self, site: Path, searchable: dict[str, str], previous: Path | None = None):
        self.bundle = site / BUNDLE
        self.key = content_key(searchable)
        self.process = self.excerpts = None
        self.failure = "pagefind không tạo được chỉ mục tìm kiếm"
        made = made_with(previous) if previous else {}
        if made.get("key") == self.key and (previous / BUNDLE).is_dir() and bundle_files(previous / BUNDLE) == made.get("files"):
            # Hard links: releases never write into a file in place (scripts/publish/reuse.py).
            self.failure = "không liên kết được chỉ mục tìm kiếm của bản trước"
            self.process = subprocess.Popen(["cp", "-al", "-T", "--", previous / BUNDLE, self.bundle], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        else:
            self.start(searchable)

    def start(self, searchable: dict[str, str]) -> None:
        shutil.rmtree(self.bundle, ignore_errors=True)  # a stale index would point at pages that are gone
        self.excerpts = tempfile.TemporaryDirectory(prefix="search-", dir=SCRATCH)
        # Always created in one order: pagefind numbers pages in the order it lists them, and
        # in memory a folder lists its files in the order they were made.
        for page, html in sorted(searchable.items()):
            path = os.path.join(self.excerpts.name, page)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as excerpt:
                excerpt.write(EXCERPT_PAGE.format(html))
        command = [str(get_executable()), "--site", self.excerpts.name, "--output-path", str(self.bundle)]
        command += ["--force-language", "vi", "--exclude-selectors", NOT_INDEXED, "--silent"]
        command = system.within_share(command)
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def finish(self) -> Path:
        """Wait for the index; return the bundle. Raises with pagefind's own output on failure."""
        if self.process is not None:
            output, _ = self.process.communicate()
            if self.excerpts is not None:
                self.excerpts.cleanup()
            if self.process.returncode != 0 or not (self.bundle / "pagefind.js").is_file():
                raise SearchIndexFailed(f"{self.failure}:\n{output}")
        made = {"key": self.key, "files": bundle_files(self.bundle)}
        reuse.write_new(reuse.record_file(self.bundle.parent, reuse.SEARCH_KEYS), json.dumps(made).encode("utf-8"))
        return self.bundle

    def stop(self) -> None:
        """Abandon the index: the build failed elsewhere."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.excerpts is not None:
            self.excerpts.cleanup()


def bundle_files(bundle: Path) -> list[str]:
    return sorted(Listing.of(bundle).files)


def made_with(release: Path) -> dict:
    """What ``release``'s bundle was made from (its key) and of (its files): nothing when not recorded."""
    record = reuse.record_file(release, reuse.SEARCH_KEYS)
    try:
        made = json.loads(record.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return made if isinstance(made, dict) else {}  # a record from before, the bare key


def content_key(searchable: dict[str, str]) -> str:
    """Everything pagefind's output depends on: the searchable part of each page, its version and options."""
    hasher = hashlib.sha256(Path(__file__).read_bytes() + version("pagefind_bin").encode())
    for page in sorted(searchable):
        hasher.update(f"{page}\0{searchable[page]}\0".encode())
    return hasher.hexdigest()
