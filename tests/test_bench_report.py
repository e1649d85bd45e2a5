"""What `invoke bench` installs, times and reports. Timings are never asserted: they live in benchmarks/results.md."""

from __future__ import annotations

import time
from pathlib import Path

from invoke import MockContext, Result

from scripts.dev.bench import STAGES, target_lines
from scripts.publish import pipeline as publish
from scripts.validate import console as report

ROOT = Path(__file__).resolve().parent.parent


def test_invoke_bench_installs_its_own_pinned_requirements_first(monkeypatch, tmp_path):
    """The Quick start installs the site's and the tests' requirements, not the bench's (psutil)."""
    import tasks

    monkeypatch.chdir(tmp_path)  # run from anywhere: the commands run in the project
    context, ran = MockContext(run=Result(), repeat=True), []
    context.run.side_effect = lambda command, **_: ran.append((context.cwd, command)) or Result()
    tasks.bench(context, sizes="province", hugo=False)
    assert [folder for folder, _ in ran] == [str(ROOT), str(ROOT)]
    install, bench = [command for _, command in ran]
    assert "-m pip install" in install and "-r requirements-bench.txt -c constraints.txt" in install
    assert bench.endswith("-m scripts.dev.bench --sizes province --no-hugo")
    pinned = (ROOT / "requirements-bench.txt").read_text(encoding="utf-8")
    assert "psutil==" in pinned


def test_a_publish_times_every_stage_the_bench_prints_each_once(tiny_data, tmp_path, capfd):
    timer = publish.StageTimer()
    start = time.perf_counter()
    publish.publish(publish.Paths(tmp_path / "site", tiny_data), timer)
    wall = time.perf_counter() - start
    assert set(timer.seconds) == set(STAGES) - {"rollup"}
    assert all(seconds > 0 for seconds in timer.seconds.values())
    # The data pages are timed inside Pelican's stage, and counted for themselves only.
    assert sum(timer.seconds.values()) <= wall
    # Staff read every stage in Vietnamese, and not Pelican's count of its prose pages alone.
    report.print_timings(timer)
    printed = " ".join(" ".join(capfd.readouterr()).split())  # as Rich wrapped it to the terminal
    assert "Done: Processed" not in printed
    assert all(f"{label} {timer.seconds[stage]:.2f} s" in printed for stage, label in report.STAGE_LABELS.items())


def test_the_bench_report_says_which_budgets_its_run_met_and_which_it_did_not():
    def run(size, pages, full, incremental, **more):
        return {"size": size, "pages": pages, "full_seconds": full, "incremental_seconds": incremental, "incremental_differences": [], **more}

    command = {"full_runs": [4.2, 4.0, 4.4], "hugo_runs": [0.8, 0.6, 0.75], "incremental_runs": [2.3, 2.0, 2.1]}
    results = [
        run("province", 1_850, 3.1, 1.2, hugo_seconds=0.3, command_line=command),
        run("provinces10", 18_501, 16.8, 0.7, hugo_seconds=2.8),
        run("nation", 124_419, 140.0, 80.0, peak_memory=2**30),
    ]
    results[2]["incremental_differences"] = ["to/01-001/index.html"]
    rows = [line.strip("|").split(" | ") for line in target_lines(results) if line.startswith("| ") and "Mục tiêu" not in line]
    met = {label.strip(): (measured.strip(), verdict.strip()) for label, measured, verdict in rows}
    assert met == {
        "Tỉnh: công bố toàn bộ (trong một tiến trình) ≤ 3 s": ("3.1 s", "KHÔNG"),
        "Tỉnh: lệnh `invoke publish` khi chưa có build/ ≤ 6× Hugo (đo xen kẽ)": ("5.6×", "có"),  # medians: 4.2 / 0.75
        "Toàn quốc: công bố toàn bộ ≤ 150 s": ("140.0 s", "có"),
        "Toàn quốc: bộ nhớ đỉnh ≤ 2 GB": ("1.00 GB", "có"),
        "province: cập nhật 1 ô ≤ 50% công bố toàn bộ": ("38.7%", "có"),
        "province: cập nhật 1 ô ≤ 50% công bố toàn bộ, bằng lệnh `invoke publish` (cả khởi động)": ("50.0%", "có"),
        "provinces10: cập nhật 1 ô ≤ 50% công bố toàn bộ": ("4.2%", "có"),
        "nation: cập nhật 1 ô ≤ 50% công bố toàn bộ": ("57.1%", "KHÔNG"),
        "province: cập nhật 1 ô giống hệt bản dựng sạch": ("0 tệp khác", "có"),
        "provinces10: cập nhật 1 ô giống hệt bản dựng sạch": ("0 tệp khác", "có"),
        "nation: cập nhật 1 ô giống hệt bản dựng sạch": ("1 tệp khác", "KHÔNG"),
    }
