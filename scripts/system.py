"""System packages the browser tests need, installed from Debian when missing (CI starts clean)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")


def ensure_chromium() -> None:
    if CHROMIUM.exists():
        return
    apt = shutil.which("apt-get")
    if apt is None:
        raise RuntimeError("Cần Chromium (/usr/bin/chromium) cho kiểm thử trình duyệt; máy này không có apt-get.")
    subprocess.run([apt, "update", "-qq"], check=True)
    subprocess.run([apt, "install", "-y", "-qq", "chromium"], check=True, env={"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
