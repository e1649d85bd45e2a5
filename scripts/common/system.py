"""How many cores a build may use, asked portably (Linux, macOS, Windows)."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T, R = TypeVar("T"), TypeVar("R")
# Set by a caller that runs several publishes side by side (the national build's local pool): each then
# keeps to this many cores instead of starting a pool as wide as the machine.
CORES_VARIABLE = "PUBLISH_CORES"


def cores() -> int:
    """The cores this process may run on: ``os.process_cpu_count`` (Python 3.13+) honours CPU
    affinity; before it, ``os.cpu_count`` counts the machine's. ``PUBLISH_CORES`` caps it."""
    if shared := os.environ.get(CORES_VARIABLE):
        return max(1, int(shared))
    count = getattr(os, "process_cpu_count", os.cpu_count)()
    return count or 1


def processes_for(count: int, least_per_process: int) -> int:
    """How many processes ``count`` independent items are worth: at most one per core, and none
    for fewer than ``least_per_process`` items each (a process then costs more than it saves)."""
    return max(1, min(cores(), count // least_per_process))


def process_pool(workers: int, initializer: Callable[..., None] | None = None, initargs: tuple = ()) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes, forked where the system can fork: a forked worker starts with
    this process's imports, templates and fonts, where a new interpreter would import them all again
    (Python 3.14 makes forkserver the default on Linux). Elsewhere, the system's default."""
    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    return ProcessPoolExecutor(workers, context, _start_worker, (os.getpid(), initializer, initargs))


def _start_worker(parent: int, initializer: Callable[..., None] | None, initargs: tuple) -> None:
    """Leave when the pool's process is gone: a publish killed outright (SIGKILL) never shuts its pool
    down, and its idle workers would otherwise wait for work for ever."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()
    if initializer:
        initializer(*initargs)


def map_on_every_core(function: Callable[[T], R], items: list[T], least_per_process: int, initializer: Callable[..., None] | None = None, initargs: tuple = ()) -> list[R]:
    """``[function(item) for item in items]``, spread over a pool of ``processes_for`` processes, each
    set up by ``initializer(*initargs)`` first; in this process when one is enough."""
    processes = processes_for(len(items), least_per_process)
    if processes == 1:
        if initializer:
            initializer(*initargs)
        return [function(item) for item in items]
    with process_pool(processes, initializer, initargs) as pool:
        return list(pool.map(function, items, chunksize=max(1, len(items) // (processes * 4))))
