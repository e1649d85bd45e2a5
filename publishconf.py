"""Settings for publishing: pelicanconf plus the overrides a public deployment needs."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pelicanconf import *  # noqa: E402,F401,F403

SITEURL = ""  # set to the portal's address (https://…) when a deployment has one
RELATIVE_URLS = True

# Optional deployment, the Pelican convention: `invoke deploy` copies the live site to
# SSH_USER@SSH_HOST:SSH_TARGET_DIR with rsync over SSH, sending only files whose checksum changed.
SSH_HOST = ""  # empty: no server configured, `invoke deploy` refuses
SSH_PORT = 22
SSH_USER = ""
SSH_TARGET_DIR = ""  # absolute directory the web server serves, e.g. /var/www/kinh-phi-to-cds
