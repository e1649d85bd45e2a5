"""Deploy, after the publish and only when asked: reads the live output/; copies it to a web server with rsync over SSH (Pelican's convention).

Only files whose checksum changed are sent (``-c``), files gone from the site are deleted on the
server, and ``--delay-updates`` puts every changed file in place at the end of the transfer, so
visitors see the old site or the new one, not a long mix. The target is set in pelicanconf.py.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from pelican.settings import read_settings

from scripts.publish.pipeline import Paths, live_release

ROOT = Path(__file__).resolve().parents[2]


class DeployError(RuntimeError):
    pass


def target_settings(config: Path = ROOT / "pelicanconf.py") -> dict:
    settings = read_settings(str(config))
    return {key: settings.get(key) for key in ("SSH_HOST", "SSH_PORT", "SSH_USER", "SSH_TARGET_DIR")}


def rsync_command(settings: dict, source: Path, dry_run: bool = False) -> list[str]:
    host, target = settings["SSH_HOST"], settings["SSH_TARGET_DIR"]
    if not host:
        raise DeployError("Chưa cấu hình máy chủ: đặt SSH_HOST, SSH_USER, SSH_TARGET_DIR trong pelicanconf.py.")
    if not target or not target.startswith("/") or target.rstrip("/") == "":
        # --delete on a relative or root path could wipe a home directory or the whole server.
        raise DeployError(f"SSH_TARGET_DIR phải là một thư mục tuyệt đối, không phải “/” (hiện là “{target}”).")
    remote = f"{settings['SSH_USER']}@{host}" if settings["SSH_USER"] else host
    return [
        "rsync",
        "-rlpcvz",
        "--delete-after",
        "--delay-updates",
        *(["--dry-run"] if dry_run else []),
        "-e",
        f"ssh -p {int(settings['SSH_PORT'] or 22)}",
        f"{source}/",
        f"{remote}:{target.rstrip('/')}/",
    ]


def run(paths: Paths, dry_run: bool = False) -> list[str]:
    """Send the live release (what output/ points at); return the command that ran."""
    source = live_release(paths)
    if source is None:
        raise DeployError("Chưa có trang nào được công bố: chạy “invoke publish” trước.")
    command = rsync_command(target_settings(), source, dry_run)
    subprocess.run(command, check=True)
    return command
