"""How the plugin's pages read at 1280 and 390 px, light and dark, and on paper.

Tables share one style (padded cells, numbers right-aligned, room for the words), become
cards on a phone, nothing in the content runs off the screen outside a scroll box, and
chart text renders at 10 px or more. Screenshots go to tests/screenshots/layout-*.png.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import site_pages
from conftest import Tab
from mkdocs_postmortems.features.actions import ticks
from site_pages import CASES, PAGES, VIEWPORTS, open_page

tabs = site_pages.tabs  # the module's browser contexts: one per width and colour scheme

MIN_PADDING_PX = 4
MIN_CHART_TEXT_PX = 10

# Everything in the content area that sticks out of the viewport without a scroll box around
# it, every visible table cell with less horizontal padding than asked, the smallest chart
# text as rendered (font size times the SVG's scale), and whether the page scrolls sideways.
MEASURE = """(minPadding) => {
  const vw = document.documentElement.clientWidth;
  const content = document.querySelector(".md-content");
  const inScrollBox = (el) => {
    for (let a = el.parentElement; a && a !== content.parentElement; a = a.parentElement) {
      if (["auto", "scroll", "hidden"].includes(getComputedStyle(a).overflowX)) return true;
    }
    return false;
  };
  const describe = (el) => {
    const cls = typeof el.className === "string" ? el.className : el.className.baseVal;
    return el.tagName.toLowerCase() + (cls ? "." + cls.trim().split(/\\s+/).join(".") : "");
  };
  const overflowing = [];
  for (const el of content.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if ((box.right > vw + 0.5 || box.left < -0.5) && !inScrollBox(el)) {
      const span = `${Math.round(box.left)}..${Math.round(box.right)}`;
      overflowing.push(`${describe(el)} spans ${span} px`);
    }
  }
  const tight = [];
  let cells = 0;
  for (const cell of content.querySelectorAll("table td, table th")) {
    if (!cell.getClientRects().length || cell.closest("thead[class], .pm-cards > thead")) continue;
    const style = getComputedStyle(cell);
    if (style.position === "absolute") continue;
    cells += 1;
    const pad = Math.min(parseFloat(style.paddingLeft), parseFloat(style.paddingRight));
    const words = cell.textContent.trim().slice(0, 30);
    if (pad < minPadding) tight.push(`${describe(cell)} "${words}": ${pad} px`);
  }
  const chartText = [];
  for (const text of content.querySelectorAll(".pm-chart svg text")) {
    if (!text.getClientRects().length || !text.textContent.trim()) continue;
    const svg = text.ownerSVGElement;
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    chartText.push([text.textContent.trim(), parseFloat(getComputedStyle(text).fontSize) * scale]);
  }
  return {
    overflowing, tight, cells, chartText,
    pageWidth: document.documentElement.scrollWidth, viewport: vw,
  };
}"""


@pytest.mark.browser
@pytest.mark.parametrize(("name", "viewport", "scheme"), CASES)
def test_page_fits_the_screen_with_padded_cells_and_readable_charts(
    name: str, viewport: str, scheme: str, tabs, example_url: str
) -> None:
    tab: Tab = tabs(viewport, scheme)
    page = open_page(tab, example_url, name, scheme)
    tab.shot(f"layout-{name}-{VIEWPORTS[viewport]['width']}-{scheme}")
    found = page.evaluate(MEASURE, MIN_PADDING_PX)
    assert found["pageWidth"] <= found["viewport"], "the page scrolls sideways"
    assert found["overflowing"] == [], "wider than the viewport, outside a scroll box"
    assert found["tight"] == [], f"table cells with under {MIN_PADDING_PX} px padding"
    if name != "find":  # the finder lists results, every other page has a table
        assert found["cells"] > 0
    small = [(text, round(px, 1)) for text, px in found["chartText"] if px < MIN_CHART_TEXT_PX]
    assert small == [], f"chart text under {MIN_CHART_TEXT_PX} px as rendered"
    if name == "metrics":
        assert len(found["chartText"]) > 20  # the charts' text was measured


@pytest.mark.browser
def test_phone_action_cards_show_due_status_and_ticket_on_screen(tabs, example_url: str) -> None:
    """The issue: on a phone the Due, Status and Ticket columns were off-screen, unannounced."""
    tab = tabs("phone", "light")
    page = open_page(tab, example_url, "postmortem", "light")
    width = VIEWPORTS["phone"]["width"]
    row = page.locator("#action-items ~ .pm-table-wrap tbody tr").first
    for label in ("Action", "Owner", "Due", "Status", "Ticket", "Success criteria"):
        cell = row.locator(f'[data-label="{label}"]')
        box = cell.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, label
    # each short fact carries its column's name: "Due 2026-04-26"
    due = row.locator('[data-label="Due"]')
    before = due.evaluate("el => getComputedStyle(el, '::before').content")
    assert before == '"Due"'
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", due.inner_text().replace("Due", "").strip())
    # the main text leads the card, and the card layout does not scroll sideways
    main = row.locator(".pm-c-main").bounding_box()
    assert main is not None and main["y"] < box["y"]
    for wrap in page.locator(".pm-table-wrap:has(.pm-cards)").all():
        assert wrap.evaluate("el => el.scrollWidth <= el.clientWidth")


@pytest.mark.browser
def test_actions_table_gives_the_action_text_the_most_room(tabs, example_url: str) -> None:
    tab = tabs("desktop", "light")
    page = open_page(tab, example_url, "actions", "light")
    table = page.locator(".pm-actions-all").first
    widths = table.evaluate(
        "t => Object.fromEntries([...t.querySelectorAll('thead th')]"
        ".map(th => [th.textContent.trim(), th.getBoundingClientRect().width]))"
    )
    assert max(widths, key=widths.get) == "Action", widths
    wrap = page.locator(".pm-table-wrap:has(.pm-actions-all)").first
    assert wrap.evaluate("el => el.scrollWidth <= el.clientWidth"), "the table runs off its column"
    # numbers are right-aligned, text left-aligned, headers over their cells
    page.goto(example_url + "metrics/")
    cell = page.locator("#pm-table-actions tbody td").first
    assert cell.evaluate("el => getComputedStyle(el).textAlign") == "right"
    head = page.locator("#pm-table-actions thead th").first
    assert head.evaluate("el => getComputedStyle(el).textAlign") in ("left", "start")


@pytest.mark.browser
def test_a_postmortem_prints_on_a4_without_navigation(browser, example_url: str) -> None:
    # A4 is 210 mm wide: 794 CSS px at 96 px per inch.
    context = browser.new_context(viewport={"width": 794, "height": 1123})
    tab = Tab(context.new_page())
    try:
        page = tab.page
        page.emulate_media(media="print")
        page.goto(example_url + PAGES["postmortem"])
        for chrome in (".md-header", ".md-tabs", ".md-sidebar--primary", ".md-footer"):
            assert not page.locator(chrome).first.is_visible(), chrome
        assert page.locator(".pm-card").is_visible()
        table = page.locator("#action-items ~ .pm-table-wrap table").first
        assert table.evaluate("el => getComputedStyle(el).display") == "table"
        heads = table.locator("thead th")
        assert heads.count() == 7  # Id, Action, Owner, Due, Status, Ticket, Success criteria
        for index in range(heads.count()):
            assert heads.nth(index).is_visible()
        box = table.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 794
        tab.shot("print-postmortem-a4")
        pdf = page.pdf(format="A4", print_background=True)
        assert pdf.startswith(b"%PDF")
        assert tab.errors == []
    finally:
        context.close()


class _Tables(HTMLParser):
    """Tables of the plugin's pages: their classes, and the cells of card tables."""

    def __init__(self) -> None:
        super().__init__()
        self.classes: list[str] = []
        self.unlabelled: list[str] = []
        self._cards = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table":
            self.classes.append(found.get("class") or "")
            self._cards = "pm-cards" in (found.get("class") or "").split()
        elif tag == "td" and self._cards and "data-label" not in found:
            self.unlabelled += [] if found.get("class") == "pm-c-empty" else [str(found)]


@pytest.mark.parametrize("name", list(PAGES))
def test_every_plugin_table_has_the_shared_style_and_card_labels(
    name: str, example_site: Path
) -> None:
    parser = _Tables()
    path = example_site / PAGES[name].split("?")[0] / "index.html"
    parser.feed(path.read_text(encoding="utf-8"))
    classed = [c for c in parser.classes if c]
    if name != "find":
        assert classed, "no plugin table on the page"
    # Material styles only tables without a class: each classed table needs ours
    assert all("pm-table" in c.split() for c in classed), classed
    assert parser.unlabelled == [], "a card cell without its column name"


def test_count_axes_have_whole_number_ticks_that_follow_the_data() -> None:
    assert ticks(0) == [0, 1]
    assert ticks(1) == [0, 1]
    assert ticks(3) == [0, 1, 2, 3]
    assert ticks(11) == [0, 5, 10, 15]
    assert ticks(48) == [0, 10, 20, 30, 40, 50]
    assert ticks(466) == [0, 100, 200, 300, 400, 500]
    for top in range(0, 2000, 7):
        found = ticks(top)
        assert all(isinstance(t, int) for t in found)
        assert found[-1] >= top and len(found) <= 6
        assert found[-2] < top or top == 0  # no empty band of gridlines above the data


def test_metrics_charts_have_a_phone_drawing_and_whole_number_count_axes(
    example_site: Path,
) -> None:
    html = (example_site / "metrics" / "index.html").read_text(encoding="utf-8")
    for name in ("incidents", "ttd", "ttr", "ttp", "actions"):
        assert f'id="chart-pm-{name}"' in html and f'id="chart-pm-{name}-narrow"' in html
    # the action-item chart's value axis: whole items only (was 0.2, 0.4 ...)
    for name in ("actions", "actions-narrow", "incidents"):
        chart = html.split(f'id="chart-pm-{name}"')[1].split("</svg>")[0]
        numbers = re.findall(r">\s*(-?[\d.,]+)\s*</text>", chart)
        assert len(numbers) >= 2, name
        assert all(re.fullmatch(r"\d+", n) for n in numbers), (name, numbers)
