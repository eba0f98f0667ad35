"""One post-mortem file as the rest of the package sees it: what was read, what was
found, where it is published, and the outline of its body.

A leaf of the package: the rules, the archive model and the renderers all import it,
and it imports only the loader, the schema and findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from .findings import Finding
from .loader import Document
from .model import Postmortem
from .suppress import HEADING, Suppressions

FENCE = re.compile(r"^\s{0,3}(```|~~~)")
REDACT = re.compile(r"<!--\s*redact\s*-->(.*?)<!--\s*/redact\s*-->", re.DOTALL)


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
    sections = []
    for position, (index, level, title) in enumerate(heads):
        end = len(lines)
        for later_index, later_level, _ in heads[position + 1 :]:
            if later_level <= level:
                end = later_index
                break
        text = "\n".join(lines[index + 1 : end]).strip()
        sections.append(Section(level, title, body_line + index, body_line + end - 1, text))
    return sections


def url_for(src_uri: str, use_directory_urls: bool = True) -> str:
    """The page URL MkDocs gives a Markdown file (relative to the site root)."""
    stem = src_uri[:-3] if src_uri.endswith(".md") else src_uri
    if stem == "index" or stem.endswith("/index"):
        return stem[:-5]
    return f"{stem}/" if use_directory_urls else f"{stem}.html"


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "x"


@dataclass
class Entry:
    """One post-mortem file: what was read, what was found, where it is published."""

    doc: Document
    pm: Postmortem | None
    url: str
    findings: list[Finding] = field(default_factory=list)

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
