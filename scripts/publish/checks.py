"""Checks: reads every file of the new release and the dataset; writes nothing, and raises with every failure found.

Proves the built site is whole before it goes live. Checks every HTML page for the promises the site makes (lang="vi", the sample notice,
one page per commune/year and per team) and every internal link and asset reference.
Collects all failures, then raises. Two steps around the search index: ``inspect`` parses the
pages (and cuts out their searchable parts for the index), ``conclude`` resolves every link once
the index is in.
"""

from __future__ import annotations

import functools
import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from selectolax.lexbor import LexborHTMLParser

from scripts.common import system
from scripts.model.urls import (
    MAPS_DIR,
    checks_url,
    commune_url,
    findings_url,
    team_url,
    year_url,
)
from scripts.site import build
from scripts.site.pages import site_data

# The only hosts a page may load anything from: map tiles are configured separately and are optional.
LINK_ATTRIBUTES = {"a": "href", "link": "href", "script": "src", "img": "src", "iframe": "src"}
LOADING_TAGS = {"link", "script", "img", "iframe"}
PAGES_PER_PROCESS = 200  # fewer, and a worker process costs more than it saves
# A prose page's h1 is its Title: line: a "# " line in its Markdown is a second one.
MARKDOWN_HEADINGS = "trong tệp Markdown, tiêu đề trang là dòng “Title:”, các mục bắt đầu bằng “## ”"
# A canonical link is absolute by design (PUBLIC_BASE_URL) and loads nothing: not a reference to check.
NOT_REFERENCES = {"link": ':not([rel="canonical"])'}
ELEMENTS_CHECKED = ", ".join(
    ["h1", 'div[class*="sample-notice"]', *(f"{tag}[{attribute}]{NOT_REFERENCES.get(tag, '')}" for tag, attribute in LINK_ATTRIBUTES.items())]
)


class SiteCheckFailed(Exception):
    def __init__(self, failures: list[str]):
        self.failures = failures
        shown = "\n".join(f"- {failure}" for failure in failures[:50])
        more = f"\n… và {len(failures) - 50} lỗi khác" if len(failures) > 50 else ""
        super().__init__(f"Trang dựng ra chưa đạt {len(failures)} điều kiện kiểm tra:\n{shown}{more}")


def resolve(page: str, reference: str, directories: set[str]) -> str | None:
    """The site-relative file an internal reference points at, or None for external and fragment-only links.

    Works on strings against the site's listing: pathlib per link was most of the check time.
    """
    parts = urlsplit(reference)
    if parts.scheme or parts.netloc or reference.startswith(("#", "mailto:", "tel:")) or not parts.path:
        return None
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
    if target == ".":
        return "index.html"  # the site root
    return posixpath.join(target, "index.html") if parts.path.endswith("/") or target in directories else target


@dataclass
class PageFacts:
    """What one page holds beyond its own failures: the internal references it makes (resolved later,
    against the final listing), and its searchable parts, cut out for the search index (scripts/outputs/search.py)."""

    references: list[str]
    searchable: str


def inspect_page(name: str, html: bytes, sample: bool, prose: bool = False) -> tuple[list[str], PageFacts]:
    """The page's own failures, each starting with ``name``, and its facts. A ``prose`` page's failures
    speak to the author of its Markdown."""
    failures, references = [], []
    # lexbor parses twice as fast as lxml, and the selector below is matched in C, in document order.
    tree = LexborHTMLParser(html)
    if tree.root is None or tree.root.attributes.get("lang") != "vi":
        failures.append(f"{name}: thiếu lang=\"vi\"")
    headings, notices = 0, 0
    for element in tree.css(ELEMENTS_CHECKED):
        if element.tag == "h1":
            headings += 1
        elif element.tag == "div":
            notices += 1
        elif reference := element.attributes.get(LINK_ATTRIBUTES[element.tag]):
            if element.tag in LOADING_TAGS and urlsplit(reference).netloc:
                failures.append(f"{name}: tải tài nguyên từ máy chủ ngoài {reference}")
            else:
                references.append(reference)
    if sample and not notices:
        failures.append(f"{name}: thiếu thông báo dữ liệu mẫu")
    if headings != 1:
        failures.append(f"{name}: phải có đúng một thẻ h1" + (f" ({MARKDOWN_HEADINGS})" if prose else ""))
    # pagefind skips these parts; left in, the answer sentence's figures would index the site again after every correction.
    for ignored in tree.css("[data-pagefind-body] [data-pagefind-ignore]"):
        ignored.decompose()
    searchable = "".join(part.html for part in tree.css("[data-pagefind-body]"))
    return failures, PageFacts(references, searchable)


def inspect_file(site: Path, sample: bool, names: dict[str, str], page: str) -> tuple[list[str], PageFacts]:
    return inspect_page(names.get(page, page), (site / page).read_bytes(), sample, prose=page in names)


def page_names(sources: dict[str, Path]) -> dict[str, str]:
    """How failures name the prose pages: by the Markdown file staff correct, then the page it became.
    ``sources``: each prose page's file, by the page it became."""
    return {page: f"{build.project_path(source)} (trang {page})" for page, source in sources.items()}


@dataclass
class Listing:
    """Every file and folder of the site, relative to its root, read once."""

    files: set[str] = field(default_factory=set)
    directories: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, site: Path) -> Listing:
        """As os.walk would list it (a link to a folder is a folder, not followed), in 0.6 of its time."""
        listing = cls()
        pending = [(os.fspath(site), "")]
        while pending:
            folder, prefix = pending.pop()
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.is_dir():
                        listing.directories.add(prefix + entry.name)
                        if not entry.is_symlink():
                            pending.append((entry.path, f"{prefix}{entry.name}/"))
                    else:
                        listing.files.add(prefix + entry.name)
        return listing


def expected_pages(dataset: dict) -> list[str]:
    years = [year["fiscal_year"] for year in dataset["years"]]
    pages = ["index.html", "chinh-sach/index.html", "ve-du-lieu/index.html", checks_url() + "index.html"]
    pages += [year_url(year) + "index.html" for year in years]
    for year in dataset["years"]:
        pages += [commune_url(row["commune_code"], year["fiscal_year"]) + "index.html" for row in year["communes"]]
    team_ids = {team["team_id"] for year in dataset["years"] for team in year["teams"]}
    pages += [team_url(team_id) + "index.html" for team_id in sorted(team_ids)]
    pages += [findings_url(code) + "index.html" for code in sorted({finding["code"] for finding in dataset["findings"]})]
    return pages


@dataclass
class Inspection:
    """What ``inspect`` found: each page's own failures, and its facts."""

    site: Path
    dataset: dict
    failures: list[str]
    facts: dict[str, PageFacts]  # page → its facts
    pages: int
    names: dict[str, str]  # page → how its failures name it, where not by itself (``page_names``)

    def searchable(self) -> dict[str, str]:
        """Page → its searchable HTML, for pages that have some."""
        return {page: facts.searchable for page, facts in self.facts.items() if facts.searchable}


def resolve_all(page: str, references: list[str], directories: set[str], resolved: dict[tuple[str, str], str | None]) -> list[str | None]:
    """``resolve`` of each reference of ``page``; ``resolved`` memoises across pages."""
    folder = posixpath.dirname(page)
    root_relative = "../" * (folder.count("/") + 1 if folder else 0)
    targets = []
    for reference in references:
        # A reference that climbs exactly to the site root (every link the theme makes from
        # SITEURL) means the same on every page at that depth: one resolution for all of them.
        base = "" if reference.startswith(root_relative) and not reference.startswith("../", len(root_relative)) else folder
        if (base, reference) not in resolved:
            resolved[base, reference] = resolve(page, reference, directories)
        targets.append(resolved[base, reference])
    return targets


def inspect(site: Path, dataset_path: Path, sources: dict[str, Path] | None = None) -> Inspection:
    """Parse every HTML page, in a pool of processes. ``sources``: each prose page's Markdown file, by the
    page it became (``scripts.site.build.run``), for failures to name."""
    data = site_data(dataset_path)
    names = page_names(sources or {})
    # map documents are standalone Leaflet pages, checked by the maps tests
    pages = sorted(page for page in Listing.of(site).files if page.endswith(".html") and not page.startswith(f"{MAPS_DIR}/"))
    failures, facts = [], {}
    for page, (page_failures, page_facts) in zip(pages, system.map_on_every_core(functools.partial(inspect_file, site, data.sample, names), pages, PAGES_PER_PROCESS)):
        failures += page_failures
        facts[page] = page_facts
    return Inspection(site, data.dataset, failures, facts, len(pages), names)


def conclude(inspection: Inspection) -> int:
    """Resolve every reference against the finished site; raise with all failures; return the pages checked."""
    listing = Listing.of(inspection.site)
    failures = [f"thiếu trang {page}" for page in expected_pages(inspection.dataset) if page not in listing.files]
    failures += inspection.failures
    resolved: dict[tuple[str, str], str | None] = {}
    for page, facts in inspection.facts.items():
        targets = resolve_all(page, facts.references, listing.directories, resolved)
        failures += [
            f"{inspection.names.get(page, page)}: liên kết hỏng {reference}"
            for reference, target in zip(facts.references, targets)
            if target is not None and target not in listing.files
        ]
    if failures:
        raise SiteCheckFailed(failures)
    return inspection.pages


def run(site: Path, dataset_path: Path) -> int:
    """Check the site in ``site``; return the number of HTML pages checked."""
    return conclude(inspect(site, dataset_path))
