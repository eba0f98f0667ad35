"""The finder page (/find/) and the search index it loads, written at build time.

The index is the Python lunr port's serialised index (lunr.js 2.3.9 loads it);
lunr.js itself is copied from the installed MkDocs package, never from the repo.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from collections import Counter
from pathlib import Path

from ..archive import Archive
from ..render import Page, Renderer
from ..search import FIELDS, build
from .base import Feature, SiteInfo

INDEX = "search/postmortems-index.json"
DOCS = "search/postmortems-docs.json"
LUNR = "assets/postmortems/lunr.js"


def finder_page(archive: Archive) -> list[Page]:
    """The page works without JS too: a GET form and facets that link to the index pages."""
    facets = {
        "service": [(name, len(entries)) for name, entries in archive.by_service.items()],
        "tag": [(name, len(entries)) for name, entries in archive.by_tag.items()],
        "severity": [(level, len(entries)) for level, entries in archive.by_severity.items()],
        "year": [(str(year), len(entries)) for year, entries in archive.by_year.items()],
        "status": sorted(Counter(e.pm.status for e in archive.visible).items()),  # type: ignore[union-attr]
    }
    return [
        Page(
            "find/index.md",
            "Find",
            "postmortems/find.html",
            {"facets": facets, "fields": FIELDS, "index": INDEX, "docs": DOCS, "lunr": LUNR},
            "Search the post-mortems by words, service, tag, severity, year and status.",
        )
    ]


def lunr_js() -> Path:
    """lunr.js as shipped by the installed MkDocs (found without importing MkDocs)."""
    spec = importlib.util.find_spec("mkdocs")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("mkdocs is not installed; the finder needs its lunr.js")
    folder = Path(next(iter(spec.submodule_search_locations)))
    return folder / "contrib" / "search" / "templates" / "search" / "lunr.js"


def write_index(archive: Archive, renderer: Renderer, site: SiteInfo) -> None:
    index, meta = build(archive)
    for name, data in ((INDEX, index.serialize()), (DOCS, meta)):
        path = site.site_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        path.write_text(text, encoding="utf-8")
    target = site.site_dir / LUNR
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(lunr_js(), target)


FEATURE = Feature("finder", pages=finder_page, outputs=write_index)
