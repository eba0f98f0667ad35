"""The finder's query language, index and search, shared by the CLI and the site build.

One grammar, kept tiny so `render/assets/find.js` can mirror it line for line:

    words          every word must match (title, services, tags, summary, root cause)
    "a phrase"     its words must match and appear together in the title or summary
    field:value    service:, tag:, severity:, year:, status: (field:"two words" quotes)
    -anything      excludes: -word, -"a phrase", -tag:dns

Values of one field are alternatives (service:a service:b = either); different
fields must all hold. Words are stemmed and weighed by lunr (the Python port);
its index is turned into `Postings` (per word, the weight of each document in
each field), which the site writes in shards a query fetches only as it needs
them. Scores are lunr's, worked out here and in finder-core.js with the same
arithmetic in the same order, so the CLI and the browser rank alike. Filters and
phrases are checked on the compact document list `build` returns (the site serves
it in two parts, see features/finder.py: the facts filters need, and the titles
and summaries phrases need, in chunks). Order: score, ties newest first; a query
with no words lists newest first.
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
from lunr.stemmer import porter_stemmer
from lunr.stop_word_filter import WORDS as STOP_WORDS
from lunr.stop_word_filter import stop_word_filter
from lunr.token import Token
from lunr.trimmer import trimmer

from .archive import Archive
from .entry import Entry
from .redact import clean, is_public, section

FIELDS: tuple[str, ...] = ("service", "tag", "severity", "year", "status")
# Index fields and boosts: what a responder remembers first weighs most.
INDEX_FIELDS: tuple[tuple[str, int], ...] = (
    ("title", 10),
    ("keywords", 6),  # services and tags
    ("summary", 3),
    ("body", 1),  # the Root cause section
)
# More body text (contributing factors, action items) makes the index much bigger for little
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


def _text(value: str, archive: Archive) -> str:
    """Redacted words are not findable in the public edition, and the marks are no words.

    Front-matter text is already clean (`redact.published`); this is a second guard."""
    return clean(value, is_public(archive.settings), " ")


def document(entry: Entry, archive: Archive, ref: str) -> dict[str, str]:
    """The text lunr indexes for one post-mortem, pre-split into our tokens.

    `ref` is the post-mortem's position in the document list: a short ref keeps the
    index small, since lunr repeats it in every posting.
    """
    pm = entry.pm
    assert pm is not None
    hidden = archive.settings.hidden_fields
    # the body is redacted as a whole before it is cut into sections (a mark may cross one)
    public = is_public(archive.settings)
    body = [section(entry, name, public) for name in BODY_SECTIONS]
    parts = {
        "title": pm.title,
        "keywords": " ".join(pm.services + pm.tags),
        "summary": pm.summary,
        "body": "\n".join(body),
    }
    doc = {
        name: " ".join(tokens(_text(text, archive))) if name not in hidden else ""
        for name, text in parts.items()
    }
    # The body only adds words the other fields lack (and no bare numbers): every word
    # stays findable, and the index stays under half the size of Material's.
    seen = {stem(t) for name in ("title", "keywords", "summary") for t in doc[name].split()}
    doc["body"] = " ".join(
        t for t in doc["body"].split() if not t.isdigit() and stem(t) not in seen
    )
    return {"ref": ref, **doc}


@dataclass
class Postings:
    """Per stemmed word, per index field (INDEX_FIELDS order): `[position, weight, ...]`.

    The weights are lunr's field-vector entries (BM25 with the field boosts); a query
    needs the postings of its own words only, which is what lets the site load them in
    shards.
    """

    terms: dict[str, list[list[float]]]

    @classmethod
    def from_lunr(cls, index: Index) -> Postings:
        names = [name for name, _ in INDEX_FIELDS]
        weights: dict[str, dict[int, float]] = {}
        for ref, vector in index.field_vectors.items():
            elements = vector.elements
            weights[ref] = {int(elements[i]): elements[i + 1] for i in range(0, len(elements), 2)}
        terms: dict[str, list[list[float]]] = {}
        for term in sorted(index.inverted_index, key=utf16):
            posting = index.inverted_index[term]
            number = posting["_index"]
            lists: list[list[float]] = []
            for name in names:
                flat: list[float] = []
                for ref in sorted(posting.get(name, {}), key=int):
                    flat += [int(ref), weights[f"{name}/{ref}"][number]]
                lists.append(flat)
            terms[term] = lists
        return cls(terms)

    def get(self, stem: str) -> list[list[float]] | None:
        return self.terms.get(stem)

    def serialize(self) -> dict[str, Any]:
        return {"fields": [name for name, _ in INDEX_FIELDS], "terms": self.terms}

    def shards(self, budget: int = 48_000) -> tuple[list[str], list[dict[str, Any]]]:
        """The postings cut into shards of about `budget` bytes of JSON, in word order;
        with the first word of each, so a reader finds a word's shard by binary search."""
        firsts: list[str] = []
        shards: list[dict[str, Any]] = []
        size = budget
        for term, lists in self.terms.items():
            if size >= budget:
                firsts.append(term)
                shards.append({})
                size = 0
            shards[-1][term] = lists
            size += len(term) + 8 + sum(len(x) for x in lists) * 7
        return firsts, shards


def utf16(text: str) -> bytes:
    """Sort key giving JavaScript's string order (UTF-16 code units), which find.js uses."""
    return text.encode("utf-16-be")


def build(archive: Archive) -> tuple[Postings, dict[str, Any]]:
    """The postings of the visible post-mortems and their compact document list.

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
        summary = "" if "summary" in hidden else _text(pm.summary, archive)
        docs.append(
            [
                pm.id,
                _text(pm.title, archive),
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
    return Postings.from_lunr(index), meta


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


def scores(postings: Postings, words: list[str]) -> dict[int, float]:
    """lunr's score of every document holding all the words (in any field).

    As lunr's query with one REQUIRED term per word: the query vector has a 1 per word
    (words sharing a stem add up), and a document scores the sum over fields of its
    field vector's dot product with it, divided by the query vector's length. find.js
    does the same operations in the same order (stems in UTF-16 order, fields in index
    order), so both give the same floats.
    """
    counts: dict[str, int] = {}
    for word in words:
        counts[stem(word)] = counts.get(stem(word), 0) + 1
    stems = sorted(counts, key=utf16)
    lists = [postings.get(s) for s in stems]
    if not stems or any(found is None for found in lists):
        return {}
    length = math.sqrt(sum(c * c for c in counts.values()))
    holders: set[int] | None = None
    for found in lists:
        assert found is not None
        docs = {int(flat[i]) for flat in found for i in range(0, len(flat), 2)}
        holders = docs if holders is None else holders & docs
    assert holders is not None
    result: dict[int, float] = {}
    for number in range(len(INDEX_FIELDS)):
        dots: dict[int, float] = {}
        for s, found in zip(stems, lists, strict=True):
            assert found is not None
            flat = found[number]
            for i in range(0, len(flat), 2):
                doc = int(flat[i])
                if doc in holders:
                    dots[doc] = dots.get(doc, 0.0) + counts[s] * flat[i + 1]
        for doc, dot in dots.items():
            result[doc] = result.get(doc, 0.0) + dot / length
    return result


def holding_any(postings: Postings, words: list[str]) -> set[int]:
    """The documents holding at least one of the words, in any field."""
    found: set[int] = set()
    for word in words:
        for flat in postings.get(stem(word)) or []:
            found.update(int(flat[i]) for i in range(0, len(flat), 2))
    return found


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


def run(postings: Postings, meta: dict[str, Any], query: Query) -> list[Hit]:
    """The matching documents, best first (newest first when there are no words)."""
    docs = meta["docs"]
    words = query.words
    found = scores(postings, words) if words else None
    unwanted = query.excluded_words
    excluded = holding_any(postings, unwanted)
    want = _Wanted(
        query.filters(False), query.filters(True), query.phrases(False), query.phrases(True)
    )
    hits = []
    for position, doc in enumerate(docs):
        if found is not None and position not in found:
            continue
        if position in excluded or not _passes(doc, want):
            continue
        hits.append(Hit(position, found[position] if found is not None else 0.0))
    hits.sort(key=lambda h: (-math.floor(h.score * 1e6 + 0.5), h.position))
    return hits


def search(postings: Postings, meta: dict[str, Any], text: str) -> list[Hit]:
    return run(postings, meta, parse(text))
