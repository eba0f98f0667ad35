"""Redaction marks and what an edition publishes of a post-mortem.

One syntax everywhere (body and front-matter text), case-insensitive::

    <!-- redact -->secret<!-- /redact -->
    <!-- redact: customer name -->secret<!-- /redact -->

The public edition replaces each marked span with a black bar *before* anything
tokenises, indexes, compares or renders the text (finder, related incidents, the
theme's search, pages, exports); the internal edition drops the marks and keeps the
words. The marks themselves are never words of either edition.

It fails closed: a mark that is not well-formed (an open mark never closed, a mark
inside another, a close without an open) is a finding (PM602, an error in a public
post-mortem), and the public edition still hides as much as the author might have
meant: an unclosed mark hides everything to the end of the text, a nested one up to
the close of the outermost mark, and a stray close mark is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from .entry import Entry, Section, outline
from .settings import STRUCTURAL_FIELDS

if TYPE_CHECKING:
    from .model import Postmortem
    from .settings import Settings

# An HTML comment whose first word is `redact` (open) or `/redact` (close), optionally
# followed by a note after a colon or a space: `<!-- REDACT: pii -->`.
MARK = re.compile(r"<!--\s*(/?)\s*redact(?=[\s:]|-->)[^>]*?-->", re.IGNORECASE)
QUICK = re.compile(r"redact", re.IGNORECASE)  # no match: the text has no mark at all

# What a redacted span becomes in text (front-matter fields, exports, search text).
BAR_TEXT = "████████"
# ...and in the Markdown body of the public edition.
BAR_HTML = '<span class="pm-redacted" role="img" aria-label="redacted">████████</span>'


@dataclass(frozen=True)
class Problem:
    """A mark that is not well-formed, with its offset in the text."""

    offset: int
    message: str


@dataclass(frozen=True)
class Marks:
    spans: list[tuple[int, int]]  # redacted spans, marks included
    strays: list[tuple[int, int]]  # close marks without an open one
    problems: list[Problem]


def scan(text: str) -> Marks:
    """Where the redacted spans are, and every mark that is not well-formed."""
    spans: list[tuple[int, int]] = []
    strays: list[tuple[int, int]] = []
    problems: list[Problem] = []
    if not QUICK.search(text):
        return Marks(spans, strays, problems)
    depth, start = 0, 0
    for match in MARK.finditer(text):
        closing = bool(match.group(1))
        if not closing:
            if depth == 0:
                start = match.start()
            else:
                problems.append(
                    Problem(
                        match.start(),
                        "redaction mark inside another one; close the first with "
                        "<!-- /redact --> before opening the next",
                    )
                )
            depth += 1
        elif depth == 0:
            strays.append((match.start(), match.end()))
            problems.append(
                Problem(
                    match.start(),
                    "<!-- /redact --> closes no open redaction mark; add the "
                    "<!-- redact --> where the hidden text starts or remove it",
                )
            )
        else:
            depth -= 1
            if depth == 0:
                spans.append((start, match.end()))
    if depth:
        problems.append(
            Problem(
                start,
                "redaction mark is never closed (the public edition hides everything after "
                "it); add <!-- /redact --> where the hidden text ends",
            )
        )
        spans.append((start, len(text)))
    return Marks(spans, strays, problems)


def redact(text: str, bar: str = BAR_TEXT) -> str:
    """The public edition's text: every marked span (marks too) becomes `bar`."""
    marks = scan(text)
    if not marks.spans and not marks.strays:
        return text
    cuts = sorted([(s, e, bar) for s, e in marks.spans] + [(s, e, "") for s, e in marks.strays])
    out, position = [], 0
    for start, end, replacement in cuts:
        out.append(text[position:start])
        out.append(replacement)
        position = end
    out.append(text[position:])
    return "".join(out)


def unmark(text: str) -> str:
    """The internal edition's text: the marks go, every word stays."""
    return MARK.sub("", text) if QUICK.search(text) else text


def clean(text: str, public: bool, bar: str = BAR_TEXT) -> str:
    """Text as this edition publishes it: the one function every output goes through."""
    return redact(text, bar) if public else unmark(text)


def is_public(settings: Settings) -> bool:
    return settings.audience == "public"


def sections(entry: Entry, public: bool) -> list[Section]:
    """The body's outline after redaction: a mark may cross a heading, so the whole body
    is cleaned first and only then cut into sections."""
    key = "_published_sections_public" if public else "_published_sections"
    cached: list[Section] | None = entry.__dict__.get(key)
    if cached is None:
        body = entry.doc.body
        cleaned = clean(body, public, " ")
        cached = entry.sections if cleaned == body else outline(cleaned, entry.doc.body_line)
        entry.__dict__[key] = cached
    return cached


def section(entry: Entry, title: str, public: bool) -> str:
    """One section's text as this edition publishes it ("" when there is none)."""
    wanted = title.lower()
    return next((s.text for s in sections(entry, public) if s.title.lower() == wanted), "")


# -- the post-mortem as an edition publishes it ---------------------------------------

_M = TypeVar("_M", bound=BaseModel)


def _empty(model: BaseModel, name: str) -> Any:
    """The value a dropped field gets: its default (None, []), or "" for required text."""
    info = type(model).model_fields[name]
    if info.is_required():
        return [] if isinstance(getattr(model, name), list) else ""
    return info.get_default(call_default_factory=True)


def _model(model: _M, fix: Callable[[str], str], hidden: set[str]) -> _M:
    updates: dict[str, Any] = {}
    for name in type(model).model_fields:
        value = getattr(model, name)
        if name in hidden and name not in STRUCTURAL_FIELDS:
            if value not in (None, [], ""):
                updates[name] = _empty(model, name)
            continue
        new = _value(value, fix, hidden)
        if new is not value:
            updates[name] = new
    return model.model_copy(update=updates) if updates else model


def _value(value: Any, fix: Callable[[str], str], hidden: set[str]) -> Any:
    if isinstance(value, str):
        new = fix(value)
        return value if new == value else new
    if isinstance(value, BaseModel):
        return _model(value, fix, hidden)
    if isinstance(value, list):
        items = [_value(v, fix, hidden) for v in value]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    return value


def published(pm: Postmortem, settings: Settings) -> Postmortem:
    """The post-mortem as this edition publishes it: redaction applied to every text
    field (public) or the marks dropped (internal), and every hidden field emptied
    (`drop_fields`, plus authors, owners, tickets and revenue in the public edition)."""
    public = is_public(settings)
    hidden = settings.hidden_fields
    return _model(pm, lambda text: clean(text, public), hidden)


def prepare(entries: list[Entry], settings: Settings) -> None:
    """Give every entry its published post-mortem; keep the written one for the rules,
    which judge what the author wrote (see `as_written`)."""
    hidden = settings.hidden_fields
    for entry in entries:
        if entry.pm is None or "_written_pm" in entry.__dict__:
            continue
        front_matter = entry.doc.text[: len(entry.doc.text) - len(entry.doc.body)]
        if hidden or QUICK.search(front_matter):  # else there is nothing to change
            entry.__dict__["_written_pm"] = entry.pm
            entry.pm = published(entry.pm, settings)


@contextmanager
def as_written(entries: list[Entry]) -> Iterator[None]:
    """The rules run on what the author wrote (an owner dropped from the public edition
    is still required), the outputs on what the edition publishes."""
    swapped = [(e, e.pm) for e in entries if "_written_pm" in e.__dict__]
    for entry, _ in swapped:
        entry.pm = entry.__dict__["_written_pm"]
    try:
        yield
    finally:
        for entry, pm in swapped:
            entry.pm = pm
