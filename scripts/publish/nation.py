"""The national build: reads each province's data folder; writes each province's release through the pipeline, then the national index page that links them.

A province is a complete data/ folder (see scripts/dev/synthetic.py for the layout) and builds into its
own root with its own releases and atomic switch, so provinces never wait for or break each other.
Each province's publish is one call, ``publish_province``, submitted to a ``concurrent.futures``
Executor: by default a local process pool (one worker per core), or with ``--scheduler`` a Dask
cluster, whose ``distributed.Client`` offers the same interface (docs/architecture.md). A
province whose inputs have not changed since its live release is skipped. The national site is
itself a release: ``index.html`` plus one link per province to that province's live ``output``,
switched live atomically.

    <root>/provinces/<slug>/      the province's Paths root (build/, output → build/releases/…)
    <root>/output                 the national site: index.html, <slug> → ../../provinces/<slug>/output
"""

from __future__ import annotations

import argparse
import csv
import json
import os
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader

from scripts.common import cache, system
from scripts.common.files import write_new
from scripts.common.formatting import JINJA_FILTERS, mid_sentence
from scripts.ingest.load import PROVINCE_FILE, read_toml
from scripts.publish import pipeline as publish
from scripts.site.pages import read_dataset
from scripts.validate import console as report
from scripts.validate.rules import ValidationFailed

ROOT = Path(__file__).resolve().parents[2]
# Where the national site is served until it has an address of its own (--base-url): a reserved
# name (RFC 2606), so no page points at a real site, such as Cao Bằng's, by mistake.
BASE_URL = "https://kinhphi-cdscd.invalid"


@dataclass
class ProvinceResult:
    slug: str
    name: str
    seconds: dict[str, float] = field(default_factory=dict)
    skipped: bool = False


def read_provinces(nation_data: Path) -> list[dict]:
    with (nation_data / "provinces.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def province_paths(root: Path, nation_data: Path, slug: str) -> publish.Paths:
    return publish.Paths(root / "provinces" / slug, nation_data / slug)


def province_settings(province: dict, base_url: str = BASE_URL) -> dict:
    """Its settings from its row of provinces.csv, whose name starts a sentence ('Tỉnh Cao Bằng'). Its
    public address, which its pages and notices' QR codes give, is where the national site links it."""
    name = province["name"]
    return {
        "PUBLIC_BASE_URL": f"{base_url.rstrip('/')}/{province['slug']}",
        "SITENAME": f"Kinh phí Tổ chuyển đổi số cộng đồng {mid_sentence(name)}",
        "SITE_SHORT_NAME": f"Kinh phí Tổ CĐSCĐ {name}",
        "PUBLISHER": f"Ủy ban nhân dân {mid_sentence(name)}",
    }


def input_digest(data_dir: Path, settings: dict) -> str:
    """The province's inputs: the project's code (``cache.key``), its settings and every data file."""
    files = sorted(path for path in data_dir.rglob("*") if path.is_file())
    return cache.key(
        json.dumps(settings, sort_keys=True), *(part for path in files for part in (path.relative_to(data_dir).as_posix(), path.read_bytes()))
    )


class ProvinceNameMismatch(ValueError):
    pass


def check_name(province: dict, data_dir: Path) -> None:
    """provinces.csv names the province on the national index and in its site's name; its own data
    names it on its pages (reference/province.toml): they must be the same."""
    declared = read_toml(data_dir / PROVINCE_FILE).get("name")
    if declared is not None and declared != province["name"]:
        raise ProvinceNameMismatch(
            f"provinces.csv gọi tỉnh {province['slug']} là “{province['name']}”, nhưng "
            f"{data_dir / PROVINCE_FILE} ghi “{declared}”: hãy sửa cho hai tên trùng nhau."
        )


def publish_province(root: Path, nation_data: Path, province: dict, base_url: str = BASE_URL) -> ProvinceResult:
    """Publish one province unless its live release was built from the same inputs. A plain call,
    picklable with its arguments: any Executor can run it, on this machine or another that sees
    the same ``root`` and ``nation_data``."""
    paths = province_paths(root, nation_data, province["slug"])
    check_name(province, paths.data)
    result = ProvinceResult(province["slug"], province["name"])
    settings = province_settings(province, base_url)
    digest = input_digest(paths.data, settings)
    stamp = paths.work / "inputs.sha256"
    if publish.live_release(paths) and stamp.is_file() and stamp.read_text() == digest and summary_file(paths).is_file():
        result.skipped = True
        return result
    timer = publish.StageTimer()
    publish.publish(paths, timer, overrides=settings)
    # The live release's totals, kept for the roll-up: it reads these, not 34 whole datasets.
    write_new(summary_file(paths), json.dumps(summary(paths.work / "dataset.json"), sort_keys=True).encode())
    # After, not before: publishing archives each data release under the data folder (scripts/outputs/releases.py).
    stamp.write_text(input_digest(paths.data, settings))
    result.seconds = timer.seconds
    return result


def summary_file(paths: publish.Paths) -> Path:
    return paths.work / "summary.json"


def summary(dataset_path: Path) -> dict:
    """The latest year's totals of a published province, for the national index."""
    dataset = read_dataset(dataset_path)
    year = max(dataset["years"], key=lambda y: y["fiscal_year"])
    return {
        "fiscal_year": year["fiscal_year"],
        "communes": len(year["communes"]),
        "teams": len(year["teams"]),
        "allocated_vnd": sum(row["amount_vnd"] for row in year["communes"]),
        "sample": any(y["sample"] for y in dataset["years"]),
    }


def index_html(provinces: list[dict], root: Path, nation_data: Path) -> str:
    environment = Environment(loader=FileSystemLoader(ROOT / "theme" / "templates"), autoescape=True, trim_blocks=True, lstrip_blocks=True)
    environment.filters.update(JINJA_FILTERS)
    rows = [
        {**province, **json.loads(summary_file(province_paths(root, nation_data, province["slug"])).read_bytes())}
        for province in provinces
    ]
    return environment.get_template("nation.html").render(provinces=rows, sample=any(row["sample"] for row in rows))


class ProvincesNotPublished(RuntimeError):
    pass


class UnknownProvince(ValueError):
    pass


@publish.exclusive
def roll_up(paths: publish.Paths, nation_data: Path, provinces: list[dict]) -> Path:
    """A new national release: the index, and a link per province to its live site; then switch live.
    Every province must have been published: the index would otherwise link a site that is not there."""
    sites = {province["slug"]: province_paths(paths.root, nation_data, province["slug"]) for province in provinces}
    missing = [slug for slug, site in sites.items() if not (publish.live_release(site) and summary_file(site).is_file())]
    if missing:
        raise ProvincesNotPublished(
            f"Chưa dựng trang toàn quốc: {len(missing)} tỉnh chưa được công bố lần nào ({', '.join(missing)}). "
            "Hãy công bố các tỉnh đó (--province <slug>) rồi chạy lại với --roll-up-only."
        )
    paths.releases.mkdir(parents=True, exist_ok=True)
    release = paths.releases / f"{publish.next_release_number(paths):06d}"
    release.mkdir()
    write_new(release / "index.html", index_html(provinces, paths.root, nation_data).encode("utf-8"))
    for slug, site in sites.items():
        os.symlink(os.path.relpath(site.output, release), release / slug, target_is_directory=True)
    publish.switch_live(paths, release)
    publish.prune_releases(paths)
    return release


def local_pool(processes: int | None = None) -> ProcessPoolExecutor:
    """One worker per core unless ``processes`` says otherwise (Python's default: ``os.process_cpu_count()``
    from 3.13, ``os.cpu_count()`` before). Each province gets a fresh process, so one province's memory
    never adds to the next: reused workers grew to 2.9 GB over the nation. The pool runs provinces side
    by side, so each province publishes on one core (``one_core_each``)."""
    return ProcessPoolExecutor(processes, max_tasks_per_child=1, initializer=one_core_each)


def one_core_each() -> None:
    """In a worker of the local pool: its publish starts no pools of its own. On two cores, provinces
    that each started a pool as wide as the machine used 2.5× the CPU of the whole national build."""
    os.environ[system.CORES_VARIABLE] = "1"


@contextmanager
def cluster(scheduler: str) -> Iterator[Executor]:
    """The Dask cluster at ``scheduler`` (tcp://HOST:PORT) as an Executor. Its workers need the project,
    its pinned libraries (requirements-cluster.txt) and the same paths as this machine."""
    import distributed  # only here: a build on this machine needs no Dask

    with distributed.Client(scheduler) as client:
        # Not pure: a publish writes files, so Dask must never reuse an earlier call's result.
        yield client.get_executor(pure=False)


def run(
    nation_data: Path, root: Path, executor: Executor | None = None, only: list[str] | None = None, base_url: str = BASE_URL
) -> tuple[list[ProvinceResult], float | None]:
    """Publish every province through ``executor`` (by default ``local_pool()``), then the national
    index; or ``only`` these slugs, and not the index, unless ``only`` is empty: then the index alone.

    Returns per-province results and the roll-up's seconds (None when there was none). One job per
    province on another engine is ``--province <slug> --processes 1``: the jobs run side by side,
    and a province's job cannot know whether the others are done. A last job with ``--roll-up-only``
    writes the index.
    """
    provinces = read_provinces(nation_data)
    unknown = sorted(set(only or ()) - {province["slug"] for province in provinces})
    if unknown:
        raise UnknownProvince(f"provinces.csv không có tỉnh {', '.join(unknown)}: hãy dùng slug ở cột slug của tệp đó.")
    chosen = [province for province in provinces if only is None or province["slug"] in only]
    with nullcontext(executor) if executor else local_pool() as pool:
        futures = [pool.submit(publish_province, root, nation_data, province, base_url) for province in chosen]
        results = [future.result() for future in futures]
    if only:
        return results, None
    timer = publish.StageTimer()
    with timer.stage("rollup"):
        roll_up(publish.Paths(root), nation_data, provinces)
    return results, timer.seconds["rollup"]


def main(arguments: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Công bố từng tỉnh rồi trang tổng hợp toàn quốc.")
    parser.add_argument("nation_data", type=Path, help="thư mục có provinces.csv và một thư mục dữ liệu mỗi tỉnh")
    parser.add_argument("root", type=Path, help="thư mục dựng; trang toàn quốc ở <root>/output")
    parser.add_argument("--province", action="append", help="chỉ công bố tỉnh này (slug); lặp lại được")
    parser.add_argument("--roll-up-only", action="store_true", help="chỉ dựng lại trang toàn quốc")
    engine = parser.add_mutually_exclusive_group()
    engine.add_argument("--processes", type=int, help="số tiến trình trên máy này (mặc định: một mỗi lõi)")
    engine.add_argument("--scheduler", help="công bố các tỉnh trên cụm Dask có bộ điều phối ở địa chỉ này (tcp://HOST:PORT)")
    parser.add_argument("--base-url", default=BASE_URL, help="địa chỉ công khai của trang toàn quốc; mỗi tỉnh ở <địa chỉ>/<slug>")
    options = parser.parse_args(arguments)
    only = [] if options.roll_up_only else options.province
    try:
        with cluster(options.scheduler) if options.scheduler else local_pool(options.processes) as executor:
            results, rollup = run(options.nation_data, options.root, executor, only, options.base_url)
    except ValidationFailed as failure:
        report.print_console(failure.report)
        raise SystemExit("Dữ liệu của một tỉnh có lỗi: tỉnh đó chưa được công bố, trang đang chạy không thay đổi.") from None
    except (ProvinceNameMismatch, ProvincesNotPublished, UnknownProvince, publish.PublishLocked) as failure:
        raise SystemExit(str(failure)) from None
    for result in results:
        print(f"{result.name}: {'không đổi, bỏ qua' if result.skipped else f'{sum(result.seconds.values()):.1f} s'}")
    if rollup is None:
        print("Trang toàn quốc chưa đổi: khi mọi tỉnh đã xong, chạy lại với --roll-up-only.")
    else:
        print(f"Trang toàn quốc: {options.root / 'output' / 'index.html'}")


if __name__ == "__main__":
    main()
