"""Staff commands. Each task is a thin call into one stage of scripts/ (see README "Architecture")."""

import shutil
import subprocess
import sys
from pathlib import Path

from invoke import Exit, task

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from scripts.outputs import releases as data_releases  # noqa: E402
from scripts.publish import pipeline  # noqa: E402
from scripts.validate import console as report  # noqa: E402
from scripts.validate.rules import ValidationFailed  # noqa: E402

PATHS = pipeline.Paths(ROOT)


def _run_stage(action, show=report.print_console):
    """Turn a data or site problem into a readable message and a non-zero exit."""
    try:
        result = action()
    except ValidationFailed as failure:
        show(failure.report)
        raise Exit("Dữ liệu có lỗi: chưa công bố. Trang đang chạy không thay đổi.", code=1)
    except Exception as failure:  # any stage failing must stop the publish, loudly
        raise Exit(f"Dựng trang thất bại: {report.failure_message(failure, PATHS.work)}\nTrang đang chạy không thay đổi.", code=1)
    return result


@task
def sample_data(c):
    """Regenerate the bundled sample data under data/ (deterministic)."""
    from scripts.dev import sample

    changed = sample.generate(PATHS.data)
    print(f"{len(changed)} tệp mẫu thay đổi")


@task(help={"format": "table (the default: a table on a terminal, one line per problem in a log) or json (every problem on stdout)"})
def validate(c, format="table"):
    """Check every CSV under data/; list every problem; exit 1 on any error."""
    from scripts.validate import rules as stage

    if format == "json":
        _, reports = _run_stage(lambda: stage.publishable(PATHS.data, PATHS.work), show=report.print_json)
        reports.write()
        report.print_json(reports.report)
        return
    result = _run_stage(lambda: stage.run(PATHS.data, PATHS.work))
    print(f"Dữ liệu hợp lệ: {result}")
    report.print_report_path()


@task
def template(c):
    """Write the Excel templates staff fill in (data/templates/), generated from the schema."""
    from scripts.ingest.load import load_references
    from scripts.outputs import staff_templates

    changed = staff_templates.write(PATHS.data / "templates", load_references(PATHS.data))
    print(f"{len(changed)} mẫu Excel thay đổi trong data/templates/")


@task
def build(c):
    """Validate and build a release under build/releases/ with all checks, without making it live."""
    timer = pipeline.StageTimer()
    release = _run_stage(lambda: pipeline.build_release(PATHS, timer))
    report.print_timings(timer)
    print(f"Đã dựng: {release}")


@task
def publish(c):
    """The full chain from data/ to a finished output/, switched live only if every check passes."""
    timer = pipeline.StageTimer()
    before = data_releases.latest(PATHS.archive)
    release = _run_stage(lambda: pipeline.publish(PATHS, timer))
    report.print_timings(timer)
    print(f"Đã công bố: output/ → {release.relative_to(PATHS.root)}")
    report.print_data_release(data_releases.latest(PATHS.archive), before, PATHS.archive)


@task(help={"data": "provinces.csv and one data folder per province", "root": "where to build; the national site is ROOT/output", "scheduler": "a Dask cluster's scheduler, tcp://HOST:PORT (default: a process pool on this machine)", "base_url": "the national site's public address; each province at <address>/<slug>"})
def publish_nation(c, data, root, scheduler=None, base_url=None):
    """Publish every province of DATA, then the national index that links them (scripts/publish/nation.py)."""
    from scripts.publish import nation

    if scheduler:  # Dask only for a cluster, pinned as on its workers (requirements-cluster.txt)
        c.run(f"{sys.executable} -m pip install -q --disable-pip-version-check -r {ROOT / 'requirements-cluster.txt'} -c {ROOT / 'constraints.txt'}", env={"PIP_BREAK_SYSTEM_PACKAGES": "1"}, pty=False)
    nation.main([data, root, *(["--scheduler", scheduler] if scheduler else []), *(["--base-url", base_url] if base_url else [])])


@task
def rollback(c):
    """Point output/ back at the previous release."""
    release = _run_stage(lambda: pipeline.rollback(PATHS))
    print(f"Đã quay lại: output/ → {release.relative_to(PATHS.root)}")


@task
def deploy(c, dry_run=False):
    """Copy the live output/ to the server set in pelicanconf.py (rsync over SSH, changed files only)."""
    from scripts.publish import deploy as stage

    try:
        command = stage.run(PATHS, dry_run=dry_run)
    except (stage.DeployError, subprocess.CalledProcessError) as failure:
        raise Exit(f"Chưa triển khai: {failure}", code=1)
    print("Đã triển khai: " + " ".join(command))


@task
def serve(c, port=8000):
    """Serve output/ on http://localhost:PORT."""
    subprocess.run([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(PATHS.output)])


@task
def clean(c):
    """Remove the live site and every build artefact."""
    if PATHS.output.is_symlink():
        PATHS.output.unlink()
    shutil.rmtree(PATHS.output, ignore_errors=True)
    shutil.rmtree(PATHS.work, ignore_errors=True)


@task
def test(c, browser=True):
    """Run the whole test suite (browser tests included; --no-browser skips them)."""
    from scripts.dev import system_packages

    system_packages.ensure_java()
    if browser:
        system_packages.ensure_chromium()
    marker = [] if browser else ["-m", "not browser"]
    c.run(" ".join([sys.executable, "-m", "pytest", *marker]), pty=False)


@task
def docs(c):
    """Regenerate docs/data.md's sections generated from the schema and the validation rules."""
    from scripts.dev import docs as stage

    print("docs/data.md cập nhật" if stage.update_data_reference() else "docs/data.md đã đúng")


@task(help={"sizes": "province, provinces10, nation (comma-separated)", "hugo": "also build the Hugo peer site", "repeats": "full and one-cell publishes per size (default: 3, the nation 1)"})
def bench(c, sizes="province,provinces10,nation", hugo=True, repeats=0):
    """Time full and incremental publishes at each size beside Hugo; write benchmarks/results.md."""
    repeat = ["--repeats", str(repeats)] if repeats else []
    with c.cd(ROOT):
        # Its own pinned additions (memory sampling, the browser driver of the page budgets): the Quick start's publish installs only the site's.
        c.run(f"{sys.executable} -m pip install -q --disable-pip-version-check -r requirements-bench.txt -c constraints.txt", env={"PIP_BREAK_SYSTEM_PACKAGES": "1"}, pty=False)
        c.run(" ".join([sys.executable, "-m", "scripts.dev.bench", "--sizes", sizes, *([] if hugo else ["--no-hugo"]), *repeat]), pty=False)


@task
def update_golden(c):
    """Regenerate the golden files in tests/golden/ from tests/fixtures/tiny on purpose."""
    from tests.golden import regenerate

    regenerate()
