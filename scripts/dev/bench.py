"""`invoke bench`: full and incremental publish at three sizes, beside Hugo on the same pages.

Sizes: ``province`` (the bundled sample: 56 communes, 1,431 teams, 2 years), ``provinces10`` and
``nation`` (synthetic, scripts/dev/synthetic.py; built per province by scripts/publish/nation.py). Each size
runs in its own child process, so its peak memory is its own: the parent samples the memory of
the child's whole process tree (pagefind and the worker processes included) as the sum of each
process's proportional set size (PSS): forked workers share their parent's pages, which a sum of
resident sizes would count once per process.

For each size the child times: full publishes (per stage; ``REPEATS`` of them, each into a fresh
root, the median reported with every run), as many incremental publishes, each after one more
change to one team's amount in one commune's CSV, and each time the same publish in a fresh root
with nothing reused, whose output must be byte-identical to the incremental one. Hugo builds as many times. Timings are figures to
read, never pass/fail; a fixed CPU loop and a fixed batch of small files, timed before each size,
tell a slow moment of the machine from a slow build. Every timed build starts after a ``sync`` and goes into a
folder never used before. Nothing is deleted until the whole bench is over, and each size starts with the
kernel's clean caches dropped (``settle_disk``): on this VM's disk, files deleted shortly before make every
new file dearer to create.
For the province, the bench also runs `invoke publish` itself, a new process each time, as staff do: what
a command pays to start counts there (``command_line_publishes``). Results go to the console and to
benchmarks/results.md, with the machine, the commit and issue 7's targets marked met or not.
"""

from __future__ import annotations

import argparse
import csv
import filecmp
import importlib
import io
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

# The whole publisher, before anything is timed (``publish.build_release`` imports the site's stages
# itself, and map_templates imports folium): the province's in-process figures leave imports out;
# `command_line_publishes` counts them. A national build imports it again in each province's fresh process.
from scripts.dev import budgets, synthetic, system_packages
from scripts.publish import nation
from scripts.publish import pipeline as publish

importlib.import_module("scripts.outputs.map_templates")  # folium, which the maps import only when they draw

ROOT = Path(__file__).resolve().parents[2]
SIZES = ("province", "provinces10", "nation")
# Hugo holds every page in memory (2.1 GB at 10,000 pages, GUIDE §3): too much at national size here.
HUGO_SIZES = ("province", "provinces10")
RESULTS = ROOT / "benchmarks" / "results.md"
# Full and one-cell publishes per size (the median is reported, with every run): this VM's speed moves
# by a third within minutes. The nation runs once: one full publish there takes minutes.
REPEATS = {"province": 3, "provinces10": 3, "nation": 1}
T = TypeVar("T")
STAGES = ("validate", "maps", "downloads", "pages", "notices", "api", "checks", "search", "links", "rollup")


def change_one_amount(data_dir: Path) -> str:
    """Take one month's support off the first team of the first commune of the latest year."""
    year = max((p for p in (data_dir / "allocations").iterdir() if p.name.isdigit()), key=lambda p: p.name)
    path = sorted((year / "teams").glob("*.csv"))[0]
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    column = rows[0].index("amount_vnd")
    rows[1][column] = str(int(rows[1][column]) - 500_000)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path.relative_to(data_dir).as_posix()


def tree_differences(left: Path, right: Path) -> list[str]:
    """Relative paths whose presence or bytes differ between two site trees (symlinks followed)."""
    comparison = filecmp.dircmp(left, right)
    differences = [*comparison.left_only, *comparison.right_only, *comparison.funny_files]
    _, mismatch, errors = filecmp.cmpfiles(left, right, comparison.common_files, shallow=False)
    differences += mismatch + errors
    for name in comparison.common_dirs:
        differences += [f"{name}/{path}" for path in tree_differences(left / name, right / name)]
    return sorted(differences)


def machine_cpu_seconds() -> tuple[float, float]:
    """CPU seconds the whole machine has spent so far, (user, kernel), from /proc/stat: every process
    of a build counted, the national build's province processes too."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]]
    user, nice, system, _, _, irq, softirq = fields
    tick = os.sysconf("SC_CLK_TCK")
    return (user + nice) / tick, (system + irq + softirq) / tick


def site_figures(site: Path) -> dict:
    pages = size = 0
    for folder, _, names in os.walk(site, followlinks=True):
        for name in names:
            pages += name.endswith(".html")
            size += os.stat(os.path.join(folder, name)).st_size
    return {"pages": pages, "bytes": size}


class Run:
    """One size's publishes inside the child process."""

    def __init__(self, size: str, work: Path):
        self.size, self.work = size, work
        self.multi = size != "province"

    def prepare(self) -> None:
        if self.multi:
            self.data = self.work / "data"
            synthetic.generate(synthetic.SIZES[self.size], self.data)
        else:
            self.data = synthetic.bundled_province(self.work)

    def publish(self, data: Path, root: Path) -> dict[str, float]:
        if not self.multi:
            timer = publish.StageTimer()
            publish.publish(publish.Paths(root, data), timer)
            return timer.seconds
        results, rollup = nation.run(data, root)
        seconds = {"rollup": rollup}
        for result in results:
            for stage, value in result.seconds.items():
                seconds[stage] = seconds.get(stage, 0.0) + value
        return seconds

    def changed_site(self, root: Path) -> Path:
        """The site a one-cell change touches: the whole site, or the changed province's."""
        return root / "output" if not self.multi else root / "provinces" / "tinh-01" / "output"

    def changed_data(self) -> Path:
        return self.data / "tinh-01" if self.multi else self.data

    def reference(self) -> tuple[publish.Paths, dict]:
        """A copy of the changed site's data, published with nothing reused, and the settings it uses.

        Its own copy: publishing archives each data release under the data folder.
        """
        copy = self.work / "clean-data"
        shutil.copytree(self.changed_data(), copy)
        settings = nation.province_settings(nation.read_provinces(self.data)[0]) if self.multi else {}
        return publish.Paths(self.work / "clean", copy), settings

    def full_publishes(self, repeats: int) -> tuple[float, dict[str, float], list[tuple[float, list[float]]]]:
        """``repeats`` full publishes, each into a fresh root; the median one's seconds and stages, and
        every run's seconds with the machine's CPU seconds (user, kernel) during it. The first root is
        kept: the incremental publish starts from it."""
        runs, roots = [], [self.work / ("site" if attempt == 0 else f"site-repeat-{attempt}") for attempt in range(repeats)]
        for root in roots:
            os.sync()
            start, cpu_before = time.perf_counter(), machine_cpu_seconds()
            stages = self.publish(self.data, root)
            cpu = [after - before for before, after in zip(cpu_before, machine_cpu_seconds())]
            runs.append((time.perf_counter() - start, stages, cpu))
        full, stages, _ = median(runs, key=lambda run: run[0])
        return full, stages, [(seconds, cpu) for seconds, _, cpu in runs]

    def measure(self, repeats: int = 1) -> dict:
        self.prepare()
        full, stages, full_runs = self.full_publishes(repeats)
        figures = site_figures(self.work / "site" / "output")
        reference, settings = self.reference()
        publish.publish(reference, overrides=settings)
        incremental_runs, differences = [], set()
        for _ in range(repeats):  # each a further change to the same cell, each compared with a clean build
            changed = change_one_amount(self.changed_data())
            change_one_amount(reference.data)
            os.sync()
            start = time.perf_counter()
            incremental_stages = self.publish(self.data, self.work / "site")
            incremental_runs.append((time.perf_counter() - start, incremental_stages))
            # The same history (downloads keep a change log of releases), without reusing anything.
            publish.publish(reference, overrides={**settings, "REUSE_FROM": None})
            differences.update(tree_differences(self.changed_site(self.work / "site"), reference.output))
        incremental, incremental_stages = median(incremental_runs, key=lambda run: run[0])
        return {
            "size": self.size,
            # Transfer budgets are for one province's pages: measured on the bundled province only.
            "budgets": None if self.multi else budgets.measure(self.work / "site" / "output"),
            "full_seconds": full,
            "full_runs": [seconds for seconds, _ in full_runs],
            "full_cpu": [cpu for _, cpu in full_runs],
            "stages": stages,
            "incremental_seconds": incremental,
            "incremental_runs": [seconds for seconds, _ in incremental_runs],
            "incremental_stages": incremental_stages,
            "changed_file": changed,
            "incremental_differences": sorted(differences)[:20],
            **figures,
        }


def hugo_peer(dataset_paths: list[Path], work: Path, repeats: int) -> tuple[float, list[float], int, int]:
    """Build the same data pages with Hugo, as Markdown tables, ``repeats`` times into a fresh folder;
    return (median seconds, every run's seconds, peak PSS bytes, pages)."""
    from scripts.dev import hugo_peer as peer

    site = work / "hugo"
    pages = peer.write_site(dataset_paths, site)
    runs, peak = [], 0
    # A fresh folder each time, kept until the bench ends (``settle_disk``): six builds of the 10
    # provinces in a row, each into the folder the one before had just deleted, took from 3.7 s up to
    # 17.5 s; three into new folders took 3.7–5.1 s.
    destinations = [work / f"hugo-public-{attempt}" for attempt in range(repeats)]
    for destination in destinations:
        os.sync()
        seconds, run_peak = watch([str(system_packages.HUGO), "--quiet", "--source", str(site), "--destination", str(destination)])
        runs.append(seconds)
        peak = max(peak, run_peak)
    return median(runs), runs, peak, pages


def median(items: list[T], key: Callable[[T], float] | None = None) -> T:
    """The middle item by ``key`` (of an even number, the lower middle): a real run, never an average."""
    return sorted(items, key=key)[(len(items) - 1) // 2]


def best_milliseconds(attempts: int, work: Callable[[int], None]) -> float:
    """The shortest of ``attempts`` timed calls of ``work(attempt)``, in milliseconds."""
    best = float("inf")
    for attempt in range(attempts):
        start = time.perf_counter()
        work(attempt)
        best = min(best, time.perf_counter() - start)
    return best * 1000


def cpu_speed() -> float:
    """Milliseconds this machine takes for a fixed pure-Python loop, the best of five: beside the
    figures, so that two runs on machines (or moments) of different speed can be told apart."""

    def loop(_: int) -> None:
        total = 0
        for number in range(2_000_000):
            total += number % 7

    return best_milliseconds(5, loop)


def watch(command: list[str]) -> tuple[float, int]:
    """Run ``command``; return its wall seconds and the peak memory (summed PSS) of its process tree.

    The time is taken when the process ends, not when the sampler next looks: reading PSS takes each
    process's memory lock, so the sampler looks only every 0.2 s."""
    import psutil

    start = time.perf_counter()
    process = psutil.Popen(command)
    peak = 0
    finished = threading.Event()

    def sample() -> None:
        nonlocal peak
        while True:
            try:
                tree = [process, *process.children(recursive=True)]
                peak = max(peak, sum(p.memory_full_info().pss for p in tree if p.is_running()))
            except psutil.Error:
                pass  # a process ended between listing and reading
            if finished.wait(0.2):
                return

    sampler = threading.Thread(target=sample)
    sampler.start()
    process.wait()
    seconds = time.perf_counter() - start
    finished.set()
    sampler.join()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:4])}… thất bại (mã {process.returncode})")
    return seconds, peak


def machine() -> dict:
    import psutil

    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")), platform.processor())
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    dirty = bool(subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout.strip())
    return {
        "cores": os.cpu_count(),
        "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "cpu": model,
        "python": platform.python_version(),
        "commit": commit + (" (với thay đổi chưa commit)" if dirty else ""),
    }


def file_speed(work: Path) -> float:
    """Milliseconds to create 2,000 one-kilobyte files, each in its own folder, and sync them, the
    best of three: a publish and Hugo both write thousands of small files, and this disk's speed
    moves more than its CPU's."""
    folders = [work / f"file-speed-{attempt}" for attempt in range(3)]

    def write(attempt: int) -> None:
        for number in range(2000):
            (folders[attempt] / str(number)).mkdir(parents=True)
            (folders[attempt] / str(number) / "index.html").write_bytes(b"x" * 1024)
        os.sync()

    return best_milliseconds(len(folders), write)


def settle_disk() -> bool:
    """Sync, then have the kernel drop its clean caches (as root; False when not allowed).

    On ext4 without a journal, as this VM's disk is, each new file or folder skips every inode of its
    block group deleted in the last 60 s (6 minutes while the inode's table block is unwritten), each
    skip a look into the block cache (``recently_deleted`` in the kernel's fs/ext4/ialloc.c; perf showed
    it as two fifths of a publish's kernel time). After 16,000 files and folders were deleted, creating
    2,000 folders with a file each took 1.2–1.9 s, then 0.35 s and 0.11 s once the cache was dropped: a
    block that is not cached counts as written out. Deletions before the bench (a test run, an earlier bench) must not be
    timed as the publish's cost, nor the bench's own: it deletes nothing until the end."""
    os.sync()
    try:
        Path("/proc/sys/vm/drop_caches").write_text("1\n")
    except OSError:
        return False
    return True


# A copy of the project that `invoke publish` can run in: its code, theme, prose, data and pins.
PROJECT_PARTS = ("scripts", "theme", "content", "data", "tasks.py", "pelicanconf.py", "constraints.txt")


def project_copy(destination: Path) -> Path:
    for part in PROJECT_PARTS:
        if (ROOT / part).is_dir():
            shutil.copytree(ROOT / part, destination / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / part, destination / part)
    return destination


def command_seconds(command: list[str], folder: Path) -> float:
    os.sync()
    start = time.perf_counter()
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[-2:])} thất bại (mã {done.returncode}):\n{done.stdout}{done.stderr}")
    return seconds


def command_line_publishes(work: Path, repeats: int, hugo_site: Path | None = None) -> dict:
    """`invoke publish` as staff run it, a new process each time, in copies of the project: ``repeats``
    cold publishes (no build/, no output/), each in a fresh copy and each followed by a Hugo build of the
    same pages when ``hugo_site`` is given (alternated, so both see the machine alike), then as many
    one-cell republishes in the first copy. Starting Python and invoke is timed alone as `invoke --list`
    (best of three)."""
    publish_command = [sys.executable, "-m", "invoke", "publish"]
    copies = [project_copy(work / f"project-copy-{attempt}") for attempt in range(repeats)]
    full, hugo = [], []
    for attempt, copy in enumerate(copies):
        full.append(command_seconds(publish_command, copy))
        if hugo_site:
            destination = work / f"hugo-command-{attempt}"
            hugo.append(command_seconds([str(system_packages.HUGO), "--quiet", "--source", str(hugo_site), "--destination", str(destination)], work))
    incremental = []
    for _ in range(repeats):
        change_one_amount(copies[0] / "data")
        incremental.append(command_seconds(publish_command, copies[0]))
    start = min(command_seconds([sys.executable, "-m", "invoke", "--list"], copies[0]) for _ in range(3))
    return {"full_runs": full, "hugo_runs": hugo, "incremental_runs": incremental, "start_seconds": start}


def install_system_tools(sizes: list[str], hugo: bool) -> None:
    """Debian's tools the chosen sizes need, installed when missing before anything is timed: Chromium for
    the province's page budgets (scripts/dev/budgets.py), Hugo for the peer builds."""
    if "province" in sizes:
        system_packages.ensure_chromium()
    if hugo and set(sizes) & set(HUGO_SIZES):
        system_packages.ensure_hugo()


def measure_size(size: str, work: Path, hugo: bool, repeats: int) -> dict:
    figures_file = work / f"{size}.json"
    settled = settle_disk()
    speed, disk = cpu_speed(), file_speed(work / f"{size}-file-speed")
    command = [sys.executable, "-m", "scripts.dev.bench", "--child", size, "--repeats", str(repeats)]
    seconds, peak = watch([*command, "--work", str(work / size), "--figures", str(figures_file)])
    result = json.loads(figures_file.read_text(encoding="utf-8"))
    result.update(child_seconds=seconds, peak_memory=peak, cpu_speed_ms=speed, file_speed_ms=disk, settled=settled)
    if hugo and size in HUGO_SIZES:
        site = work / size / "site"
        datasets = sorted(site.glob("provinces/*/build/dataset.json")) or [site / "build" / "dataset.json"]
        result["hugo_seconds"], result["hugo_runs"], result["hugo_peak_memory"], result["hugo_pages"] = hugo_peer(datasets, work / size, repeats)
    if size == "province":  # the one size staff publish with the command itself
        yardstick = None
        if hugo:
            from scripts.dev import hugo_peer as peer

            yardstick = work / size / "hugo-25-rows"
            peer.write_uniform_site(result["pages"], yardstick)
        result["command_line"] = command_line_publishes(work / size, repeats, yardstick)
    return result


def report(results: list[dict], host: dict) -> str:
    lines = [
        "# Kết quả đo hiệu năng (`invoke bench`)",
        "",
        f"Máy: {host['cores']} lõi, {host['ram_gb']} GB RAM, CPU {host['cpu']}, Python {host['python']}.",
        f"Commit: `{host['commit']}`.",
        "Trước mỗi cỡ: sync rồi bỏ bộ đệm sạch của nhân, để các tệp xóa trước đó không làm chậm việc tạo tệp mới (cần quyền root): "
        + ", ".join(f"{r['size']} {'có' if r['settled'] else 'không'}" for r in results)
        + ". Không xóa gì cho đến khi đo xong.",
        "",
        "Thời gian tính bằng giây (wall). Với nhiều tỉnh, thời gian từng bước là tổng của các tỉnh chạy song song"
        " trên các lõi; tổng thời gian là thời gian thực. Bộ nhớ đỉnh: tổng PSS (bộ nhớ riêng cộng phần chia đều của trang dùng chung) của cả cây tiến trình.",
        "",
        "| Cỡ | Trang | Dung lượng | Toàn bộ (s) | Trang/s | Bộ nhớ đỉnh | Cập nhật 1 ô (s) | Tỉ lệ cập nhật/toàn bộ | Giống bản dựng sạch | Hugo (s) | Ta ÷ Hugo |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for r in results:
        hugo = r.get("hugo_seconds")
        hugo_cells = f"{hugo:.1f} | {r['full_seconds'] / hugo:.2f}×" if hugo else "– | –"
        lines.append(
            f"| {r['size']} | {r['pages']:,} | {r['bytes'] / 2**20:,.0f} MB | {r['full_seconds']:.1f} | {r['pages'] / r['full_seconds']:,.0f}"
            f" | {r['peak_memory'] / 2**30:.2f} GB | {r['incremental_seconds']:.2f} | {r['incremental_seconds'] / r['full_seconds']:.0%}"
            f" | {'có' if not r['incremental_differences'] else 'KHÔNG: ' + ', '.join(r['incremental_differences'][:3])}"
            f" | {hugo_cells} |"
        )
    lines += target_lines(results)
    lines += [
        "",
        "## Các lần đo",
        "",
        "Cột «Toàn bộ», «Cập nhật 1 ô» và «Hugo» ở trên là trung vị của các lần dưới đây; mỗi lần cập nhật 1 ô"
        " trừ thêm 500.000 ₫ ở cùng ô đó rồi công bố lại, và được so với một bản dựng sạch. Ngay trước mỗi cỡ, máy đo hai con số chuẩn:"
        " «Vòng lặp chuẩn», số mili giây chạy một vòng lặp Python cố định (tốt nhất của 5 lần), và «Ghi tệp chuẩn»,"
        " số mili giây tạo 2.000 tệp 1 KB, mỗi tệp một thư mục, rồi sync (tốt nhất của 3 lần). Hai lần đo có con số chuẩn"
        " khác nhau đã chạy trên máy (CPU hoặc đĩa) nhanh chậm khác nhau. «CPU của máy» là số giây CPU cả máy dùng trong mỗi lần"
        " công bố toàn bộ, phần chạy mã của chương trình + phần của nhân hệ điều hành (tạo tệp, thư mục, cấp bộ nhớ).",
        "",
        "| Cỡ | Công bố toàn bộ (s) | CPU của máy (s) | Cập nhật 1 ô (s) | Hugo (s) | Vòng lặp chuẩn (ms) | Ghi tệp chuẩn (ms) |",
        "|---|---|---|---|---|---:|---:|",
    ]
    for r in results:
        runs = ", ".join(f"{seconds:.1f}" for seconds in r["full_runs"])
        cpu = ", ".join(f"{user:.1f} + {kernel:.1f}" for user, kernel in r["full_cpu"])
        incremental_runs = ", ".join(f"{seconds:.2f}" for seconds in r["incremental_runs"])
        hugo_runs = ", ".join(f"{seconds:.1f}" for seconds in r.get("hugo_runs", [])) or "–"
        lines.append(f"| {r['size']} | {runs} | {cpu} | {incremental_runs} | {hugo_runs} | {r['cpu_speed_ms']:.0f} | {r['file_speed_ms']:.0f} |")
    lines += command_line_lines(results)
    lines += ["", "## Thời gian từng bước (s)", "", "| Cỡ | " + " | ".join(STAGES) + " |", "|---|" + "---:|" * len(STAGES)]
    for r in results:
        for label, stages in (("toàn bộ", r["stages"]), ("cập nhật 1 ô", r["incremental_stages"])):
            cells = [f"{stages[s]:.2f}" if s in stages else "–" for s in STAGES]
            lines.append(f"| {r['size']} ({label}) | " + " | ".join(cells) + " |")
    lines += budget_lines(results)
    return "\n".join(lines) + "\n"


def target_lines(results: list[dict]) -> list[str]:
    """The budgets (docs/performance.md) against this run's medians, for the sizes it measured: a figure
    to read, never a test."""
    sizes = {r["size"]: r for r in results}
    rows = []
    if province := sizes.get("province"):
        rows.append(("Tỉnh: công bố toàn bộ (trong một tiến trình) ≤ 3 s", f"{province['full_seconds']:.1f} s", province["full_seconds"] <= 3))
        if (command := province.get("command_line")) and command.get("hugo_runs"):
            ratio = median(command["full_runs"]) / median(command["hugo_runs"])
            rows.append(("Tỉnh: lệnh `invoke publish` khi chưa có build/ ≤ 6× Hugo (đo xen kẽ)", f"{ratio:.1f}×", ratio <= 6))
    if nationwide := sizes.get("nation"):
        rows.append(("Toàn quốc: công bố toàn bộ ≤ 150 s", f"{nationwide['full_seconds']:.1f} s", nationwide["full_seconds"] <= 150))
        rows.append(("Toàn quốc: bộ nhớ đỉnh ≤ 2 GB", f"{nationwide['peak_memory'] / 2**30:.2f} GB", nationwide["peak_memory"] <= 2 * 2**30))
    for r in results:
        share = r["incremental_seconds"] / r["full_seconds"]
        rows.append((f"{r['size']}: cập nhật 1 ô ≤ 50% công bố toàn bộ", f"{share:.1%}", share <= 0.5))
        if command := r.get("command_line"):
            share = median(command["incremental_runs"]) / median(command["full_runs"])
            rows.append((f"{r['size']}: cập nhật 1 ô ≤ 50% công bố toàn bộ, bằng lệnh `invoke publish` (cả khởi động)", f"{share:.1%}", share <= 0.5))
        rows.append((f"{r['size']}: cập nhật 1 ô giống hệt bản dựng sạch", f"{len(r['incremental_differences'])} tệp khác", not r["incremental_differences"]))
    lines = ["", "## Mục tiêu", "", "Theo trung vị của lần đo này, trên máy này.", "", "| Mục tiêu | Đo được | Đạt |", "|---|---:|---|"]
    return lines + [f"| {label} | {measured} | {'có' if met else 'KHÔNG'} |" for label, measured, met in rows]


def command_line_lines(results: list[dict]) -> list[str]:
    """`invoke publish` run as a command (``command_line_publishes``), for the sizes that measured it."""
    lines = []
    for r in (r for r in results if r.get("command_line")):
        command = r["command_line"]
        lines += [
            "",
            f"## Bằng lệnh `invoke publish` ({r['size']})",
            "",
            "Mỗi lần một tiến trình mới, như cán bộ chạy lệnh, mỗi lần công bố toàn bộ trong một bản sao mới của dự án:"
            " tính cả khởi động Python, invoke và nạp thư viện, phần mà các số đo ở trên (trong cùng một tiến trình) không tính."
            f" Khởi động riêng (`invoke --list`, tốt nhất của 3 lần): {command['start_seconds']:.2f} s.",
            "",
            "| Lệnh | Các lần (s) | Trung vị (s) |",
            "|---|---|---:|",
        ]
        runs_by_label = [("Công bố toàn bộ, khi chưa có build/", command["full_runs"]), ("Hugo, cùng số trang, mỗi trang một bảng 25 dòng, xen kẽ", command.get("hugo_runs")), ("Cập nhật 1 ô", command["incremental_runs"])]
        for label, runs in (item for item in runs_by_label if item[1]):
            lines.append(f"| {label} | {', '.join(f'{seconds:.2f}' for seconds in runs)} | {median(runs):.2f} |")
    return lines


def budget_lines(results: list[dict]) -> list[str]:
    """Gzipped transfer per page kind against its budget (scripts/dev/budgets.py)."""
    lines = []
    for r in results:
        figures = r.get("budgets")
        if not figures:
            continue
        limits = figures["budgets"]
        rows = [
            ("Trang chủ (HTML+CSS+JS)", figures["home"], limits["page"]),
            (f"Trang xã nặng nhất ({figures['commune']['page']})", figures["commune"], limits["page"]),
            (f"Trang tổ nặng nhất ({figures['team']['page']})", figures["team"], limits["page"]),
            (f"Lần tìm kiếm đầu ({figures['first_search']['files']} tệp)", figures["first_search"], limits["first_search"]),
            (f"Trang bản đồ tỉnh, không tính lớp nền ({figures['map_page']['files']} tệp)", figures["map_page"], limits["map_page"]),
        ]
        lines += ["", f"## Dung lượng truyền tải, nén gzip ({r['size']})", "", "| Trang | Byte | Ngân sách | Đạt |", "|---|---:|---:|---|"]
        lines += [f"| {label} | {f['bytes']:,} | {limit:,} | {'có' if f['bytes'] <= limit else 'KHÔNG'} |" for label, f, limit in rows]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description="Đo thời gian công bố ở các cỡ dữ liệu.")
    parser.add_argument("--sizes", default=",".join(SIZES), help="các cỡ, cách nhau bằng dấu phẩy: " + ", ".join(SIZES))
    parser.add_argument("--no-hugo", action="store_true", help="không dựng trang đối chứng bằng Hugo")
    parser.add_argument("--work", type=Path, help="thư mục làm việc (mặc định: thư mục tạm, xóa khi xong)")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--repeats", type=int, help="số lần công bố toàn bộ và cập nhật 1 ô ở mỗi cỡ (mặc định: 3, toàn quốc 1)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--figures", type=Path, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        figures = Run(arguments.child, arguments.work).measure(arguments.repeats)
        arguments.figures.write_text(json.dumps(figures), encoding="utf-8")
        return
    sizes = [size.strip() for size in arguments.sizes.split(",") if size.strip()]
    unknown = sorted(set(sizes) - set(SIZES))
    if unknown:
        raise SystemExit(f"Cỡ không có: {', '.join(unknown)}. Chọn trong: {', '.join(SIZES)}")
    install_system_tools(sizes, not arguments.no_hugo)
    work = arguments.work or Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        results = []
        for size in sizes:
            results.append(measure_size(size, work, not arguments.no_hugo, arguments.repeats or REPEATS[size]))
            print(report(results[-1:], machine()).split("\n\n", 3)[-1], flush=True)
        text = report(results, machine())
        arguments.results.parent.mkdir(parents=True, exist_ok=True)
        arguments.results.write_text(text, encoding="utf-8")
        print(text)
    finally:
        if arguments.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
