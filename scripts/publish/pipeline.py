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
import subprocess
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from scripts.outputs import downloads
from scripts.publish import reuse
from scripts.common import system
from scripts.validate import rules as validate
from scripts.outputs import releases as data_releases

T = TypeVar("T")
# All a publish imports: this module, the stages ``build_release`` imports once its worker is forked,
# and folium's map templates (imported when a map is drawn). A national build's fork server and the
# bench import them before any publish.
PUBLISHER_MODULES = ["scripts.publish.pipeline", "scripts.site.build", "scripts.publish.checks", "scripts.outputs.maps", "scripts.outputs.notices", "scripts.outputs.search", "scripts.outputs.map_templates"]
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
    """Wall time per stage, printed by the tasks and read by the benchmark. A stage entered inside
    another (a wait for work done in the background) counts for itself only, not for both."""

    seconds: dict[str, float] = field(default_factory=dict)
    nested: list[float] = field(default_factory=list)  # per open stage: time spent in stages inside it

    @contextmanager
    def stage(self, name: str):
        start = time.perf_counter()
        self.nested.append(0.0)
        try:
            yield
        finally:
            elapsed = time.perf_counter() - start
            self.seconds[name] = self.seconds.get(name, 0.0) + elapsed - self.nested.pop()
            if self.nested:
                self.nested[-1] += elapsed

    def timed(self, name: str, function: Callable[[], T]) -> Callable[[], T]:
        """``function``, its calls counted as stage ``name``."""

        def call() -> T:
            with self.stage(name):
                return function()

        return call


class PublishLocked(RuntimeError):
    pass


_held: dict[Path, int] = {}  # publish lock files this process holds → their file descriptors


def _drop_locks_in_child() -> None:
    """A forked worker must not hold the publish lock: killed, the publish has to release it at once,
    whatever its workers are doing. The descriptor is pointed at /dev/null rather than closed, so
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
@system.fewer_collections()
def build_release(paths: Paths, timer: StageTimer | None = None, overrides: dict | None = None) -> Path:
    """validate → downloads → maps → Pelican → page checks (+ downloads copied in) → notice PDFs →
    search index → link checks, into a fresh release directory; return it. Raises on any failure.

    Work runs beside the stages: the previous release's page folders are made during validation
    (``reuse.Folders``); validation, then the downloads, the staff's reports and the notice PDFs in a
    worker process; pagefind (or ``cp -al`` of the last index) while downloads and notices go in.
    Their times are the waits they cost.
    """
    timer = timer or StageTimer()
    paths.releases.mkdir(parents=True, exist_ok=True)
    release = staging_dir(paths)
    previous = live_release(paths)
    folders = reuse.Folders(release, previous)  # while the data is validated
    background = rendering = indexing = reports = None
    try:
        # Beside the main build, on all cores but one: validation (the input tables never reach this
        # process), the downloads (Pelican waits for their manifest only when it comes to the pages
        # that list files), the staff's reports, then the notice PDFs. Its worker is forked now, while
        # this process holds little.
        background = system.background_pool(max(1, system.cores() - 1))
        validating = background.submit(validate.publishable, paths.data, paths.work)
        # The site's generator and checkers, imported once the worker is forked without them: a command
        # (`invoke publish`) imports Pelican, lexbor and ReportLab while the worker validates.
        from scripts.site import build
        from scripts.publish import checks
        from scripts.outputs import maps
        from scripts.outputs import notices
        from scripts.outputs import search

        overrides = {
            "REUSE_FROM": previous,
            "DELETE_OUTPUT_DIRECTORY": False,
            "PATH": str(build.content_for(paths.data, paths.work)),
            **(overrides or {}),
        }
        with timer.stage("validate"):
            dataset, staff_reports = validating.result()
        preparing = background.submit(downloads.run, dataset, paths.archive, paths.downloads)
        # The staff's reports, by the worker once the downloads are made: a one-cell republish waits
        # for those, and for this process.
        reports = StaffReportsWriting(staff_reports, background)
        with timer.stage("notices"):
            settings = build.pelican_settings(release, dataset, overrides=overrides)
            rendering = notices.Rendering(dataset, settings["PUBLIC_BASE_URL"], paths.work, background)
        with timer.stage("checks"):
            # Read while the pages are being made, not after them, when a one-cell republish waits for nothing else.
            checked = checks.prepare(dataset, overrides["REUSE_FROM"])
        with timer.stage("maps"):
            # Before Pelican, which ends waiting for the downloads in a one-cell republish: not after it.
            geometry = paths.data / "reference" / maps.GEOMETRY.name
            maps.run(dataset, release, settings, geometry, overrides["REUSE_FROM"])
        with timer.stage("pelican"):
            # Unchanged data pages are hard-linked from the live release (scripts/publish/reuse.py).
            settings["DOWNLOADS_MANIFEST"] = timer.timed("downloads", preparing.result)
            settings["PAGES_STAGE"] = functools.partial(timer.stage, "pages")
            build.run(settings)
            folders.finish()
        with timer.stage("checks"):
            inspection = checks.inspect(release, dataset, checked)
        with timer.stage("search"):
            # From the searchable parts the checks cut out of every page; indexed in the background.
            indexing = search.Indexing(release, inspection.searchable(), overrides["REUSE_FROM"])
        with timer.stage("downloads"):
            installed = downloads.install(preparing.result(), release)
        with timer.stage("notices"):
            rendering.install(release)
        with timer.stage("checks"):
            inspection.resolve_references(installed + rendering.paths())  # every file is in but the search index
        with timer.stage("search"):
            indexing.finish()
        with timer.stage("checks"):
            checks.conclude(inspection)
        reports.finish()
    except BaseException:
        folders.stop()
        if indexing:
            indexing.stop()
        if reports:
            reports.finish()  # whatever else failed: staff read them to find why
        discard(release)
        raise
    finally:
        if background:
            background.shutdown(cancel_futures=True)
    return promote(release)


class StaffReportsWriting:
    """``validate.StaffReports`` written by ``pool``'s worker, or by this process when the worker has
    not begun them or could not write them."""

    def __init__(self, reports: validate.StaffReports, pool: Executor):
        self.reports = reports
        self.future = pool.submit(reports.write)

    def finish(self) -> None:
        if self.future.cancel() or self.future.exception() is not None:
            self.reports.write()


def discard(release: Path) -> None:
    """Remove a release and its records. Deleting a release's two thousand folders took 0.26–0.28 s, which
    every republish after the fifth waited for: the release leaves ``releases/`` at once, by a rename into
    ``trash/``, and is deleted there by an ``rm`` of its own that may outlive this process."""
    for kind in reuse.RECORDS:
        reuse.record_file(release, kind).unlink(missing_ok=True)
    if not release.exists():
        return
    trash = release.parent.with_name("trash")
    trash.mkdir(exist_ok=True)
    os.rename(release, Path(tempfile.mkdtemp(dir=trash)) / release.name)
    # All of the trash, so a deletion killed half-way is finished by the next. sh waits for nothing: rm
    # runs on alone, and this process keeps no child to reap.
    leftovers = [str(path) for path in trash.iterdir()]
    subprocess.run(
        ["sh", "-c", 'rm -rf -- "$@" >/dev/null 2>&1 &', "discard", *leftovers],
        stdin=subprocess.DEVNULL, check=True, start_new_session=True,
    )


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
