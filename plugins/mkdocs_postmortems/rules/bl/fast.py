"""The fast path: `scan_spans` finds what `find_blame` finds, with less work.

`find_blame` runs each pattern over every paragraph that passes a substring gate. That is
exact but slow: the patterns start with long alternations the regex engine tries at every
position, and the gates' stems ("caus", "fail", "error", "should") are in most incident
prose. `scan_spans` finds the very same matches with less work:
 1. the file's prose, lowercased once, is searched with str.find for each rule's anchors:
    literals that every match must contain (BL101's verbs, BL102's error nouns after a
    human word, BL103's and BL104's stems);
 2. a pattern then runs only over the clause around an anchor, the text between two
    "barrier" characters that no match of that pattern can contain. pos/endpos keep
    look-behinds and \\b reading the real text, and a barrier character answers every
    look-ahead of these patterns as the end of the text does.
BL101 keeps find_blame's PERSON_GATE on top, so both paths flag the same; the clause
frames (`clauses.py`) run the same way in both; files with "ı", "ſ" or "İ" take
find_blame. tests/test_blameless_fast.py compares the two paths.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from typing import Any

from ..base import MAX_PER_RULE
from ..text import Span
from .clauses import STEMS as CLAUSE_STEMS
from .clauses import anchors_in, clause_blame
from .matching import (
    Barriers,
    Context,
    Found,
    _blame_words,
    _hindsight,
    _human_error,
    _person_blame,
    gate,
)
from .vocabulary import (
    AFTER_NOT,
    HINDSIGHT,
    HINDSIGHT_GATE,
    HUMAN_GATE,
    JUDGING_ADVERBS,
    PERSON_GATE,
)

HANDLE_RUN = re.compile(r"@[\w.-]*")
# re.IGNORECASE matches "ı" to i, "ſ" to s and "İ" to i; str.lower() does not (and makes
# "İ" two characters), so the anchors could miss a match: such files take `find_blame`.
UNFOLDED = ("ı", "ſ", "İ")

# Findings worth working out for one file: past this, each BL rule has listed its maximum.
CAP = 4 * (MAX_PER_RULE + 1)


def find_blame(span: Span, ctx: Context) -> Iterator[Found]:
    """Every BL finding in one span of prose (the plain path)."""
    low = span.text.lower()
    found: list[Found] = []
    if gate(low, PERSON_GATE):
        found.extend(_person_blame(span, ctx))
    if gate(low, HUMAN_GATE):
        found.extend(_human_error(span))
    if gate(low, ctx.word_stems):
        found.extend(_blame_words(span, ctx))
    if gate(low, HINDSIGHT_GATE):
        found.extend(_hindsight(span))
    found.extend(clause_blame(span, low, ctx, found, anchors_in(low)))
    yield from found


def _plain(low: str, i: int, n: int) -> bool:
    return True


def _word_end(low: str, i: int, n: int) -> bool:
    """The anchor ends a word (the patterns have \\b or \\s+ there)."""
    after = low[i + n : i + n + 1]
    return not (after.isascii() and (after.isalnum() or after == "_"))


def _word_start(low: str, i: int, n: int) -> bool:
    """The anchor starts a word ("let ", not "outlet ")."""
    before = low[i - 1 : i] if i else ""
    return not (before.isascii() and (before.isalnum() or before == "_"))


JUDGING = frozenset(JUDGING_ADVERBS)


def _judging(low: str, i: int, n: int) -> bool:
    """ "ly" ends one of JUDGING_ADVERBS (one anchor for all of them)."""
    if not _word_end(low, i, n):
        return False
    start = i
    while start and low[start - 1].isalpha():
        start -= 1
    return low[start : i + n] in JUDGING


DUTY_BEFORE = re.compile(r"\b(?:was|were)\s+$")
PREVENTED = re.compile(r"(?:\s+have|'ve)\s+(?:easily\s+)?(?:prevented|avoided|caught|stopped)\b")


def _duty(low: str, i: int, n: int) -> bool:
    """ "was supposed to", "were asked to": a duty has "was" or "were" before it."""
    return DUTY_BEFORE.search(low, max(0, i - 12), i) is not None


def _could_prevent(low: str, i: int, n: int) -> bool:
    """BL101's "could have prevented" (BL104 keeps its own check for "could")."""
    return PREVENTED.match(low, i + n) is not None


def _ball(low: str, i: int, n: int) -> bool:
    return low.startswith(" the ball", i + n)


def _fail_to(low: str, i: int, n: int) -> bool:
    r"""`fail(?:ed|s)?\s+to`: "failover" and "failure" are no anchors."""
    at = i + n + (2 if low.startswith("ed", i + n) else 1 if low.startswith("s", i + n) else 0)
    return low[at : at + 1].isspace()


def _not_verb(low: str, i: int, n: int) -> bool:
    """ "not" as BL101 has it: after whitespace, then whitespace and one of AFTER_NOT."""
    if not (i > 0 and low[i - 1].isspace() and low[i + n : i + n + 1].isspace()):
        return False
    at = i + n
    while low[at : at + 1].isspace():
        at += 1
    return low.startswith(AFTER_NOT, at)


def _have(low: str, i: int, n: int) -> bool:
    r"""`could(?:\s+have|'ve)`."""
    at = i + n
    if low.startswith("'ve", at):
        return True
    while low[at : at + 1].isspace():
        at += 1
    return at > i + n and low.startswith("have", at)


def _fault_word(low: str, i: int, n: int) -> bool:
    r"""BL103's "fault" is followed by (?![\w-]) or whitespace: not "fault-tolerant"."""
    return _word_end(low, i, n) and not low.startswith("-", i + n)


Check = Callable[[str, int, int], bool]

# Every BL101 verb alternative contains one of these (checked by a test).
PERSON_ANCHORS: tuple[tuple[str, Check], ...] = (
    ("forg", _plain),
    ("neglect", _plain),
    ("fail", _fail_to),
    ("n't", _plain),
    ("not", _not_verb),
    ("never", _plain),
    ("should", _plain),
    ("ought", _plain),
    ("could", _could_prevent),
    ("care", _plain),
    ("negligent", _plain),
    ("sloppy", _plain),
    ("lazy", _plain),
    ("inattentive", _plain),
    ("reckless", _plain),
    ("distracted", _plain),
    ("blame", _plain),
    ("fault", _word_end),
    ("responsible", _plain),
    ("made", _word_end),
    ("ignor", _plain),
    ("overlook", _plain),
    ("missed", _word_end),
    ("misses", _word_end),
    ("dropped", _ball),
    ("let ", _word_start),
    ("caused", _word_end),
    ("causes", _word_end),
    ("broke", _word_end),
    ("messed", _word_end),
    ("screwed", _word_end),
    ("fouled", _word_end),
    ("botched", _word_end),
    ("skipped", _word_end),
    ("bypassed", _word_end),
    ("circumvented", _word_end),
    ("disregarded", _word_end),
    ("overrode", _word_end),
    ("panick", _plain),
    ("supposed", _duty),
    ("meant", _duty),
    ("expected", _duty),
    ("asked", _duty),
    ("told", _duty),
    ("tasked", _duty),
    ("ly", _judging),  # "wrongly assumed", "assumed, wrongly,", "carelessly ran"
)
# BL102: HUMAN_ERROR is one of these words, [\s-]+, then one of the nouns
HUMAN_WORDS = (
    "human", "operator", "user", "personnel", "people", "pilot", "engineer", "staff", "admin",
    "administrator",
)  # fmt: skip
HUMAN_NOUNS = ("error", "mistake", "failure", "fault")


def _human_before(low: str, i: int, n: int) -> bool:
    """HUMAN_ERROR: one of HUMAN_WORDS, then [\\s-]+, then the noun at `i`."""
    before = i
    while before and (low[before - 1].isspace() or low[before - 1] == "-"):
        before -= 1
    return before < i and low.endswith(HUMAN_WORDS, 0, before)


@lru_cache(maxsize=32)
def anchor_table(
    word_stems: tuple[str, ...] | None,
) -> tuple[tuple[str, tuple[tuple[str, int, Check], ...]], ...]:
    """(root literal, ((stem, rule kind, check), ...)): stems grouped under a prefix."""
    entries: list[tuple[str, int, Check]] = [(stem, 0, check) for stem, check in PERSON_ANCHORS]
    entries += [(noun, 1, _human_before) for noun in HUMAN_NOUNS]
    entries += [(s, 2, _fault_word if s == "fault" else _plain) for s in word_stems or () if s]
    entries += [(stem, 3, _have if stem == "could" else _plain) for stem in HINDSIGHT_GATE]
    entries += [(stem, 4, _plain) for stem in CLAUSE_STEMS]
    stems = {stem for stem, _, _ in entries}
    roots = sorted(s for s in stems if not any(o != s and s.startswith(o) for o in stems))
    table: dict[str, list[tuple[str, int, Check]]] = {root: [] for root in roots}
    for stem, kind, check in entries:
        root = next(r for r in roots if stem.startswith(r))
        table[root].append((root if stem == root else stem, kind, check))
    return tuple((root, tuple(found)) for root, found in table.items())


# Words as `scan_spans` splits them: every character but letters, digits and "'" is a
# space (common typographic punctuation too); "didn't" is one word.
SPLIT_WORDS = {
    c: " "
    for c in [*range(128), *map(ord, "‘’“”–—…«»·•→←×°€£§¶")]
    if not (chr(c).isascii() and (chr(c).isalnum() or chr(c) == "'"))
}
# anchors that may start inside a word ("didn't", "wrongly", "nobrainer"): always searched
INSIDE_WORDS = ("n't", "ly", "brainer")


Table = tuple[tuple[str, tuple[tuple[str, int, Check], ...]], ...]


@dataclass(frozen=True)
class Keys:
    """Which roots of an anchor table to search, given the words of a text: a stem can be
    in the text only if a word starts with its first four letters (or is its first word,
    when shorter). Roots in `always` (inside-word anchors, punctuation) are searched."""

    always: frozenset[int]
    by_four: dict[str, tuple[int, ...]]
    by_word: dict[str, tuple[int, ...]]

    def roots(self, words: set[str]) -> set[int]:
        found = set(self.always)
        for key in {word[:4] for word in words} & self.by_four.keys():
            found.update(self.by_four[key])
        for word in words & self.by_word.keys():
            found.update(self.by_word[word])
        return found


@lru_cache(maxsize=32)
def _keys(table: Table) -> Keys:
    always: set[int] = set()
    by_four: dict[str, set[int]] = {}
    by_word: dict[str, set[int]] = {}
    for index, (root, stems) in enumerate(table):
        firsts = [stem.strip().split()[0] if stem.strip() else "" for stem, _, _ in stems]
        if root in INSIDE_WORDS or not all(first.isalnum() for first in firsts):
            always.add(index)
            continue
        for first in firsts:
            if len(first) >= 4:
                by_four.setdefault(first[:4], set()).add(index)
            else:
                by_word.setdefault(first, set()).add(index)
    return Keys(
        frozenset(always),
        {k: tuple(v) for k, v in by_four.items()},
        {k: tuple(v) for k, v in by_word.items()},
    )


def scan_spans(prose: list[Span], ctx: Context) -> list[tuple[Span, Found]]:
    """Every BL finding of these spans, the same as `find_blame` on each, in its order."""
    texts = [span.text for span in prose]
    joined = "\0".join(texts)
    bars_of = ctx.barriers
    if bars_of is None or (not joined.isascii() and any(c in joined for c in UNFOLDED)):
        return [(span, found) for span in prose for found in find_blame(span, ctx)]
    low = joined.lower()
    starts = []
    offset = 0
    for text in texts:
        starts.append(offset)
        offset += len(text) + 1
    anchors: dict[int, tuple[list[int], list[int], list[int], list[int], list[Any]]] = {}

    def add(kind: int, at: int, stem: str = "") -> None:
        index = bisect_right(starts, at) - 1
        found = anchors.get(index)
        if found is None:
            found = anchors[index] = ([], [], [], [], [])
        found[kind].append((at - starts[index], stem) if kind == 4 else at - starts[index])

    # each root literal is searched once; longer stems that start with it are checked there.
    # A root none of whose stems starts a word of the text is not searched at all.
    # (only where every other character is ASCII: then the split is exact)
    table = anchor_table(ctx.word_stems if bars_of.words_exact else None)
    split = low.translate(SPLIT_WORDS)
    search = _keys(table).roots(set(split.split())) if split.isascii() else None
    for index, (root, stems) in enumerate(table):
        if search is not None and index not in search:
            continue
        at = low.find(root)
        while at >= 0:
            for stem, kind, check in stems:
                if (stem is root or low.startswith(stem, at)) and check(low, at, len(stem)):
                    add(kind, at, stem)
            at = low.find(root, at + 1)
    if not bars_of.words_exact:  # configured words the stems cannot gate: every span
        for index in range(len(prose)):
            add(2, starts[index])

    out: list[tuple[Span, Found]] = []
    for index in sorted(anchors):
        span = prose[index]
        span_low = low[starts[index] : starts[index] + len(span.text)]
        found = _anchored(span, span_low, ctx, bars_of, anchors[index])
        if anchors[index][4]:
            found.extend(clause_blame(span, span_low, ctx, found, sorted(anchors[index][4])))
        out.extend((span, f) for f in found)
        if len(out) > CAP:
            break  # every BL rule lists at most MAX_PER_RULE of a file's findings anyway
    return out


def _anchored(
    span: Span,
    low: str,
    ctx: Context,
    bars_of: Barriers,
    anchors: tuple[list[int], list[int], list[int], list[int], list[Any]],
) -> list[Found]:
    """The four patterns, each run only over the clauses that hold one of its anchors."""
    text = span.text
    person, human, words, hindsight, _ = anchors
    found: list[Found] = []
    # BL101's anchors are not PERSON_GATE's stems: keep find_blame's gate as it is
    if person and gate(low, PERSON_GATE):
        bars = [m.start() for m in bars_of.person.finditer(text)]
        if bars_of.dots_in_handles and "@" in text:
            inside = {i for m in HANDLE_RUN.finditer(text) for i in range(*m.span())}
            bars = [b for b in bars if b not in inside]
        subjects = islice(_within(ctx.subject_re, text, person, bars), CAP)
        found.extend(_person_blame(span, ctx, subjects))
    if human:
        found.extend(_human_error(span))
    if words:
        if bars_of.words_exact:
            bars = [m.start() for m in bars_of.words.finditer(text)]
            matches: Iterator[re.Match[str]] = _within(ctx.words_re, text, words, bars)
        else:
            matches = ctx.words_re.finditer(text)
        found.extend(_blame_words(span, ctx, matches))
    if hindsight:
        bars = [m.start() for m in bars_of.hindsight.finditer(text)]
        found.extend(_hindsight(span, _within(HINDSIGHT, text, hindsight, bars)))
    return found


def _within(
    pattern: re.Pattern[str], text: str, anchors: list[int], bars: list[int]
) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)`, but only in the clauses (between `bars`) with an anchor."""
    clauses = set()
    for at in anchors:
        k = bisect_right(bars, at)
        clauses.add((bars[k - 1] + 1 if k else 0, bars[k] if k < len(bars) else len(text)))
    for start, end in sorted(clauses):
        yield from pattern.finditer(text, start, end)
