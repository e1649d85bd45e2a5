"""Stage 5: prove the built site is whole before it goes live.

Checks every HTML page for the promises the site makes (lang="vi", the sample notice,
one page per commune/year and per team) and every internal link and asset reference.
Collects all failures, then raises.
"""

from __future__ import annotations

import functools
import hashlib
import os
import posixpath
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import orjson
from selectolax.lexbor import LexborHTMLParser

from scripts.common import system
from scripts.model.urls import MAPS_DIR, checks_url, commune_url, findings_url, team_url, year_url
from scripts.site.pages import site_data
from scripts.publish.reuse import TOOLCHAIN

# The only hosts a page may load anything from: map tiles are configured separately and are optional.
LINK_ATTRIBUTES = {"a": "href", "link": "href", "script": "src", "img": "src", "iframe": "src"}
LOADING_TAGS = {"link", "script", "img", "iframe"}
ELEMENTS_CHECKED = ", ".join(["h1", 'div[class*="sample-notice"]', *(f"{tag}[{attribute}]" for tag, attribute in LINK_ATTRIBUTES.items())])


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
    # The file each reference pointed at when first resolved. Only whether a path is a folder could
    # change that, and then the old target is no file at all: it misses, and ``conclude`` resolves it again.
    targets: list[str | None] | None = None


def inspect_page(page: str, html: bytes, sample: bool) -> tuple[list[str], PageFacts]:
    """The page's own failures, and its facts."""
    failures, references = [], []
    # lexbor parses twice as fast as lxml, and the selector below is matched in C, in document order.
    tree = LexborHTMLParser(html)
    if tree.root is None or tree.root.attributes.get("lang") != "vi":
        failures.append(f"{page}: thiếu lang=\"vi\"")
    headings, notices = 0, 0
    for element in tree.css(ELEMENTS_CHECKED):
        if element.tag == "h1":
            headings += 1
        elif element.tag == "div":
            notices += 1
        elif reference := element.attributes.get(LINK_ATTRIBUTES[element.tag]):
            if element.tag in LOADING_TAGS and urlsplit(reference).netloc:
                failures.append(f"{page}: tải tài nguyên từ máy chủ ngoài {reference}")
            else:
                references.append(reference)
    if sample and not notices:
        failures.append(f"{page}: thiếu thông báo dữ liệu mẫu")
    if headings != 1:
        failures.append(f"{page}: phải có đúng một thẻ h1")
    searchable = "".join(part.html for part in tree.css("[data-pagefind-body]"))
    return failures, PageFacts(references, searchable)


def inspect_file(site: Path, sample: bool, page_and_key: tuple[str, str | None]) -> tuple[str, list[str], PageFacts]:
    """``inspect_page`` of a file, and its key (made here unless the caller already hashed the page)."""
    page, key = page_and_key
    html = (site / page).read_bytes()
    return key or CheckedPages.key(page, html), *inspect_page(page, html, sample)


@dataclass
class Listing:
    """Every file and folder of the site, relative to its root, read once."""

    files: dict[str, int] = field(default_factory=dict)  # each file's inode, as its folder lists it: no stat
    directories: set[str] = field(default_factory=set)
    device: int = 0

    @classmethod
    def of(cls, site: Path) -> Listing:
        """As os.walk would list it (a link to a folder is a folder, not followed), in 0.6 of its time."""
        listing = cls(device=os.stat(site).st_dev)
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
                        listing.files[prefix + entry.name] = entry.inode()
        return listing

    def directories_with(self, paths: Iterable[str]) -> set[str]:
        """These folders and those of the files at ``paths``, added since by a stage that knows where
        it put them: no walk of the site again."""
        folders = set(self.directories)
        for path in paths:
            folder = posixpath.dirname(path)
            while folder and folder not in folders:
                folders.add(folder)
                folder = posixpath.dirname(folder)
        return folders


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


class CheckedPages:
    """Pages that already passed, with their facts, so a republish re-parses only what changed.

    A page's own result depends only on its path, its bytes, the sample flag and this module's code;
    the files its references point at are looked for again on every run, so a link to a file that
    has gone still fails.
    """

    def __init__(self, path: Path, context: str, previous: Path | None = None):
        self.path = path
        self.context = context
        stored = orjson.loads(path.read_bytes()) if path.is_file() else {}
        if stored.get("context") != context:
            stored = {}
        self.passed: dict[str, PageFacts] = {key: PageFacts(**facts) for key, facts in stored.get("pages", {}).items()}
        self.files: dict[str, list] = stored.get("files", {})  # page → [device, inode, key] when it passed
        # Each such page's file in ``previous`` (device, inode), as it is now: a release never changes
        # once live, so this can be asked before the new release is built (``prepare``).
        self.in_previous: dict[str, tuple[int, int]] = {}
        for page in self.files if previous else ():
            try:
                before = os.stat(os.path.join(previous, page))
            except FileNotFoundError:
                continue
            self.in_previous[page] = (before.st_dev, before.st_ino)

    @staticmethod
    def key(page: str, html: bytes) -> str:
        return hashlib.sha256(page.encode() + b"\0" + html).hexdigest()

    def known(self, site: Listing, page: str) -> str | None:
        """The key of a page that passed, without reading it: when the page is, by hard link, the very
        file that passed in the release this was prepared with (releases never change a file in place;
        both files exist, so the inode cannot have been reused)."""
        if page not in self.in_previous:
            return None
        device, inode, key = self.files[page]
        same = (site.device, site.files[page]) == self.in_previous[page] == (device, inode)
        return key if same and key in self.passed else None

    def save(self, site: Listing, facts: dict[str, tuple[str, PageFacts]]) -> None:
        pages = {key: vars(page_facts) for key, (_, page_facts) in facts.items()}
        files = {page: [site.device, site.files[page], key] for key, (page, _) in facts.items()}
        self.path.write_bytes(orjson.dumps({"context": self.context, "pages": pages, "files": files}, option=orjson.OPT_SORT_KEYS))


@dataclass
class Inspection:
    """What ``inspect`` found: page failures so far, and the references still to resolve."""

    site: Path
    dataset: dict
    cache: CheckedPages
    listing: Listing  # the site as ``inspect`` found it
    failures: list[str]
    facts: dict[str, tuple[str, PageFacts]]  # page key → (page, its facts)
    pages: int
    missed: list[tuple[str, str]] | None = None  # (page, reference) that no file answered at ``resolve_references``

    def searchable(self) -> dict[str, str]:
        """Page → its searchable HTML, for pages that have some."""
        return {page: facts.searchable for page, facts in self.facts.values() if facts.searchable}

    def resolve_references(self, added: Iterable[str] = ()) -> None:
        """Resolve every reference against the site as ``inspect`` listed it and the folders of the
        files ``added`` since (the downloads and notices, linked in by path), and keep those that miss.
        Run while the last files are still coming (the search index): ``conclude`` then looks for
        these again, on disk."""
        directories = self.listing.directories_with(added)
        resolved: dict[tuple[str, str], str | None] = {}
        self.missed = []
        for page, facts in self.facts.values():
            if facts.targets is None:
                facts.targets = resolve_all(page, facts.references, directories, resolved)
            # A file only said to be added is looked for again by ``conclude``.
            self.missed += [
                (page, reference)
                for reference, target in zip(facts.references, facts.targets)
                if target is not None and target not in self.listing.files
            ]


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


def prepare(dataset_path: Path, previous: Path | None = None) -> CheckedPages:
    """The pages that passed before, and where they are in ``previous`` (the release the new one
    links unchanged pages from): a publish reads these while its pages are still being made, not
    after (0.03 s of a one-cell republish's last stretch)."""
    code = hashlib.sha256(TOOLCHAIN.encode() + Path(__file__).read_bytes()).hexdigest()  # lexbor parses
    return CheckedPages(Path(dataset_path).parent / "checked-pages.json", f"{code} {site_data(dataset_path).sample}", previous)


def inspect(site: Path, dataset_path: Path, cache: CheckedPages | None = None) -> Inspection:
    """Parse every HTML page (the slow half) but those that passed before, unchanged: in the previous
    release ``cache`` was prepared with, or anywhere with the same bytes. Files added to ``site``
    afterwards, such as the search index, still count as link targets: ``conclude`` looks for them."""
    data = site_data(dataset_path)
    cache = prepare(dataset_path) if cache is None else cache
    # map documents are standalone Leaflet pages, checked by the maps tests
    listing = Listing.of(site)
    pages = sorted(page for page in listing.files if page.endswith(".html") and not page.startswith(f"{MAPS_DIR}/"))
    failures, facts, unknown = [], {}, []
    for page in pages:
        key = cache.known(listing, page)
        if key is None and cache.passed:
            key = CheckedPages.key(page, (site / page).read_bytes())
        if key in cache.passed:
            facts[key] = (page, cache.passed[key])
        else:
            unknown.append((page, key))
    for (page, _), (key, page_failures, page_facts) in zip(unknown, system.map_on_every_core(functools.partial(inspect_file, site, data.sample), unknown)):
        failures += page_failures
        facts[key] = (page, page_facts)
    return Inspection(site, data.dataset, cache, listing, failures, facts, len(pages))


class FoldersOnDisk:
    """``resolve``'s folders, asked of the disk: for the few references whose files came after the listing."""

    def __init__(self, site: Path):
        self.site = site

    def __contains__(self, path: str) -> bool:
        return os.path.isdir(os.path.join(self.site, path))


def conclude(inspection: Inspection) -> int:
    """Resolve every reference against the finished site; raise with all failures; return the pages checked.

    Every page was in the site when ``inspect`` listed it; only the references still missing then
    (to downloads, notices, the search index: ~460 in the sample) are looked for again, file by file.
    A second walk of the site cost 0.02–0.03 s of every publish."""
    if inspection.missed is None:
        inspection.resolve_references()
    listing = inspection.listing
    failures = [f"thiếu trang {page}" for page in expected_pages(inspection.dataset) if page not in listing.files]
    failures += inspection.failures
    on_disk = FoldersOnDisk(inspection.site)
    failures += [
        f"{page}: liên kết hỏng {reference}"
        for page, reference in inspection.missed
        if not os.path.isfile(os.path.join(inspection.site, resolve(page, reference, on_disk)))
    ]
    if failures:
        raise SiteCheckFailed(failures)
    inspection.cache.save(listing, inspection.facts)
    return inspection.pages


def run(site: Path, dataset_path: Path) -> int:
    """Check the site in ``site``; return the number of HTML pages checked."""
    return conclude(inspect(site, dataset_path))
