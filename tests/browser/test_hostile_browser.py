"""The hostile-string site in real Chromium: no script from the data runs, no dialog opens,
nothing is fetched from a host named in the data, and every string shows as text.

The site is the ``hostile_site`` fixture (tests/hostile.py); the static checks of the same site
are in tests/test_hostile.py.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import serve

pytestmark = pytest.mark.browser

# Anything the data could make a page call: recorded instead of run.
CANARY = """
window.__hostile = [];
for (const name of ["alert", "confirm", "prompt", "print", "open"]) {
  window[name] = (...args) => { window.__hostile.push(name + ":" + args.join(",")); };
}
"""
# Inline handlers and script URLs in the live DOM (after the site's own scripts ran); Pagefind's
# search form sets action="javascript:void(0);" itself, the one script URL allowed.
INLINE_HANDLERS = """() => [...document.querySelectorAll('*')].flatMap(element =>
  [...element.attributes].filter(a => a.name.startsWith('on') ||
    (['href', 'src', 'action', 'formaction', 'data', 'xlink:href'].includes(a.name) &&
     /^\\s*(javascript|vbscript):/i.test(a.value) && a.value !== 'javascript:void(0);'))
    .map(a => element.tagName + ' ' + a.name + '=' + a.value))"""


@pytest.fixture(scope="module")
def hostile_url(hostile_site):
    site, _ = hostile_site
    server, url = serve(site.resolve())
    yield url
    server.shutdown()


def test_no_string_from_the_data_runs_in_chromium(hostile_site, hostile_url, browser_page):
    site, shown = hostile_site
    page = browser_page.page
    page.add_init_script(CANARY)
    pages = sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html"))
    checked = 0
    for relative in pages:
        if b'http-equiv="refresh"' in (site / relative).read_bytes():
            continue  # an old address that moves on at once; the page it leads to is visited on its own
        page.goto(hostile_url + relative, wait_until="load")
        assert page.evaluate("window.__hostile") == [], relative
        assert page.evaluate(INLINE_HANDLERS) == [], relative
        if relative.startswith("to/") and (team := relative.split("/")[1]) in shown:
            assert page.evaluate("(text) => document.body.textContent.includes(text)", shown[team]), relative
            checked += 1
    assert checked == len(shown)
    assert browser_page.dialogs == []
    assert not [url for url in browser_page.outside_requests if "xss.example" in url]


def test_searching_for_the_strings_runs_none_of_them(hostile_site, hostile_url, browser_page):
    site, shown = hostile_site
    if not (site / "tim-kiem" / "index.html").is_file():
        pytest.skip("the site has no search page")
    page = browser_page.page
    page.add_init_script(CANARY)
    for query in ("script alert", "onerror", "javascript", "7*7", "Tổ"):
        page.goto(hostile_url + "tim-kiem/?q=" + query, wait_until="load")
        page.wait_for_timeout(500)  # the index loads and results render asynchronously
        assert page.evaluate("window.__hostile") == [], query
        assert page.evaluate(INLINE_HANDLERS) == [], query
    assert browser_page.dialogs == []
