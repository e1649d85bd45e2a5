"""Stage 4c: the site's search index, built offline by pagefind into ``<site>/pagefind/``.

Only what is marked ``data-pagefind-body`` is indexed: canonical data pages and prose pages, not
the home and latest-year aliases or the notices; on team and commune pages only the heading with
the names, which is what people search for (a third less work for pagefind than whole pages).
pagefind folds tones but not đ, so templates
add a hidden ASCII-folded copy of names (GUIDE §3). The bundle pagefind writes (pagefind.js,
the WebAssembly and the UI) is served from the site itself: no CDN.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from pagefind_bin import get_executable

BUNDLE = "pagefind"
# What a search for a place or team name never needs: figures, sources, findings and navigation.
# Left out, they would put words of every page into every index chunk and double the first search.
NOT_INDEXED = ".source, .findings, .totals, .year-switcher, .breadcrumbs, thead, tfoot, .num, .where, code"


class SearchIndexFailed(Exception):
    pass


class Indexing:
    """pagefind running in its own process, so the site checks can parse pages meanwhile."""

    def __init__(self, site: Path):
        self.bundle = site / BUNDLE
        shutil.rmtree(self.bundle, ignore_errors=True)  # a stale index would point at pages that are gone
        command = [str(get_executable()), "--site", str(site), "--output-subdir", BUNDLE, "--force-language", "vi", "--exclude-selectors", NOT_INDEXED, "--silent"]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def finish(self) -> Path:
        """Wait for the index; return the bundle directory. Raises with pagefind's own output on failure."""
        output, _ = self.process.communicate()
        if self.process.returncode != 0 or not (self.bundle / "pagefind.js").is_file():
            raise SearchIndexFailed(f"pagefind không tạo được chỉ mục tìm kiếm:\n{output}")
        return self.bundle

    def stop(self) -> None:
        """Abandon the index: the build failed elsewhere."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

