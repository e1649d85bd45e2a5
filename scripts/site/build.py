"""Pages: reads the dataset, content/, theme/ and the downloads' manifest; writes every HTML page of the release (Pelican).

Runs in-process (no subprocess start-up) and treats any Pelican warning as an error,
the equivalent of ``pelican --fatal warnings``: a page that silently failed to render
must not reach the public.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path

from pelican import Pelican, signals
from pelican.log import console as pelican_console
from pelican.settings import read_settings

from scripts.common.files import write_if_changed
from scripts.site.pelican_plugin import PageWrittenTwice

ROOT = Path(__file__).resolve().parents[2]


class PelicanWarnings(Exception):
    pass


class PagesCollide(Exception):
    """A prose page would be written where another page is: a Slug two of them give, or a data page's."""


# The two ways a prose page's author sees Pelican refuse a page (a Markdown file without its Title: line, or
# not saved as UTF-8), by the messages Pelican logs them with (pelican/contents.py, pelican/generators.py).
MISSING_FIELD = "Skipping %s: could not find information about '%s'"
UNREADABLE = "Could not process %s"


class _Collector(logging.Handler):
    """Pelican's warnings and errors: the two a prose page's author meets in Vietnamese, naming the file
    (``file_name``, from the path Pelican logs); any other as Pelican wrote it."""

    def __init__(self, file_name: Callable[[str], str]):
        super().__init__(level=logging.WARNING)
        self.file_name = file_name
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg == MISSING_FIELD:
            page, field = record.args
            message = f"{self.file_name(str(page))}: thiếu dòng “{field.capitalize()}:” ở đầu tệp."
        elif record.msg == UNREADABLE:
            # Logged inside Pelican's except block, without the exception: it is still the one being handled.
            failure = sys.exc_info()[1]
            why = "không phải chữ UTF-8: hãy lưu lại tệp với bảng mã UTF-8" if isinstance(failure, UnicodeDecodeError) else str(failure)
            message = f"{self.file_name(record.args[0])}: không đọc được tệp ({why})."
        else:
            message = record.getMessage()
        self.messages.append(message)


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


def project_path(path: Path) -> str:
    """A file as staff find it: from the project's folder when it is in it."""
    return (path.relative_to(ROOT) if path.is_relative_to(ROOT) else path).as_posix()


def run(settings: dict, data_dir: Path) -> dict[str, Path]:
    """Render the site with ``settings`` (from ``pelican_settings``) into their OUTPUT_PATH, for the data
    in ``data_dir``. Returns each prose page's file (``prose_source``) by the page it became: a check that
    fails on such a page names the file to correct (scripts/publish/checks.py)."""
    content = Path(settings["PATH"])

    def source_of(path: str) -> Path:
        """A prose page's file, from the path Pelican has for it: under the content folder, or from it."""
        return prose_source(data_dir, (content / path).relative_to(content).as_posix())

    collector = _Collector(lambda path: project_path(source_of(path)))
    logger = logging.getLogger("pelican")
    logger.addHandler(collector)
    sources: dict[str, Path] = {}

    def record_sources(generator) -> None:
        for page in [*generator.pages, *generator.hidden_pages, *generator.draft_pages]:
            source = source_of(page.source_path)
            if page.save_as in sources:
                both = " và ".join(sorted(project_path(path) for path in (sources[page.save_as], source)))
                raise PagesCollide(f"{both} cùng là trang {page.save_as}: hãy đổi dòng “Slug:” của một trong hai tệp.")
            sources[page.save_as] = source

    signals.page_generator_finalized.connect(record_sources)
    # Pelican's closing line counts the prose pages only ("4 pages" of a site of 1,847), in English:
    # staff read the publish's own summary instead. Its warnings still reach the collector.
    quiet, pelican_console.quiet = pelican_console.quiet, True
    try:
        Pelican(settings).run()
    except PageWrittenTwice as twice:
        if twice.save_as not in sources:
            raise
        raise PagesCollide(
            f"{project_path(sources[twice.save_as])} là trang {twice.save_as}, địa chỉ của một trang số liệu: "
            "hãy đổi dòng “Slug:” của tệp đó."
        ) from None
    finally:
        pelican_console.quiet = quiet
        logger.removeHandler(collector)
        signals.page_generator_finalized.disconnect(record_sources)
    if collector.messages:
        raise PelicanWarnings("Pelican báo lỗi khi dựng trang:\n" + "\n".join(collector.messages))
    return sources
