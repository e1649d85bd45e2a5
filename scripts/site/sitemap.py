"""Sitemap (a Pelican plugin): reads the canonical pages' addresses; writes sitemap.xml and robots.txt, so search engines find every canonical page.

Both need absolute addresses, taken from the PUBLIC_BASE_URL setting. The sitemap lists the
canonical data pages (not the home and latest-year aliases, which point at their canonical URL)
and the prose pages, each sorted by address; lastmod is the publication date of the page's year.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from pelican import signals
from pelican.generators import Generator


def sitemap(base_url: str, entries: list[tuple[str, str | None]]) -> str:
    rows = "".join(
        f"<url><loc>{escape(base_url)}/{escape(path)}</loc>{f'<lastmod>{lastmod}</lastmod>' if lastmod else ''}</url>\n"
        for path, lastmod in entries
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{rows}</urlset>\n'


def robots(base_url: str) -> str:
    return f"User-agent: *\nDisallow: /pagefind/\nSitemap: {base_url}/sitemap.xml\n"


class DiscoveryGenerator(Generator):
    def generate_output(self, writer):
        base_url = self.settings["PUBLIC_BASE_URL"].rstrip("/")
        entries = [("", None)]
        entries += [(page.url, None) for page in sorted(self.context["pages"], key=lambda page: page.url)]
        entries += sorted(self.context["DATA_SITEMAP"])  # scripts/site/pelican_plugin.py
        output = Path(self.output_path)
        (output / "sitemap.xml").write_text(sitemap(base_url, entries), encoding="utf-8")
        (output / "robots.txt").write_text(robots(base_url), encoding="utf-8")


def get_generators(pelican_object):
    return DiscoveryGenerator


def register():
    signals.get_generators.connect(get_generators)
