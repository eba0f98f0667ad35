"""Hostile strings in every field reach every output of a built site as text.

One post-mortem carries the same hostile string in every text field (title, summary,
services, tags, authors, impact, fishbone, gaps, action items); others carry a
`javascript:` ticket, a schema error with a hostile title, and a draft. The site is
built with `mkdocs build` (not strict: the hostile files have findings), and every file
of it is searched for the strings unescaped; Chromium types into the theme's header
search and checks that no injected handler ran.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from conftest import EPOCH, Tab

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=window.__pwned=1>"
HOSTILE = (
    f"{SCRIPT} {IMG} \"quotes' ]]> &amp; {{{{ jinja }}}} \x1b[31mred "
    '=HYPERLINK("http://evil") \u202eRTL ctrl\x07end'
)
# what must never appear as it is in an HTML page or the theme's search index
RAW_MARKUP = ("<script>alert", "<img src=x")
BODY = """
## Summary

Body words about the hostile incident.

## Timeline

| Time | Event |
|---|---|
| 10:00 | Started |

## Root cause

Root cause words.
"""


def _postmortem(meta: dict, body: str = BODY) -> str:
    return "---\n" + yaml.safe_dump(meta, allow_unicode=False, sort_keys=False) + "---\n" + body


def hostile_meta(visibility: str = "public") -> dict:
    return {
        "id": "INC-2026-01-01-001",
        "title": "Title " + HOSTILE,
        "date": "2026-01-01",
        "severity": "SEV3",
        "status": "published",
        "visibility": visibility,
        "summary": "Summary " + HOSTILE,
        "services": ["svc" + IMG],
        "tags": ["tag" + IMG, "plain"],
        "started": "2026-01-01T10:00:00Z",
        "detected": "2026-01-01T10:05:00Z",
        "resolved": "2026-01-01T11:00:00Z",
        "authors": ["author" + IMG],
        "impact": {"description": "Impact " + HOSTILE, "users_affected": 5},
        "contributing_factors": {"process": ["Factor " + HOSTILE]},
        "gaps": {"detection": ["Gap " + HOSTILE]},
        "action_items": [
            {
                "id": "AI-1",
                "title": "Action " + HOSTILE,
                "owner": "owner" + IMG,
                "due": "2026-02-01",
                "status": "open",
                "ticket": 'https://tickets.example/x"><img src=x onerror=1>',
                "success_criteria": "Criteria " + HOSTILE,
            },
            {
                "id": "AI-2",
                "title": "Won't do " + HOSTILE,
                "owner": "team-sre",
                "status": "wont-do",
                "reason": "Reason " + HOSTILE,
            },
        ],
    }


def files_of(visibility: str) -> dict[str, str]:
    broken = hostile_meta(visibility)
    broken.update(id="INC-2026-01-02-001", severity="SEV9", title=SCRIPT + " broken " + IMG)
    javascript = hostile_meta(visibility)
    javascript.update(id="INC-2026-01-03-001", title="Ticket with a javascript URL")
    javascript["action_items"][0]["ticket"] = "javascript:alert(1)"
    draft = hostile_meta(visibility)
    draft.update(id="INC-2026-01-04-001", status="draft", title="Draft quetzalcoatl " + IMG)
    return {
        "2026/hostile.md": _postmortem(hostile_meta(visibility)),
        "2026/broken.md": _postmortem(broken),
        "2026/javascript.md": _postmortem(javascript),
        "2026/draft.md": _postmortem(draft),
    }


def build(tmp: Path, visibility: str, audience: str = "internal", extra: str = "") -> Path:
    project = tmp / "project"
    (project / "postmortems").mkdir(parents=True)
    (project / "mkdocs.yml").write_text(
        "site_name: Hostile\nsite_url: https://example.org/archive/\ndocs_dir: postmortems\n"
        "theme:\n  name: material\n  font: false\n"
        f"plugins:\n  - search\n  - postmortems:\n      audience: {audience}\n{extra}",
        encoding="utf-8",
    )
    for name, text in files_of(visibility).items():
        path = project / "postmortems" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    site = tmp / "site"
    result = subprocess.run(
        [str(Path(sys.executable).with_name("mkdocs")), "build", "-q", "-d", str(site)],
        cwd=project,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture(scope="module")
def internal_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("internal"), "internal")


@pytest.fixture(scope="module")
def public_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("public"), "public", "public")


def texts(site: Path) -> dict[str, str]:
    out = {}
    for path in sorted(site.rglob("*")):
        if path.is_file() and path.suffix in (".html", ".json", ".xml", ".ics", ".gz"):
            data = path.read_bytes()
            if path.suffix == ".gz":
                data = gzip.decompress(data)
            out[str(path.relative_to(site))] = data.decode("utf-8")
    return out


@pytest.mark.parametrize("edition", ["internal_site", "public_site"])
def test_no_output_holds_hostile_markup(edition: str, request: pytest.FixtureRequest) -> None:
    site: Path = request.getfixturevalue(edition)
    files = texts(site)
    assert "2026/hostile/index.html" in files
    markup = {n: t for n, t in files.items() if not n.endswith(".ics")}  # ics is plain text
    leaks = [(name, raw) for name, text in markup.items() for raw in RAW_MARKUP if raw in text]
    assert leaks == []
    for name, text in files.items():
        assert "javascript:" not in text, name


def test_the_page_shows_every_hostile_string_as_text(internal_site: Path) -> None:
    page = (internal_site / "2026/hostile/index.html").read_text(encoding="utf-8")
    # title (h1, <title>), summary, impact, fishbone, gaps, action item and its criteria
    for what in ("Title ", "Summary ", "Impact ", "Factor ", "Gap ", "Action ", "Criteria "):
        assert f"{what}&lt;script&gt;alert(1)&lt;/script&gt;" in page, what
    assert "<title>Title &lt;script&gt;" in page
    assert "tag&lt;img src=x onerror=window.__pwned=1&gt;" in page
    assert "{{ jinja }}" in page  # shown as written, never evaluated


def test_the_theme_search_index_holds_only_the_tags_it_keeps(internal_site: Path) -> None:
    data = json.loads((internal_site / "search/search_index.json").read_text(encoding="utf-8"))
    loose = re.compile(r"<(?!/?(?:p|code|pre|li|ol|ul|sub|sup)>)")
    strings = [d["title"] for d in data["docs"]] + [d["text"] for d in data["docs"]]
    strings += [t for d in data["docs"] for t in d.get("tags", [])]
    assert [s for s in strings if loose.search(s)] == []
    by_location = {d["location"]: d for d in data["docs"]}
    tag_page = by_location["tags/tag-img-src-x-onerror-window-pwned-1/"]
    assert tag_page["title"] == "tag&lt;img src=x onerror=window.__pwned=1&gt;"
    latest = by_location["#latest-incidents"]["text"]
    assert "Title &lt;script&gt;alert(1)&lt;/script&gt;" in latest


def test_json_outputs_escape_markup(internal_site: Path) -> None:
    for name in ("api/postmortems.json", "api/action-items.json"):
        text = (internal_site / name).read_text(encoding="utf-8")
        assert "<" not in text and ">" not in text, name
        assert SCRIPT in json.dumps(json.loads(text), ensure_ascii=False), name


def test_finder_index_escapes_markup(internal_site: Path) -> None:
    """The facts (tags, services) and the text chunks (titles, summaries) the finder loads."""
    folder = internal_site / "search"
    files = [folder / "postmortems-facts.json", *sorted((folder / "postmortems-text").iterdir())]
    texts = {path.name: path.read_text(encoding="utf-8") for path in files}
    assert [name for name, text in texts.items() if "<" in text or ">" in text] == []
    facts = json.loads(texts["postmortems-facts.json"])
    assert "tag<img src=x onerror=window.__pwned=1>" in facts["names"]["tag"]
    rows = [row for path in files[1:] for row in json.loads(texts[path.name])]
    assert [row[0].startswith(f"Title {SCRIPT}") for row in rows].count(True) == 1
    assert [row[1].startswith(f"Summary {SCRIPT}") for row in rows].count(True) == 1


def test_feed_is_well_formed_xml_with_the_text(internal_site: Path) -> None:
    root = ET.parse(internal_site / "feed.xml").getroot()
    assert not [e for e in root.iter() if e.tag.split("}")[-1] in ("script", "img")]
    titles = [e.text or "" for e in root.iter("{http://www.w3.org/2005/Atom}title")]
    assert any(SCRIPT in t for t in titles)


def test_text_outputs_carry_no_control_characters(internal_site: Path) -> None:
    """Feed and calendar text is cleaned by `clean.py` (terminal, CSV, XML, iCalendar)."""
    pytest.importorskip("mkdocs_postmortems.clean")
    for name in ("feed.xml", "action-items.ics"):
        text = (internal_site / name).read_text(encoding="utf-8")
        assert "\x1b" not in text and "\x07" not in text, name


def test_a_file_with_a_schema_error_shows_its_title_escaped(internal_site: Path) -> None:
    page = (internal_site / "2026/broken/index.html").read_text(encoding="utf-8")
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; broken" in page
    assert SCRIPT not in page


def test_a_javascript_ticket_is_a_schema_error_never_a_link(internal_site: Path) -> None:
    page = (internal_site / "2026/javascript/index.html").read_text(encoding="utf-8")
    assert "javascript:" not in page
    actions = (internal_site / "actions/index.html").read_text(encoding="utf-8")
    assert 'href="https://tickets.example/x%22%3E%3Cimg%20src=x%20onerror=1%3E"' in actions


def test_drafts_are_in_neither_search_index_nor_sitemap(internal_site: Path) -> None:
    assert (internal_site / "2026/draft/index.html").is_file()  # built, with a banner
    for name in ("search/search_index.json", "sitemap.xml", "feed.xml", "api/postmortems.json"):
        text = (internal_site / name).read_text(encoding="utf-8")
        assert "quetzalcoatl" not in text and "2026/draft/" not in text, name
    sitemap = (internal_site / "sitemap.xml").read_text(encoding="utf-8")
    assert "https://example.org/archive/2026/hostile/" in sitemap


def test_drop_fields_leave_every_output(tmp_path: Path) -> None:
    extra = "      drop_fields: [summary, tags, success_criteria, impact, owner]\n"
    site = build(tmp_path, "internal", extra=extra)
    gone = tuple(
        f"{what}{form}"
        for what in ("Summary ", "Criteria ", "Impact ", "tag", "owner")
        for form in ("<script", "&lt;script", "\\u003cscript", "<img", "&lt;img", "\\u003cimg")
    )
    found = [(n, g) for n, t in texts(site).items() for g in gone if g in t]
    assert found == []
    page = (site / "2026/hostile/index.html").read_text(encoding="utf-8")
    assert "Title &lt;script&gt;" in page and "Action &lt;script&gt;" in page
    assert "Users affected" not in page and ">Owner<" not in page


@pytest.mark.browser
def test_header_search_runs_no_injected_markup(internal_site: Path, serve_dir, tab: Tab) -> None:
    with serve_dir(internal_site) as url:
        page = tab.page
        page.goto(url + "2026/hostile/")
        page.evaluate("window.__pwned = undefined")
        page.click("input.md-search__input")
        page.keyboard.type("tag")
        page.locator(".md-search-result__item a[href*='2026/hostile/']").first.wait_for()
        page.wait_for_timeout(500)  # let any injected handler fire
        results = page.inner_text(".md-search-result")
        assert page.evaluate("window.__pwned") is None
        assert page.evaluate("document.querySelectorAll('.md-search-result img').length") == 0
        assert "tag<img src=x onerror=window.__pwned=1>" in results
        page.fill("input.md-search__input", "")
        page.keyboard.type("alert")
        page.locator(".md-search-result__item a[href*='2026/hostile/']").first.wait_for()
        page.wait_for_timeout(500)
        tab.shot("hostile-header-search")
        assert page.evaluate("window.__pwned") is None
        assert "<script>alert(1)</script>" in page.inner_text(".md-search-result")
        assert page.evaluate("document.querySelectorAll('.md-search-result script').length") == 0
