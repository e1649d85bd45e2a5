"""Pages: reads the dataset, content/, theme/ and the downloads' manifest; writes every HTML page of the release (Pelican).

Runs in-process (no subprocess start-up) and treats any Pelican warning as an error,
the equivalent of ``pelican --fatal warnings``: a page that silently failed to render
must not reach the public.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pelican import Pelican, signals
from pelican.log import console as pelican_console
from pelican.settings import read_settings

from scripts.common.files import write_if_changed

ROOT = Path(__file__).resolve().parents[2]


class PelicanWarnings(Exception):
    pass


class _Collector(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def content_for(data_dir: Path, work_dir: Path) -> Path:
    """The prose pages (content/) a province's site is built from: the project's, each replaced by the
    page of the same path in the province's own ``data/content/`` when it has one. The project's pages
    describe Cao Bằng; another province says what is true of it (scripts/dev/synthetic.py writes them)."""
    own = Path(data_dir) / "content"
    if not own.is_dir():
        return ROOT / "content"
    merged = Path(work_dir) / "content"
    files = {path.relative_to(ROOT / "content"): path for path in (ROOT / "content").rglob("*") if path.is_file()}
    files |= {path.relative_to(own): path for path in own.rglob("*") if path.is_file()}
    for relative, source in files.items():
        write_if_changed(merged / relative, source.read_bytes())
    for path in merged.rglob("*"):
        if path.is_file() and path.relative_to(merged) not in files:
            path.unlink()
    return merged


def pelican_settings(output_dir: Path, dataset_path: Path, config: Path | None = None, overrides: dict | None = None) -> dict:
    return read_settings(
        str(config or ROOT / "pelicanconf.py"),
        override={
            "PATH": str(ROOT / "content"),
            "THEME": str(ROOT / "theme"),
            "OUTPUT_PATH": str(output_dir),
            "DATASET_PATH": str(dataset_path),
            **(overrides or {}),
        },
    )


def prose_source(data_dir: Path, relative: str) -> Path:
    """The file staff wrote a prose page in, from its path under the content folder: the province's own
    (``data/content/``) where it has one, as ``content_for`` merges them, else the project's."""
    own = Path(data_dir) / "content" / relative
    return own if own.is_file() else ROOT / "content" / relative


def run(settings: dict) -> dict[str, str]:
    """Render the site with ``settings`` (from ``pelican_settings``) into their OUTPUT_PATH. Returns each
    prose page's source, relative to the content folder, by the file it became: a check that fails on
    such a page names the Markdown file to correct (scripts/publish/checks.py)."""
    collector = _Collector()
    logger = logging.getLogger("pelican")
    logger.addHandler(collector)
    sources: dict[str, str] = {}

    def record_sources(generator) -> None:
        for page in [*generator.pages, *generator.hidden_pages, *generator.draft_pages]:
            sources[page.save_as] = Path(page.source_path).relative_to(settings["PATH"]).as_posix()

    signals.page_generator_finalized.connect(record_sources)
    # Pelican's closing line counts the prose pages only ("4 pages" of a site of 1,847), in English:
    # staff read the publish's own summary instead. Its warnings still reach the collector.
    quiet, pelican_console.quiet = pelican_console.quiet, True
    try:
        Pelican(settings).run()
    finally:
        pelican_console.quiet = quiet
        logger.removeHandler(collector)
        signals.page_generator_finalized.disconnect(record_sources)
    if collector.messages:
        raise PelicanWarnings("Pelican báo lỗi khi dựng trang:\n" + "\n".join(collector.messages))
    return sources
