"""No cache can serve output made by older code: after a change to a function an output depends on,
a republish equals a clean build, byte for byte, for every kind of output.

Each case copies the project, publishes the tiny data with it, changes one function in the copy,
republishes in a new process (as staff would, every cache in place), then builds the same data from
nothing with the changed copy and compares that kind's files in the two sites. A hand-picked key once kept the notice
PDFs in the old money format after a change to the formatter (GUIDE §5).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.dev.bench import project_copy
from tests.conftest import FIXTURES, TEST_OVERRIDES, assemble_data

pytestmark = pytest.mark.slow

PUBLISH = (
    "import sys; from pathlib import Path; from scripts.publish import pipeline as publish;"
    f"print(publish.publish(publish.Paths(Path(sys.argv[1])), overrides={TEST_OVERRIDES!r}))"
)

# kind of output: (the file changed in the copy, the text replaced, its replacement, where in the site that output is)
CHANGES = {
    "pages": ("scripts/common/formatting.py", 'format_currency(amount, "VND", locale=LOCALE)', 'format_currency(amount, "VND", locale=LOCALE).replace("₫", "đồng")', "**/*.html"),
    "notices": ("scripts/common/formatting.py", 'format_currency(amount, "VND", locale=LOCALE)', 'format_currency(amount, "VND", locale=LOCALE).replace("₫", "đồng")', "**/*.pdf"),
    "downloads": ("scripts/outputs/downloads.py", 'None if value is None else neutralise(value) for value in values]', 'None if value is None else f"{neutralise(value)}." for value in values]', "du-lieu/**/*.csv"),
    "maps": ("scripts/outputs/maps.py", 'f"Bản đồ toàn tỉnh năm {YEAR}"', 'f"Bản đồ cả tỉnh năm {YEAR}"', "ban-do/**/*.html"),
    "search index": ("scripts/common/formatting.py", "def ascii_fold(text: str) -> str:\n", "def ascii_fold(text: str) -> str:\n    text = f\"{text} x\"\n", "pagefind/**/*"),
}


def published(project: Path, root: Path) -> Path:
    """Publish ``root``'s data with ``project``'s code, in a new process; the live site."""
    done = subprocess.run([sys.executable, "-c", PUBLISH, str(root)], cwd=project, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    return root / "output"


def files(site: Path, pattern: str) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.glob(pattern)) if path.is_file()}


@pytest.mark.parametrize("kind", CHANGES)
def test_a_republish_after_a_code_change_equals_a_clean_build(kind, tmp_path):
    changed_file, old, new, pattern = CHANGES[kind]
    project = project_copy(tmp_path / "project")
    root = tmp_path / "site"
    assemble_data(FIXTURES / "tiny", root / "data")
    before = files(published(project, root), pattern)

    source = project / changed_file
    text = source.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{changed_file} no longer holds the text this test changes"
    source.write_text(text.replace(old, new), encoding="utf-8")
    republished = published(project, root)

    # The same data, its release history included (publishing records releases under data/), from nothing.
    clean_root = tmp_path / "clean"
    shutil.copytree(root / "data", clean_root / "data")
    clean = published(project, clean_root)
    assert files(clean, pattern) != before, f"the change does not reach the {kind}: this test proves nothing"
    # This kind's files only, so that each case names the cache that went stale.
    made, expected = files(republished, pattern), files(clean, pattern)
    assert sorted(path for path in made.keys() | expected.keys() if made.get(path) != expected.get(path)) == []


def test_every_cache_key_changes_when_a_library_is_upgraded(tmp_path, monkeypatch):
    """A library upgraded by hand, with constraints.txt untouched, must not be served from the cache
    of the older version: its dist-info folder's name carries the version."""
    from scripts.common import cache

    library = tmp_path / "site-packages"
    (library / "jinja2-3.1.4.dist-info").mkdir(parents=True)
    monkeypatch.syspath_prepend(str(library))
    cache.code_digest.cache_clear()
    before = cache.key("entry")
    (library / "jinja2-3.1.4.dist-info").rename(library / "jinja2-3.1.5.dist-info")
    cache.code_digest.cache_clear()
    try:
        assert cache.key("entry") != before
    finally:
        cache.code_digest.cache_clear()
