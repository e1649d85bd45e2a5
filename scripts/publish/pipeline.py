"""The pipeline: reads data/; writes a checked release under build/releases/ and switches output/ to it.

``build_release`` names every stage in the order it runs. Each builds into a new release directory
under ``build/releases/``, and every check runs there. Only when all of them pass does ``output``
switch to it, by replacing a symlink in one ``rename`` (atomic on POSIX). Any failure leaves
``output`` exactly as it was.

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

from scripts.common import system
from scripts.outputs import api, database, downloads, maps, notices, search
from scripts.outputs import releases as data_releases
from scripts.publish import checks
from scripts.site import build, reuse
from scripts.validate import rules as validate

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
        """The committed history of published data releases (scripts/outputs/releases.py), not site builds."""
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


_held: dict[Path, int] = {}  # publish lock files this process holds → their file descriptors


def _drop_locks_in_child() -> None:
    """A forked worker (the stages' process pools, scripts/common/system.py) must not hold the publish
    lock: killed, the publish has to release it at once, whatever its workers are doing. The descriptor is pointed at /dev/null rather than closed, so
    that it stays valid for the file object the child inherited."""
    if _held:
        null = os.open(os.devnull, os.O_RDONLY)
        for descriptor in _held.values():
            os.dup2(null, descriptor)
        os.close(null)
        _held.clear()


os.register_at_fork(after_in_child=_drop_locks_in_child)


def exclusive(function):
    """Run ``function(paths, …)`` holding the publish lock; fail at once if another process holds it."""

    @functools.wraps(function)
    def locked(paths: Paths, *args, **kwargs):
        lock_path = paths.work / "publish.lock"
        if lock_path in _held:  # a call inside one holding it (publish calls build_release)
            return function(paths, *args, **kwargs)
        paths.work.mkdir(parents=True, exist_ok=True)
        with lock_path.open("w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise PublishLocked("Một lần công bố hoặc quay lại khác đang chạy; hãy đợi nó xong rồi chạy lại.") from None
            _held[lock_path] = handle.fileno()
            try:
                return function(paths, *args, **kwargs)
            finally:
                del _held[lock_path]

    return locked


@exclusive
def build_release(paths: Paths, timer: StageTimer | None = None, overrides: dict | None = None) -> Path:
    """Build every stage, in this order, into a fresh release directory; return it. Raises on any failure.

    The downloads and the notice PDFs need the dataset only: they are made in a process pool beside
    the stages up to their own, on the core the single-process stages (maps, Pelican's own part) leave
    idle; their stage is the wait for them, then their files linked in. On two cores a cold publish
    took 0.4–0.9 s longer with the notices after the pages, and about 9% longer again with the
    downloads made before the maps."""
    timer = timer or StageTimer()
    release = staging_dir(paths)
    previous = live_release(paths)  # unchanged data pages are hard-linked from it (scripts/site/reuse.py)
    beside = system.process_pool(system.cores())
    try:
        with timer.stage("validate"):
            dataset, staff_reports = validate.publishable(paths.data, paths.work)
            staff_reports.write()
        settings = build.pelican_settings(release, dataset, overrides={
            "REUSE_FROM": previous,
            "DELETE_OUTPUT_DIRECTORY": False,  # the downloads are in already
            "PATH": str(build.content_for(paths.data, paths.work)),
            "DATA_RESOURCES": downloads.DICTIONARY_RESOURCES,  # the published tables, for the data dictionary
            "DATA_VIEWS": database.VIEWS,  # and the SQLite database's summary views
            "DATA_API": api.documented(),  # and the JSON API's kinds of file
            **(overrides or {}),
        })
        making_downloads = beside.submit(downloads.run, dataset, paths.archive, paths.downloads, settings["PUBLIC_BASE_URL"])
        notice_pdfs = notices.Rendering(dataset, settings["PUBLIC_BASE_URL"], paths.work, beside)
        with timer.stage("maps"):
            maps.run(dataset, release, settings, paths.work, paths.data / "reference" / maps.GEOMETRY.name, settings["REUSE_FROM"])
        with timer.stage("downloads"):
            settings["DOWNLOADS_MANIFEST"] = making_downloads.result()
            downloads.install(settings["DOWNLOADS_MANIFEST"], release)
        # No page needs the JSON API's files: they are made and linked in on the core Pelican leaves idle.
        making_api = beside.submit(api.run, dataset, settings["DOWNLOADS_MANIFEST"], paths.work / "api", release)
        with timer.stage("pages"):
            prose_pages = build.run(settings, paths.data)
        with timer.stage("notices"):
            notice_pdfs.install(release)
        with timer.stage("api"):
            making_api.result()
        with timer.stage("checks"):
            inspection = checks.inspect(release, dataset, prose_pages)
        with timer.stage("search"):
            search.run(release, inspection.searchable(), paths.work / "cache" / "search")
            search.write_team_codes(release, inspection.dataset)  # the dataset checks read already
        with timer.stage("links"):
            checks.conclude(inspection)
    except BaseException:
        # The pool may still be linking the API's files into the release: once it is done, remove the release.
        beside.shutdown(cancel_futures=True)
        discard(release)
        raise
    finally:
        beside.shutdown(cancel_futures=True)
    return promote(release)


def discard(release: Path) -> None:
    """Remove a release and its page keys."""
    reuse.keys_file(release).unlink(missing_ok=True)
    shutil.rmtree(release, ignore_errors=True)


def staging_dir(paths: Paths) -> Path:
    """A fresh, empty ``NNNNNN.partial``; leftovers of a killed build are removed first (we hold the lock)."""
    paths.releases.mkdir(parents=True, exist_ok=True)
    for leftover in paths.releases.glob(f"*{PARTIAL}"):
        discard(leftover)
    staging = paths.releases / f"{next_release_number(paths):06d}{PARTIAL}"
    staging.mkdir()
    return staging


def promote(staging: Path) -> Path:
    """The checked build becomes a release, under its final name, in one rename."""
    release = staging.with_name(staging.name.removesuffix(PARTIAL))
    if reuse.keys_file(staging).exists():
        os.replace(reuse.keys_file(staging), reuse.keys_file(release))
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
