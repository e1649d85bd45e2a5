"""Pelican plugin: renders the data pages (year, commune, team) from the validated dataset.

The dataset path comes from the DATASET_PATH setting; page models come from ``scripts.pages``.
Every template also sees SITE_DATA (years, sample flag), so prose pages show the same notice,
and SCHEMA_TABLES, so the documented schema is the one validation enforces.
"""

from __future__ import annotations

from pelican import signals
from pelican.generators import Generator

from scripts.pages import build_page_models
from scripts.schema import INPUT_TABLES, TYPE_LABELS


class DataPagesGenerator(Generator):
    def generate_context(self):
        self.site, self.page_models = build_page_models(self.settings["DATASET_PATH"])
        self.context["SITE_DATA"] = self.site
        self.context["SCHEMA_TABLES"] = INPUT_TABLES
        self.context["TYPE_LABELS"] = TYPE_LABELS

    def generate_output(self, writer):
        templates = {}
        for page in self.page_models:
            template = templates.get(page.template) or templates.setdefault(page.template, self.get_template(page.template[:-5]))
            writer.write_file(
                page.save_as,
                template,
                self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                override_output=False,
                page_url=page.save_as.removesuffix("index.html"),
                **page.context,
            )


def get_generators(pelican_object):
    return DataPagesGenerator


def register():
    signals.get_generators.connect(get_generators)
