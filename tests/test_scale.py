"""Long listings are split into pages: together they hold every item exactly once.

A generated archive of a few hundred post-mortems (benchmarks/generate.py) is rendered
with small page sizes, so that every kind of listing is split; a reader following the
page links from the first page finds each incident of a tag, service, severity or year,
and each action item of a state, exactly once. A real build with the default sizes checks
the same for the pages MkDocs writes, and that no HTML page grows past 1 MB.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urljoin

import pytest
from conftest import build_site
from mkdocs_postmortems.render import pages as pages_module

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "benchmarks/generate.py")
assert _spec is not None and _spec.loader is not None
generate_module = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("bench_generate", generate_module)
_spec.loader.exec_module(generate_module)

N = 300
BASE = "http://site/"
PAGER = re.compile(r'<nav class="pm-pager".*?</nav>', re.S)
HREF = re.compile(r'href="([^"]+)"')
INCIDENTS = re.compile(r'<table class="[^"]*\bpm-incidents\b.*?</table>', re.S)
ACTIONS = re.compile(r'<table class="[^"]*\bpm-actions-all\b.*?</table>', re.S)
ACTION_ROW = re.compile(r'<tr class="pm-row-[^"]*".*?</tr>', re.S)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_module.generate(N, tmp_path_factory.mktemp("scale") / "archive", seed=3)


def incident_links(html: str, page_url: str) -> list[str]:
    """The post-mortems an incident table on the page links to, in order."""
    links = []
    for table in INCIDENTS.findall(html):
        for row in table.split("<tr")[2:]:  # the header row first
            found = HREF.search(row)
            if found:
                links.append(urljoin(BASE + page_url, found.group(1)))
    return links


def action_keys(html: str, page_url: str) -> list[tuple[str, str]]:
    """(post-mortem URL, action item id) of every row of the page's action tables."""
    keys = []
    for table in ACTIONS.findall(html):
        for row in ACTION_ROW.findall(table):
            link = urljoin(BASE + page_url, HREF.search(row).group(1))  # type: ignore[union-attr]
            item = re.search(r"<strong>([^<]+)</strong>", row).group(1)  # type: ignore[union-attr]
            keys.append((link, item))
    return keys


def follow(first_url: str, page: Callable[[str], str]) -> list[str]:
    """Every page reached from `first_url` through its page links, in page order;
    `page` gives a page's HTML by its URL."""
    seen, todo = [first_url], [first_url]
    while todo:
        url = todo.pop()
        for nav in PAGER.findall(page(url)):
            for href in HREF.findall(nav):
                target = urljoin(BASE + url, href).removeprefix(BASE)
                if target not in seen:
                    seen.append(target)
                    todo.append(target)
    return sorted(seen, key=lambda u: (len(u), u))


def test_small_pages_together_hold_every_item_exactly_once(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mkdocs_postmortems import build, metrics
    from mkdocs_postmortems.features import actions
    from mkdocs_postmortems.loader import discover
    from mkdocs_postmortems.render import Renderer, pages
    from mkdocs_postmortems.settings import Settings

    monkeypatch.setattr(pages, "PAGE_SIZE", 7)
    monkeypatch.setattr(pages, "SERVICE_ACTIONS", 5)
    monkeypatch.setattr(actions, "ACTIONS_ON_ONE_PAGE", 40)
    monkeypatch.setattr(actions, "ACTION_PAGE_SIZE", 25)
    docs = project / "postmortems"
    settings = Settings()
    archive = build.build_archive(
        list(discover(docs, settings.exclude)), settings, dt.date(2026, 11, 1), docs
    )
    renderer = Renderer(archive)
    rendered = {
        renderer.page_url(page.src_uri): str(renderer.generated(page))
        for page in build.generated_pages(archive)
        if not page.src_uri.startswith("metrics/")
    }
    listings = [
        ("services", archive.by_service),
        ("tags", archive.by_tag),
        ("severity", archive.by_severity),
        ("archive", archive.by_year),
    ]
    split = Counter()
    for folder, groups in listings:
        for name, entries in groups.items():
            first = renderer.page_url(f"{folder}/{pages.slug(str(name))}.md")
            reached = follow(first, rendered.__getitem__)
            found = [link for url in reached for link in incident_links(rendered[url], url)]
            expected = [BASE + e.url for e in entries]
            assert Counter(found) == Counter(expected), (folder, name)  # each exactly once
            assert found == expected, (folder, name)  # and newest first across pages
            assert len(reached) == -(-len(entries) // 7) or (not entries and len(reached) == 1)
            split[folder] += len(reached) > 1
    assert all(split[folder] for folder, _ in listings), split  # every kind was split

    rows = metrics.action_rows(archive)
    assert len(rows) > 40  # /actions/ is split
    for state, _label, items in actions.state_groups(rows):
        first = renderer.page_url(f"actions/{state}.md")
        reached = follow(first, rendered.__getitem__)
        found = [key for url in reached for key in action_keys(rendered[url], url)]
        expected = [(BASE + r.entry.url, r.item.id) for r in items]
        assert found == expected, state  # each exactly once, in the page's order
    # stale items have no pages of their own: they open the overdue list, marked stale
    stale = [(BASE + r.entry.url, r.item.id) for r in rows if r.stale]
    assert 10 < len(stale) < sum(r.overdue for r in rows)
    overdue_pages = follow(renderer.page_url("actions/overdue.md"), rendered.__getitem__)
    marked = [
        key
        for url in overdue_pages
        for row in ACTION_ROW.findall(rendered[url])
        if "pm-row-stale" in row.split(">")[0]
        for key in action_keys(f'<table class="pm-actions-all">{row}</table>', url)
    ]
    assert marked == stale
    first_overdue = rendered[overdue_pages[0]]
    stale_pages = -(-len(stale) // 25)
    assert stale_pages > 1  # and the page says on which pages they are
    assert f"the first {len(stale)} (pages 1–{stale_pages}) are stale" in first_overdue
    assert "actions/stale/" not in rendered
    index = rendered["actions/"]
    assert 'href="../actions/overdue/"' in index and "data-pm-split" in index
    assert f"all {len(stale)} stale action items are the first of" in index
    assert len(action_keys(index, "actions/")) <= 10 * 6  # a preview of each state
    # only /actions/ carries what actions.js filters on
    assert "data-state" in index and "data-state" not in first_overdue

    # a listing row shows the start of the summary, cut at a word; the post-mortem has it all
    import html as html_module

    entry = max(archive.visible, key=lambda e: len(e.pm.summary))
    tag = entry.pm.tags[0]
    reached = follow(renderer.page_url(f"tags/{pages.slug(tag)}.md"), rendered.__getitem__)
    row = next(r for u in reached for r in rendered[u].split("<tr>") if f"/{entry.url}" in r)
    shown = html_module.unescape(re.search(r'class="pm-summary">([^<]*)<', row).group(1))
    assert len(entry.pm.summary) > 200 and shown.endswith("…") and len(shown) <= 120
    assert entry.pm.summary.startswith(shown[:-1]) and entry.pm.summary[len(shown) - 1] == " "

    # a busy service: its first page shows the most overdue open items, the rest are linked
    name, entries = max(archive.by_service.items(), key=lambda kv: len(kv[1]))
    first = renderer.page_url(f"services/{pages.slug(name)}.md")
    assert "open action items of" in rendered[first]


def test_built_site_pages_hold_every_item_once_and_stay_small(
    project: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    result = build_site(project, site)
    assert result.returncode == 0, result.stderr
    largest = max(site.rglob("*.html"), key=lambda p: p.stat().st_size)
    assert largest.stat().st_size < 1_000_000, largest
    postmortems = json.loads((site / "api/postmortems.json").read_text(encoding="utf-8"))
    items = json.loads((site / "api/action-items.json").read_text(encoding="utf-8"))

    def html(url: str) -> str:
        return (site / url / "index.html").read_text(encoding="utf-8")

    pages: dict[str, str] = {}

    def read(url: str) -> str:
        if url not in pages:
            pages[url] = html(url)
        return pages[url]

    def reach(first: str) -> list[str]:
        return follow(first, read)

    by_year = Counter(p["date"][:4] for p in postmortems)
    for year, count in by_year.items():
        urls = reach(f"archive/{year}/")
        found = [link for url in urls for link in incident_links(pages[url], url)]
        assert len(found) == count == len(set(found)), year
        assert len(urls) == -(-count // pages_module.PAGE_SIZE)
    assert any(len(reach(f"archive/{y}/")) > 1 for y in by_year)  # a year was split

    assert len(items) > 200  # /actions/ is split by state
    found = []
    for state in ("overdue", "open", "in-progress", "done", "wont-do"):
        if any(i["state"] == state for i in items):
            found += [k for url in reach(f"actions/{state}/") for k in action_keys(pages[url], url)]
    expected = [(BASE + i["postmortem_url"], i["id"]) for i in items]
    assert Counter(found) == Counter(expected)
    assert "No action items" not in html("actions/")


def test_postings_score_as_lunrs_own_query(project: Path) -> None:
    """The site's sharded postings give lunr's scores: the CLI and find.js compute them
    from the postings, so they must match what lunr's query gives on its own index."""
    import lunr
    from lunr.builder import Builder
    from lunr.query import QueryPresence
    from mkdocs_postmortems import search
    from mkdocs_postmortems.pipeline import open_archive
    from mkdocs_postmortems.settings import Settings

    archive = open_archive(project / "postmortems", Settings(), dt.date(2026, 11, 1))
    builder = Builder()
    builder.pipeline.add(search.trimmer, search.stop_word_filter, search._stemmer)
    builder.search_pipeline.add(search._stemmer)
    index = lunr.lunr(
        ref="ref",
        fields=[{"field_name": n, "boost": b} for n, b in search.INDEX_FIELDS],
        documents=[search.document(e, archive, str(n)) for n, e in enumerate(archive.visible)],
        builder=builder,
    )
    postings, _ = search.build(archive)
    firsts, shards = postings.shards(budget=4_000)
    assert len(shards) > 10 and firsts == sorted(firsts, key=search.utf16)
    assert {t for shard in shards for t in shard} == set(postings.terms)
    for query in ("timeout", "connection pool", "retry storm", "payment payments", "zeppelin"):
        words = search.parse(query).words
        stems = [search.stem(w) for w in words]
        expected: dict[int, float] = {}
        if all(s in index.inverted_index for s in stems):
            lunr_query = index.create_query()
            for s in stems:
                lunr_query.term(s, use_pipeline=False, presence=QueryPresence.REQUIRED)
            expected = {int(r["ref"]): r["score"] for r in index.query(lunr_query)}
        found = search.scores(postings, words)
        assert found.keys() == expected.keys(), query
        assert all(abs(found[k] - expected[k]) < 1e-9 for k in found), query
        assert query == "zeppelin" or found
