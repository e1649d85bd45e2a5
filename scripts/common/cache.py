"""Build caches: one key derivation for all of them, so that none can serve output made by other code.

Every key starts from ``code_digest()``: the bytes of every file under scripts/, theme/ and content/,
pelicanconf.py, pyproject.toml, constraints.txt (the pinned libraries), the libraries actually installed
(``installed_libraries``) and the Python version. Nothing is hand-listed: a change to any of them changes every key at once. An entry adds its
own inputs (``key``). A hand-picked list of files once left the notice PDFs in the old money format
after a change to the formatter (GUIDE §5).

Entries live under ``build/cache/<name>/``, one file per key (``Store``).
"""

from __future__ import annotations

import functools
import hashlib
import os
import sys
from pathlib import Path

from scripts.common.files import write_new

ROOT = Path(__file__).resolve().parents[2]
CODE_FOLDERS = ("scripts", "theme", "content")
CODE_FILES = ("pelicanconf.py", "pyproject.toml", "constraints.txt")


def _code_files(root: Path) -> list[Path]:
    found = [root / name for name in CODE_FILES if (root / name).is_file()]
    for folder in CODE_FOLDERS:
        found += (
            path for path in (root / folder).rglob("*")
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
        )
    return sorted(found)


def installed_libraries() -> list[str]:
    """The name and version of every library Python can import (their ``*.dist-info`` folders): a
    library upgraded by hand, without a change to constraints.txt, still changes every key. Reading
    each library's metadata instead took over a second."""
    return sorted(
        entry.name
        for folder in sys.path if os.path.isdir(folder)
        for entry in os.scandir(folder) if entry.name.endswith((".dist-info", ".egg-info"))
    )


@functools.cache
def code_digest(root: Path = ROOT) -> str:
    """What every build output depends on besides its own inputs: the project's code, templates, prose,
    settings and pinned libraries, and the interpreter."""
    hasher = hashlib.sha256(sys.version.encode() + b"\0")
    hasher.update("\n".join(installed_libraries()).encode() + b"\0")
    for path in _code_files(root):
        hasher.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return hasher.hexdigest()


def key(*inputs: bytes | str) -> str:
    """The key of one cache entry: the code digest, then the entry's own inputs, each length-prefixed
    so that no two different lists of inputs hash alike."""
    hasher = hashlib.sha256(code_digest().encode())
    for part in inputs:
        data = part.encode() if isinstance(part, str) else bytes(part)
        hasher.update(len(data).to_bytes(8, "big") + data)
    return hasher.hexdigest()


class Store:
    """One cache's entries, a file per key under ``build/cache/<name>/``. A missing or unreadable entry
    is made again; ``keep_only`` drops the entries a run no longer asked for."""

    def __init__(self, build_dir: Path, name: str):
        self.folder = Path(build_dir) / "cache" / name

    def get(self, entry_key: str) -> bytes | None:
        try:
            return (self.folder / entry_key).read_bytes()
        except OSError:
            return None

    def put(self, entry_key: str, data: bytes) -> None:
        """Written under a temporary name and renamed, so a reader never sees half an entry."""
        write_new(self.folder / entry_key, data)

    def keep_only(self, keys: set[str]) -> None:
        if self.folder.is_dir():
            for path in self.folder.iterdir():
                if path.name not in keys:
                    path.unlink(missing_ok=True)
