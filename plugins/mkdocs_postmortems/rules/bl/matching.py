"""Matching: who is a person here, and the four BL patterns run over one span of prose.

`find_blame` is the plain path: every pattern over every span that passes a substring
gate. `fast.scan_spans` finds the same with less work; `clauses` adds the findings that
need a clause's structure (an agent after "by", a person inside a cause, a counterfactual,
an exhortation).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from ..text import Span
from .names import first_names
from .rewrite import rewrite_for
from .vocabulary import (
    AS_CAUSE,
    BARE_HUMAN_ERROR,
    BLAME_VERBS,
    BLAME_WORDS,
    COMMON_NAMES,
    DISCOUNTED,
    HINDSIGHT,
    MIND_KINDS,
    MODIFIERS,
    NEGATED_WORD,
    NOT_BEFORE,
    NOT_NAMES,
    OBJECT_OF,
    ROLE_HEAD,
    ROLES_PLURAL,
    ROOT_CAUSE_SECTION,
    SENTENCE_START,
    SUBJECT,
    TEAM_HANDLE,
    VERB,
    WORD_STEMS,
)

if TYPE_CHECKING:
    from ...settings import Settings


@dataclass(frozen=True)
class Found:
    """One match in a span: where, what, the advice and a rewrite of the sentence."""

    code: str
    start: int
    end: int
    message: str
    advice: str
    rewrite: str

    @property
    def suggestion(self) -> str:
        return f'{self.advice} Suggested rewrite: "{self.rewrite}"'


@dataclass(frozen=True)
class Barriers:
    """Characters no match can contain, per rule (minus those of configured words)."""

    person: re.Pattern[str]
    words: re.Pattern[str]
    hindsight: re.Pattern[str]
    dots_in_handles: bool  # "." splits BL101 clauses, except inside @handles
    words_exact: bool  # the BL103 stems are literal prefixes of every configured word


def _char_class(chars: str, exclude: str) -> re.Pattern[str]:
    kept = "".join(c for c in chars if c not in exclude)
    return re.compile(f"[{re.escape(kept)}]" if kept else "(?!)")


@lru_cache(maxsize=32)
def barriers(persons: tuple[str, ...], blame_words: tuple[str, ...]) -> Barriers:
    # BL101: MODIFIERS' "who" clause takes anything but , . ; : | and only handles take "."
    people = "".join(persons)
    words = "".join(w for w in blame_words if w.strip())
    return Barriers(
        person=_char_class(".;:|", people),
        words=_char_class('.,;:|!?()"', words),
        hindsight=_char_class('.;:|!?()"', ""),
        dots_in_handles="." not in people,
        words_exact=words.isascii(),
    )


@dataclass(frozen=True)
class Context:
    people: tuple[str, ...]  # configured persons, then the file's authors and owners
    subject_re: re.Pattern[str]
    words_re: re.Pattern[str]
    word_stems: tuple[str, ...] = ()
    barriers: Barriers | None = None

    @cached_property
    def names(self) -> frozenset[str]:
        """Common first names and the words of `people` (built only when a match needs it)."""
        names = set(COMMON_NAMES)
        for name in self.people:
            names.update(w for w in re.split(r"[\s@._-]+", name) if len(w) > 1)
            names.update(w.capitalize() for w in re.split(r"[\s@._-]+", name) if len(w) > 1)
        return frozenset(names)

    def is_name(self, word: str) -> bool:
        """A configured person's word, or a first name that is not mostly a word."""
        return word in self.names or (word not in NOT_NAMES and word in first_names())


@lru_cache(maxsize=32)
def _subject_pattern(persons: tuple[str, ...]) -> re.Pattern[str]:
    extra = "|".join(re.escape(p) for p in sorted(persons, key=len, reverse=True) if p)
    subject = SUBJECT if not extra else SUBJECT.replace("(?P<subject>", f"(?P<subject>{extra}|", 1)
    return re.compile(rf"(?<![\w@.-]){subject}(?![\w'’-]){MODIFIERS}\s+(?:{VERB})", re.I)


@lru_cache(maxsize=32)
def _words_pattern(extra: tuple[str, ...]) -> re.Pattern[str]:
    words = [*BLAME_WORDS, *(re.escape(w) for w in extra if w.strip())]
    return re.compile(rf"(?<![\w-])(?:{'|'.join(words)})(?![\w-])", re.I)


def context(settings: Settings, more_names: list[str] | tuple[str, ...] = ()) -> Context:
    """Names (common, configured, from authors and owners) and the compiled patterns."""
    lint = settings.lint
    return Context(
        (*lint.persons, *more_names),
        _subject_pattern(tuple(lint.persons)),
        _words_pattern(tuple(lint.blame_words)),
        WORD_STEMS + tuple(w.lower()[:4] for w in lint.blame_words if w.strip()),
        barriers(tuple(lint.persons), tuple(lint.blame_words)),
    )


PRONOUNS = ("he", "she", "someone", "somebody", "him", "her")
# a role noun alone, capitalised at the start of a sentence ("Engineers must...")
ROLE_WORD = re.compile(rf"(?:{ROLES_PLURAL}|{ROLE_HEAD})$", re.I)


# "who" after a noun refers to a person ("which" to a thing): "Dana, who was tired, forgot"
RELATIVE_WHO = re.compile(r"\s*,\s*who\b", re.I)
# a word shaped like a first name: one capital, then lowercase letters
NAME_SHAPE = re.compile(r"[A-Z][a-zà-ÿ]{2,11}")
# verbs only a person does: an unknown name-shaped subject of these is a person
PERSONAL_KINDS = frozenset({"skip", "careless", "assumed"})
PERSONAL_MID = frozenset({"follow", "bother", "read", "pay", "care", "think", "heed", "supposed"})


def is_person(
    ctx: Context, who: str, before: str, mind: bool, at_start: bool, personal: bool = False
) -> bool:
    """Whether the noun phrase `who` names a person (or a team of people).

    `before` is the text before it in its sentence: an object of a preposition or verb
    ("the page to the on-call failed") is no subject. A bare "they" is a person only with
    a verb that needs a mind (`mind`) at the start of a sentence (`at_start`). A
    name-shaped word outside every list is a person with a verb only people do
    (`personal`): "Aroha neglected to update the record", not "Kafka failed to elect".
    """
    if OBJECT_OF.search(before[-40:]):
        return False
    if who.startswith("@"):
        return not TEAM_HANDLE.search(who)
    lower = who.lower()
    if lower == "they":
        return mind and at_start
    if lower in PRONOUNS:
        return True
    if who[0].isupper() and " " not in who:
        if lower in ("qa", "ops") or ROLE_WORD.match(who):
            return True
        if ctx.is_name(who) or ctx.is_name(who.split("-")[0]):
            return True
        previous = re.search(r"([A-Z][^\W\d_]+)\s+$", before[-30:])  # "John Smith forgot"
        if previous and ctx.is_name(previous.group(1)):
            return True
        return personal and bool(NAME_SHAPE.fullmatch(who))
    if who[0].isupper() and lower.split()[0] not in ("the", "an", "a", "our", "one", "another"):
        return ctx.is_name(who.split()[0])  # "Priya Nair" (configured) or "Marta Ruiz"
    return True


def _person_blame(
    span: Span, ctx: Context, matches: Iterable[re.Match[str]] | None = None
) -> Iterator[Found]:
    for match in ctx.subject_re.finditer(span.text) if matches is None else matches:
        index = next(i for i in range(len(BLAME_VERBS)) if match.group(f"v{i}") is not None)
        kind = BLAME_VERBS[index][1]
        subject = match.group("subject")
        before = span.text[: match.start("subject")]
        at_start = bool(SENTENCE_START.match(span.sentence_prefix(match.start())))
        verb = " ".join(match.group(f"v{index}").split())
        words = verb.lower().split()
        personal = kind in PERSONAL_KINDS or (
            not at_start and kind in ("not", "duty") and bool(PERSONAL_MID.intersection(words))
        )
        configured = (
            subject in ctx.people or bool(RELATIVE_WHO.match(match.group(0), len(subject)))
        ) and not OBJECT_OF.search(before[-40:])
        if not configured and not is_person(
            ctx, subject, before, kind in MIND_KINDS, at_start, personal
        ):
            continue
        advice, rewrite = rewrite_for(kind, span.text, match.end(f"v{index}"), verb)
        yield Found(
            "BL101",
            match.start("subject"),
            match.end(),
            f"`{' '.join(subject.split())}` is the subject of `{verb}`: this puts a person "
            "where a system belongs; describe what the system allowed",
            advice,
            rewrite,
        )


def _human_error(span: Span) -> Iterator[Found]:
    in_section = bool(ROOT_CAUSE_SECTION.match(span.section))
    pattern = BARE_HUMAN_ERROR if in_section else AS_CAUSE
    for match in pattern.finditer(span.text):
        group = next(
            g for g in ("phrase", "phrase2", "phrase3", "phrase4") if match.groupdict().get(g)
        )
        start = match.start(group)
        if DISCOUNTED.search(span.sentence_prefix(start)):
            continue
        phrase = match.group(group)
        advice, rewrite = rewrite_for("human", span.text, match.end(group), phrase)
        yield Found(
            "BL102",
            start,
            match.end(group),
            f"`{phrase}` is given as a cause; humans are not root causes, ask what let the "
            "error through",
            advice,
            rewrite,
        )


def _blame_words(
    span: Span, ctx: Context, matches: Iterable[re.Match[str]] | None = None
) -> Iterator[Found]:
    for match in ctx.words_re.finditer(span.text) if matches is None else matches:
        if NEGATED_WORD.search(span.sentence_prefix(match.start())):
            continue
        word = " ".join(match.group(0).split())
        advice, rewrite = rewrite_for("word", span.text, match.end(), word)
        yield Found(
            "BL103",
            match.start(),
            match.end(),
            f"`{word}` is a blame or punishment word; blameless reviews describe conditions, "
            "not fault",
            advice,
            rewrite,
        )


def _hindsight(span: Span, matches: Iterable[re.Match[str]] | None = None) -> Iterator[Found]:
    for match in HINDSIGHT.finditer(span.text) if matches is None else matches:
        if NOT_BEFORE.search(span.text[max(0, match.start() - 10) : match.start()]):
            continue
        phrase = " ".join(match.group(0).split())
        advice, rewrite = rewrite_for("hindsight", span.text, match.end(), phrase)
        yield Found(
            "BL104",
            match.start(),
            match.end(),
            f"`{phrase}` judges with hindsight; say what was known at the time",
            advice,
            rewrite,
        )


def gate(low: str, stems: tuple[str, ...]) -> bool:
    return any(stem in low for stem in stems)
