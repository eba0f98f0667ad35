"""BL: blameless language.

"Humans are not root causes. Systems that allow human error are root causes."
These rules read the prose of a post-mortem (body and front-matter text, see
`rules/text.py`) and flag sentences that put a person where a system belongs.

- `vocabulary`: who counts as a person, blame verbs and words (data);
- `names`: the wide list of first names (read from Faker's data);
- `matching`: the four patterns over one span (`find_blame`, the plain path);
- `clauses`: blame carried by a clause's structure (agent, cause, counterfactual,
  exhortation);
- `fast`: `scan_spans`, the same findings with less work;
- `rewrite`: the blameless rewrite of each finding;
- `rules`: the catalogue entries BL101-BL104.
"""

from __future__ import annotations

from .fast import UNFOLDED, anchor_table, find_blame, scan_spans
from .matching import Barriers, Context, Found, context, is_person
from .rules import entry_context, found_in, scan_text
from .vocabulary import (
    BLAME_VERBS,
    HANDLE,
    ROLE,
    ROLE_MODIFIER,
    ROLES_PLURAL,
    TEAM_HANDLE,
)

__all__ = [
    "BLAME_VERBS",
    "HANDLE",
    "ROLE",
    "ROLES_PLURAL",
    "ROLE_MODIFIER",
    "TEAM_HANDLE",
    "UNFOLDED",
    "Barriers",
    "Context",
    "Found",
    "anchor_table",
    "context",
    "entry_context",
    "find_blame",
    "found_in",
    "is_person",
    "scan_spans",
    "scan_text",
]
