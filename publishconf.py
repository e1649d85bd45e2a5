"""Settings for publishing: pelicanconf plus the overrides a public deployment needs."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pelicanconf import *  # noqa: E402,F401,F403

SITEURL = ""  # set to the portal's address (https://…) when a deployment has one
RELATIVE_URLS = True
