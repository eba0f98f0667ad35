"""The finder page (/find/) and the search index it loads, written at build time.

The index is `search.Postings` cut into shards of about 48 KB (`search/postmortems/N.json`)
with a directory of their first words (`search/postmortems-terms.json`): a query fetches
the document list and the shards of its own words only, so the first result comes about as
fast at 10,000 post-mortems as at 100. The header search box asks the same index, in the
same query language (`assets/postmortems/search-worker.js`). lunr.js (its stemmer and stop
words) is copied from the installed MkDocs package, never from the repo.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

from ..archive import Archive
from ..escaping import json_text
from ..render import Page, Renderer
from ..search import FIELDS, build
from .base import Feature, SiteInfo

INDEX = "search/postmortems-terms.json"
SHARDS = "search/postmortems"
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
    postings, meta = build(archive)
    firsts, shards = postings.shards()
    directory = {"fields": postings.serialize()["fields"], "shards": firsts}
    files: list[tuple[str, Any]] = [(INDEX, directory), (DOCS, meta)]
    files += [(f"{SHARDS}/{n}.json", shard) for n, shard in enumerate(shards)]
    shutil.rmtree(site.site_dir / SHARDS, ignore_errors=True)  # no shard of an earlier build
    for name, data in files:
        path = site.site_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json_text(data)  # post-mortem strings: no markup a browser could sniff
        path.write_text(text, encoding="utf-8")
    target = site.site_dir / LUNR
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(lunr_js(), target)


# Material's page config names its search worker; the header box gets ours instead.
_WORKER = re.compile(r'("search":\s*"[^"]*?)assets/javascripts/workers/search\.[0-9a-f]+\.min\.js"')


def header_search(html: str) -> str:
    """A page whose header search box asks the finder's index (search-worker.js).

    Material lets a site give its own search worker; ours speaks Material's messages and
    answers in the finder's query language, so the box and /find/ agree, and post-mortems
    stay out of Material's index (which every page would otherwise load whole).
    """
    return _WORKER.sub(r'\1assets/postmortems/search-worker.js"', html, count=1)


FEATURE = Feature("finder", pages=finder_page, outputs=write_index)
