"""Stage 5: prove the built site is whole before it goes live.

Checks every HTML page for the promises the site makes (lang="vi", the sample notice,
one page per commune/year and per team) and every internal link and asset reference.
Collects all failures, then raises.
"""

from __future__ import annotations

import json
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html

from scripts.pages import commune_url, team_url, year_url

# The only hosts a page may load anything from: map tiles are configured separately and are optional.
LINK_ATTRIBUTES = (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"), ("iframe", "src"))
LOADING_TAGS = {"link", "script", "img", "iframe"}


class SiteCheckFailed(Exception):
    def __init__(self, failures: list[str]):
        self.failures = failures
        shown = "\n".join(f"- {failure}" for failure in failures[:50])
        more = f"\n… và {len(failures) - 50} lỗi khác" if len(failures) > 50 else ""
        super().__init__(f"Trang dựng ra chưa đạt {len(failures)} điều kiện kiểm tra:\n{shown}{more}")


def resolve(site: Path, page: Path, reference: str) -> Path | None:
    """The file an internal reference points at, or None for external and fragment-only links."""
    parts = urlsplit(reference)
    if parts.scheme or parts.netloc or reference.startswith(("#", "mailto:", "tel:")) or not parts.path:
        return None
    base = posixpath.dirname(page.relative_to(site).as_posix())
    target = posixpath.normpath(posixpath.join(base, unquote(parts.path)))
    path = site / target
    return path / "index.html" if reference.split("?")[0].split("#")[0].endswith("/") or path.is_dir() else path


def check_page(site: Path, page: Path, sample: bool, failures: list[str]) -> None:
    relative = page.relative_to(site).as_posix()
    tree = lxml.html.fromstring(page.read_bytes())
    if tree.get("lang") != "vi":
        failures.append(f"{relative}: thiếu lang=\"vi\"")
    if sample and not tree.xpath('//*[contains(@class, "sample-notice")]'):
        failures.append(f"{relative}: thiếu thông báo dữ liệu mẫu")
    if len(tree.xpath("//h1")) != 1:
        failures.append(f"{relative}: phải có đúng một thẻ h1")
    for tag, attribute in LINK_ATTRIBUTES:
        for element in tree.iter(tag):
            reference = element.get(attribute)
            if not reference:
                continue
            if tag in LOADING_TAGS and urlsplit(reference).netloc:
                failures.append(f"{relative}: tải tài nguyên từ máy chủ ngoài {reference}")
                continue
            target = resolve(site, page, reference)
            if target is not None and not target.is_file():
                failures.append(f"{relative}: liên kết hỏng {reference}")


def expected_pages(dataset: dict) -> list[str]:
    years = [year["fiscal_year"] for year in dataset["years"]]
    pages = ["index.html", "chinh-sach/index.html", "ve-du-lieu/index.html"]
    pages += [year_url(year) + "index.html" for year in years]
    for year in dataset["years"]:
        pages += [commune_url(row["commune_code"], year["fiscal_year"]) + "index.html" for row in year["communes"]]
    team_ids = {team["team_id"] for year in dataset["years"] for team in year["teams"]}
    pages += [team_url(team_id) + "index.html" for team_id in sorted(team_ids)]
    return pages


def run(site: Path, dataset_path: Path) -> int:
    """Check the site in ``site``; return the number of HTML pages checked."""
    dataset = json.loads(Path(dataset_path).read_text(encoding="utf-8"))
    failures = [f"thiếu trang {page}" for page in expected_pages(dataset) if not (site / page).is_file()]
    sample = any(year["sample"] for year in dataset["years"])
    pages = sorted(site.rglob("*.html"))
    for page in pages:
        if page.relative_to(site).parts[0] == "ban-do":
            continue  # map documents are standalone Leaflet pages, checked by the maps tests
        check_page(site, page, sample, failures)
    if failures:
        raise SiteCheckFailed(failures)
    return len(pages)
