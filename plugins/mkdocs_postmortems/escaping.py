"""Escaping for the outputs the theme builds from our data: page meta and its search index.

Our own templates autoescape (render/). MkDocs' and Material's templates do not: they
print `page.title` and `page.meta` as they are, and Material's search copies
`page.meta.tags` into `search_index.json`, whose client inserts titles, text and tags
into the page as HTML. So every string of a post-mortem that reaches `page.meta` is
escaped here, and the written search index is checked once more (`search_index`): the
only markup it may hold is the handful of bare tags Material's indexer keeps.

Terminal, CSV, XML and calendar text is `clean.py`'s.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from .entry import Entry

# The tags Material's search indexer keeps, bare (it drops every attribute).
_KEPT = "p|code|pre|li|ol|ul|sub|sup"
# A "<" that does not open or close one of those: the start of injected markup.
_LOOSE_LT = re.compile(rf"<(?!/?(?:{_KEPT})>)")


def text(value: object) -> str:
    """A string for a template that prints it as it is (MkDocs' and the theme's)."""
    return html.escape(str(value))


def page_meta(entry: Entry, shown: bool, hidden: set[str]) -> dict[str, Any]:
    """What MkDocs and the theme get as `page.meta` for a post-mortem page.

    Built from the published post-mortem (redacted, hidden fields dropped), never from the
    raw front-matter, and escaped: the theme prints it and its search indexes `tags`.
    A page the indexes leave out (a draft in `mkdocs build`) is left out of the search too.
    """
    meta: dict[str, Any] = {"hide": ["navigation"]}  # the archive is reached by its indexes
    pm = entry.pm
    if pm is not None:
        meta["title"] = text(pm.title)
        meta["description"] = text(pm.summary)
        if pm.tags and "tags" not in hidden:
            meta["tags"] = [text(tag) for tag in pm.tags]
    else:  # the schema failed: still no raw string reaches the theme
        raw = entry.doc.meta or {}
        title = raw.get("title")
        if not isinstance(title, str) or not title.strip():
            first = next((s for s in entry.sections if s.level == 1), None)
            title = first.title if first else entry.doc.src_uri
        meta["title"] = text(title)
        summary = raw.get("summary")
        if isinstance(summary, str) and "summary" not in hidden:
            meta["description"] = text(summary)
    if not shown:
        meta["search"] = {"exclude": True}
    return meta


def json_text(data: Any) -> str:
    """Compact UTF-8 JSON with <, > and & as \\u escapes (and the two JavaScript line
    separators): no browser sniffs markup in it, and it is safe inside a <script> too."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    for char, escape in _JSON_ESCAPES:
        text = text.replace(char, escape)
    return text


_JSON_ESCAPES = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


def search_text(value: str) -> str:
    """A title, text or tag of the theme's search index with no markup but the kept tags."""
    return _LOOSE_LT.sub("&lt;", value)


def search_index(path: Path) -> bool:
    """Neutralise markup in the theme's written `search_index.json`; True if it changed.

    A second guard behind `page_meta`: whatever put a tag there (a theme feature, a
    future plugin), the client gets it as text. The file is rewritten only when needed,
    with the separators Material uses, so a clean index keeps its bytes.
    """
    if not path.is_file():
        return False
    data = json.loads(path.read_text(encoding="utf-8"))
    changed = False
    for doc in data.get("docs", []):
        for key in ("title", "text"):
            value = doc.get(key)
            if isinstance(value, str) and (safe := search_text(value)) != value:
                doc[key] = safe
                changed = True
        tags = doc.get("tags")
        if isinstance(tags, list):
            safe_tags = [search_text(str(t)) for t in tags]
            if safe_tags != tags:
                doc["tags"] = safe_tags
                changed = True
    if changed:
        path.write_text(json.dumps(data, separators=(",", ":"), default=str), encoding="utf-8")
    return changed
