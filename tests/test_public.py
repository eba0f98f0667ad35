"""The public edition: only public, published post-mortems, internal fields dropped,
redacted text replaced by a black bar, and `check` warning about internal names."""

from __future__ import annotations

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
    assert page.count('class="pm-redacted"') == 3


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
        "internal term `db-prod-07.internal.example`; remove it from the front-matter"
        in (findings[0]["message"])
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
