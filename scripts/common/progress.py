"""Progress bars for the long stages, on a terminal only: logs and CI output stay clean."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

from rich.console import Console
from rich.progress import track as rich_track

T = TypeVar("T")
CONSOLE = Console(stderr=True)  # the console the staff messages use (scripts/validate/console.py)


def track(items: Iterable[T], description: str, total: int | None = None) -> Iterator[T]:
    if not sys.stderr.isatty():
        return iter(items)
    return iter(rich_track(items, description=description, total=total, transient=True, console=CONSOLE))
