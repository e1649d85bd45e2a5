"""Data pages: reads the dataset and the downloads' manifest; writes the year, commune and team pages (a Pelican generator).

The dataset path comes from the DATASET_PATH setting; page models come from ``scripts.site.pages``.
Every template also sees SITE_DATA (years, sample flag), so prose pages show the same notice,
and SCHEMA_TABLES, so the documented schema is the one validation enforces. The downloads
manifest (DOWNLOADS_MANIFEST, written by scripts/outputs/downloads.py) adds the download links, the
downloads page, the change log and its feed (scripts/site/open_data.py); DATA_RESOURCES (the published tables, a setting the pipeline passes) feeds the dictionary.

Pages are rendered straight from the theme's Jinja environment rather than through Pelican's
writer (a context copy, a signal and a log line per page), in a process pool (``PageWriter``); a page
whose inputs are unchanged since the release in the REUSE_FROM setting is hard-linked from it
(scripts/site/reuse.py).
"""

from __future__ import annotations

import os
from pathlib import Path

import orjson
from jinja2 import Environment, Template
from markupsafe import Markup
from pelican import signals
from pelican.generators import Generator
from pelican.utils import get_relative_path, path_to_url
from pelican.writers import FileOverwriteFailedError

from scripts.common import system
from scripts.model.schema import INPUT_TABLES, TYPE_LABELS
from scripts.model.urls import TEAM_CODES_DIR
from scripts.site import open_data
from scripts.site.pages import Block, PageModel, site_page_models, sitemap_entry
from scripts.site.reuse import PageReuse, block_key, page_key, site_key


class PageWrittenTwice(FileOverwriteFailedError):
    """A data page's file written already, by another data page or by a prose page (scripts/site/build.py
    names the prose page's file)."""

    def __init__(self, save_as: str):
        super().__init__(f"Hai trang cùng ghi vào {save_as}")
        self.save_as = save_as


MIN_PAGES_PER_WORKER = 40  # below this a worker process costs more than it saves (a commune page: ~2 ms)


class Partials:
    """``partial(name, **arguments)`` for the data pages' templates: a partial that reads nothing but its
    arguments, rendered once per process for each set of them and given to every page that shows the same.
    The "Nguồn số liệu" section (_source.html): a commune's teams cite the same decisions and files, and
    rendering it again on each team's page was a quarter of that page's time. The findings (_findings.html):
    most pages have none. The contacts (_contacts.html): the same on every page of a commune.
    tests/test_publish.py checks that each reads nothing but its arguments."""

    def __init__(self, env: Environment):
        self.env = env
        self.rendered: dict[bytes, Markup] = {}

    def __call__(self, name: str, **arguments) -> Markup:
        key = orjson.dumps([name, arguments])
        if (html := self.rendered.get(key)) is None:
            html = self.rendered[key] = Markup(self.env.get_template(name).render(arguments))
        return html


class DataPagesGenerator(Generator):
    def generate_context(self):
        self.env.globals["partial"] = Partials(self.env)
        self.manifest = open_data.read_manifest(self.settings["DOWNLOADS_MANIFEST"])
        versions = open_data.data_versions(self.manifest["history"])
        self.site, self.page_models, self.blocks = site_page_models(self.settings["DATASET_PATH"], versions)
        self.context["SITE_DATA"] = self.site
        # Filled in by generate_output, read by the sitemap (scripts/site/sitemap.py, a later generator).
        self.context["DATA_SITEMAP"] = []
        self.context["SCHEMA_TABLES"] = INPUT_TABLES
        self.context["TYPE_LABELS"] = TYPE_LABELS
        self.context["TEAM_CODES_DIR"] = TEAM_CODES_DIR  # the search page's team codes (scripts/outputs/search.py)

    def generate_output(self, writer):
        output = Path(self.output_path)
        pages = PageWriter(
            output,
            PageReuse(output, self.settings.get("REUSE_FROM")),
            site_key(self.settings, self.site.dataset),
            self.settings,
            self.env,
            dict(self.context),
        )
        manifest = self.manifest
        models = self.page_models + pages.link_unchanged_blocks(self.blocks, manifest)
        open_data.attach_downloads([page for page in models if page.template in open_data.LISTS_FILES], manifest)
        added = open_data.page_models(manifest, {code: c["full_name"] for code, c in self.site.communes.items()})
        pages.write(models + added)
        pages.reuse.save()
        self.context["DATA_SITEMAP"] += pages.reuse.sitemap + [entry for page in models + added if (entry := sitemap_entry(page))]


class PageWriter:
    """Writes data pages into ``output``: each unchanged page linked from the previous release, the
    others rendered on every core."""

    def __init__(self, output: Path, reuse: PageReuse, site_key: str, settings: dict, env: Environment, context: dict):
        self.output, self.reuse, self.site_key, self.settings, self.env, self.context = output, reuse, site_key, settings, env, context
        self.folders: set[Path] = set()
        self.templates: dict[str, Template] = {}

    def link_unchanged_blocks(self, blocks: list[Block], manifest: dict) -> list[PageModel]:
        """Link every page of each block whose inputs are unchanged; return the models of the others' pages."""
        models = []
        for block in blocks:
            key = block_key(self.site_key, block, open_data.commune_files(manifest, block.code))
            if not self.reuse.link_block(block.code, key):
                block_pages = block.pages()
                self.reuse.record_block(block.code, key, block_pages)
                models += block_pages
        return models

    def write(self, pages: list[PageModel]) -> None:
        pending = []
        for page in pages:
            # Written here before, or by another generator (a prose page): asked of the disk per page,
            # since a one-cell republish writes a few dozen pages and a walk of the site costs more.
            if page.save_as in self.reuse.new or os.path.lexists(os.path.join(self.output, page.save_as)):
                raise PageWrittenTwice(page.save_as)
            if not self.reuse.link(page.save_as, page_key(self.site_key, page)):
                pending.append(page)
        # Compiled here, before the workers start, so that each does not compile its own.
        self.templates.update({name: self.env.get_template(name) for name in sorted({page.template for page in pending})})
        system.map_on_every_core(render_page, pending, MIN_PAGES_PER_WORKER, use_writer, (self,))

    def render(self, page: PageModel) -> None:
        # As Pelican's writer does with RELATIVE_URLS: SITEURL is the way back to the site root.
        site_url = path_to_url(get_relative_path(page.save_as)) if self.settings["RELATIVE_URLS"] else self.settings["SITEURL"]
        html = self.templates[page.template].render(
            {
                **self.context,
                "SITEURL": site_url,
                "localsiteurl": site_url,
                "output_file": page.save_as,
                "page_url": page.save_as.removesuffix("index.html"),
                **page.context,
            }
        )
        target = self.output / page.save_as
        if target.parent not in self.folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.folders.add(target.parent)
        # "x": a new file in the new release, never a write into a file linked from another release.
        with target.open("xb") as handle:
            handle.write(html.encode("utf-8"))


_writer: PageWriter | None = None  # the writer a worker process renders for (``use_writer``)


def use_writer(writer: PageWriter) -> None:
    global _writer
    _writer = writer


def render_page(page: PageModel) -> None:
    _writer.render(page)


def get_generators(pelican_object):
    return DataPagesGenerator


def register():
    signals.get_generators.connect(get_generators)
