"""The example site's busiest pages in Chromium at a desktop and a phone width, light and dark.

Shared by tests/test_layout.py and tests/test_a11y.py: one browser context per width and
colour scheme (four in all), reused by every page test of a module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from conftest import Tab

# Pages that carry the most information: tables, cards, charts, filters, search results.
PAGES: dict[str, str] = {
    "home": "",
    "postmortem": "2026/2026-04-12-eu-logins-auth-service-deploy/",
    "service": "services/payments/",
    "actions": "actions/",
    "metrics": "metrics/",
    "reading-lists": "reading-lists/",
    "find": "find/?query=timeout",
}
VIEWPORTS: dict[str, dict[str, int]] = {
    "desktop": {"width": 1280, "height": 900},
    "phone": {"width": 390, "height": 844},
}
SCHEMES = ("light", "dark")
CASES = [
    pytest.param(page, viewport, scheme, id=f"{page}-{viewport}-{scheme}")
    for viewport in VIEWPORTS
    for scheme in SCHEMES
    for page in PAGES
]


@pytest.fixture(scope="module")
def tabs(browser) -> Iterator[Callable[[str, str], Tab]]:
    """`tabs(viewport, scheme)`: a tab in a context made once per module for that pair."""
    made: dict[tuple[str, str], Tab] = {}

    def get(viewport: str, scheme: str) -> Tab:
        if (viewport, scheme) not in made:
            context = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=scheme)
            made[viewport, scheme] = Tab(context.new_page())
        return made[viewport, scheme]

    yield get
    for tab in made.values():
        tab.page.context.close()


def open_page(tab: Tab, base: str, name: str, scheme: str):
    """Load one of PAGES and wait until it shows what a reader sees (search results too)."""
    page = tab.page
    page.goto(base + PAGES[name])
    if name == "find":
        page.wait_for_selector("#pm-find[data-ready]")
        page.wait_for_selector("a[data-pm-id]")
    shown = page.get_attribute("body", "data-md-color-scheme")
    assert shown == ("slate" if scheme == "dark" else "default"), shown
    return page
