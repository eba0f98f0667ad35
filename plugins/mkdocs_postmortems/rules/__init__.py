"""The rule catalogue, in the style of ruff: a stable code, a name, a message,
an explanation with an example and a blameless rewrite, and a small function.

`PM` rules check the format, `BL` rules blameless language, `AI` rules the
quality of action items. Rules whose findings come from the loader or the
schema have no function; they are listed so `postmortems rules` explains them.
Importing this package imports every rule module, so the catalogue is complete.
"""

from __future__ import annotations

from . import ai, bl, placeholders, pm, reading_lists
from .base import RULES, Hit, Rule, Selection, declare, rule, run_archive_rules, run_file_rules

__all__ = [
    "RULES",
    "Hit",
    "Rule",
    "Selection",
    "ai",
    "bl",
    "catalogue",
    "declare",
    "placeholders",
    "pm",
    "reading_lists",
    "rule",
    "run_archive_rules",
    "run_file_rules",
]


def catalogue() -> list[Rule]:
    return sorted(RULES.values(), key=lambda r: (("PM", "BL", "AI").index(r.prefix), r.code))
