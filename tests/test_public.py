"""The public edition: only public, published post-mortems, internal fields dropped,
redacted text replaced by a black bar, and `check` warning about internal names."""

from __future__ import annotations

import datetime as dt
import gzip
import html
import json
import re
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, build_site, make_project, run_cli
from test_format import GOOD

REDACTED = ["db-prod-07.internal.example", "Halvorsen Outdoor AB"]


def examples() -> list[tuple[dict, str]]:
    out = []
    for path in sorted((ROOT / "postmortems").glob("20*/*.md")):
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        out.append((yaml.safe_load(front), body))
    return out


@pytest.fixture(scope="module")
def public_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("public") / "site"
    result = build_site(ROOT, site, env={"POSTMORTEMS_AUDIENCE": "public"})
    assert result.returncode == 0, result.stderr
    return site


def everything(site: Path) -> dict[str, str]:
    """Every file of the site as text: pages, search index, exports, feed, calendar, sitemap."""
    out = {}
    for path in sorted(site.rglob("*")):
        if not path.is_file() or path.suffix in (".png", ".svg", ".woff2", ".woff", ".ico"):
            continue
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        text = data.decode("utf-8", "replace")
        if path.suffix == ".json":  # JSON escapes non-ASCII and slashes: compare decoded values
            text += "\n" + json.dumps(json.loads(text), ensure_ascii=False)
        out[str(path.relative_to(site))] = text
    return out


def forms(value: str) -> set[str]:
    """A string as it may appear in HTML, JSON or XML."""
    return {value, html.escape(value), html.escape(value, quote=False), json.dumps(value)[1:-1]}


def test_example_has_public_postmortems_with_redactions() -> None:
    public = [m for m, _ in examples() if m.get("visibility") == "public"]
    assert len(public) >= 2
    assert any(
        "<!-- redact -->" in body for m, body in examples() if m.get("visibility") == "public"
    )


def test_no_internal_postmortem_leaks_into_the_public_site(public_site: Path) -> None:
    files = everything(public_site)
    kinds = {Path(name).name for name in files}
    assert {"sitemap.xml", "search_index.json"} <= kinds
    leaks = []
    for meta, body in examples():
        if meta.get("visibility") == "public" and meta["status"] == "published":
            continue
        first_sentence = re.sub(r"\s+", " ", body.split("## Summary", 1)[-1].strip()).split(". ")[0]
        needles = {meta["id"], meta["title"], first_sentence[:60]}
        for needle in needles:
            for name, text in files.items():
                if any(form in text for form in forms(needle)):
                    leaks.append((meta["id"], needle, name))
    assert leaks == []


def test_public_postmortems_are_there_with_a_black_bar(public_site: Path) -> None:
    files = everything(public_site)
    public = [m for m, _ in examples() if m.get("visibility") == "public"]
    for meta in public:
        assert any(meta["id"] in text for text in files.values()), meta["id"]
    for secret in REDACTED:
        hits = [name for name, text in files.items() if any(f in text for f in forms(secret))]
        assert hits == [], (secret, hits)
    page = files["2025/2025-07-15-postgres-primary-wal-disk-full/index.html"]
    assert page.count('class="pm-redacted"') == 6  # host and customer, revenue, two handles


def test_internal_fields_are_dropped(public_site: Path) -> None:
    files = everything(public_site)
    for meta, body in examples():
        if meta.get("visibility") != "public":
            continue
        for item in meta.get("action_items", []):
            if item.get("ticket"):
                assert not any(item["ticket"] in t for t in files.values()), item["ticket"]
        # owners and authors: not on the page, and not in what either search indexes (unless
        # the narrative itself names them: that is the author's text, redacted or not)
        people = {i["owner"] for i in meta.get("action_items", []) if i.get("owner")}
        people |= set(meta.get("authors", []))
        people = {p for p in people if p not in body}
        assert people
        for person in people:
            found = [n for n, t in files.items() if any(f in t for f in forms(person))]
            assert not found, (person, found)
        revenue = meta.get("impact", {}).get("revenue_usd")
        page_name = next(
            n
            for n, t in files.items()
            if n.endswith("index.html") and meta["id"] in t and n.startswith(str(meta["date"].year))
        )
        page = files[page_name]
        assert "Revenue impact" not in page and "Authors" not in page
        assert ">Owner<" not in page and ">Ticket<" not in page
        assert revenue is None or f"${revenue:,.0f}" not in page


def test_internal_build_still_shows_everything(example_site: Path) -> None:
    page = (example_site / "2025/2025-07-15-postgres-primary-wal-disk-full/index.html").read_text()
    assert "db-prod-07.internal.example" in page and "pm-redacted" not in page
    assert ">Owner<" in page


PUBLIC = GOOD.replace("status: published", "status: published\nvisibility: public")
CONFIG = "      internal_terms: [db-prod-07.internal.example, Acme Corp]\n"


def test_check_warns_about_internal_terms_in_public_postmortems(tmp_path: Path) -> None:
    leaky = PUBLIC.replace(
        "The circuit breaker timeout", "Acme Corp saw errors. The circuit breaker timeout"
    ).replace("summary: >-\n", "summary: >-\n  db-prod-07.internal.example failed.\n")
    project = make_project(tmp_path, {"2026/pm.md": leaky}, config_extra=CONFIG)
    result = run_cli("check", "--format", "json", cwd=project)
    findings = json.loads(result.stdout)["findings"]
    assert [(f["code"], f["line"], f["column"], f["severity"]) for f in findings] == [
        ("PM601", 9, 3, "warning"),
        ("PM601", 40, 1, "warning"),
    ]
    assert (
        "internal term `db-prod-07.internal.example`; wrap it in <!-- redact -->...<!-- /redact "
        "--> (front-matter text too) or remove it from the front-matter" in (findings[0]["message"])
    )
    assert "`Acme Corp`; wrap it in <!-- redact -->" in findings[1]["message"]
    assert result.returncode == 0  # a warning


def test_redacted_or_internal_mentions_are_fine(tmp_path: Path) -> None:
    redacted = PUBLIC.replace(
        "The circuit breaker timeout",
        "<!-- redact -->Acme Corp<!-- /redact --> saw errors. The circuit breaker timeout",
    )
    internal = GOOD.replace("The circuit breaker timeout", "Acme Corp saw errors. The circuit")
    internal = internal.replace("INC-2026-04-12-001", "INC-2026-04-12-002")
    project = make_project(
        tmp_path, {"2026/a.md": redacted, "2026/b.md": internal}, config_extra=CONFIG
    )
    result = run_cli("check", "--format", "json", cwd=project)
    assert json.loads(result.stdout)["findings"] == []


# -- redaction: one syntax, applied before anything indexes or compares the text ---------

MARKED = """---
id: {id}
title: Cold cache after a node restart
date: 2026-0{month}-10
severity: SEV4
status: published
visibility: public
summary: >-
  Checkout latency rose while the cache node <!-- REDACT: host -->kiwi-cache-9<!-- /redact -->
  warmed up.
services: [checkout]
---
## Summary

The cache node <!-- redact: host -->wombat-node<!-- /Redact --> restarted and the cache was cold.

## Root cause <!-- redact -->

quokka-internal words under a redacted heading<!-- /redact --> and the cache was cold.
"""


def marked_archive(tmp_path: Path, audience: str):
    from mkdocs_postmortems.pipeline import open_archive
    from mkdocs_postmortems.settings import Settings

    project = make_project(
        tmp_path,
        {
            "2026/a.md": MARKED.format(id="PUB-1", month=1),
            "2026/b.md": MARKED.format(id="PUB-2", month=2),
        },
    )
    return open_archive(project / "postmortems", Settings(audience=audience), dt.date(2026, 11, 18))


SECRETS = ("kiwi-cache-9", "wombat-node", "quokka-internal")


def test_marks_are_case_insensitive_take_a_note_and_work_in_front_matter(tmp_path: Path) -> None:
    from mkdocs_postmortems.redact import clean

    for text in (
        "a <!-- redact -->x1<!-- /redact --> b",
        "a <!-- REDACT -->x1<!-- /REDACT --> b",
        "a <!--redact: pii-->x1<!--/redact--> b",
        "a <!-- Redact customer -->x1<!-- / redact --> b",
    ):
        assert clean(text, public=True) == "a ████████ b", text
        assert clean(text, public=False) == "a x1 b", text
    archive = marked_archive(tmp_path, "public")
    pm = archive.by_id["PUB-1"].pm
    assert "kiwi-cache-9" not in pm.summary and "████████" in pm.summary
    internal = marked_archive(tmp_path / "internal", "internal")
    assert "kiwi-cache-9" in internal.by_id["PUB-1"].pm.summary
    assert "redact" not in internal.by_id["PUB-1"].pm.summary.lower()


def test_malformed_marks_fail_closed() -> None:
    from mkdocs_postmortems.redact import clean

    assert clean("a <!-- redact -->secret and the rest", public=True) == "a ████████"
    nested = "a <!-- redact -->x <!-- redact -->y<!-- /redact --> secret<!-- /redact --> b"
    assert clean(nested, public=True) == "a ████████ b"
    assert clean("a <!-- /redact --> b", public=True) == "a  b"


def test_finder_index_and_related_reasons_never_hold_redacted_words(tmp_path: Path) -> None:
    from mkdocs_postmortems import related, search

    archive = marked_archive(tmp_path, "public")
    index, meta = search.build(archive)
    terms = json.dumps([index.serialize(), meta])
    for word in ("kiwi", "wombat", "quokka"):
        assert word not in terms, word
    assert "redact" not in terms
    found = related.compute(archive)
    items = found.for_entry(archive, archive.by_id["PUB-1"], 5)
    assert [i.entry.pm.id for i in items] == ["PUB-2"]
    reason = items[0].reason
    assert "similar wording:" in reason
    assert not any(w in reason for w in ("kiwi", "wombat", "quokka")) and "redact" not in reason
    internal = marked_archive(tmp_path / "internal", "internal")
    reason = related.compute(internal).for_entry(internal, internal.by_id["PUB-1"], 5)[0].reason
    assert "redact" not in reason


def test_malformed_marks_are_errors_in_public_postmortems(tmp_path: Path) -> None:
    body = (
        "\n\nStray <!-- /redact --> close.\n"
        "Nested <!-- redact -->a <!-- redact -->b<!-- /redact --><!-- /redact -->.\n"
        "Open <!-- redact -->never closed.\n"
    )
    public = PUBLIC.replace("\n## Summary\n", "\n## Summary\n" + body, 1)
    public = public.replace("summary: >-\n", "summary: >-\n  <!-- redact: pii -->Acme\n", 1)
    internal = GOOD.replace("\n## Summary\n", "\n## Summary\n" + body, 1)
    internal = internal.replace("INC-2026-04-12-001", "INC-2026-04-12-002")
    project = make_project(tmp_path, {"2026/a.md": public, "2026/b.md": internal})
    result = run_cli("check", "--format", "json", cwd=project)
    findings = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "PM602"]

    def line_of(text: str, start: str) -> int:
        return next(n for n, t in enumerate(text.split("\n"), 1) if t.startswith(start))

    got = [(Path(f["path"]).name, f["line"], f["column"], f["severity"]) for f in findings]
    assert got == [
        ("a.md", line_of(public, "summary:"), 10, "error"),  # the folded value's start
        ("a.md", line_of(public, "Stray"), 7, "error"),
        ("a.md", line_of(public, "Nested"), 25, "error"),
        ("a.md", line_of(public, "Open"), 6, "error"),
        ("b.md", line_of(internal, "Stray"), 7, "warning"),
        ("b.md", line_of(internal, "Nested"), 25, "warning"),
        ("b.md", line_of(internal, "Open"), 6, "warning"),
    ]
    messages = [f["message"] for f in findings]
    assert messages[0].startswith("in `summary`: redaction mark is never closed")
    assert "closes no open redaction mark" in messages[1]
    assert "redaction mark inside another one" in messages[2]
    assert "add <!-- /redact --> where the hidden text ends" in messages[3]
    assert result.returncode == 1


def test_money_and_handles_in_public_prose_are_warnings(tmp_path: Path) -> None:
    body = (
        "\n\nThe outage cost $12,000 and €5k in refunds; @priya rolled back.\n"
        "Redacted: <!-- redact -->USD 40,000 and @sven<!-- /redact -->; mail ops@example.com.\n"
    )
    public = PUBLIC.replace("\n## Summary\n", "\n## Summary\n" + body, 1)
    project = make_project(tmp_path, {"2026/a.md": public})
    result = run_cli("check", "--format", "json", cwd=project)
    findings = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "PM603"]
    line = (
        public.split("\n").index("The outage cost $12,000 and €5k in refunds; @priya rolled back.")
        + 1
    )
    assert [(f["line"], f["column"], f["severity"]) for f in findings] == [
        (line, 17, "warning"),
        (line, 29, "warning"),
        (line, 45, "warning"),
    ]
    assert findings[0]["message"] == (
        "public post-mortem shows the amount `$12,000`; leave it out or wrap it in "
        "<!-- redact -->...<!-- /redact -->"
    )
    assert "names the handle `@priya`; name the role" in findings[2]["message"]
    assert result.returncode == 0


def test_the_example_checks_clean() -> None:
    result = run_cli("check")
    assert result.returncode == 0
    assert "0 errors, 0 warnings" in result.stdout + result.stderr


def test_public_example_shows_no_money_or_handles(public_site: Path) -> None:
    files = everything(public_site)
    for secret in ("148,000", "203,000", "39,000", "@jonas", "@sven", "@tomas"):
        assert [n for n, t in files.items() if secret in t] == [], secret


def test_public_reading_lists_name_only_public_postmortems(public_site: Path) -> None:
    public_ids = {m["id"] for m, _ in examples() if m.get("visibility") == "public"}
    assert not (public_site / "reading-lists/payments-team").exists()  # nothing public left
    page = (public_site / "reading-lists/new-engineers/index.html").read_text(encoding="utf-8")
    named = set(re.findall(r"INC-\d{4}-\d\d-\d\d-\d{3}", page))
    assert named and named <= public_ids
    index = (public_site / "reading-lists/index.html").read_text(encoding="utf-8")
    assert "payments-team" not in index and "new-engineers" in index


def test_a_reading_lists_own_words_are_redacted_like_a_postmortems(tmp_path: Path) -> None:
    pm_id = re.search(r"^id: (\S+)$", PUBLIC, re.M).group(1)  # type: ignore[union-attr]
    reading_list = (
        "---\ntitle: Start here <!-- redact -->kiwi<!-- /redact -->\n"
        "audience: New <!-- redact -->wombat<!-- /redact --> engineers\npostmortems:\n"
        f"  - id: {pm_id}\n    why: Ask <!-- redact -->quokka<!-- /redact --> about it.\n"
        "---\nRead it with <!-- redact -->numbat<!-- /redact --> first.\n"
    )
    files = {"2026/a.md": PUBLIC, "reading-lists/start.md": reading_list}
    secrets = ("kiwi", "wombat", "quokka", "numbat")
    public = make_project(tmp_path / "public", files, "      audience: public\n")
    assert build_site(public, tmp_path / "public-site").returncode == 0
    site = everything(tmp_path / "public-site")
    for word in secrets:
        assert [n for n, t in site.items() if word in t] == [], word
    page = site["reading-lists/start/index.html"]
    assert "<title>Start here ████████" in page
    assert "Ask ████████ about it." in page and "New ████████ engineers" in page
    assert page.count('aria-label="redacted"') == 1  # the body's bar
    internal = make_project(tmp_path / "internal", files)
    assert build_site(internal, tmp_path / "internal-site").returncode == 0
    page = everything(tmp_path / "internal-site")["reading-lists/start/index.html"]
    assert "Ask quokka about it." in page and "<title>Start here kiwi" in page
    assert "numbat" in page and "redact --" not in page
