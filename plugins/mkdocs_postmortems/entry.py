"""One post-mortem file as the rest of the package sees it: what was read, what was
found, where it is published, and the outline of its body.

A leaf of the package: the rules, the archive model and the renderers all import it,
and it imports only the loader, the schema and findings.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

from .findings import Finding
from .loader import Document
from .model import Postmortem
from .suppress import HEADING, Suppressions

FENCE = re.compile(r"^\s{0,3}(```|~~~)")
# A well-formed redacted span (case-insensitive, an optional note: `<!-- redact: pii -->`).
# What an edition publishes goes through `redact.py`, which also handles marks that are
# not well-formed (unclosed, nested, stray) and fails closed.
REDACT = re.compile(
    r"<!--\s*redact(?=[\s:]|-->)[^>]*?-->(.*?)<!--\s*/\s*redact(?=[\s:]|-->)[^>]*?-->",
    re.DOTALL | re.IGNORECASE,
)


@dataclass(frozen=True)
class Section:
    level: int
    title: str
    line: int  # the heading's line in the file
    end: int  # last line of the section
    text: str


def outline(body: str, body_line: int) -> list[Section]:
    """Headings of the body (outside code fences) and the text under each."""
    lines = body.split("\n")
    heads: list[tuple[int, int, str]] = []
    fenced = False
    for index, line in enumerate(lines):
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced and (match := HEADING.match(line)):
            heads.append((index, len(match.group(1)), match.group(2)))
    # each section ends where the next heading of its level or above starts: one pass
    # with a stack of open sections, so a body of many headings costs no more than its size
    ends = [len(lines)] * len(heads)
    open_sections: list[int] = []
    for position, (index, level, _) in enumerate(heads):
        while open_sections and heads[open_sections[-1]][1] >= level:
            ends[open_sections.pop()] = index
        open_sections.append(position)
    sections = []
    for (index, level, title), end in zip(heads, ends, strict=True):
        text = "\n".join(lines[index + 1 : end]).strip()
        sections.append(Section(level, title, body_line + index, body_line + end - 1, text))
    return sections


def url_for(src_uri: str, use_directory_urls: bool = True) -> str:
    """The page URL MkDocs gives a Markdown file (relative to the site root)."""
    stem = src_uri[:-3] if src_uri.endswith(".md") else src_uri
    if stem == "index" or stem.endswith("/index"):
        return stem[:-5]
    return f"{stem}/" if use_directory_urls else f"{stem}.html"


_LATIN = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "đ": "d",
     "Đ": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "TH", "ð": "d", "Ð": "D", "ı": "i"}
)  # fmt: skip
# Slugs that would replace a listing's own page (services/index.md is the list of services).
_RESERVED = frozenset({"index"})


def slug(name: str) -> str:
    """An ASCII URL part (and file name) for a name: `Café Ops` → `cafe-ops`.

    ASCII names keep the slug they always had. Accents are dropped (NFKD); letters of
    scripts without a Latin form (`日本語`) are kept as their Punycode (`wgv71a119e`), which
    is ASCII, short, and different for different names. A name whose slug is a listing's
    own page (`index`) gets `-1`, so it cannot replace the list.
    """
    if name.isascii():
        text = name.lower()
    else:
        decomposed = unicodedata.normalize("NFKD", name.translate(_LATIN))
        latin, other = [], []
        for char in decomposed:
            if char.isascii():
                latin.append(char)
            elif unicodedata.category(char)[0] in "LNS":  # letters, numbers, symbols
                other.append(char)
                latin.append(" ")
        text = "".join(latin).lower()
        if other:
            text += " " + "".join(other).encode("punycode").decode("ascii")
    result = re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "x"
    return f"{result}-1" if result in _RESERVED else result


@dataclass
class TextCache:
    """What the text rules read from one file, computed once (rules/text.py, rules/bl)."""

    spans: list[object] | None = None  # the prose spans
    lines: list[str] | None = None  # the file's lines, to place front-matter spans
    bl: tuple[object, object, object] | None = None  # (settings, BL context, BL findings)


@dataclass
class Entry:
    """One post-mortem file: what was read, what was found, where it is published."""

    doc: Document
    pm: Postmortem | None
    url: str
    findings: list[Finding] = field(default_factory=list)
    text_cache: TextCache = field(default_factory=TextCache, compare=False, repr=False)

    @cached_property
    def sections(self) -> list[Section]:
        return outline(self.doc.body, self.doc.body_line)

    @cached_property
    def suppressions(self) -> Suppressions:
        return Suppressions.scan(self.doc.text)

    def section(self, title: str) -> str:
        wanted = title.lower()
        return next((s.text for s in self.sections if s.title.lower() == wanted), "")

    @property
    def reading_minutes(self) -> int:
        words = len(self.doc.body.split()) + len((self.pm.summary if self.pm else "").split())
        return max(1, round(words / 200))

    def minutes_between(self, start: str, end: str) -> int | None:
        if self.pm is None:
            return None
        a, b = getattr(self.pm, start), getattr(self.pm, end)
        if a is None or b is None or b < a:
            return None
        return round((b - a).total_seconds() / 60)

    @property
    def time_to_detect(self) -> int | None:
        return self.minutes_between("started", "detected")

    @property
    def time_to_resolve(self) -> int | None:
        return self.minutes_between("started", "resolved")

    @property
    def duration(self) -> float | None:
        if self.pm and self.pm.impact and self.pm.impact.duration_minutes is not None:
            return self.pm.impact.duration_minutes
        return self.time_to_resolve
