"""The finder's query language, index and search, shared by the CLI and the site build.

One grammar, kept tiny so `render/assets/find.js` can mirror it line for line:

    words          every word must match (title, services, tags, summary, root cause)
    "a phrase"     its words must match and appear together in the title or summary
    field:value    service:, tag:, severity:, year:, status: (field:"two words" quotes)
    -anything      excludes: -word, -"a phrase", -tag:dns

Values of one field are alternatives (service:a service:b = either); different
fields must all hold. Words go through lunr (the Python port, whose serialised
index lunr.js 2.3.9 loads); filters and phrases are checked on the compact
document list written next to the index. Order: lunr score, ties newest first;
a query with no words lists newest first.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from typing import Any

from lunr import __TARGET_JS_VERSION__, lunr
from lunr.builder import Builder
from lunr.index import Index
from lunr.query import QueryPresence
from lunr.stemmer import porter_stemmer
from lunr.stop_word_filter import WORDS as STOP_WORDS
from lunr.stop_word_filter import stop_word_filter
from lunr.token import Token
from lunr.trimmer import trimmer

from .archive import Archive
from .entry import REDACT, Entry

FIELDS: tuple[str, ...] = ("service", "tag", "severity", "year", "status")
# Index fields and boosts: what a responder remembers first weighs most.
INDEX_FIELDS: tuple[tuple[str, int], ...] = (
    ("title", 10),
    ("keywords", 6),  # services and tags
    ("summary", 3),
    ("body", 1),  # the Root cause section
)
# More body text (contributing factors, action items) made the index 30% bigger for little
# gain in what a responder finds; the size target is half of Material's own index. The body
# keeps only the words the title, keywords and summary do not already have.
BODY_SECTIONS: tuple[str, ...] = ("Root cause",)

# -? then an optional field name, then "a quoted value" (closing quote optional) or a bare word.
CLAUSE = re.compile(r'\s*(-?)(?:([A-Za-z]+):(?=\S))?(?:"([^"]*)"?|([^\s"]+))')
SPLIT = re.compile(r"[\W_]+")


class QueryError(ValueError):
    """A query the finder cannot run; the message is shown as is."""


@dataclass(frozen=True)
class Clause:
    negated: bool
    field: str | None  # None: free text
    value: str
    phrase: bool
    raw: str


@dataclass
class Query:
    clauses: list[Clause] = field(default_factory=list)

    @property
    def words(self) -> list[str]:
        """Required words: free words and the words of phrases (stop words dropped)."""
        found = [
            t
            for c in self.clauses
            if c.field is None and not c.negated
            for t in tokens(c.value)
            if t not in STOP_WORDS
        ]
        return list(dict.fromkeys(found))

    @property
    def excluded_words(self) -> list[str]:
        found = [
            t
            for c in self.clauses
            if c.field is None and c.negated and not c.phrase
            for t in tokens(c.value)
            if t not in STOP_WORDS
        ]
        return list(dict.fromkeys(found))

    def phrases(self, negated: bool) -> list[str]:
        return [
            " ".join(tokens(c.value))
            for c in self.clauses
            if c.field is None and c.phrase and c.negated == negated and tokens(c.value)
        ]

    def filters(self, negated: bool) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for c in self.clauses:
            if c.field is not None and c.negated == negated:
                found.setdefault(c.field, []).append(c.value.lower())
        return found


def tokens(text: str) -> list[str]:
    """Lower-case words split on anything that is not a letter or digit (as find.js does)."""
    return [t for t in SPLIT.split(text.lower()) if t]


def parse(text: str) -> Query:
    """Split a query into clauses; an unknown `field:` is an error naming the known ones."""
    clauses = []
    position = 0
    while position < len(text):
        match = CLAUSE.match(text, position)
        if match is None:  # only spaces are left
            break
        position = match.end()
        minus, name, quoted, bare = match.groups()
        value = quoted if quoted is not None else bare
        if name is not None:
            name = name.lower()
            if name not in FIELDS:
                raise QueryError(unknown_field(name, match.group(0).strip()))
            if not value.strip():
                continue
        clauses.append(Clause(bool(minus), name, value, quoted is not None, match.group(0).strip()))
    return Query(clauses)


def unknown_field(name: str, raw: str) -> str:
    known = ", ".join(f"{f}:" for f in FIELDS)
    return f'unknown field "{name}" in {raw}; use {known} (or quote the words: "{raw}")'


# -- the index ---------------------------------------------------------------------------


def _text(value: str, entry: Entry, archive: Archive) -> str:
    if archive.settings.audience == "public":
        return REDACT.sub(" ", value)  # redacted words are not findable in the public edition
    return REDACT.sub(lambda m: m.group(1), value)


def document(entry: Entry, archive: Archive, ref: str) -> dict[str, str]:
    """The text lunr indexes for one post-mortem, pre-split into our tokens.

    `ref` is the post-mortem's position in the document list: a short ref keeps the
    index small, since lunr repeats it in every posting.
    """
    pm = entry.pm
    assert pm is not None
    hidden = archive.settings.hidden_fields
    body = [entry.section(name) for name in BODY_SECTIONS]
    parts = {
        "title": pm.title,
        "keywords": " ".join(pm.services + pm.tags),
        "summary": pm.summary,
        "body": "\n".join(body),
    }
    doc = {
        name: " ".join(tokens(_text(text, entry, archive))) if name not in hidden else ""
        for name, text in parts.items()
    }
    # The body only adds words the other fields lack (and no bare numbers): every word
    # stays findable, and the index stays under half the size of Material's.
    seen = {stem(t) for name in ("title", "keywords", "summary") for t in doc[name].split()}
    doc["body"] = " ".join(
        t for t in doc["body"].split() if not t.isdigit() and stem(t) not in seen
    )
    return {"ref": ref, **doc}


def build(archive: Archive) -> tuple[Index, dict[str, Any]]:
    """The lunr index of the visible post-mortems and their compact document list.

    The list holds what a result shows and what filters need, newest first:
    `[id, title, date, severity, status, summary, services, tags, url]`; lunr's
    refs are positions in it.
    """
    entries = archive.visible
    if entries:
        builder = Builder()  # lunr's default pipeline, with the stemmer cached
        builder.pipeline.add(trimmer, stop_word_filter, _stemmer)
        builder.search_pipeline.add(_stemmer)
        index = lunr(
            ref="ref",
            fields=[{"field_name": name, "boost": boost} for name, boost in INDEX_FIELDS],
            documents=[document(e, archive, str(n)) for n, e in enumerate(entries)],
            builder=builder,
        )
    else:  # lunr cannot build from no documents (it averages field lengths)
        index = Index.load(
            {
                "version": __TARGET_JS_VERSION__,
                "fields": [name for name, _ in INDEX_FIELDS],
                "fieldVectors": [],
                "invertedIndex": [],
                "pipeline": ["stemmer"],
            }
        )
    hidden = archive.settings.hidden_fields
    docs = []
    for entry in entries:
        pm = entry.pm
        assert pm is not None
        summary = "" if "summary" in hidden else _text(pm.summary, entry, archive)
        docs.append(
            [
                pm.id,
                pm.title,
                pm.date.isoformat(),
                pm.severity,
                pm.status,
                summary,
                list(pm.services),
                list(pm.tags),
                entry.url,
            ]
        )
    meta = {
        "fields": list(FIELDS),
        "severities": list(archive.settings.severities),
        "columns": [
            "id",
            "title",
            "date",
            "severity",
            "status",
            "summary",
            "services",
            "tags",
            "url",
        ],
        "docs": docs,
    }
    return index, meta


# -- searching ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    position: int  # in the document list (newest first)
    score: float


@functools.cache
def stem(word: str) -> str:
    """lunr's Porter stemmer, once per distinct word: a build stems a million words, most of
    them the same few thousand (uncached, stemming was half of building the index)."""
    return porter_stemmer.stem(word)


def _stem_string(word: str, metadata: object = None) -> str:
    return stem(word)


def _stemmer(token: Token, i: int | None = None, tokens: list[Token] | None = None) -> Token:
    return token.update(_stem_string)


_stemmer.label = "stemmer"  # type: ignore[attr-defined]  # serialised as lunr's own: lunr.js stems


def _lunr(index: Index, words: list[str], presence: QueryPresence) -> dict[str, float]:
    """Scores of the documents matching all (REQUIRED) or any (OPTIONAL) of the words."""
    stems = [stem(w) for w in words]
    if presence == QueryPresence.REQUIRED and any(s not in index.inverted_index for s in stems):
        return {}
    query = index.create_query()
    for s in stems:
        query.term(s, use_pipeline=False, presence=presence)
    return {r["ref"]: r["score"] for r in index.query(query)}


def _phrase_text(doc: list[Any]) -> str:
    return " " + " ".join(tokens(doc[1] + " " + doc[5])) + " "


@dataclass(frozen=True)
class _Wanted:
    filters: dict[str, list[str]]
    unfilters: dict[str, list[str]]
    phrases: list[str]
    unphrases: list[str]


def _passes(doc: list[Any], want: _Wanted) -> bool:
    have = {
        "service": [s.lower() for s in doc[6]],
        "tag": [t.lower() for t in doc[7]],
        "severity": [doc[3].lower()],
        "year": [doc[2][:4]],
        "status": [doc[4].lower()],
    }
    for name, wanted in want.filters.items():
        if not any(v in have[name] for v in wanted):
            return False
    for name, unwanted in want.unfilters.items():
        if any(v in have[name] for v in unwanted):
            return False
    if not want.phrases and not want.unphrases:
        return True
    text = _phrase_text(doc)
    if any(f" {p} " not in text for p in want.phrases):
        return False
    return not any(f" {p} " in text for p in want.unphrases)


def run(index: Index, meta: dict[str, Any], query: Query) -> list[Hit]:
    """The matching documents, best first (newest first when there are no words)."""
    docs = meta["docs"]
    words = query.words
    scores = _lunr(index, words, QueryPresence.REQUIRED) if words else None
    unwanted = query.excluded_words
    excluded = _lunr(index, unwanted, QueryPresence.OPTIONAL) if unwanted else {}
    want = _Wanted(
        query.filters(False), query.filters(True), query.phrases(False), query.phrases(True)
    )
    hits = []
    for position, doc in enumerate(docs):
        ref = str(position)
        if scores is not None and ref not in scores:
            continue
        if ref in excluded or not _passes(doc, want):
            continue
        hits.append(Hit(position, scores[ref] if scores is not None else 0.0))
    hits.sort(key=lambda h: (-math.floor(h.score * 1e6 + 0.5), h.position))
    return hits


def search(index: Index, meta: dict[str, Any], text: str) -> list[Hit]:
    return run(index, meta, parse(text))
