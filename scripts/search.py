"""Stage 4c: the site's search index, built offline by pagefind into ``<site>/pagefind/``.

Only what is marked ``data-pagefind-body`` is indexed: canonical data pages and prose pages, not
the home and latest-year aliases or the notices; on team and commune pages only the heading with
the names, which is what people search for (a third less work for pagefind than whole pages).
pagefind folds tones but not đ, so templates
add a hidden ASCII-folded copy of names (GUIDE §3). The bundle pagefind writes (pagefind.js,
the WebAssembly and the UI) is served from the site itself: no CDN.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from importlib.metadata import version
from pathlib import Path

from pagefind_bin import get_executable

from scripts import reuse

BUNDLE = "pagefind"
# What a search for a place or team name never needs: figures, sources, findings and navigation.
# Left out, they would put words of every page into every index chunk and double the first search.
NOT_INDEXED = ".source, .findings, .totals, .year-switcher, .breadcrumbs, thead, tfoot, .num, .where, code"


class SearchIndexFailed(Exception):
    pass


class Indexing:
    """pagefind in its own process. With nothing to reuse it starts at once, so the site checks parse
    pages meanwhile; otherwise ``finish`` links the previous release's bundle when what is searchable
    has not changed (a corrected amount changes no name), and runs pagefind only when it has."""

    def __init__(self, site: Path, previous: Path | None = None):
        self.bundle = site / BUNDLE
        self.previous = previous / BUNDLE if previous else None
        record = reuse.record_file(previous, reuse.SEARCH_KEYS) if previous else None
        reusable = record and record.is_file() and (self.previous / "pagefind.js").is_file()
        self.previous_key = record.read_text(encoding="utf-8") if reusable else None
        self.process = None
        if self.previous_key is None:
            self.start()

    def start(self) -> None:
        shutil.rmtree(self.bundle, ignore_errors=True)  # a stale index would point at pages that are gone
        command = [str(get_executable()), "--site", str(self.bundle.parent), "--output-subdir", BUNDLE, "--force-language", "vi", "--exclude-selectors", NOT_INDEXED, "--silent"]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def finish(self, indexed: dict[str, str]) -> Path:
        """Wait for the index, or reuse the previous one; return the bundle directory.

        ``indexed``: page → digest of its ``data-pagefind-body`` parts (scripts/checks.py).
        Raises with pagefind's own output on failure."""
        key = content_key(indexed)
        if self.process is None and key == self.previous_key:
            link_tree(self.previous, self.bundle)
        else:
            if self.process is None:
                self.start()
            output, _ = self.process.communicate()
            if self.process.returncode != 0 or not (self.bundle / "pagefind.js").is_file():
                raise SearchIndexFailed(f"pagefind không tạo được chỉ mục tìm kiếm:\n{output}")
        reuse.write_new(reuse.record_file(self.bundle.parent, reuse.SEARCH_KEYS), key.encode("utf-8"))
        return self.bundle

    def stop(self) -> None:
        """Abandon the index: the build failed elsewhere."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def content_key(indexed: dict[str, str]) -> str:
    """Everything pagefind's output depends on: the indexed parts of each page, its version and options."""
    hasher = hashlib.sha256(Path(__file__).read_bytes() + version("pagefind_bin").encode())
    for page in sorted(indexed):
        hasher.update(f"{page}\0{indexed[page]}\0".encode())
    return hasher.hexdigest()


def link_tree(source: Path, target: Path) -> None:
    """Hard links: releases never write into a file in place (scripts/reuse.py)."""
    for folder, _, names in os.walk(source):
        destination = target / Path(folder).relative_to(source)
        destination.mkdir(parents=True, exist_ok=True)
        for name in names:
            os.link(Path(folder) / name, destination / name)
