"""The generated "Writing guide" page: every rule of the catalogue with its why.

Authors meet a rule first as a finding; this page is where they read the
principle behind it, an example and the blameless rewrite, grouped by prefix.
"""

from __future__ import annotations

from ..archive import Archive
from ..render import Page
from ..rules import catalogue
from .base import Feature

GROUPS: tuple[tuple[str, str, str], ...] = (
    ("PM", "Format", "The file, its front-matter, references and required sections."),
    (
        "BL",
        "Blameless language",
        "Focus on systems, not people: ask what allowed this to happen, not who caused it.",
    ),
    (
        "AI",
        "Action items",
        "Specific, actionable, owned, dated, and verifiable: fix the system, not the person.",
    ),
)


def writing_guide(archive: Archive) -> list[Page]:
    rules = catalogue()
    groups = [
        (prefix, title, intro, [r for r in rules if r.prefix == prefix])
        for prefix, title, intro in GROUPS
    ]
    return [
        Page(
            "writing-guide/index.md",
            "Writing guide",
            "postmortems/writing_guide.html",
            {"groups": groups, "settings_lint": archive.settings.lint},
            "How to write a blameless post-mortem: every check, why it exists, and a rewrite.",
            indexed=True,
        )
    ]


FEATURE = Feature("writing_guide", pages=writing_guide)
