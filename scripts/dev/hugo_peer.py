"""The benchmark's peer: the same data pages as plain Markdown tables, for Debian's Hugo to build.

Same page set (scripts.site.pages models: year, commune, team, … pages) at the same URLs, each page's
main table as a Markdown table with the same rows and formatted figures, and one bare layout. Only
the writing of these files is done here; scripts/dev/bench.py times Hugo itself.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from scripts.common.formatting import number, vnd
from scripts.site.pages import PageModel, build_page_models

CONFIG = """\
baseURL = "/"
languageCode = "vi"
title = "Đối chứng Hugo"
disableKinds = ["home", "section", "taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
"""
LAYOUT = """\
<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main><h1>{{ .Title }}</h1>{{ .Content }}</main></body></html>
"""


def cell(text) -> str:
    return str(text).replace("|", "\\|")


def table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def page_table(page: PageModel) -> str:
    """The table the page shows, chosen by its template; prose-only pages have none."""
    context = page.context
    if "communes" in context:
        return table(
            ["Mã", "Xã, phường", "Số tổ", "Thành viên", "Được giao", "Giao cho tổ"],
            [[r["code"], r["full_name"], number(r["team_count"]), number(r["member_count"]), vnd(r["allocated_vnd"]), vnd(r["teams_amount_vnd"])] for r in context["communes"]],
        )
    if "teams" in context:
        return table(
            ["Mã tổ", "Tên tổ", "Thôn", "Thành viên", "Số tháng", "Kinh phí"],
            [[t["team_id"], t["team_name"], t["village"], number(t["member_count"]), number(t["months"]), vnd(t["amount_vnd"])] for t in context["teams"]],
        )
    if "entries" in context:
        return table(
            ["Năm", "Thành viên", "Số tháng", "Kinh phí"],
            [[e["year"]["fiscal_year"], number(e["team"]["member_count"]), number(e["team"]["months"]), vnd(e["team"]["amount_vnd"])] for e in context["entries"]],
        )
    return ""


def markdown(page: PageModel, url: str) -> str:
    title = page.save_as.removesuffix("index.html").strip("/") or "Trang chủ"
    return f'---\ntitle: "{title}"\nurl: "/{url}"\n---\n\n{page_table(page)}'


def empty_site(site: Path) -> Path:
    """A bare Hugo site under ``site``; returns its content folder."""
    shutil.rmtree(site, ignore_errors=True)
    (site / "layouts" / "_default").mkdir(parents=True)
    (site / "config.toml").write_text(CONFIG, encoding="utf-8")
    (site / "layouts" / "_default" / "single.html").write_text(LAYOUT, encoding="utf-8")
    content = site / "content"
    content.mkdir()
    return content


def write_uniform_site(count: int, site: Path, rows: int = 25) -> None:
    """``count`` pages, each a 25-row table of teams: the yardstick the cold-command budget is set against."""
    content = empty_site(site)
    for page in range(count):
        body = table(
            ["Mã tổ", "Tên tổ", "Thôn", "Thành viên", "Số tháng", "Kinh phí"],
            [[f"{page:05d}-{row:03d}", f"Tổ CĐSCĐ thôn mẫu {row:02d}", f"Thôn mẫu {row:02d}", number(10 + row), "12", vnd(6_000_000 + 500_000 * row)] for row in range(1, rows + 1)],
        )
        (content / f"p{page:07d}.md").write_text(f'---\ntitle: "Trang {page}"\nurl: "/p/{page}/"\n---\n\n{body}', encoding="utf-8")


def write_site(dataset_paths: list[Path], site: Path) -> int:
    """Write a Hugo site under ``site`` with every data page of every dataset; return the page count."""
    content = empty_site(site)
    count = 0
    for index, dataset_path in enumerate(dataset_paths):
        prefix = f"{index:02d}/" if len(dataset_paths) > 1 else ""
        _, pages = build_page_models(dataset_path)
        for page in pages:
            url = prefix + page.save_as.removesuffix("index.html")
            (content / f"p{count:07d}.md").write_text(markdown(page, url), encoding="utf-8")
            count += 1
    return count
