"""The finder page (/find/) in Chromium on the example site, and Material's header search."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from conftest import SCREENSHOTS, build_site, make_project, run_cli
from finder_files import chunk_files, fact_rows, facts, text_rows

pytestmark = pytest.mark.browser

RETRY_STORM = "INC-2025-01-21-001"
RECURRENCE = "INC-2026-02-17-001"
YEN = "INC-2025-09-30-001"
FRIDAY = "INC-2025-11-28-001"
EU_LOGINS = "INC-2026-04-12-001"

# Each operator and some combinations: the CLI and the browser must list the same ids.
SAME_QUERIES = [
    "",
    "service:payments connection pool",
    "timeout",
    "retry storm",
    '"retry storm"',
    "dns -bgp",
    "-tag:dns year:2025",
    "severity:sev1 service:checkout",
    'service:"kafka" service:dns -"route leak"',
    'retry storm -"retry storm"',
    '-"retry storm"',
    '"connection pool" service:payments',
    '-"the" -tag:dns',
    "status:published latency",
    "the checkout",
    "Certificates expiring",
    "zeppelin",
]


def open_finder(tab, base: str, query: str | None = None):
    page = tab.page
    suffix = "" if query is None else "?" + json_query(query)
    page.goto(base + "find/" + suffix)
    page.wait_for_selector("#pm-find[data-ready]")
    return page


def json_query(query: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"query": query})


def shown_ids(page) -> list[str]:
    return page.eval_on_selector_all("a[data-pm-id]", "els => els.map(e => e.dataset.pmId)")


def url_query(page) -> str:
    return parse_qs(urlparse(page.url).query).get("query", [""])[0]


def test_typing_a_query_shows_ranked_results_with_badges(tab, example_url: str) -> None:
    page = open_finder(tab, example_url)
    assert len(shown_ids(page)) == 14  # everything, newest first, before typing
    page.fill("#pm-find-q", "service:payments connection pool")
    page.wait_for_function("document.querySelectorAll('a[data-pm-id]').length === 2")
    assert shown_ids(page) == [RETRY_STORM, RECURRENCE]
    first = page.locator(".pm-find-hit").first
    assert first.locator(".pm-sev").inner_text() == "SEV2"
    assert first.locator("time").inner_text() == "2025-01-21"
    assert "postgres-primary" in first.locator(".pm-find-meta").inner_text()
    marked = first.locator("mark").all_inner_texts()
    assert {"connection", "pool"} <= {m.lower() for m in marked}
    assert page.locator("#pm-find-status").inner_text() == "2 post-mortems match."
    assert url_query(page) == "service:payments connection pool"
    tab.shot("finder-typed")
    assert tab.errors == []


def test_clicking_a_facet_narrows_and_counts(tab, example_url: str) -> None:
    page = open_finder(tab, example_url, "timeout")
    assert shown_ids(page) == [RETRY_STORM, RECURRENCE, EU_LOGINS, FRIDAY]
    sev1 = page.locator('.pm-facet-value[data-field="severity"][data-value="SEV1"]')
    assert sev1.inner_text().split() == ["SEV1", "1"]
    sev1.click()
    assert shown_ids(page) == [FRIDAY]
    assert url_query(page) == "timeout severity:SEV1"
    assert page.input_value("#pm-find-q") == "timeout severity:SEV1"
    pressed = page.locator('.pm-facet-value[data-field="severity"][data-value="SEV1"]')
    assert pressed.get_attribute("aria-pressed") == "true"
    tab.shot("finder-facet")
    pressed.click()
    assert url_query(page) == "timeout"
    assert len(shown_ids(page)) == 4
    assert tab.errors == []


def test_shared_url_shows_the_same_after_reload(tab, example_url: str) -> None:
    page = open_finder(tab, example_url, "service:payments -year:2026")
    before = shown_ids(page)
    assert before == [YEN, RETRY_STORM]
    page.reload()
    page.wait_for_selector("#pm-find[data-ready]")
    assert shown_ids(page) == before
    assert page.input_value("#pm-find-q") == "service:payments -year:2026"
    assert tab.errors == []


def test_back_and_forward_restore_queries(tab, example_url: str) -> None:
    page = open_finder(tab, example_url)
    page.fill("#pm-find-q", "retry storm")
    page.press("#pm-find-q", "Enter")
    assert url_query(page) == "retry storm"
    page.locator('.pm-facet-value[data-field="year"][data-value="2026"]').click()
    assert shown_ids(page) == [RECURRENCE]
    page.go_back()
    page.wait_for_function("document.getElementById('pm-find-q').value === 'retry storm'")
    assert shown_ids(page) == [RETRY_STORM, RECURRENCE]
    page.go_forward()
    page.wait_for_function("document.getElementById('pm-find-q').value === 'retry storm year:2026'")
    assert shown_ids(page) == [RECURRENCE]
    assert tab.errors == []


def test_no_results_offers_to_drop_a_filter(tab, example_url: str) -> None:
    page = open_finder(tab, example_url, "zeppelin service:payments")
    assert shown_ids(page) == []
    empty = page.locator("#pm-find-empty")
    assert empty.is_visible()
    assert page.locator("#pm-find-status").inner_text() == "No post-mortem matches this search."
    assert "drop a part of the query" in empty.inner_text()
    buttons = empty.locator("button").all_inner_texts()
    assert buttons == ["Drop zeppelin", "Drop service:payments"]
    tab.shot("finder-no-results")
    empty.locator("button", has_text="Drop zeppelin").click()
    assert url_query(page) == "service:payments"
    # the results' text loads now (the empty result needed none), then they show
    page.wait_for_function("document.querySelectorAll('a[data-pm-id]').length === 3")
    assert not empty.is_visible()
    assert tab.errors == []


def test_unknown_field_shows_the_cli_message(tab, example_url: str) -> None:
    page = open_finder(tab, example_url, "foo:bar timeout")
    error = page.locator("#pm-find-error")
    assert error.is_visible()
    cli = run_cli("search", "foo:bar timeout")
    assert cli.returncode == 2
    assert error.inner_text() in cli.stderr
    assert page.get_attribute("#pm-find-q", "aria-invalid") == "true"
    assert shown_ids(page) == []
    tab.shot("finder-unknown-field")
    assert tab.errors == []


def test_keyboard_only(tab, example_url: str) -> None:
    page = tab.page
    page.goto(example_url + "find/")
    page.wait_for_selector("#pm-find[data-ready]")
    for _ in range(40):  # Tab from the top of the page to the query box
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "pm-find-q":
            break
    else:
        pytest.fail("the query box is not reachable with Tab")
    page.keyboard.type("payments")
    page.keyboard.press("Enter")
    assert url_query(page) == "payments"
    page.keyboard.press("Tab")  # the Search button
    page.keyboard.press("Tab")  # the first facet button
    focused = page.evaluate("document.activeElement.dataset.field")
    assert focused == "service"
    assert page.evaluate("document.activeElement.tagName") == "BUTTON"
    value = page.evaluate("document.activeElement.dataset.value")
    page.keyboard.press("Enter")
    assert url_query(page) == f"payments service:{value}"
    # the buttons are rebuilt, yet the keyboard focus stays on the one just pressed
    assert page.evaluate("document.activeElement.dataset.value") == value
    assert page.evaluate("document.activeElement.getAttribute('aria-pressed')") == "true"
    page.focus("#pm-find-q")
    page.keyboard.press("ArrowDown")
    first = page.evaluate("document.activeElement.dataset.pmId")
    assert first == shown_ids(page)[0]
    tab.shot("finder-keyboard")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/20\d\d/"))
    assert page.locator("h1").first.is_visible()
    assert tab.errors == []


@pytest.mark.parametrize("query", SAME_QUERIES)
def test_cli_and_browser_agree(tab, example_url: str, query: str) -> None:
    cli = run_cli("search", "--json", "--limit", "500", "--", query)
    assert cli.returncode == 0, cli.stderr
    expected = [row["id"] for row in json.loads(cli.stdout)]
    page = open_finder(tab, example_url, query)
    assert shown_ids(page) == expected
    assert page.evaluate("q => window.pmFinder.search(q)", query) == expected
    assert tab.errors == []


def test_works_as_a_page_without_javascript(browser, example_url: str) -> None:
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.goto(example_url + "find/")
    assert page.locator("form[method=get] input[name=query]").is_visible()
    assert "needs JavaScript" in page.locator("#pm-find-nojs").inner_text()
    services = page.locator('.pm-facet[data-field="service"] a').all_inner_texts()
    assert "payments" in services
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "finder-no-js.png"), full_page=True)
    page.locator('.pm-facet[data-field="service"] a', has_text="payments").first.click()
    page.wait_for_url(re.compile(r"/services/payments/"))
    context.close()


def test_material_header_search_finds_postmortems_and_generated_pages(
    tab, example_url: str
) -> None:
    page = tab.page
    page.goto(example_url)
    page.click("input.md-search__input")
    page.keyboard.type("retry storm")
    result = page.locator(".md-search-result__item a[href*='2025-01-21-payments-connection-pool']")
    result.first.wait_for()
    # The home page's generated sections are indexed too. (Listing pages such as
    # services/x/ are left out of Material's index by the plugin: find/ searches them.)
    page.fill("input.md-search__input", "")
    page.keyboard.type("latest incidents")
    page.locator(".md-search-result__item a[href*='#latest-incidents']").first.wait_for()
    tab.shot("material-search")  # last: a full-page shot resizes the viewport
    assert tab.errors == []


def test_finder_in_dark_mode(dark_tab, example_url: str) -> None:
    page = open_finder(dark_tab, example_url, "timeout")
    page.locator('.pm-facet-value[data-field="service"]').first.focus()
    dark_tab.shot("finder-dark")
    assert dark_tab.errors == []


def test_index_files_are_written_and_lunr_comes_from_mkdocs(example_site: Path) -> None:
    from mkdocs_postmortems.features.finder import lunr_js

    index = json.loads((example_site / "search/postmortems-terms.json").read_text("utf-8"))
    assert index["fields"] == ["title", "keywords", "summary", "body"]
    folder = example_site / "search/postmortems"
    shards = [json.loads(p.read_text("utf-8")) for p in folder.iterdir()]
    assert index["shards"] == sorted(index["shards"]) and len(shards) == len(index["shards"])
    assert any("retri" in shard for shard in shards)  # stemmed words, as lunr.js stems
    ids = [row["id"] for row in fact_rows(example_site)]
    assert ids[:2] == ["INC-2026-08-19-001", "INC-2026-07-08-001"]
    copied = example_site / "assets/postmortems/lunr.js"
    assert copied.read_bytes() == lunr_js().read_bytes()
    repo = Path(__file__).resolve().parent.parent
    assert not list(repo.joinpath("plugins").rglob("lunr*.js"))


def test_empty_archive_builds_and_says_so(tab, tmp_path: Path, serve_dir) -> None:
    project = make_project(tmp_path, {"index.md": "# Incidents\n"})
    site = tmp_path / "site"
    result = build_site(project, site)
    assert result.returncode == 0, result.stderr
    with serve_dir(site) as url:
        page = open_finder(tab, url)
        assert shown_ids(page) == []
        assert page.locator("#pm-find-status").inner_text() == "No post-mortem matches this search."
        assert "no published post-mortems yet" in page.locator("#pm-find-empty").inner_text()
    assert tab.errors == []


# -- what a cold page loads, on an archive of several text chunks ---------------------------

GENERATED = 100  # post-mortems: four text chunks


def _generate_module():
    """benchmarks/generate.py, the archive generator the scale tests use too."""
    if "bench_generate" not in sys.modules:
        path = Path(__file__).resolve().parent.parent / "benchmarks/generate.py"
        spec = importlib.util.spec_from_file_location("bench_generate", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["bench_generate"] = module
        spec.loader.exec_module(module)
    return sys.modules["bench_generate"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A generated archive (project, built site) whose text comes in several chunks."""
    folder = tmp_path_factory.mktemp("chunks")
    project = _generate_module().generate(GENERATED, folder / "archive", seed=7)
    site = folder / "site"
    result = build_site(project, site)
    assert result.returncode == 0, result.stderr
    return project, site


def cli_ids(query: str, project: Path) -> list[str]:
    result = run_cli("search", "--json", "--limit", "500", query, cwd=project)
    assert result.returncode == 0, result.stderr
    return [row["id"] for row in json.loads(result.stdout)]


def test_a_cold_filter_query_loads_only_the_text_it_shows(
    tab, generated: tuple[Path, Path], serve_dir
) -> None:
    project, site = generated
    size = facts(site)["chunk"]
    position = {row["id"]: n for n, row in enumerate(fact_rows(site))}
    chunks = len(chunk_files(site))

    def chunks_of(ids: list[str]) -> list[int]:
        return sorted({position[i] // size for i in ids})

    query = "-severity:SEV1"
    expected = cli_ids(query, project)
    # the data this test needs: the second page of results starts a chunk of its own
    assert len(chunks_of(expected[:20])) < len(chunks_of(expected[:40])) < chunks
    fetched: list[str] = []
    tab.page.on("request", lambda request: fetched.append(urlparse(request.url).path))

    def texts() -> list[int]:
        found = [p for p in fetched if p.startswith("/search/postmortems-text/")]
        assert len(found) == len(set(found)), found  # each chunk once
        return sorted(int(Path(p).stem) for p in found)

    with serve_dir(site) as url:
        page = open_finder(tab, url, query)
        assert shown_ids(page) == expected[:20]
        assert texts() == chunks_of(expected[:20])
        assert not [p for p in fetched if p.startswith("/search/postmortems/")]  # no words
        assert "/search/postmortems-facts.json" in fetched
        page.locator(".pm-find-more button").click()
        page.wait_for_function(f"document.activeElement.dataset.pmId === {expected[20]!r}")
        assert shown_ids(page) == expected[:40]
        assert texts() == chunks_of(expected[:40])
        # the ids, in order, come from the facts: no text is loaded for them
        assert page.evaluate("q => window.pmFinder.search(q)", query) == expected
        assert texts() == chunks_of(expected[:40])
    assert tab.errors == []


def test_the_header_box_lists_the_cli_order_and_loads_only_their_text(
    tab, generated: tuple[Path, Path], serve_dir
) -> None:
    project, site = generated
    size = facts(site)["chunk"]
    ids = [row["id"] for row in fact_rows(site)]
    urls = [row[2] for row in text_rows(site)]
    query = "-severity:SEV1"  # a filter: no generated page joins the post-mortems
    expected = cli_ids(query, project)[:20]  # the box lists 20; /find/ has them all
    assert len(cli_ids(query, project)) > 20
    fetched: list[str] = []
    tab.page.on("request", lambda request: fetched.append(urlparse(request.url).path))
    with serve_dir(site) as url:
        page = tab.page
        page.goto(url)
        page.fill("input.md-search__input", query)
        page.keyboard.press("End")
        # Material shows ten at once (the first answer), the second answer adds ten more,
        # and a last result for every match: 21 results in Material's count
        page.wait_for_function(
            "document.querySelector('.md-search-result__meta').textContent.includes('21')"
        )
        items = page.locator(".md-search-result__item")
        for _ in range(40):  # Material draws four more each time the list reaches its end
            if items.count() == 21:
                break
            for end in ("0", "list.scrollHeight"):
                page.evaluate(
                    f"() => {{ const list = document.querySelector('.md-search__scrollwrap');"
                    f" list.scrollTop = {end}; }}"
                )
                page.wait_for_timeout(100)
        assert items.count() == 21
        shown = page.eval_on_selector_all(
            ".md-search-result__item > a", "els => els.map(e => e.getAttribute('href'))"
        )
        assert [href.split("/")[-2] for href in shown[:20]] == [
            urls[ids.index(i)].split("/")[-2] for i in expected
        ]
        everything = page.locator(".md-search-result__item").last
        total = len(cli_ids(query, project))
        assert (
            everything.locator("h1").inner_text() == f"All {total} matching post-mortems, in Find"
        )
        assert "This box lists the first 20. Find lists every match" in everything.inner_text()
        assert urlparse(shown[-1]).path == "/find/"
        assert parse_qs(urlparse(shown[-1]).query)["query"] == [query]
        texts = sorted(
            int(Path(p).stem) for p in fetched if p.startswith("/search/postmortems-text/")
        )
        assert texts == sorted({ids.index(i) // size for i in expected})
    assert tab.errors == []
