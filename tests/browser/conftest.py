"""Real-browser fixtures: the published sample site on a localhost server, and Debian's Chromium.

Every page opened through `browser_page` records requests that would leave localhost (they are
aborted, so a test can never reach the network) and console errors, for tests to assert on.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from scripts.dev import system_packages
from scripts.dev.local_server import serve

LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@pytest.fixture(scope="session")
def built_site(sample_site):
    return sample_site


@pytest.fixture(scope="session")
def site_url(sample_site):
    server, url = serve(sample_site.resolve())
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    system_packages.ensure_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(system_packages.CHROMIUM), args=system_packages.CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageRecorder:
    def __init__(self, page):
        self.page = page
        self.outside_requests: list[str] = []
        self.console_errors: list[str] = []
        self.dialogs: list[str] = []


@pytest.fixture
def browser_page(browser):
    """A fresh page (phone-sized unless a test resizes it) that refuses and records outside requests."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = context.new_page()
    recorder = PageRecorder(page)

    def guard(route):
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            recorder.outside_requests.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page.on("console", lambda message: message.type == "error" and recorder.console_errors.append(message.text))
    page.on("pageerror", lambda error: recorder.console_errors.append(str(error)))

    def on_dialog(dialog):
        recorder.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    yield recorder
    context.close()
