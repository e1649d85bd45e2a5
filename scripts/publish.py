"""Stage 6: the whole chain, and the atomic switch of the live site.

Every publish builds a new release directory under ``build/releases/`` and runs every check
there. Only when all of them pass does ``output`` switch to it, by replacing a symlink in one
``rename`` (atomic on POSIX). Any failure leaves ``output`` exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from scripts import build, checks, validate

KEEP_RELEASES = 5


@dataclass
class Paths:
    """Where a publish reads and writes. Tests point ``data`` at a fixture and ``root`` at a tmp dir."""

    root: Path
    data: Path | None = None

    def __post_init__(self):
        self.root = Path(self.root)
        self.data = Path(self.data) if self.data else self.root / "data"
        self.work = self.root / "build"
        self.output = self.root / "output"

    @property
    def releases(self) -> Path:
        return self.work / "releases"


@dataclass
class StageTimer:
    """Wall time per stage, printed by the tasks and read by the benchmark."""

    seconds: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str):
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start


def build_release(paths: Paths, timer: StageTimer | None = None, overrides: dict | None = None) -> Path:
    """validate → Pelican → checks, into a fresh release directory; return it. Raises on any failure."""
    timer = timer or StageTimer()
    with timer.stage("validate"):
        dataset = validate.run(paths.data, paths.work)
    paths.releases.mkdir(parents=True, exist_ok=True)
    release = paths.releases / f"{next_release_number(paths):06d}"
    try:
        with timer.stage("pelican"):
            build.run(dataset, release, overrides=overrides)
        with timer.stage("checks"):
            checks.run(release, dataset)
    except BaseException:
        shutil.rmtree(release, ignore_errors=True)
        raise
    return release


def next_release_number(paths: Paths) -> int:
    numbers = [int(p.name) for p in paths.releases.iterdir() if p.name.isdigit()]
    return max(numbers, default=0) + 1


def switch_live(paths: Paths, release: Path) -> None:
    """Point ``output`` at ``release`` in one atomic rename of a symlink."""
    target = os.path.relpath(release, paths.output.parent)
    if paths.output.exists() and not paths.output.is_symlink():
        # A plain directory from an older layout: keep it as a release, then link to it.
        legacy = paths.releases / f"{next_release_number(paths):06d}"
        paths.output.rename(legacy)
    pending = paths.output.with_name(paths.output.name + ".next")
    if pending.is_symlink() or pending.exists():
        pending.unlink()
    pending.symlink_to(target, target_is_directory=True)
    os.replace(pending, paths.output)


def live_release(paths: Paths) -> Path | None:
    return paths.output.resolve() if paths.output.is_symlink() else None


def prune_releases(paths: Paths, keep: int = KEEP_RELEASES) -> None:
    live = live_release(paths)
    releases = sorted(p for p in paths.releases.iterdir() if p.name.isdigit())
    for release in releases[:-keep]:
        if release.resolve() != live:
            shutil.rmtree(release)


def publish(paths: Paths, timer: StageTimer | None = None, overrides: dict | None = None) -> Path:
    release = build_release(paths, timer, overrides)
    switch_live(paths, release)
    prune_releases(paths)
    return release


def rollback(paths: Paths) -> Path:
    """Switch ``output`` back to the release before the live one."""
    live = live_release(paths)
    releases = sorted(p for p in paths.releases.iterdir() if p.name.isdigit())
    earlier = [release for release in releases if live is None or release.name < live.name]
    if not earlier:
        raise RuntimeError("Không có bản phát hành nào trước bản đang chạy để quay lại.")
    switch_live(paths, earlier[-1])
    return earlier[-1]
