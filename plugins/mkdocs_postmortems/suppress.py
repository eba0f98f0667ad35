"""Inline suppressions: `postmortems: ignore=CODE` on a line, `ignore-section=CODE`
under a heading. A leaf: the entry model and the rule runner both read it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SUPPRESS = re.compile(
    r"postmortems:\s*(ignore|ignore-section)\s*=\s*([A-Z]{2}\d{3}(?:\s*,\s*[A-Z]{2}\d{3})*|all)"
)
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


@dataclass
class Suppressions:
    """Inline `postmortems: ignore=CODE` (one line) and `ignore-section=CODE` comments."""

    lines: dict[int, set[str]] = field(default_factory=dict)
    ranges: list[tuple[int, int, set[str]]] = field(default_factory=list)

    @classmethod
    def scan(cls, text: str) -> Suppressions:
        found = cls()
        if "postmortems:" not in text:
            return found
        lines = text.split("\n")
        for number, line in enumerate(lines, start=1):
            match = SUPPRESS.search(line)
            if not match:
                continue
            codes = {c.strip() for c in match.group(2).split(",")}
            if match.group(1) == "ignore":
                found.lines.setdefault(number, set()).update(codes)
                continue
            level = _section_level(lines, number)
            end = len(lines)
            for later in range(number, len(lines)):
                heading = HEADING.match(lines[later])
                if heading and len(heading.group(1)) <= level:
                    end = later
                    break
            found.ranges.append((number, end, codes))
        return found

    def covers(self, line: int, code: str) -> bool:
        codes = self.lines.get(line, ())
        if code in codes or "all" in codes:
            return True
        return any(
            start <= line <= end and (code in codes or "all" in codes)
            for start, end, codes in self.ranges
        )


def _section_level(lines: list[str], number: int) -> int:
    """The level of the heading the comment sits under (7 = before any heading)."""
    for previous in range(number - 1, -1, -1):
        heading = HEADING.match(lines[previous])
        if heading:
            return len(heading.group(1))
    return 7
