"""A publish that fails or dies at any point leaves the live site byte for byte as it was.

The fault test learns the stages from a real publish (whatever build_release runs today: maps,
search, downloads…) and makes each one fail in turn, after it has written its files.
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import textwrap
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from scripts.publish import deploy
from scripts.publish import pipeline as publish
from tests.conftest import FIXTURES, ROOT, assemble_data
from tests.helpers import api_run_late, set_cell
from tests.test_publish import tree_digest


def state(paths: publish.Paths) -> tuple:
    """What visitors and a rollback can see: the link, the files behind it, the complete releases."""
    releases = sorted(p.name for p in paths.releases.iterdir() if p.name.isdigit())
    return paths.output.readlink(), tree_digest(paths.output), releases


class Crash(BaseException):
    """Not an Exception: like a KeyboardInterrupt, it must get past every ``except Exception``."""


@dataclass
class CrashAfter(publish.StageTimer):
    """Runs every stage for real, then crashes once the stage numbered ``at`` has done its work."""

    at: int = -1
    entered: list[str] = field(default_factory=list)

    @contextmanager
    def stage(self, name: str):
        position = len(self.entered)
        self.entered.append(name)
        with super().stage(name):
            yield
        if position == self.at:
            raise Crash(name)


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> tuple[publish.Paths, list[str]]:
    """The tiny dataset published once, and the stages that publish went through, in order."""
    root = tmp_path_factory.mktemp("live")
    paths = publish.Paths(root, assemble_data(FIXTURES / "tiny", root / "data"))
    recorder = CrashAfter()
    publish.publish(paths, recorder)
    assert len(recorder.entered) >= 3
    return paths, recorder.entered


def test_a_crash_after_any_stage_leaves_the_live_site_identical(published):
    paths, stages = published
    before = state(paths)
    for position, name in enumerate(stages):
        with pytest.raises(Crash, match=name):
            publish.publish(paths, CrashAfter(at=position))
        assert state(paths) == before, f"the live site changed after a crash in stage {name!r}"
        assert not list(paths.releases.glob(f"*{publish.PARTIAL}")), f"half a release left after {name!r}"


def test_a_crash_while_the_api_is_still_being_linked_in_leaves_no_half_release(tiny_data, tmp_path, monkeypatch):
    """The pool links the JSON API's files into the release beside the pages: removed before the pool
    was done, the release came back as the API's folders (CI saw it once, after a crash in "pages")."""
    monkeypatch.setattr(publish.api, "run", api_run_late)
    paths = publish.Paths(tmp_path / "root", tiny_data)
    with pytest.raises(Crash, match="pages"):
        publish.publish(paths, CrashAfter(at=3))
    assert not list(paths.releases.glob(f"*{publish.PARTIAL}"))


KILLED_PUBLISH = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from scripts.site import build
    from scripts.publish import pipeline as publish

    real = build.run
    def slow(settings, data_dir):
        real(settings, data_dir)
        Path(sys.argv[3]).write_text(settings["OUTPUT_PATH"])
        time.sleep(60)  # killed here, with a whole site written into the staging directory
    build.run = slow
    publish.publish(publish.Paths(sys.argv[1], sys.argv[2]))
    """
)


def test_a_publish_killed_mid_build_is_never_picked_and_releases_the_lock(tiny_data, tmp_path):
    paths = publish.Paths(tmp_path / "root", tiny_data)
    first = publish.publish(paths)
    before = state(paths)
    flag = tmp_path / "staging-written"
    process = subprocess.Popen([sys.executable, "-c", KILLED_PUBLISH, str(paths.root), str(tiny_data), str(flag)], cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while not flag.exists():
            assert process.poll() is None and time.monotonic() < deadline, "the publish never reached Pelican"
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    staging = Path(flag.read_text())
    assert staging.name.endswith(publish.PARTIAL) and staging.is_dir()
    # Its pool's workers leave too (scripts/common/system.py), instead of waiting for work for ever.
    deadline = time.monotonic() + 10
    while subprocess.run(["pgrep", "-f", str(flag)], capture_output=True).returncode == 0:
        assert time.monotonic() < deadline, "a worker of the killed publish is still running"
        time.sleep(0.2)
    assert state(paths) == before
    with pytest.raises(RuntimeError):
        publish.rollback(paths)  # the killed build is not a release to return to
    set_cell(paths.data / "allocations/2025/teams/01273.csv", 2, "member_count", "11")
    second = publish.publish(paths)  # the lock died with the process
    assert not staging.exists() and second.name > first.name
    assert publish.rollback(paths) == first


def test_a_second_publish_while_one_runs_is_refused(tiny_data, tmp_path):
    paths = publish.Paths(tmp_path / "root", tiny_data)
    paths.work.mkdir(parents=True)
    with (paths.work / "publish.lock").open("w") as other:
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        for action in (publish.publish, publish.build_release, publish.rollback):
            with pytest.raises(publish.PublishLocked):
                action(paths)
    assert not paths.output.exists() and not paths.releases.exists()


def test_rollback_returns_only_to_releases_that_were_live(tiny_data, tmp_path):
    paths = publish.Paths(tmp_path / "root", tiny_data)
    first = publish.publish(paths)
    set_cell(tiny_data / "allocations/2025/teams/01273.csv", 2, "member_count", "11")
    publish.build_release(paths)  # checked, but never made live
    set_cell(tiny_data / "allocations/2025/teams/01273.csv", 2, "member_count", "13")
    third = publish.publish(paths)
    assert [p.name for p in sorted(paths.releases.iterdir()) if p.name.isdigit()] == ["000001", "000002", "000003"]
    assert third.name == "000003"
    assert publish.rollback(paths) == first


SETTINGS = {"SSH_HOST": "cong-thong-tin.example.vn", "SSH_PORT": 2222, "SSH_USER": "xuatban", "SSH_TARGET_DIR": "/var/www/kinh-phi/"}


def test_deploy_sends_only_changed_files_over_ssh(tmp_path):
    assert deploy.rsync_command(SETTINGS, tmp_path / "000007") == [
        "rsync", "-rlpcvz", "--delete-after", "--delay-updates",
        "-e", "ssh -p 2222",
        f"{tmp_path}/000007/", "xuatban@cong-thong-tin.example.vn:/var/www/kinh-phi/",
    ]
    assert "--dry-run" in deploy.rsync_command(SETTINGS, tmp_path, dry_run=True)


@pytest.mark.parametrize("override", [{"SSH_HOST": ""}, {"SSH_TARGET_DIR": ""}, {"SSH_TARGET_DIR": "/"}, {"SSH_TARGET_DIR": "www"}])
def test_deploy_refuses_a_target_that_could_wipe_the_wrong_directory(override, tmp_path):
    with pytest.raises(deploy.DeployError):
        deploy.rsync_command({**SETTINGS, **override}, tmp_path)


def test_deploy_sends_the_live_release_and_is_off_by_default(tiny_site, monkeypatch):
    assert deploy.target_settings()["SSH_HOST"] == ""
    ran = []
    monkeypatch.setattr(deploy, "target_settings", lambda: SETTINGS)
    monkeypatch.setattr(deploy.subprocess, "run", lambda command, check: ran.append(command))
    deploy.run(publish.Paths(tiny_site.parent))
    assert ran[0][-2] == f"{tiny_site.resolve()}/"


PUBLISH = "import sys; from scripts.publish import pipeline as publish; publish.publish(publish.Paths(sys.argv[1], sys.argv[2]))"


def test_another_machine_builds_the_same_bytes(tiny_data, tmp_path):
    """Different root, working directory, hash seed, time zone, locale and clock: the same site."""
    sites = []
    for name, env in (
        ("a", {"PYTHONHASHSEED": "1", "TZ": "UTC", "LC_ALL": "C.UTF-8"}),
        ("b", {"PYTHONHASHSEED": "2", "TZ": "Pacific/Kiritimati", "LC_ALL": "C", "LANG": "C"}),
    ):
        root = tmp_path / name / "goc"
        subprocess.run(
            [sys.executable, "-c", PUBLISH, str(root), str(tiny_data)],
            cwd=tmp_path, check=True, capture_output=True,
            env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        )
        sites.append(tree_digest(root / "output"))
        time.sleep(1.1)  # a different second on the clock, in case anything reads it
    assert sites[0] == sites[1]
