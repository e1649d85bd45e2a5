"""Writing files that other stages, releases or Pelican may already hold.

``write_if_changed`` keeps a file's mtime when its bytes are the same, so later readers can skip it;
``write_anew`` gives a file a new inode, so a release holding the old one by hard link keeps it;
``write_new`` does the same atomically, for files a reader must never see half written.
"""

from __future__ import annotations

import os
from pathlib import Path


def write_if_changed(path: Path, content: bytes) -> bool:
    """Write ``content`` unless ``path`` holds it already; return whether it was written."""
    if path.exists() and path.read_bytes() == content:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return True


def write_anew(path: Path, data: bytes) -> None:
    """A new file under ``path``: the old one is unlinked first, so a release holding it by hard link
    keeps it. Not atomic: for files whose reader copes with one missing or half written (the staged
    downloads, whose manifest is gone while they change). Not a rename over the old file either: ext4
    flushes such a file to disk at once (``auto_da_alloc``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    with path.open("xb") as handle:
        handle.write(data)


def write_new(path: Path, data: bytes) -> None:
    """Write via a temporary name and rename, so a hard-linked file of another release is never changed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pending = path.with_name(f".{path.name}.tmp")
    pending.write_bytes(data)
    os.replace(pending, path)
