"""A republish reuses what did not change, and always equals a clean build: incremental publishing at a tiny size."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from scripts.dev.bench import change_one_amount, project_copy, tree_differences
from scripts.publish import pipeline as publish
from scripts.site import reuse
from tests.helpers import set_cell

ROOT = Path(__file__).resolve().parent.parent


def last_line_printed(script: str, *arguments, cwd: Path = ROOT) -> str:
    """Run ``script`` in a new Python process, as a command would; the last line it printed."""
    run = subprocess.run([sys.executable, "-c", script, *map(str, arguments)], cwd=cwd, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout.strip().splitlines()[-1]


def shared_inodes(left, right, suffix: str = "") -> int:
    count = 0
    for folder, _, names in os.walk(left):
        for name in names:
            if not name.endswith(suffix):
                continue
            other = right / os.path.relpath(os.path.join(folder, name), left)
            count += other.exists() and os.path.samefile(os.path.join(folder, name), other)
    return count


def publish_change_and_clean(tiny_data, tmp_path, change):
    """Publish, ``change`` the data, republish; and the same two publishes of a copy, the second reusing
    nothing. Returns (first release, incremental release, clean release, the copy's paths)."""
    paths = publish.Paths(tmp_path / "site", tiny_data)
    # Its own copy of the data, with the same release history (downloads archive releases under data/).
    reference = publish.Paths(tmp_path / "clean", shutil.copytree(tiny_data, tmp_path / "clean-data"))
    first = publish.publish(paths)
    publish.publish(reference)
    change(tiny_data)
    change(reference.data)
    return first, publish.publish(paths), publish.publish(reference, overrides={"REUSE_FROM": None}), reference


def test_incremental_publish_equals_a_clean_build_and_reuses_unchanged_pages(tiny_data, tmp_path):
    first, second, clean, reference = publish_change_and_clean(tiny_data, tmp_path, change_one_amount)
    assert tree_differences(second, clean) == []
    assert tree_differences(first, second) != []  # the change reached the site
    assert shared_inodes(second, first) > 0  # unchanged pages were linked, not re-rendered
    assert shared_inodes(second / "pagefind", first / "pagefind") > 0  # no name changed: the index was kept
    # Pages rendered afresh (notice PDFs come from their cache either way).
    assert shared_inodes(clean, reference.releases / "000001", ".html") == 0


def test_a_publish_in_a_new_process_links_the_pages_the_last_one_wrote(tiny_data, tmp_path):
    """Staff publish from a fresh interpreter each time (its own hash seed): page keys must not
    depend on the process, or nothing would ever be reused."""
    paths = publish.Paths(tmp_path / "site", tiny_data)
    first = publish.publish(paths)
    code = "import sys; from scripts.publish import pipeline as publish; publish.publish(publish.Paths(sys.argv[1], sys.argv[2]))"
    subprocess.run([sys.executable, "-c", code, str(paths.root), str(tiny_data)], cwd=ROOT, check=True, env={**os.environ, "PYTHONHASHSEED": "random"})
    second = publish.live_release(paths)
    assert second != first and tree_differences(first, second) == []
    data_pages = [page for folder in ("to", "xa") for page in (second / folder).rglob("index.html")]
    assert data_pages and all(os.path.samefile(page, first / page.relative_to(second)) for page in data_pages)
    # Each commune's pages were linked as a whole: its block key is the one the other process computed.
    blocks = reuse.stored_record(first)["blocks"]
    assert blocks and reuse.stored_record(second)["blocks"] == blocks


def replace_in(relative: str, old: str, new: str) -> Callable[[Path], None]:
    """A change to one file under data/: its first ``old`` becomes ``new``."""

    def change(data_dir: Path) -> None:
        path = data_dir / relative
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return change


def own_prose_page(data_dir: Path) -> None:
    """The province's own "Về dữ liệu" page, in place of the project's."""
    page = ROOT / "content" / "pages" / "ve-du-lieu.md"
    own = data_dir / "content" / "pages" / page.name
    own.parent.mkdir(parents=True)
    own.write_text(page.read_text(encoding="utf-8") + "\nTrang riêng của tỉnh.\n", encoding="utf-8")


SITE_WIDE_CHANGES = {
    "the province's name": replace_in("reference/province.toml", 'name = "Tỉnh Cao Bằng"', 'name = "Tỉnh Cao Bằng (mới)"'),
    "the boundaries' source": replace_in("reference/province.toml", 'boundaries_source = "', 'boundaries_source = "Bản đồ: '),
    "the sample note": replace_in("reference/province.toml", 'sample_note = "', 'sample_note = "Ghi chú mới. '),
    "a commune's name": lambda data_dir: set_cell(data_dir / "reference" / "communes.csv", 2, "full_name_sapnhap", "Phường Thục Phán Mới"),
    "the policy's minimum of members": replace_in("policy/policy.toml", "minimum_members = 10", "minimum_members = 12"),
    "the year's publication date": replace_in("allocations/2025/year.toml", "published_on = 2025-02-14", "published_on = 2025-02-13"),
    "a prose page of the province's own": own_prose_page,
}


@pytest.mark.parametrize("change", SITE_WIDE_CHANGES)
def test_incremental_publish_equals_a_clean_build_whatever_input_changed(tiny_data, tmp_path, change):
    first, second, clean, _ = publish_change_and_clean(tiny_data, tmp_path, SITE_WIDE_CHANGES[change])
    assert tree_differences(first, second) != []  # the change reached the site
    assert tree_differences(second, clean) == []


def test_a_file_gone_from_the_live_site_is_made_again(tiny_data, tmp_path):
    """A release never changes once live; should a file still go from it (deleted by hand), the next
    publish makes it again. Linking a page that had gone made every later publish fail; a search
    fragment that had gone was missing from every later release."""
    live = tmp_path / "site" / "output"

    def delete_files(data_dir: Path) -> None:
        if data_dir != tiny_data:
            return  # the clean build's copy of the data: its site is left whole
        fragments = sorted((live / "pagefind" / "fragment").glob("*"))
        # A page of a commune's block, a page linked alone, and a piece of the search index.
        for path in [live / "to/01786-001/index.html", live / "nam/2025/index.html", *fragments[:1]]:
            path.unlink()

    _, again, clean, _ = publish_change_and_clean(tiny_data, tmp_path, delete_files)
    assert tree_differences(again, clean) == []


def test_after_a_library_upgrade_nothing_made_with_the_old_libraries_is_reused(tiny_data, tmp_path):
    """Pages and notices are cached under keys of the code that makes them; the libraries make them too. A copy of the project publishes in its own processes, and its pinned
    versions (constraints.txt) change between two publishes, as an upgrade changes them."""
    project = project_copy(tmp_path / "project")
    publish_in_copy = "import sys; from pathlib import Path; from scripts.publish import pipeline as publish; print(publish.publish(publish.Paths(Path(sys.argv[1]), Path(sys.argv[2]))))"

    def publish_copy() -> Path:
        return Path(last_line_printed(publish_in_copy, tmp_path / "site", tiny_data, cwd=project))

    first = publish_copy()
    again = publish_copy()
    assert shared_inodes(again, first, ".html") > 0 and shared_inodes(again, first, ".pdf") > 0  # same libraries: reused
    with (project / "constraints.txt").open("a", encoding="utf-8") as constraints:
        constraints.write("# an upgrade\n")
    upgraded = publish_copy()
    # Map pages are linked when their bytes are the same (maps.Writer compares them), not by a key.
    assert shared_inodes(upgraded, again, ".html") == shared_inodes(upgraded / "ban-do", again / "ban-do", ".html")
    assert shared_inodes(upgraded, again, ".pdf") == 0


def rename_first_team(data_dir) -> None:
    path = sorted(data_dir.glob("allocations/*/teams/*.csv"))[-1]
    text = path.read_text(encoding="utf-8")
    header, first, rest = text.split("\n", 2)
    column = header.split(",").index("team_name")
    cells = first.split(",")
    cells[column] = "Tổ Nà Giàng đổi tên"
    path.write_text("\n".join([header, ",".join(cells), rest]), encoding="utf-8")


def test_a_renamed_team_is_searchable_after_an_incremental_publish(tiny_data, tmp_path):
    first, second, clean, _ = publish_change_and_clean(tiny_data, tmp_path, rename_first_team)
    assert tree_differences(second, clean) == []
    assert tree_differences(first / "pagefind", second / "pagefind") != []  # the index was rebuilt


def test_a_one_cell_republish_imports_neither_folium_nor_pandas(tiny_data, tmp_path):
    """Staff wait for a command's imports too: the map pages folium draws are kept under their cache key
    (scripts/outputs/maps.py), and the communes are read without pandas, so a correction loads neither.
    Here both are made unimportable, in the publish and in the workers it forks."""
    publish_without = (
        "import sys; from pathlib import Path; from scripts.publish import pipeline as publish;"
        " sys.modules.update(dict.fromkeys(sys.argv[3:]));"
        " publish.publish(publish.Paths(Path(sys.argv[1]), Path(sys.argv[2]))); print('published')"
    )

    def publishes_without(*modules: str) -> bool:
        done = subprocess.run([sys.executable, "-c", publish_without, tmp_path / "site", tiny_data, *modules], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip().endswith("published")

    assert not publishes_without("folium")  # the first publish draws the two map pages
    assert publishes_without("pandas")
    change_one_amount(tiny_data)
    assert publishes_without("folium", "pandas")
