"""Where every page, map, notice and download of the site lives, and where each input file is: written once.

Page URLs are relative to the site root and end with "/": a page is saved as its URL + "index.html".
They come from stable codes (year, commune code, team id), never from names (GUIDE §3), so old links
keep working after corrections. Download paths are relative to the downloads folder, ``DOWNLOADS_DIR``.
"""

from __future__ import annotations

from urllib.parse import quote


def public_url(base_url: str, path: str) -> str:
    """A page's absolute address on the site at ``base_url`` (the PUBLIC_BASE_URL setting), for what leaves the site."""
    return f"{base_url.rstrip('/')}/{path}"


def year_url(year: int) -> str:
    """The page of one fiscal year (the latest is also the home page)."""
    return f"nam/{year}/"


def commune_url(code: str, year: int | None = None) -> str:
    """A commune's page for one year; without a year, the alias of its latest year."""
    return f"xa/{code}/" if year is None else f"xa/{code}/{year}/"


def team_url(team_id: str) -> str:
    """A team's page, over every year it was funded."""
    return f"to/{team_id}/"


SEARCH_URL = "tim-kiem/"  # the search page (content/pages/tim-kiem.md)
TEAM_CODES_DIR = f"{SEARCH_URL}ma-to"  # the search page's shortcut from a typed team code to its team


def team_codes_file(commune_code: str) -> str:
    """The teams whose ids start with a commune's code: what the search page shows for a typed team code."""
    return f"{TEAM_CODES_DIR}/{commune_code}.json"


MAPS_DIR = "ban-do"  # the folder of every map page and of the files they fetch


def province_map_path(fiscal_year: int) -> str:
    """The province map of a year (scripts/outputs/maps.py writes it; templates iframe it)."""
    return f"{MAPS_DIR}/tinh-{fiscal_year}.html"


def commune_map_path(code: str, fiscal_year: int) -> str:
    """The map of one commune and its neighbours for a year."""
    return f"{MAPS_DIR}/xa-{code}-{fiscal_year}.html"


def notice_url(code: str, year: int) -> str:
    """The printable public notice (Thông báo công khai) of a commune for a year."""
    return f"{commune_url(code, year)}thong-bao/"


def notice_pdf(code: str, year: int) -> str:
    """The notice's PDF, beside its HTML page."""
    return f"{notice_url(code, year)}thong-bao-{code}-{year}.pdf"


def checks_url() -> str:
    """The page that reconciles the totals and lists the findings."""
    return "kiem-tra/"


# The address of each kind of published finding (a warning's problem code, scripts/model/problems.py):
# Vietnamese without diacritics, written out so that rewording a title never moves a page.
FINDING_SLUGS = {
    "team-below-minimum": "to-duoi-muc-toi-thieu",
    "amount-differs-from-rate": "so-tien-khac-dinh-muc",
    "commune-unallocated-balance": "du-toan-chua-phan-bo-het",
    "dated-after-publication": "ngay-ghi-sau-ngay-cong-bo",
    "team-count-differs": "so-to-khac-quyet-dinh",
    "paid-before-decision": "chi-truoc-ngay-quyet-dinh",
    "paid-outside-fiscal-year": "chi-ngoai-nam-ngan-sach",
    "team-above-maximum": "to-vuot-so-thanh-vien-toi-da",
}


def findings_url(code: str) -> str:
    """The page of one kind of finding, by its problem code: team-below-minimum → kiem-tra/to-duoi-muc-toi-thieu/."""
    return f"{checks_url()}{FINDING_SLUGS[code]}/"


def former_findings_url(code: str) -> str:
    """Where that page was before it had a Vietnamese address; a redirect page keeps old links working."""
    return f"{checks_url()}phat-hien/{code}/"


CHANGELOG_URL = "thay-doi/"  # what each release changed, and its Atom feed
DOWNLOADS_DIR = "du-lieu"  # every download lives under this folder of the site
DOWNLOADS_URL = f"{DOWNLOADS_DIR}/"  # the page listing them
DATA_PACKAGE = "datapackage.json"
RELEASES_DIR = "phien-ban"  # every release's files: du-lieu/phien-ban/<version>/
SCHEMAS_DIR = "luoc-do"
DATABASE = "kinh-phi-cdscd.db"  # every table in SQLite, for Datasette and sqlite-utils
DATABASE_METADATA = "metadata.json"  # Datasette's metadata of DATABASE: titles, descriptions, licence, units
API_DIR = "api/v1"  # the static JSON API, beside du-lieu/ at the site root; v1 stays as it is once published


def table_file(slug: str, fiscal_year: int | None = None) -> str:
    """A table's CSV: every year in one file, or one year's rows in that year's folder."""
    return f"{slug}.csv" if fiscal_year is None else f"nam-{fiscal_year}/{slug}-{fiscal_year}.csv"


def bundle_file(extension: str, fiscal_year: int | None = None) -> str:
    """Every table in one file (xlsx, json or zip), for all years or in one year's folder."""
    return f"tat-ca.{extension}" if fiscal_year is None else f"nam-{fiscal_year}/tat-ca-{fiscal_year}.{extension}"


def commune_table_file(slug: str, code: str, fiscal_year: int, extension: str = "csv") -> str:
    """A table's rows of one commune and year (csv, or xlsx)."""
    return f"xa/{slug}-{code}-{fiscal_year}.{extension}"


def schema_path(slug: str, whole: bool) -> str:
    """A table's Table Schema, shared by its files: the whole table's, or that of its year and commune slices."""
    return f"{SCHEMAS_DIR}/{slug}.json" if whole else f"{SCHEMAS_DIR}/tep-tach/{slug}.json"


def api_commune_file(code: str) -> str:
    """A commune's every year in the JSON API, relative to the site root."""
    return f"{API_DIR}/xa/{code}.json"


def api_team_file(team_id: str) -> str:
    """A team's every year in the JSON API; kept, saying since when, once the team has left the data."""
    return f"{API_DIR}/to/{team_id}.json"


def api_index_file() -> str:
    """The JSON API's list of every commune and team file."""
    return f"{API_DIR}/index.json"


def api_schema_file(kind: str) -> str:
    """The JSON Schema of one kind of API file: "xa", "to" or "index"."""
    return f"{API_DIR}/schema/{kind}.json"


def release_dir(version: str) -> str:
    """The folder of one release's files."""
    return f"{RELEASES_DIR}/{version}/"


def province_file(fiscal_year: int) -> str:
    """The province's decision for a year, relative to data/."""
    return f"allocations/{fiscal_year}/province.csv"


def team_file(fiscal_year: int, code: str) -> str:
    """A commune's allocations to its teams for a year, relative to data/."""
    return f"allocations/{fiscal_year}/teams/{code}.csv"


def payment_file(fiscal_year: int, code: str) -> str:
    """A commune's payments to its teams for a year, relative to data/."""
    return f"allocations/{fiscal_year}/payments/{code}.csv"


def mailto(address: str, subject: str, body: str) -> str:
    """A mailto: link with its subject and body filled in (RFC 6068: every reserved character and all
    non-ASCII percent-encoded as UTF-8, lines ending in CRLF)."""
    body = body.replace("\r\n", "\n").replace("\n", "\r\n")
    return f"mailto:{quote(address, safe='@')}?subject={quote(subject, safe='')}&body={quote(body, safe='')}"


def tel(phone: str) -> str:
    """A tel: link of a phone number as it is written ("0206 3852 000" → "tel:02063852000")."""
    return "tel:" + "".join(char for char in phone if char.isdigit() or char == "+")
