"""Stage 4c: the site's search index, built offline by pagefind into ``<site>/pagefind/``.

Only pages marked ``data-pagefind-body`` are indexed (canonical data pages and prose pages, not
the home and latest-year aliases or the notices). pagefind folds tones but not đ, so templates
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


def run(site: Path) -> Path:
    """Index ``site``; return the bundle directory. Raises with pagefind's own output on failure."""
    bundle = site / BUNDLE
    shutil.rmtree(bundle, ignore_errors=True)  # a stale index would point at pages that are gone
    command = [str(get_executable()), "--site", str(site), "--output-subdir", BUNDLE, "--force-language", "vi", "--exclude-selectors", NOT_INDEXED, "--silent"]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0 or not (bundle / "pagefind.js").is_file():
        raise SearchIndexFailed(f"pagefind không tạo được chỉ mục tìm kiếm:\n{result.stdout}{result.stderr}")
    return bundle
