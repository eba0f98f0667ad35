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
        """One pass: each `ignore-section` runs to the next heading of its section's level
        or above (a file of many comments and headings costs no more than its size)."""
        found = cls()
        if "postmortems:" not in text:
            return found
        level = 7  # the level of the heading above (7: before any heading)
        waiting: list[tuple[int, int, set[str]]] = []  # (start, level, codes), still open
        lines = text.split("\n")
        for number, line in enumerate(lines, start=1):
            heading = HEADING.match(line) if line.startswith("#") else None
            if heading:
                level = len(heading.group(1))
                still = []
                for start, under, codes in waiting:
                    if level <= under:
                        found.ranges.append((start, number - 1, codes))
                    else:
                        still.append((start, under, codes))
                waiting = still
                continue
            match = SUPPRESS.search(line) if "postmortems:" in line else None
            if not match:
                continue
            codes = {c.strip() for c in match.group(2).split(",")}
            if match.group(1) == "ignore":
                found.lines.setdefault(number, set()).update(codes)
            else:
                waiting.append((number, level, codes))
        found.ranges.extend((start, len(lines), codes) for start, _, codes in waiting)
        found.ranges.sort(key=lambda r: r[0])
        return found

    def covers(self, line: int, code: str) -> bool:
        codes = self.lines.get(line, ())
        if code in codes or "all" in codes:
            return True
        return any(
            start <= line <= end and (code in codes or "all" in codes)
            for start, end, codes in self.ranges
        )
