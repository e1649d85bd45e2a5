"""Stage 6: the whole chain, and the atomic switch of the live site.

Every publish builds a new release directory under ``build/releases/`` and runs every check
there. Only when all of them pass does ``output`` switch to it, by replacing a symlink in one
``rename`` (atomic on POSIX). Any failure leaves ``output`` exactly as it was.

A release is built under ``NNNNNN.partial`` and renamed to ``NNNNNN`` only once every check has
passed, so a build killed half-way can never be switched to or rolled back to. One publish at a
time: every entry point holds ``build/publish.lock`` (an flock, released by the kernel even when
the process is killed). ``build/live.log`` lists every release made live, in order, which is
what ``rollback`` returns through (a release built by ``invoke build`` but never live is skipped).
"""

from __future__ import annotations

import fcntl
import functools
import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from scripts import build, checks, downloads, maps, notices, reuse, search, validate
from scripts import releases as data_releases

KEEP_RELEASES = 5
PARTIAL = ".partial"
LIVE_LOG = "live.log"


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

    @property
    def archive(self) -> Path:
        """The committed history of published data releases (scripts/releases.py), not site builds."""
        return self.data / "releases"

    @property
    def downloads(self) -> Path:
        return self.work / "downloads"


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


class PublishLocked(RuntimeError):
    pass


_held: dict[Path, int] = {}  # lock files this process holds, with nesting depth (publish calls build_release)


def exclusive(function):
    """Run ``function(paths, …)`` holding the publish lock; fail at once if another process holds it."""

    @functools.wraps(function)
    def locked(paths: Paths, *args, **kwargs):
        lock_path = paths.work / "publish.lock"
        if _held.get(lock_path):
            _held[lock_path] += 1
            try:
                return function(paths, *args, **kwargs)
            finally:
                _held[lock_path] -= 1
        paths.work.mkdir(parents=True, exist_ok=True)
        with lock_path.open("w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise PublishLocked("Một lần công bố hoặc quay lại khác đang chạy; hãy đợi nó xong rồi chạy lại.") from None
            _held[lock_path] = 1
            try:
                return function(paths, *args, **kwargs)
            finally:
                del _held[lock_path]

    return locked


@exclusive
def build_release(paths: Paths, timer: StageTimer | None = None, overrides: dict | None = None) -> Path:
    """validate → downloads → Pelican → maps (+ downloads copied in) → notice PDFs → search index
    and checks, into a fresh release directory; return it. Raises on any failure.

    Two stages overlap the others: the notice PDFs render in worker processes from the start, and
    pagefind indexes while the checks parse the pages. Their times below are the waits they cost.
    """
    timer = timer or StageTimer()
    with timer.stage("validate"):
        dataset = validate.run(paths.data, paths.work)
    paths.releases.mkdir(parents=True, exist_ok=True)
    release = staging_dir(paths)
    overrides = {"REUSE_FROM": live_release(paths), **(overrides or {})}
    rendering = indexing = None
    try:
        with timer.stage("notices"):
            # Rendered in the background, on all cores but one, while the main process builds the site.
            settings = build.pelican_settings(release, dataset, overrides=overrides)
            rendering = notices.Rendering(dataset, settings["PUBLIC_BASE_URL"], paths.work / "notices")
        with timer.stage("downloads"):
            manifest = downloads.run(dataset, paths.archive, paths.downloads)
        with timer.stage("pelican"):
            # Unchanged data pages are hard-linked from the live release (scripts/reuse.py).
            settings["DOWNLOADS_MANIFEST"] = str(manifest)
            build.run(settings)
        with timer.stage("maps"):
            maps.run(dataset, release, settings, paths.data / "reference" / maps.GEOMETRY.name)
        with timer.stage("downloads"):
            downloads.install(manifest, release)
        with timer.stage("notices"):
            rendering.install(release)
        # pagefind indexes in its own process while the checks parse the pages, unless the
        # previous release's index may still hold: then the checks say whether it does.
        with timer.stage("search"):
            indexing = search.Indexing(release, overrides["REUSE_FROM"])
        with timer.stage("checks"):
            inspection = checks.inspect(release, dataset)
        with timer.stage("search"):
            indexing.finish(inspection.indexed())
        with timer.stage("checks"):
            checks.conclude(inspection)
    except BaseException:
        for job in (rendering, indexing):
            if job:
                job.stop()
        discard(release)
        raise
    return promote(release)


def discard(release: Path) -> None:
    shutil.rmtree(release, ignore_errors=True)
    for kind in reuse.RECORDS:
        reuse.record_file(release, kind).unlink(missing_ok=True)


def staging_dir(paths: Paths) -> Path:
    """A fresh ``NNNNNN.partial``; leftovers of a killed build are removed first (we hold the lock)."""
    for leftover in paths.releases.glob(f"*{PARTIAL}"):
        discard(leftover)
    return paths.releases / f"{next_release_number(paths):06d}{PARTIAL}"


def promote(staging: Path) -> Path:
    """The checked build becomes a release, under its final name, in one rename."""
    release = staging.with_name(staging.name.removesuffix(PARTIAL))
    for kind in reuse.RECORDS:
        record = reuse.record_file(staging, kind)
        if record.exists():
            os.replace(record, reuse.record_file(release, kind))
    os.rename(staging, release)
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
    with (paths.work / LIVE_LOG).open("a", encoding="utf-8") as log:
        log.write(release.name + "\n")


def live_release(paths: Paths) -> Path | None:
    return paths.output.resolve() if paths.output.is_symlink() else None


def prune_releases(paths: Paths, keep: int = KEEP_RELEASES) -> None:
    live = live_release(paths)
    releases = sorted(p for p in paths.releases.iterdir() if p.name.isdigit())
    for release in releases[:-keep]:
        if release.resolve() != live:
            discard(release)


@exclusive
def publish(paths: Paths, timer: StageTimer | None = None, overrides: dict | None = None) -> Path:
    release = build_release(paths, timer, overrides)
    # Only a release that passed every check joins the committed history (data/releases/).
    data_releases.record(paths.archive, paths.downloads / "manifest.json")
    switch_live(paths, release)
    prune_releases(paths)
    return release


@exclusive
def rollback(paths: Paths) -> Path:
    """Switch ``output`` back to the latest release that was live before the current one."""
    live = live_release(paths)
    log = paths.work / LIVE_LOG
    names = log.read_text(encoding="utf-8").split() if log.exists() else []
    published = {paths.releases / name for name in names if (paths.releases / name).is_dir()}
    earlier = sorted(release for release in published if live is None or release.name < live.name)
    if not earlier:
        raise RuntimeError("Không có bản phát hành nào trước bản đang chạy để quay lại.")
    switch_live(paths, earlier[-1])
    return earlier[-1]
