"""The site's settings, the one file every build and `invoke deploy` read: there is one build, the one
that publishes, so there is no separate publishconf.py.

Every setting is UPPERCASE and documented in README.md ("Settings"); tests/test_readme.py
fails when one is not.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from scripts.site import sitemap as discovery  # noqa: E402
from scripts.site import pelican_plugin as pelican_data
from scripts.outputs.notices import qr_svg  # noqa: E402
from scripts.common.formatting import JINJA_FILTERS as FORMAT_FILTERS  # noqa: E402
from scripts.model import schema  # noqa: E402
from scripts.model.urls import commune_url, mailto, team_url, tel, year_url  # noqa: E402

SITENAME = "Kinh phí Tổ chuyển đổi số cộng đồng tỉnh Cao Bằng"
SITE_SHORT_NAME = "Kinh phí Tổ CĐSCĐ Cao Bằng"
PUBLISHER = "Ủy ban nhân dân tỉnh Cao Bằng"
SITEURL = ""
# The site's public address, for what must be absolute: QR codes on printed notices, sitemap.xml,
# robots.txt and Open Graph links. Set it to the portal's real address before publishing.
PUBLIC_BASE_URL = "https://kinhphi-cdscd.caobang.gov.vn"
RELATIVE_URLS = True
TIMEZONE = "Asia/Ho_Chi_Minh"
DEFAULT_LANG = "vi"

PATH = "content"
THEME = "theme"
OUTPUT_PATH = "output"
DATASET_PATH = "build/dataset.json"
DOWNLOADS_MANIFEST = "build/downloads/manifest.json"  # files, sizes, hashes and releases (scripts/outputs/downloads.py)
DATA_LICENSE = schema.LICENSE["short"]  # defined once, with the downloads', in scripts/model/schema.py
DATA_LICENSE_URL = schema.LICENSE["path"] + "deed.vi"

PLUGINS = [pelican_data, discovery]
# Page URLs come from scripts/model/urls.py, in templates too: fiscal_year | year_url, code | commune_url(year), team_id | team_url.
JINJA_FILTERS = {**FORMAT_FILTERS, "qr_svg": qr_svg, "year_url": year_url, "commune_url": commune_url, "team_url": team_url, "mailto": mailto, "tel": tel}
# Autoescape: no text from the data may reach a page as markup.
# auto_reload off: templates never change during a build, and checking them costs a stat per include.
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True, "auto_reload": False}

# Only hand-written prose pages; no blog.
ARTICLE_PATHS = []
PAGE_PATHS = ["pages"]
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
DISPLAY_PAGES_ON_MENU = False  # the default makes every page list every page (GUIDE §3)
DISPLAY_CATEGORIES_ON_MENU = False
DIRECT_TEMPLATES = []
ARCHIVES_SAVE_AS = AUTHORS_SAVE_AS = CATEGORIES_SAVE_AS = TAGS_SAVE_AS = ""
AUTHOR_SAVE_AS = CATEGORY_SAVE_AS = TAG_SAVE_AS = ""
FEED_ALL_ATOM = FEED_ALL_RSS = CATEGORY_FEED_ATOM = TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
READERS = {"html": None}
STATIC_PATHS = []
SLUGIFY_SOURCE = "basename"

# Reproducible builds: no clock, no content cache that could go stale between runs.
DEFAULT_DATE = None
LOAD_CONTENT_CACHE = False
CACHE_CONTENT = False
DELETE_OUTPUT_DIRECTORY = True
REUSE_FROM = None  # a previous release whose unchanged data pages are hard-linked (set by publish)
OUTPUT_RETENTION = []

LOG_FILTER = [(30, "Docutils has no localization for '%s'. Using 'en' instead.")]

# Map tiles: the only outside requests a page may make. Set MAP_TILES_URL = "" to switch them off.
MAP_TILES_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
MAP_TILES_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright" target="_blank" rel="noopener">Người đóng góp OpenStreetMap</a>'

# Optional deployment, the Pelican convention: `invoke deploy` copies the live site to
# SSH_USER@SSH_HOST:SSH_TARGET_DIR with rsync over SSH, sending only files whose checksum changed.
SSH_HOST = ""  # empty: no server configured, `invoke deploy` refuses
SSH_PORT = 22
SSH_USER = ""
SSH_TARGET_DIR = ""  # absolute directory the web server serves, e.g. /var/www/kinh-phi-to-cds
