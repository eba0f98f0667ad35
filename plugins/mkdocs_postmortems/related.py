"""Related incidents: the author's links first, then the most similar others.

Similarity is computed once per build for every post-mortem. Each one becomes
three sparse TF-IDF vectors (words of title, summary and root cause; services;
tags). An inverted index maps each feature to the post-mortems that have it,
so a post-mortem is only scored against candidates sharing at least one
feature, never against the whole archive: no all-pairs loop, no numpy.
Two passes: an approximate one through each feature's champion list finds
candidates, then the best RESCORE of them are scored exactly (cosine of the
full vectors). Score = 0.6 text + 0.25 services + 0.15 tags, each a cosine.
`postmortems new` scores its draft against the same index.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from .archive import Archive
from .entry import Entry
from .redact import clean, is_public, section

# Weights of the three similarities in the score (they add up to 1).
TEXT_WEIGHT, SERVICE_WEIGHT, TAG_WEIGHT = 0.6, 0.25, 0.15
TITLE_BOOST = 2  # title words count twice: the title is the incident in a few words
MAX_DF = 0.25  # words in more than this share of post-mortems are not used to find candidates
QUERY_TERMS = 24  # a post-mortem looks for candidates through its highest-weighted words...
CHAMPIONS = 64  # ...and each feature leads to the post-mortems where it weighs most
RESCORE = 30  # candidates scored exactly after the approximate pass
MIN_SCORE = 0.05  # below this a "similar" incident is noise
WORD = re.compile(r"[a-z][a-z0-9]+(?:[-_.][a-z0-9]+)*")
# Common English and words every post-mortem uses: they say nothing about *this* incident.
_STOP_WORDS = """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers him his how i if in into is it its itself just
    me more most my no nor not now of off on once only or other our ours out over own same she
    should so some such than that the their theirs them then there these they this those through
    to too under until up very was we were what when where which while who whom why will with
    would you your yours than via per within without across among around upon onto
    incident incidents outage outages issue issues caused cause causing causes due led lead
    leading result resulted resulting which occurred happened began started minutes minute
    hour hours day days time times one two three first second new many several some using used
    use made make making after later while during because however still then
    fail failed failing failure went added showed returned restored affected
"""
STOP = frozenset(_STOP_WORDS.split())


def words(text: str) -> list[str]:
    """Lower-cased words without stop words, plurals folded ("retries" → "retry")."""
    return [folded for word in WORD.findall(text.lower()) if (folded := _fold(word))]


@lru_cache(maxsize=1 << 16)
def _fold(word: str) -> str:
    if word in STOP or len(word) < 3:
        return ""
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return "" if word in STOP else word


def entry_text(entry: Entry, public: bool = False) -> tuple[str, str]:
    """(title, the rest) — what the text similarity reads: title, summary, root cause.

    As the edition publishes them: in the public one redacted words are neither compared
    nor named as "similar wording", and the marks are never words in either."""
    pm = entry.pm
    assert pm is not None
    rest = f"{clean(pm.summary, public, ' ')}\n{section(entry, 'Root cause', public)}"
    return clean(pm.title, public, " "), rest


@dataclass
class Item:
    """One related incident and why it is shown ("also payments; shares tags timeout")."""

    entry: Entry
    reason: str
    kind: str = "similar"  # linked | recurrence | happened-again | linked-here | similar
    score: float = 0.0


Vector = dict[str, float]


def _unit(weights: dict[str, float]) -> Vector:
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {k: w / norm for k, w in weights.items()} if norm else {}


@dataclass
class Index:
    """TF-IDF vectors of every indexed post-mortem and the inverted index over them."""

    entries: list[Entry]
    text: list[Vector] = field(default_factory=list)
    services: list[Vector] = field(default_factory=list)
    tags: list[Vector] = field(default_factory=list)
    idf: dict[str, float] = field(default_factory=dict)
    service_idf: dict[str, float] = field(default_factory=dict)
    tag_idf: dict[str, float] = field(default_factory=dict)
    postings: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    service_postings: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    tag_postings: dict[str, list[tuple[int, float]]] = field(default_factory=dict)

    @classmethod
    def build(cls, entries: list[Entry], public: bool = False) -> Index:
        index = cls(entries)
        counts = [_term_counts(*entry_text(e, public)) for e in entries]
        service_sets = [sorted(set(e.pm.services)) for e in entries]  # type: ignore[union-attr]
        tag_sets = [sorted(set(e.pm.tags)) for e in entries]  # type: ignore[union-attr]
        total = len(entries)
        index.idf = _idf((c.keys() for c in counts), total)
        index.service_idf = _idf(service_sets, total)
        index.tag_idf = _idf(tag_sets, total)
        index.text = [index.text_vector(c) for c in counts]
        index.services = [_set_vector(s, index.service_idf) for s in service_sets]
        index.tags = [_set_vector(t, index.tag_idf) for t in tag_sets]
        common = max(2, int(MAX_DF * total))
        df = Counter(t for c in counts for t in c)
        index.postings = _postings(index.text, too_common={t for t, n in df.items() if n > common})
        index.service_postings = _postings(index.services)
        index.tag_postings = _postings(index.tags)
        return index

    def text_vector(self, counts: Counter[str]) -> Vector:
        """1 + log(tf) times idf, unit length; words the index never saw are left out."""
        return _unit(
            {t: (1 + math.log(n)) * self.idf[t] for t, n in counts.items() if t in self.idf}
        )

    def scores(
        self, text: Vector, services: Vector, tags: Vector, skip: int = -1
    ) -> dict[int, float]:
        """Score every post-mortem that shares a word, service or tag with the query."""
        found: defaultdict[int, float] = defaultdict(float)
        strongest = heapq.nlargest(QUERY_TERMS, text.items(), key=lambda kv: (kv[1], kv[0]))
        for vector, postings, weight in (
            (dict(strongest), self.postings, TEXT_WEIGHT),
            (services, self.service_postings, SERVICE_WEIGHT),
            (tags, self.tag_postings, TAG_WEIGHT),
        ):
            for feature, mine in vector.items():
                factor = weight * mine
                for other, theirs in postings.get(feature, ()):
                    found[other] += factor * theirs
        found.pop(skip, None)
        return found

    def top(
        self, text: Vector, services: Vector, tags: Vector, limit: int, skip: int = -1
    ) -> list[tuple[int, float]]:
        scored = self.scores(text, services, tags, skip)
        # The champion lists give approximate scores; the best candidates are scored again
        # exactly (full vectors), so the order shown is the true cosine order.
        # Ties go to the newer incident (entries are newest first): deterministic output.
        shortlist = heapq.nlargest(max(RESCORE, limit), scored.items(), key=_by_score)
        exact = ((self.exact(text, services, tags, i), -i) for i, _ in shortlist)
        best = heapq.nlargest(limit, (pair for pair in exact if pair[0] >= MIN_SCORE))
        return [(-i, s) for s, i in best]

    def exact(self, text: Vector, services: Vector, tags: Vector, other: int) -> float:
        return (
            TEXT_WEIGHT * _dot(text, self.text[other])
            + SERVICE_WEIGHT * _dot(services, self.services[other])
            + TAG_WEIGHT * _dot(tags, self.tags[other])
        )

    def reason(self, text: Vector, services: Vector, tags: Vector, other: int) -> str:
        """Why two incidents look alike, in the words a reader can check."""
        parts = []
        shared_services = sorted(set(services) & set(self.services[other]))
        if shared_services:
            parts.append("also " + ", ".join(shared_services))
        shared_tags = sorted(set(tags) & set(self.tags[other]))
        if shared_tags:
            parts.append("shares tags " + ", ".join(shared_tags))
        theirs = self.text[other]
        shared_words = sorted((-text[t] * theirs[t], t) for t in set(text) & set(theirs))
        if shared_words:
            parts.append("similar wording: " + ", ".join(t for _, t in shared_words[:3]))
        return "; ".join(parts) or "similar"


def _by_score(item: tuple[int, float]) -> tuple[float, int]:
    return item[1], -item[0]


def _dot(a: Vector, b: Vector) -> float:
    if len(b) < len(a):
        a, b = b, a
    return sum(weight * b[feature] for feature, weight in a.items() if feature in b)


def _term_counts(title: str, rest: str) -> Counter[str]:
    counts = Counter(words(rest))
    for word in words(title):
        counts[word] += TITLE_BOOST
    return counts


def _idf(documents: Iterable[Iterable[str]], total: int) -> dict[str, float]:
    df: Counter[str] = Counter()
    for features in documents:
        df.update(features)
    return {t: math.log((1 + total) / (1 + n)) + 1 for t, n in sorted(df.items())}


def _set_vector(names: Iterable[str], idf: dict[str, float]) -> Vector:
    return _unit({n: idf[n] for n in names if n in idf})


def _postings(
    vectors: list[Vector], too_common: frozenset[str] | set[str] = frozenset()
) -> dict[str, list[tuple[int, float]]]:
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for number, vector in enumerate(vectors):
        for feature, weight in vector.items():
            postings[feature].append((number, weight))
    # A feature only one post-mortem has matches nothing; a very common one matches everything.
    # Each feature keeps its "champion list" (Manning et al., Introduction to Information
    # Retrieval, 7.1.3): the post-mortems where it weighs most. That bounds the work per
    # post-mortem to QUERY_TERMS × CHAMPIONS, whatever the size of the archive.
    return {
        f: sorted(p, key=lambda nw: (-nw[1], nw[0]))[:CHAMPIONS]
        for f, p in sorted(postings.items())
        if len(p) > 1 and f not in too_common
    }


@dataclass
class Related:
    """Related incidents of every post-mortem of an archive, computed once."""

    index: Index
    # id → (position in the index, score) of its most similar others, best first
    similar: dict[str, list[tuple[int, float]]]
    # id → its (text, services, tags) vectors, to say why two incidents look alike
    queries: dict[str, tuple[Vector, Vector, Vector]]
    position: dict[str, int] | None = None  # id → its place in the index

    def most_similar(self, pm_id: str) -> list[tuple[Entry, float]]:
        return [(self.index.entries[i], score) for i, score in self.similar.get(pm_id, [])]

    def for_entry(self, archive: Archive, entry: Entry, limit: int) -> list[Item]:
        """Explicit links first (all of them), then the most similar others up to `limit`."""
        pm = entry.pm
        assert pm is not None
        items: list[Item] = []
        seen = {pm.id}

        def add(other: Entry | None, reason: str, kind: str) -> None:
            if other is None or other.pm is None or other.pm.id in seen:
                return
            if not archive.shows(other):
                return
            seen.add(other.pm.id)
            items.append(Item(other, reason, kind))

        if pm.recurrence_of:
            add(
                archive.by_id.get(pm.recurrence_of),
                "earlier occurrence: this incident repeats it",
                "recurrence",
            )
        for later in archive.recurrences.get(pm.id, []):
            add(later, "happened again: repeats this incident", "happened-again")
        for target in pm.related:
            add(archive.by_id.get(target), "linked by the authors", "linked")
        for other in linked_here(archive).get(pm.id, []):
            add(other, "links to this incident", "linked-here")
        room = max(0, limit - len(items))
        for position, score in self.similar.get(pm.id, []):
            other = self.index.entries[position]
            if room == 0:
                break
            if other.pm is not None and other.pm.id not in seen:
                seen.add(other.pm.id)
                reason = self.index.reason(*self.queries[pm.id], position)
                items.append(Item(other, reason, "similar", score))
                room -= 1
        return items


def linked_here(archive: Archive) -> dict[str, list[Entry]]:
    """Id → the visible post-mortems whose `related` names it (back-links).

    Built once per archive: every post-mortem page asks, and rebuilding it per page
    made the build quadratic (10 s of a 1,000-page build).
    """
    cached: dict[str, list[Entry]] | None = archive.__dict__.get("_linked_here")
    if cached is not None:
        return cached
    found: dict[str, list[Entry]] = defaultdict(list)
    for entry in archive.visible:
        for target in entry.pm.related:  # type: ignore[union-attr]
            found[target].append(entry)
    archive.__dict__["_linked_here"] = found
    return found


def compute(
    archive: Archive, limit: int | None = None, stop: Callable[[], bool] | None = None
) -> Related | None:
    """The most similar visible post-mortems of every valid one (the build calls this once).

    Twice `limit` similar ones are kept per post-mortem: explicit links that are also
    among the most similar take their places on the page. `stop` is asked between two
    post-mortems (the preview cancels its follow-up); None when it said yes.
    """
    targets = archive.visible
    index = Index.build(targets, is_public(archive.settings))
    found = Related(index, {}, {})
    for entry in archive.valid:
        if stop is not None and stop():
            return None
        _score(found, archive, entry, limit)
    return found


def _score(found: Related, archive: Archive, entry: Entry, limit: int | None = None) -> None:
    """Fill `found` for one post-mortem, against `found.index`."""
    limit = archive.settings.related_limit if limit is None else limit
    index, pm = found.index, entry.pm
    assert pm is not None
    if found.position is None:
        found.position = {e.pm.id: i for i, e in enumerate(index.entries)}  # type: ignore[union-attr]
    mine = found.position.get(pm.id, -1)
    if mine >= 0 and index.entries[mine] is entry:
        text, services, tags = index.text[mine], index.services[mine], index.tags[mine]
    else:  # a draft (scored against the published ones, not indexed), or a newer version
        text = index.text_vector(_term_counts(*entry_text(entry, is_public(archive.settings))))
        services = _set_vector(pm.services, index.service_idf)
        tags = _set_vector(pm.tags, index.tag_idf)
    found.queries[pm.id] = (text, services, tags)
    keep = 2 * limit + len(pm.related)  # room for explicit links that are also similar
    found.similar[pm.id] = index.top(text, services, tags, keep, skip=mine)


def carry_over(old: Archive, new: Archive, saved: list[Entry]) -> None:
    """The preview, right after a save: `new` reuses the related incidents of `old` and
    scores only the saved post-mortems, against the old index (word weights from before
    the save). The preview's follow-up then runs `compute` over `new` for the exact lists.
    """
    before = old.__dict__.get("_related")
    if before is None:
        return
    found = Related(before.index, dict(before.similar), dict(before.queries), before.position)
    for entry in saved:
        if entry.pm is not None:
            _score(found, new, entry)
    new.__dict__["_related"] = found


def for_archive(archive: Archive) -> Related:
    """`compute` once per archive object (the build renders many pages from one archive)."""
    cached = archive.__dict__.get("_related")
    if cached is None:
        cached = archive.__dict__["_related"] = compute(archive)
    assert cached is not None
    return cached


def similar_for_new(
    archive: Archive, services: list[str], tags: list[str], title: str, limit: int = 5
) -> list[tuple[Entry, str]]:
    """Past incidents most like a post-mortem being started, with why (`postmortems new`)."""
    cached = archive.__dict__.get("_related")
    public = is_public(archive.settings)
    index = cached.index if cached is not None else Index.build(archive.visible, public)
    text = index.text_vector(_term_counts(title, ""))
    service_vector = _set_vector(services, index.service_idf)
    tag_vector = _set_vector(tags, index.tag_idf)
    return [
        (index.entries[i], index.reason(text, service_vector, tag_vector, i))
        for i, _ in index.top(text, service_vector, tag_vector, limit)
    ]
