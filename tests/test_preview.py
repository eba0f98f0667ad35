"""The preview's quick path: a saved post-mortem is re-read alone, and what it changes
elsewhere (findings across files, related incidents, listings) comes out as a full build
would have it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import make_project
from mkdocs_postmortems import build, related
from mkdocs_postmortems.loader import discover
from mkdocs_postmortems.pipeline import lint, open_archive
from mkdocs_postmortems.settings import Settings
from test_format import GOOD
from test_serve import _get, _until, mkdocs_serve

TODAY = dt.date(2026, 6, 1)
A = GOOD
B = (
    GOOD.replace("INC-2026-04-12-001", "INC-2026-04-20-001")
    .replace("EU logins failing after auth-service deploy", "Payments slow after cache flush")
    .replace("services: [auth-service, api-gateway]", "services: [payments, api-gateway]")
)
C = (
    GOOD.replace("INC-2026-04-12-001", "INC-2026-05-02-001")
    .replace("EU logins failing after auth-service deploy", "Search index lag in EU")
    .replace("services: [auth-service, api-gateway]", "services: [search]")
)
FILES = {"2026/a.md": A, "2026/b.md": B, "2026/c.md": C}


def _full(docs: Path, settings: Settings) -> tuple[object, list[str]]:
    archive = open_archive(docs, settings, TODAY)
    return archive, [f"{f.location} {f.code} {f.message}" for f in archive.findings]


def test_update_gives_the_findings_and_related_of_a_full_read(tmp_path: Path) -> None:
    project = make_project(tmp_path, FILES)
    docs = project / "postmortems"
    settings = Settings(findings_panel=True)
    first = build.build_archive(list(discover(docs, [])), settings, TODAY, docs)
    lint(first.entries, settings, first.extra, keep_nodes=True)
    related.for_archive(first)
    # a: takes b's id (a duplicate in both files), links an id that does not exist, and
    # loses its owner; the file rules and the cross-file rules must both see the change
    edited = (
        A.replace("id: INC-2026-04-12-001", "id: INC-2026-04-20-001")
        .replace("tags: [deploy, timeout]", "tags: [deploy]\nrelated: [INC-1999-01-01-001]")
        .replace('owner: "@priya"', "owner: TBD")
    )
    (docs / "2026" / "a.md").write_text(edited, encoding="utf-8")
    new, fresh = build.update(first, [(docs / "2026" / "a.md", "2026/a.md")], TODAY, docs)
    assert [e.doc.src_uri for e in fresh] == ["2026/a.md"]
    quick = [f"{f.location} {f.code} {f.message}" for f in new.findings]
    full_archive, full = _full(docs, settings)
    assert quick == full
    codes = {line.split()[1] for line in quick}
    assert {"PM301", "PM302", "PM401"} <= codes  # the change shows in both kinds of rules
    assert any("b.md:" in line.split()[0] and line.split()[1] == "PM301" for line in quick)
    # the related incidents: carried over at once, exact after `compute`
    exact = related.compute(new)
    fresh_full = related.compute(full_archive)  # type: ignore[arg-type]
    assert exact is not None and fresh_full is not None
    assert exact.similar == fresh_full.similar


def test_update_of_a_title_reaches_the_listing_rows(tmp_path: Path) -> None:
    project = make_project(tmp_path, FILES)
    docs = project / "postmortems"
    settings = Settings()
    first = build.build_archive(list(discover(docs, [])), settings, TODAY, docs)
    lint(first.entries, settings, first.extra, keep_nodes=True)
    (docs / "2026" / "c.md").write_text(
        C.replace("Search index lag in EU", "Search index lag in the EU region"), encoding="utf-8"
    )
    new, _ = build.update(first, [(docs / "2026" / "c.md", "2026/c.md")], TODAY, docs)
    titles = [e.pm.title for e in new.by_service["search"]]  # type: ignore[union-attr]
    assert titles == ["Search index lag in the EU region"]
    assert [p.src_uri for p in build.generated_pages(new)] == [
        p.src_uri for p in build.generated_pages(first)
    ]


# --- under `mkdocs serve` -------------------------------------------------------------------


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[tuple[Path, str, Path]]:
    """`mkdocs serve` on three post-mortems; (docs folder, site URL, serve log)."""
    project = make_project(tmp_path, FILES)
    log_path = tmp_path / "serve.log"
    with mkdocs_serve(project, "2026/a/", log_path) as url:
        yield project / "postmortems", url, log_path


def _page(url: str) -> str:
    try:
        return _get(url, timeout=30)[1]
    except OSError:
        return ""


def test_serve_writes_a_saved_postmortem_alone_then_the_pages_that_list_it(serving) -> None:
    docs, url, log = serving
    # 1. a new title: the quick path writes the page, the follow-up the listings
    (docs / "2026" / "c.md").write_text(
        C.replace("Search index lag in EU", "Search index lag in the EU region"), encoding="utf-8"
    )
    assert _until(lambda: "Search index lag in the EU region" in _page(url + "2026/c/"))
    assert "mkdocs_postmortems: preview: 2026/c.md in " in log.read_text()
    assert _until(lambda: "more pages changed" in log.read_text())
    assert "Search index lag in the EU region" in _page(url + "services/search/")
    assert "Search index lag in the EU region" in _page(url)  # the home page's recent list
    assert log.read_text().count("Building documentation") == 1  # no full rebuild

    # 2. a's id becomes b's: both panels name the duplicate, b's after the follow-up
    (docs / "2026" / "a.md").write_text(
        A.replace("id: INC-2026-04-12-001", "id: INC-2026-04-20-001"), encoding="utf-8"
    )
    assert _until(lambda: "PM301" in _page(url + "2026/a/"))
    assert _until(lambda: "PM301" in _page(url + "2026/b/"))
    assert "id <code>INC-2026-04-20-001</code> is also used by" in _page(url + "2026/b/")

    # 3. a tag no page exists for: a full rebuild makes its page
    (docs / "2026" / "a.md").write_text(
        A.replace("tags: [deploy, timeout]", "tags: [deploy, timeout, brand-new-tag]"),
        encoding="utf-8",
    )
    assert _until(lambda: "EU logins failing" in _page(url + "tags/brand-new-tag/"))
    assert log.read_text().count("Building documentation") == 2
    assert "PM301" not in _page(url + "2026/b/")  # the duplicate is gone with a's old id
