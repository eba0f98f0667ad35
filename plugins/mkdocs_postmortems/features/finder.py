"""The finder page (/find/) and the search index it loads, written at build time.

What the browser loads comes in pieces, so the first result comes about as fast at
10,000 post-mortems as at 100:

- `search/postmortems-terms.json`: the first word of each postings shard;
- `search/postmortems/N.json`: `search.Postings` cut into shards of about 48 KB, in word
  order; a query fetches the shards of its own words only;
- `search/postmortems-facts.json`: what every query filters on and what a result list
  needs to rank and count, in the document list's order (newest first): id, date,
  severity, status, services, tags, as compact columns (`site_documents`), and the
  finder page's address, where the header box sends a reader for every match;
- `search/postmortems-text/K.json`: title, summary and URL of the post-mortems at
  positions `K * chunk` to `K * chunk + chunk - 1` (`chunk` is in the facts file). A page
  of results loads the chunks it shows; a phrase loads those of the documents it must read.

The header search box asks the same index, in the same query language
(`assets/postmortems/search-worker.js`). lunr.js (its stemmer and stop words) is copied
from the installed MkDocs package, never from the repo.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

from ..archive import Archive
from ..entry import url_for
from ..escaping import json_text
from ..render import Page, Renderer
from ..search import FIELDS, build, utf16
from .base import Feature, SiteInfo

INDEX = "search/postmortems-terms.json"
SHARDS = "search/postmortems"
FACTS = "search/postmortems-facts.json"
TEXTS = "search/postmortems-text"
# Post-mortems per text chunk (about 10 KB at 10,000): a page of 20 ranked results is
# scattered over the archive, so it loads up to 20 chunks, each small; a page of a filter,
# newest first, loads neighbouring ones. find.js shows each result as its chunk arrives.
CHUNK = 25
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
            {"facets": facets, "fields": FIELDS, "index": INDEX, "facts": FACTS, "lunr": LUNR},
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


def site_documents(meta: dict[str, Any], chunk: int = CHUNK) -> tuple[dict[str, Any], list[Any]]:
    """The document list of `search.build` as the site serves it: the facts every query
    filters on, and the text chunks a page of results (or a phrase) loads.

    The facts are columns, one value per post-mortem, newest first; every query loads
    them whole, so they are kept small (about 40 bytes a post-mortem):

    - `id`: "n:rest", the first n characters shared with the id before (ids are ASCII
      and hold no colon, so the browser slices them alike);
    - `days`: days before the date of the post-mortem before (the first: before `newest`);
    - `severity`, `status`: a name's position in `names`; `service`, `tag`: lists of them.

    Names are written once, most used first (the shortest numbers); ties in UTF-16 order,
    so the bytes depend on nothing but the archive.
    """
    column = {name: n for n, name in enumerate(meta["columns"])}
    docs = meta["docs"]
    lists = {
        "severity": [[d[column["severity"]]] for d in docs],
        "status": [[d[column["status"]]] for d in docs],
        "service": [d[column["services"]] for d in docs],
        "tag": [d[column["tags"]] for d in docs],
    }
    names: dict[str, list[str]] = {}
    numbers: dict[str, list[list[int]]] = {}
    for field, values in lists.items():
        counts = Counter(v for row in values for v in row)
        names[field] = sorted(counts, key=lambda v: (-counts[v], utf16(v)))
        position = {name: n for n, name in enumerate(names[field])}
        numbers[field] = [[position[v] for v in row] for row in values]
    ids: list[str] = []
    days: list[int] = []
    previous_id = ""
    dates = [dt.date.fromisoformat(d[column["date"]]) for d in docs]
    previous_date = dates[0] if dates else None
    for d, date in zip(docs, dates, strict=True):
        pm_id = d[column["id"]]
        shared = _shared(previous_id, pm_id)
        ids.append(f"{shared}:{pm_id[shared:]}")
        days.append((previous_date - date).days if previous_date else 0)
        previous_id, previous_date = pm_id, date
    facts = {
        "fields": meta["fields"],
        "severities": meta["severities"],
        "names": names,
        "chunk": chunk,
        "newest": dates[0].isoformat() if dates else None,
        "id": ids,
        "days": days,
        "severity": [row[0] for row in numbers["severity"]],
        "status": [row[0] for row in numbers["status"]],
        "service": numbers["service"],
        "tag": numbers["tag"],
    }
    text = [[d[column["title"]], d[column["summary"]], d[column["url"]]] for d in docs]
    chunks = [text[k : k + chunk] for k in range(0, len(text), chunk)]
    return facts, chunks


def _shared(a: str, b: str) -> int:
    """How many first characters two strings share."""
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def write_index(archive: Archive, renderer: Renderer, site: SiteInfo) -> None:
    postings, meta = build(archive)
    firsts, shards = postings.shards()
    directory = {"fields": postings.serialize()["fields"], "shards": firsts}
    facts, chunks = site_documents(meta)
    # where the header box sends a reader for every match (it lists the first 20)
    facts["find"] = url_for("find/index.md", archive.settings.use_directory_urls)
    files: list[tuple[str, Any]] = [(INDEX, directory), (FACTS, facts)]
    files += [(f"{SHARDS}/{n}.json", shard) for n, shard in enumerate(shards)]
    files += [(f"{TEXTS}/{k}.json", chunk) for k, chunk in enumerate(chunks)]
    for folder in (SHARDS, TEXTS):  # no shard or chunk of an earlier build
        shutil.rmtree(site.site_dir / folder, ignore_errors=True)
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
