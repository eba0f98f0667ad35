"""The archive site: post-mortem pages, indexes, drafts, escaping, reproducible builds."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from conftest import EPOCH, ROOT, build_site, make_project, run_cli
from finder_files import chunk_files, fact_rows, facts, text_rows
from test_format import GOOD

RECURRENCE = "2026/2026-02-17-payments-retry-storm-recurrence/index.html"
DRAFT_ID = "INC-2026-11-03-001"
REVIEW_ID = "INC-2026-09-14-001"


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def text_of(html: str) -> str:
    """Roughly what a reader sees of the article: tags dropped, whitespace collapsed."""
    if "<article" in html:
        html = html[html.index("<article") : html.index("</article>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_postmortem_page_has_header_card_and_action_items(example_site: Path) -> None:
    html = read(example_site, RECURRENCE)
    seen = text_of(html)
    assert '<span class="pm-badge pm-sev pm-sev-sev2">SEV2</span>' in html
    for fact in (
        "Date 2026-02-17",
        "Duration 38 min",
        "Time to detect 2 min",
        "Time to resolve 1 h 15 min",
        "Users affected 11,200",
        "SLO budget used 33 %",
    ):
        assert fact in seen, fact
    # services and tags link to their index pages, which exist
    assert 'href="../../services/payments/"' in html
    assert 'href="../../tags/connection-pool/"' in html
    assert (example_site / "services/payments/index.html").exists()
    assert (example_site / "tags/connection-pool/index.html").exists()
    # action items: the open one due 2026-05-15 is overdue on the fixed "today" (2026-11-18)
    row = re.search(r'<tr class="pm-row-overdue[^"]*" id="ai-3">.*?</tr>', html, re.S)
    assert row and "overdue 187 d" in row.group(0) and "PAY-611" in row.group(0)
    done = re.search(r'<tr class="pm-row-done" id="ai-1">.*?</tr>', html, re.S)
    assert done and "overdue" not in done.group(0)
    assert "This happened before" in seen and "INC-2025-01-21-001" in seen


def test_header_search_asks_the_finders_index(example_site: Path) -> None:
    """Post-mortems stay out of Material's index (every page would load it whole); the
    header box gets the plugin's search worker, which answers from the finder's shards."""
    docs = json.loads(read(example_site, "search/search_index.json"))["docs"]
    locations = {d["location"] for d in docs}
    assert RECURRENCE.removesuffix("index.html") not in locations
    assert "" in locations and "services/" in locations  # the home page and the listings
    for path in example_site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "postmortems:head" not in text, path
        assert "assets/javascripts/workers/search." not in text, path
    home = read(example_site, "index.html")
    assert '"search": "assets/postmortems/search-worker.js"' in home
    assert (example_site / "assets/postmortems/search-worker.js").is_file()


def test_finder_facts_hold_no_text_and_the_chunks_each_postmortem_once(
    example_site: Path,
) -> None:
    """What every finder query loads (facts) is apart from what only results shown load
    (title, summary, URL in chunks): together they hold every listed post-mortem once."""
    import yaml

    listed = run_cli("search", "--json", "--limit", "500", "")
    assert listed.returncode == 0, listed.stderr
    ids = [row["id"] for row in json.loads(listed.stdout)]
    written = {}
    for path in (ROOT / "postmortems").rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---\n"):
            meta = yaml.safe_load(text.split("---\n")[1])
            if "id" in meta:  # not a reading list
                written[meta["id"]] = meta
    rows = fact_rows(example_site)
    assert [row["id"] for row in rows] == ids
    fields = ("date", "severity", "status", "services", "tags")
    assert [tuple(row[f] for f in fields) for row in rows] == [
        (str(written[i]["date"]), *(written[i][f] for f in fields[1:])) for i in ids
    ]
    size = facts(example_site)["chunk"]
    files = chunk_files(example_site)
    assert [path.name for path in files] == [f"{k}.json" for k in range(len(files))]
    assert [len(json.loads(path.read_text("utf-8"))) for path in files[:-1]] == [size] * (
        len(files) - 1
    )
    texts = text_rows(example_site)
    assert [(title, summary) for title, summary, _ in texts] == [
        (written[i]["title"], written[i]["summary"]) for i in ids
    ]
    for (_, _, url), pm_id in zip(texts, ids, strict=True):
        assert f'<code class="pm-id">{pm_id}</code>' in read(example_site, url + "index.html")
    facts_text = read(example_site, "search/postmortems-facts.json")
    for pm_id in ids:
        for field in ("title", "summary"):
            words = written[pm_id][field].split()
            for start in range(0, len(words) - 2):  # no three words of it in a row
                assert " ".join(words[start : start + 3]) not in facts_text, (pm_id, field)


def test_body_opening_like_a_meta_line_is_kept(tmp_path: Path) -> None:
    """MkDocs gets the body without its front-matter; a first line that looks like
    MultiMarkdown meta ("Status: ...") stays text, and the narrative is all there."""
    opening = "Status: written from the incident channel.\n\n"
    text = GOOD.replace("---\n## Summary", "---\n" + opening + "## Summary")
    project = make_project(tmp_path, {"2026/a.md": text})
    result = build_site(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    seen = text_of(read(tmp_path / "site", "2026/a/index.html"))
    assert "Status: written from the incident channel." in seen
    assert "The circuit breaker timeout of 60 s was longer than the gateway timeout" in seen
    assert "EU logins failing after auth-service deploy" in seen


def test_indexes_exist_and_list_published_incidents(example_site: Path) -> None:
    services = text_of(read(example_site, "services/index.html"))
    assert "payments 3 SEV2 2026-02-17" in services  # the in-review 2026-09-14 one is left out
    payments = read(example_site, "services/payments/index.html")
    incidents = payments[: payments.index("Open action items")]
    dates = re.findall(r"<time datetime=\"([\d-]+)\">", incidents)
    assert dates == ["2026-02-17", "2025-09-30", "2025-01-21"]
    assert "Open action items" in payments and "PAY-611" in payments
    assert "#connection-pool" in read(example_site, "tags/index.html")
    sev1 = text_of(read(example_site, "severity/sev1/index.html"))
    assert "3 SEV1 incidents" in sev1
    archive = text_of(read(example_site, "archive/index.html"))
    assert "2026 : 6 incidents" in archive and "2025 : 8 incidents" in archive
    year = read(example_site, "archive/2025/index.html")
    assert year.index(">November 2025<") < year.index(">January 2025<")
    home = text_of(read(example_site, "index.html"))
    assert "Latest incidents" in home and "Incidents in the last 12 months" in home
    assert re.search(r"\d+ open, of which \d+ overdue on 2026-11-18", home)


def test_home_lists_the_most_overdue_items_and_links_the_rest(tmp_path: Path) -> None:
    files = {"index.md": "# Home\n"}
    for n in range(1, 26):  # 25 open items, due 2026-01-01 .. 2026-01-25: all overdue
        text = GOOD.replace("INC-2026-04-12-001", f"INC-2026-04-12-{n:03d}")
        text = text.replace("    due: 2026-04-26\n    status: done\n    closed: 2026-04-20\n", "")
        text = text.replace("    owner:", f"    due: 2026-01-{n:02d}\n    status: open\n    owner:")
        files[f"2026/pm-{n:02d}.md"] = text
    project = make_project(tmp_path, files)
    result = build_site(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    home = read(tmp_path / "site", "index.html")
    assert "25 open, of which 25 overdue on 2026-11-18" in text_of(home)
    start = home.index("Most overdue action items")
    table = home[start : home.index("</table>", start)]
    dues = re.findall(r'<time datetime="(2026-01-\d\d)">', table)
    assert dues == [f"2026-01-{n:02d}" for n in range(1, 21)]  # the 20 most overdue
    assert '<a href="actions/">All 25 overdue action items</a>' in home


def test_drafts_are_marked_and_left_out_of_indexes(example_site: Path, tmp_path: Path) -> None:
    draft_page = read(example_site, "2026/2026-11-03-kafka-broker-disk-isr-shrink/index.html")
    assert "This post-mortem is a draft" in draft_page
    review_page = read(example_site, "2026/2026-09-14-payments-pgbouncer-pool-limit/index.html")
    assert "This post-mortem is in review" in review_page
    indexes = [
        p for p in example_site.rglob("*.html") if "/20" not in str(p.relative_to(example_site))[:3]
    ]
    for page in ["index.html", "services/kafka/index.html", "archive/2026/index.html"]:
        html = read(example_site, page)
        assert DRAFT_ID not in html and "kafka-broker-disk-isr-shrink" not in html, page
    assert len(indexes) > 10
    # the serve default (show_drafts) lists them
    site = tmp_path / "site"
    config = ROOT / "mkdocs.yml"
    shown = tmp_path / "mkdocs.yml"
    shown.write_text(
        config.read_text()
        .replace("  - postmortems:\n", "  - postmortems:\n      show_drafts: true\n")
        .replace("docs_dir: postmortems", f"docs_dir: {ROOT / 'postmortems'}")
        .replace("custom_dir: overrides", f"custom_dir: {ROOT / 'overrides'}")
    )
    result = build_site(tmp_path, site)
    assert result.returncode == 0, result.stderr
    assert "kafka-broker-disk-isr-shrink" in read(site, "services/kafka/index.html")


def test_postmortems_stay_out_of_the_navigation(example_site: Path) -> None:
    home = read(example_site, "index.html")
    nav = home[home.index('<nav class="md-nav md-nav--primary') : home.index("md-nav--secondary")]
    links = re.findall(r'href="([^"]+)"', nav)
    assert "services/" in links and "archive/" in links
    assert not [link for link in links if link.startswith("20")]


def test_strict_build_of_the_example_gives_no_warnings(tmp_path: Path) -> None:
    result = build_site(ROOT, tmp_path / "site")
    assert result.returncode == 0
    assert not re.search(r"^(WARNING|ERROR)\s+-", result.stderr, re.M), result.stderr


XSS = "<script>alert(1)</script>"


def test_every_string_from_a_postmortem_is_escaped(tmp_path: Path) -> None:
    evil = (
        GOOD.replace("title: EU logins failing after auth-service deploy", f"title: '{XSS}'")
        .replace("services: [auth-service, api-gateway]", f"services: ['{XSS}', api-gateway]")
        .replace("tags: [deploy, timeout]", "tags: ['<img src=x onerror=alert(2)>']")
        .replace("    title: Add an EU", "    title: <b>bold</b> & Add an EU")
        .replace('owner: "@priya"', 'owner: "<i>o\'neil</i>"')
    )
    evil = evil.replace("summary: >-\n", "summary: >-\n  <script>alert(3)</script>\n")
    project = make_project(tmp_path, {"2026/pm.md": evil, "index.md": "# Home\n"})
    site = tmp_path / "site"
    assert build_site(project, site).returncode == 0
    pages = {p: p.read_text() for p in site.rglob("*.html")}
    shown_on = [p for p, html in pages.items() if "&lt;script&gt;alert(1)&lt;/script&gt;" in html]
    assert len(shown_on) >= 4  # the page itself, home, a service page, a tag page, the archive
    for path, html in pages.items():
        assert "<script>alert(" not in html, path
        assert "<img src=x" not in html, path
        assert "<b>bold</b>" not in html and "<i>o'neil</i>" not in html, path


def site_digest(site: Path) -> dict[str, str]:
    return {
        str(p.relative_to(site)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def test_two_builds_are_byte_identical(example_site: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert build_site(ROOT, again).returncode == 0
    first, second = site_digest(example_site), site_digest(again)
    assert first.keys() == second.keys()
    differing = [name for name in first if first[name] != second[name]]
    assert differing == []


def test_background_process_changes_nothing(example_site: Path, tmp_path: Path) -> None:
    """`parallel: false` does the archive's share in the MkDocs process: same bytes."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("docs_dir: postmortems", f"docs_dir: {ROOT / 'postmortems'}")
    config = config.replace("custom_dir: overrides", f"custom_dir: {ROOT / 'overrides'}")
    config = config.replace("  - postmortems:\n", "  - postmortems:\n      parallel: false\n")
    assert config.count("parallel: false") == 1
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    serial = tmp_path / "serial"
    result = build_site(ROOT, serial, "-f", str(tmp_path / "mkdocs.yml"))
    assert result.returncode == 0, result.stderr
    first, second = site_digest(example_site), site_digest(serial)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_overdue_follows_source_date_epoch(tmp_path: Path) -> None:
    open_item = GOOD.replace("status: done\n    closed: 2026-04-20\n", "status: open\n")
    project = make_project(tmp_path, {"2026/pm.md": open_item, "index.md": "# Home\n"})
    before, after = tmp_path / "before", tmp_path / "after"
    # 2026-04-20 (due 04-26: not overdue) and 2026-05-01 (5 days overdue)
    assert build_site(project, before, env={"SOURCE_DATE_EPOCH": "1776643200"}).returncode == 0
    assert build_site(project, after, env={"SOURCE_DATE_EPOCH": "1777593600"}).returncode == 0
    assert "overdue" not in text_of(read(before, "2026/pm/index.html")).split("Action items")[-1]
    assert "overdue 5 d" in read(after, "2026/pm/index.html")
    assert EPOCH  # the session-wide fixed today is documented in conftest


# ---- in a real browser -------------------------------------------------------------------


@pytest.mark.browser
def test_reader_goes_home_service_postmortem_action_items(example_url: str, tab) -> None:
    page = tab.page
    page.goto(example_url)
    assert page.locator("h2#latest-incidents").is_visible()
    tab.shot("home")
    page.get_by_role("link", name="Services", exact=True).first.click()
    page.get_by_role("link", name="payments", exact=True).click()
    assert page.url.endswith("/services/payments/")
    assert page.locator("h1").inner_text() == "payments"
    tab.shot("service-payments")
    page.get_by_role("link", name=re.compile("outbound connection pool exhausted")).first.click()
    assert "/2026/2026-02-17-payments-retry-storm-recurrence/" in page.url
    assert page.locator(".pm-card").get_by_text("SEV2").is_visible()
    tab.shot("postmortem")
    page.locator("a[href='#action-items']").first.click()
    table = page.locator("table.pm-actions")
    assert table.is_visible()
    overdue = table.locator("tr.pm-row-overdue")
    assert overdue.count() >= 1
    assert "overdue" in overdue.first.inner_text()
    assert tab.errors == []


@pytest.mark.browser
def test_tag_page_and_archive(example_url: str, tab) -> None:
    page = tab.page
    page.goto(example_url + "tags/")
    page.get_by_role("link", name=re.compile(r"#connection-pool")).click()
    rows = page.locator("table.pm-incidents tbody tr")
    assert rows.count() == 2
    tab.shot("tag-connection-pool")
    page.goto(example_url + "archive/")
    page.get_by_role("link", name="2025", exact=True).click()
    assert page.locator("h2", has_text="November 2025").is_visible()
    tab.shot("archive-2025")
    assert tab.errors == []


@pytest.mark.browser
def test_indexes_work_without_javascript(browser, example_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(example_url + "services/")
    page.get_by_role("link", name="payments", exact=True).click()
    assert page.locator("table.pm-incidents tbody tr").count() == 3
    context.close()


@pytest.mark.browser
def test_dark_palette_postmortem(example_url: str, dark_tab) -> None:
    dark_tab.page.goto(example_url + RECURRENCE.removesuffix("index.html"))
    scheme = dark_tab.page.locator("body").get_attribute("data-md-color-scheme")
    assert scheme == "slate"
    dark_tab.shot("postmortem-dark")
    assert dark_tab.errors == []
