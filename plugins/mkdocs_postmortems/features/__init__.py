"""Every feature of the site, in the order the build runs them.

Each is a `Feature` (see `base.py`): what it reads next to the post-mortems, the pages it
adds, what it adds to a post-mortem page, and the files it writes. Nothing registers
itself: this tuple is the whole list.
"""

from __future__ import annotations

from ..render.pages import index_pages
from . import actions, exports, finder, reading_lists, related_incidents, writing_guide
from .base import Feature, SiteInfo

FEATURES: tuple[Feature, ...] = (
    Feature("indexes", pages=index_pages),  # services, tags, severity, archive by year
    finder.FEATURE,  # /find/ and its search index
    writing_guide.FEATURE,  # /writing-guide/: every rule explained
    actions.FEATURE,  # /actions/ and /metrics/
    exports.FEATURE,  # JSON, iCalendar and Atom exports
    reading_lists.FEATURE,  # /reading-lists/: curated lists with progress
    related_incidents.FEATURE,  # related incidents, "happened again"
)

__all__ = ["FEATURES", "Feature", "SiteInfo"]
