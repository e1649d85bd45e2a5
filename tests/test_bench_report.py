"""What `invoke bench` installs, times and reports. Timings are never asserted: they live in benchmarks/results.md."""

from __future__ import annotations

import time
from pathlib import Path

from invoke import MockContext, Result

from scripts.dev.bench import STAGES, beyond_pages_lines, target_lines
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


def test_the_bench_report_says_which_targets_its_run_met_and_which_it_did_not():
    def run(size, pages, full, incremental, **more):
        return {"size": size, "pages": pages, "full_seconds": full, "incremental_seconds": incremental, "incremental_differences": [], **more}

    results = [
        run("province", 1_850, 4.0, 1.2, hugo_seconds=0.3),
        run("provinces10", 18_501, 16.8, 0.7, hugo_seconds=2.8),
        run("nation", 124_419, 130.0, 1.4, peak_memory=2**30),
    ]
    results[2]["incremental_differences"] = ["to/01-001/index.html"]
    rows = [line.strip("|").split(" | ") for line in target_lines(results) if line.startswith("| ") and "Mục tiêu" not in line]
    met = {label.strip(): verdict.strip() for label, _, verdict in rows}
    assert met == {
        "Tỉnh: công bố toàn bộ ≤ 5 s": "có",
        "Toàn quốc: công bố toàn bộ ≤ 120 s": "KHÔNG",
        "Toàn quốc: bộ nhớ đỉnh ≤ 2 GB": "có",
        "provinces10, 18,501 trang: ≤ 1.0× thời gian của Hugo": "KHÔNG",
        "province: cập nhật 1 ô ≤ 25% công bố toàn bộ": "KHÔNG",
        "provinces10: cập nhật 1 ô ≤ 25% công bố toàn bộ": "có",
        "nation: cập nhật 1 ô ≤ 25% công bố toàn bộ": "có",
        "province: cập nhật 1 ô giống hệt bản dựng sạch": "có",
        "provinces10: cập nhật 1 ô giống hệt bản dựng sạch": "có",
        "nation: cập nhật 1 ô giống hệt bản dựng sạch": "KHÔNG",
    }


def test_the_bench_report_says_what_the_hugo_target_asks_of_everything_but_the_pages():
    """The median run's CPU time (user + kernel) without its pages stage, over the machine's cores,
    against Hugo's build: only for the sizes the Hugo target is set at."""
    provinces10 = {
        "size": "provinces10", "pages": 18_501, "hugo_seconds": 2.5, "full_seconds": 15.4,
        "full_runs": [15.7, 15.4, 15.1], "full_cpu": [[30.0, 7.0], [24.0, 5.0], [20.0, 4.0]],
        "stages": {"pages": 14.0, "search": 4.9},
    }
    province = {"size": "province", "pages": 1_850, "hugo_seconds": 0.3, "full_seconds": 1.9}
    text = "\n".join(beyond_pages_lines([province, provinces10], cores=2))
    assert [line for line in text.splitlines() if line.startswith("## ")] == ["## provinces10: Hugo so với phần không phải dựng trang"]
    assert "24.0 + 5.0 s CPU" in text and "14.0 s" in text  # the median run's, not another's
    assert "cần 15.0 s CPU: trên 2 lõi, ít nhất 7.5 s, tức 3.00×" in text
