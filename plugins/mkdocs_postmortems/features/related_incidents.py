"""Related incidents and "happened again" on every post-mortem page.

The similarity itself lives in `related.py` (the core; `postmortems new` uses it
too); this module only hands its results to the post-mortem template.
"""

from __future__ import annotations

from typing import Any

from .. import related
from ..entry import Entry
from ..render import Renderer
from .base import Feature


def related_context(renderer: Renderer, entry: Entry) -> dict[str, Any]:
    """Related incidents and the later incidents that repeated this one."""
    archive = renderer.archive
    if entry.pm is None:
        return {}
    found = related.for_archive(archive)
    return {
        "related": found.for_entry(archive, entry, archive.settings.related_limit),
        "happened_again": [e for e in archive.recurrences.get(entry.pm.id, []) if e is not entry],
    }


FEATURE = Feature("related_incidents", postmortem_context=related_context)
