"""Pelican plugin: renders the data pages (year, commune, team) from the validated dataset.

The dataset path comes from the DATASET_PATH setting; page models come from ``scripts.pages``.
Every template also sees SITE_DATA (years, sample flag), so prose pages show the same notice,
and SCHEMA_TABLES, so the documented schema is the one validation enforces. The downloads
manifest (DOWNLOADS_MANIFEST, written by scripts/downloads.py) adds the download links, the
downloads page, the change log and its feed (scripts/open_data.py); DATA_RESOURCES feeds the dictionary.

Pages are rendered straight from the theme's Jinja environment rather than through Pelican's
writer (a context copy, a signal and a log line per page), and a page whose inputs are unchanged
since the release in the REUSE_FROM setting is hard-linked from it (scripts/reuse.py).
"""

from __future__ import annotations

from pathlib import Path

from pelican import signals
from pelican.generators import Generator
from pelican.utils import get_relative_path, path_to_url
from pelican.writers import FileOverwriteFailedError

from scripts import open_data
from scripts.downloads import RESOURCES
from scripts.progress import track
from scripts.pages import build_page_models
from scripts.reuse import PageReuse, page_key, site_key, write_new
from scripts.schema import INPUT_TABLES, TYPE_LABELS


class DataPagesGenerator(Generator):
    def generate_context(self):
        self.site, self.page_models = build_page_models(self.settings["DATASET_PATH"])
        manifest = open_data.read_manifest(self.settings["DOWNLOADS_MANIFEST"])
        open_data.attach_downloads(self.page_models, manifest)
        self.page_models += open_data.page_models(manifest, {code: c["full_name"] for code, c in self.site.communes.items()})
        self.context["SITE_DATA"] = self.site
        self.context["DATA_PAGES"] = self.page_models  # for the sitemap (scripts/discovery.py)
        self.context["SCHEMA_TABLES"] = INPUT_TABLES
        self.context["TYPE_LABELS"] = TYPE_LABELS
        self.context["DATA_RESOURCES"] = RESOURCES

    def generate_output(self, writer):
        output = Path(self.output_path)
        reuse = PageReuse(output, self.settings.get("REUSE_FROM"))
        site = site_key(self.settings, self.site.dataset)
        shared = dict(self.context)
        templates = {}
        for page in track(self.page_models, "Dựng các trang"):
            target = output / page.save_as
            if page.save_as in reuse.new or target.exists():
                raise FileOverwriteFailedError(f"Hai trang cùng ghi vào {page.save_as}")
            if reuse.link(page.save_as, page_key(site, page)):
                continue
            if page.template not in templates:
                templates[page.template] = self.get_template(page.template.removesuffix(".html"))
            # As Pelican's writer does with RELATIVE_URLS: SITEURL is the way back to the site root.
            site_url = path_to_url(get_relative_path(page.save_as)) if self.settings["RELATIVE_URLS"] else self.settings["SITEURL"]
            html = templates[page.template].render(
                {
                    **shared,
                    "SITEURL": site_url,
                    "localsiteurl": site_url,
                    "output_file": page.save_as,
                    "page_url": page.save_as.removesuffix("index.html"),
                    **page.context,
                }
            )
            write_new(target, html.encode("utf-8"))
        reuse.save()


def get_generators(pelican_object):
    return DataPagesGenerator


def register():
    signals.get_generators.connect(get_generators)
