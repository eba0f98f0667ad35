"""The archive model: checked post-mortems and the indexes built from them.

`pipeline` reads, validates and lints the files into entries; this module indexes
them. Renderers and both shells only read an `Archive`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .entry import Entry
from .findings import Finding
from .model import ActionItem
from .settings import Settings


@dataclass(frozen=True)
class ActionRow:
    """An action item with what the archive knows about it on "today"."""

    entry: Entry
    item: ActionItem
    overdue: bool
    days_overdue: int
    stale: bool

    @property
    def state(self) -> str:
        return "overdue" if self.overdue else self.item.status


@dataclass(frozen=True)
class Recurrence:
    entry: Entry
    total: int
    done: int
    not_done: list[ActionItem]


@dataclass
class Archive:
    settings: Settings
    today: dt.date
    entries: list[Entry]
    # what each feature's `read` made, by feature name (e.g. reading lists); values with
    # `.findings` report them with the archive's
    extra: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def valid(self) -> list[Entry]:
        """Every post-mortem whose front-matter validated, newest first."""
        ok = [e for e in self.entries if e.pm is not None]
        return sorted(ok, key=lambda e: (e.pm.date, e.pm.id), reverse=True)  # type: ignore[union-attr]

    @cached_property
    def visible(self) -> list[Entry]:
        """What the indexes list: published ones (drafts too when show_drafts is on)."""
        return [e for e in self.valid if self.shows(e)]

    def shows(self, entry: Entry) -> bool:
        pm = entry.pm
        if pm is None:
            return False
        if self.settings.audience == "public":
            return pm.is_published and pm.visibility == "public"
        return pm.is_published or self.settings.show_drafts

    @cached_property
    def by_id(self) -> dict[str, Entry]:
        return {e.pm.id: e for e in reversed(self.valid)}  # type: ignore[union-attr]

    def _group(self, keys: str) -> dict[str, list[Entry]]:
        groups: dict[str, list[Entry]] = defaultdict(list)
        for entry in self.visible:
            for key in getattr(entry.pm, keys):
                groups[key].append(entry)
        return dict(sorted(groups.items(), key=lambda kv: kv[0].lower()))

    @cached_property
    def by_service(self) -> dict[str, list[Entry]]:
        return self._group("services")

    @cached_property
    def by_tag(self) -> dict[str, list[Entry]]:
        return self._group("tags")

    @cached_property
    def by_severity(self) -> dict[str, list[Entry]]:
        groups: dict[str, list[Entry]] = {s: [] for s in self.settings.severities}
        for entry in self.visible:
            groups.setdefault(entry.pm.severity, []).append(entry)  # type: ignore[union-attr]
        return groups

    @cached_property
    def by_year(self) -> dict[int, list[Entry]]:
        groups: dict[int, list[Entry]] = defaultdict(list)
        for entry in self.visible:
            groups[entry.pm.date.year].append(entry)  # type: ignore[union-attr]
        return dict(sorted(groups.items(), reverse=True))

    @cached_property
    def actions(self) -> list[ActionRow]:
        """Every action item of the visible post-mortems, most overdue first."""
        rows = [row for entry in self.visible for row in self.rows_for(entry)]
        return sorted(
            rows,
            key=lambda r: (
                not r.overdue,
                not r.item.is_open,
                r.item.due or dt.date.max,
                r.entry.pm.id,  # type: ignore[union-attr]
                r.item.id,
            ),
        )

    def rows_for(self, entry: Entry) -> list[ActionRow]:
        """The action items of one post-mortem, in the order its author wrote them."""
        rows = []
        for item in entry.pm.action_items if entry.pm else []:
            late = item.is_open and item.due is not None and item.due < self.today
            days = (self.today - item.due).days if late and item.due else 0
            rows.append(ActionRow(entry, item, late, days, days > self.settings.stale_after_days))
        return rows

    def recurrence_state(self, entry: Entry) -> Recurrence | None:
        """For "this happened before": the earlier incident and how its action items fared."""
        earlier = self.by_id.get(entry.pm.recurrence_of or "") if entry.pm else None
        if earlier is None or earlier.pm is None or not self.shows(earlier):
            return None
        items = earlier.pm.action_items
        return Recurrence(
            earlier,
            total=len(items),
            done=sum(i.status == "done" for i in items),
            not_done=[i for i in items if i.status != "done"],
        )

    @cached_property
    def recurrences(self) -> dict[str, list[Entry]]:
        """Earlier id → the later post-mortems that say they repeat it."""
        found: dict[str, list[Entry]] = defaultdict(list)
        for entry in self.visible:
            if entry.pm.recurrence_of:  # type: ignore[union-attr]
                found[entry.pm.recurrence_of].append(entry)  # type: ignore[union-attr]
        return dict(found)

    @property
    def findings(self) -> list[Finding]:
        other = [f for value in self.extra.values() for f in getattr(value, "findings", ())]
        return sorted([f for e in self.entries for f in e.findings] + other)
