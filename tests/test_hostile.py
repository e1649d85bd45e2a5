"""No text from the data reaches a page as markup: the hostile-string corpus, statically.

Validation refuses exactly the strings the corpus lists as refused, for the reason it gives;
every other string is published and must appear on its pages as text, nowhere as a tag, an
attribute, a URL, or anything that breaks the JSON files. The same site is loaded in Chromium
by tests/browser/test_hostile_browser.py.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import lxml.html

from scripts.ingest.load import load
from scripts.validate.rules import validate
from tests.hostile import TEXT_COLUMNS, corpus, hostile_data, team_id

URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "srcdoc", "poster", "xlink:href")


def test_the_corpus_has_over_a_hundred_strings_of_every_kind():
    strings = corpus()
    assert len(strings) >= 100
    assert sum(refused is None for refused in strings.values()) >= 100
    text = "\n".join(strings)
    for kind in ("<script>", "onerror=", "javascript:", "](javascript:", "{{7*7}}", "\u202e", "\u200b", "=HYPERLINK", "\u0645"):
        assert kind in text


def test_validation_refuses_exactly_the_listed_strings_and_says_why(tmp_path):
    strings = corpus()
    long_string = "<script>alert(1)</script>" * 4000  # 100,000 characters
    strings[long_string] = "cell-too-long"
    data = hostile_data(tmp_path / "data", list(strings))
    _, report = validate(load(data))
    refused = defaultdict(set)
    by_id = {team_id(index): text for index, text in enumerate(strings)}
    for problem in report.errors:
        assert problem.column in TEXT_COLUMNS, problem.as_row()
        row = problem.row - 2  # the header is row 1: row 2 is string 0
        refused[by_id[team_id(row)]].add(problem.code)
    expected = {text: {code} for text, code in strings.items() if code}
    assert dict(refused) == expected


def tags(site: Path) -> set[str]:
    return {
        element.tag
        for page in site.rglob("*.html")
        for element in lxml.html.fromstring(page.read_bytes()).iter()
        if isinstance(element.tag, str)
    }


def test_published_strings_are_text_on_their_pages_and_never_markup(hostile_site, tiny_site):
    site, shown = hostile_site
    theme_tags = tags(tiny_site)  # the same templates with harmless data: every tag the theme writes
    pages = sorted(site.rglob("*.html"))
    on_team_pages = 0
    for page in pages:
        tree = lxml.html.fromstring(page.read_bytes())
        where = page.relative_to(site).as_posix()
        for element in tree.iter():
            if not isinstance(element.tag, str):
                continue
            assert element.tag in theme_tags, (where, element.tag)
            for name, value in element.attrib.items():
                assert not name.lower().startswith("on"), (where, name, value)
                if name in URL_ATTRIBUTES:
                    assert not value.strip().lower().startswith(("javascript:", "vbscript:", "data:text/html")), (where, value)
        if where.startswith("to/") and (team := where.split("/")[1]) in shown:
            assert shown[team] in tree.text_content(), where
            on_team_pages += 1
    assert on_team_pages == len(shown)


def test_every_json_file_still_parses_with_the_strings_inside(hostile_site):
    site, shown = hostile_site
    files = [path for path in site.rglob("*.json")]
    assert files
    found = set()
    for path in files:
        text = json.loads(path.read_text(encoding="utf-8"))
        found |= {value for value in shown.values() if value in json.dumps(text, ensure_ascii=False)}
    assert found, "the strings are published in the JSON downloads too"


def test_no_page_embeds_a_string_inside_a_script_or_style_element(hostile_site):
    site, shown = hostile_site
    markers = [value for value in shown.values() if "<" in value and len(value) > 10]
    for page in site.rglob("*.html"):
        tree = lxml.html.fromstring(page.read_bytes())
        for element in tree.iter("script", "style"):
            body = element.text or ""
            for marker in markers:
                assert marker not in body, (page.relative_to(site).as_posix(), marker)



def test_the_province_file_is_text_on_every_page_and_on_the_map(tiny_data, tmp_path):
    import re

    from markupsafe import escape

    from scripts.model.urls import province_map_path
    from scripts.publish import pipeline as publish
    from tests.conftest import TEST_OVERRIDES

    name, source = '<script>alert(1)</script> Tỉnh "Thử"', "<img src=x onerror=alert(1)> & co"
    toml = f"name = {json.dumps(name, ensure_ascii=False)}\nboundaries_source = {json.dumps(source, ensure_ascii=False)}\n"
    (tiny_data / "reference" / "province.toml").write_text(toml, encoding="utf-8")
    paths = publish.Paths(tmp_path / "root", tiny_data)
    publish.publish(paths, overrides=TEST_OVERRIDES)
    home = lxml.html.fromstring((paths.output / "index.html").read_bytes())
    assert name in home.xpath("string(//nav[@class='breadcrumbs'])")
    assert f"Ranh giới hành chính: {source}." in home.xpath("string(//footer)")
    assert not home.xpath("//img") and not [s for s in home.xpath("//script") if "alert" in (s.text or "")]
    # The map credits the source through Leaflet, which takes HTML: it gets the escaped text.
    page = (paths.output / province_map_path(2025)).read_text(encoding="utf-8")
    config = json.loads(re.search(r"BanDo\.province\([^,]+, (\{.*\})\);", page)[1])
    assert config["attribution"] == str(escape(f"Ranh giới hành chính: {source}"))
    assert "<img" not in page
