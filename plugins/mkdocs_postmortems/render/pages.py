"""The pages the archive adds to the site: indexes by service, tag, severity and date.

A listing never grows with the archive: past `PAGE_SIZE` rows it is split into numbered
pages (`tags/dns/`, `tags/dns/2/`, ...) that link to each other, so every HTML page stays
small and, without JavaScript, every incident is one link away.
"""

from __future__ import annotations

import calendar
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from ..archive import ActionRow, Archive
from ..entry import Entry, slug
from . import Page, months_back

T = TypeVar("T")

# Rows per page of a listing: an incident row is about 0.8 KB of HTML (the summary is cut
# to its start), so a page stays under 200 KB whatever the archive's size, and the theme's
# own markup (some 14 KB a page) is a small share of it.
PAGE_SIZE = 200
# Open action items shown on a service's first page; the rest have their own pages.
SERVICE_ACTIONS = 50


@dataclass(frozen=True)
class Pager:
    """Where one page of a split listing sits among its siblings."""

    number: int  # 1-based
    uris: tuple[str, ...]  # src_uri of every page, in order
    total: int  # rows across all pages
    first: int  # 1-based position of this page's first row
    last: int

    @property
    def count(self) -> int:
        return len(self.uris)


def page_uri(first: str, number: int) -> str:
    """`tags/dns.md` for page 1, `tags/dns/2.md` for page 2 (and `x/index.md` → `x/2.md`)."""
    if number == 1:
        return first
    stem = first.removesuffix(".md").removesuffix("/index")
    return f"{stem}/{number}.md"


def split(items: Sequence[T], size: int | None = None) -> list[Sequence[T]]:
    """`items` in pages of `size` (PAGE_SIZE); an empty listing is one empty page."""
    size = size or PAGE_SIZE
    return [items[i : i + size] for i in range(0, len(items), size)] or [items[:0]]


def paged(
    first_uri: str,
    title: str,
    template: str,
    items: Sequence[Any],
    context: dict[str, Any],
    description: str = "",
    key: str = "entries",
    size: int | None = None,
) -> list[Page]:
    """One Page per chunk of `items`, each with its chunk under `key` and a `pager`."""
    chunks = split(items, size)
    uris = tuple(page_uri(first_uri, n) for n in range(1, len(chunks) + 1))
    pages = []
    start = 0
    for number, chunk in enumerate(chunks, 1):
        pager = Pager(number, uris, len(items), start + 1, start + len(chunk))
        start += len(chunk)
        pages.append(
            Page(
                uris[number - 1],
                title if number == 1 else f"{title} (page {number})",
                template,
                {**context, key: chunk, "pager": pager, "all_" + key: items},
                description if number == 1 else "",
            )
        )
    return pages


def index_pages(archive: Archive) -> list[Page]:
    pages = [
        Page(
            "services/index.md",
            "Services",
            "postmortems/services.html",
            {"services": [(name, entries) for name, entries in archive.by_service.items()]},
            "Every service with its incidents.",
        ),
        Page(
            "tags/index.md",
            "Tags",
            "postmortems/tags.html",
            {"tags": list(archive.by_tag.items())},
            "Every tag with its incidents.",
        ),
        Page(
            "severity/index.md",
            "Severity",
            "postmortems/severities.html",
            {"levels": list(archive.by_severity.items())},
            "Incidents by severity level.",
        ),
        Page(
            "archive/index.md",
            "Archive",
            "postmortems/archive.html",
            {"years": [(year, entries) for year, entries in archive.by_year.items()]},
            "Every incident by year and month.",
        ),
    ]
    open_by_service: dict[str, list[ActionRow]] = defaultdict(list)
    for row in archive.actions:
        if row.item.is_open:
            for service in row.entry.pm.services:  # type: ignore[union-attr]
                open_by_service[service].append(row)
    for name, entries in archive.by_service.items():
        uri = f"services/{slug(name)}.md"
        actions = open_by_service.get(name, [])
        more = f"services/{slug(name)}/open-actions.md" if len(actions) > SERVICE_ACTIONS else ""
        context = {"name": name, "actions": actions[:SERVICE_ACTIONS], "open_count": len(actions)}
        context["actions_page"] = more
        pages += paged(
            uri, name, "postmortems/service.html", entries, context, f"Incidents involving {name}."
        )
        if more:
            pages += paged(
                more,
                f"{name}: open action items",
                "postmortems/service_actions.html",
                actions,
                {"name": name, "service_page": uri},
                key="rows",
            )
    for name, entries in archive.by_tag.items():
        pages += paged(
            f"tags/{slug(name)}.md", name, "postmortems/tag.html", entries, {"name": name}
        )
    for level, entries in archive.by_severity.items():
        pages += paged(
            f"severity/{slug(level)}.md",
            level,
            "postmortems/severity.html",
            entries,
            {"level": level},
        )
    for year, entries in archive.by_year.items():
        pages += year_pages(year, entries)
    return pages


def year_pages(year: int, entries: list[Entry]) -> list[Page]:
    """A year's incidents grouped by month, split into pages; page 1 lists every month
    with a link to the page where it starts."""
    pages = paged(f"archive/{year}.md", str(year), "postmortems/year.html", entries, {"year": year})
    starts: dict[int, tuple[str, int]] = {}  # month -> (page src_uri, count)
    counts = Counter(e.pm.date.month for e in entries)  # type: ignore[union-attr]
    for page in pages:
        chunk = page.context["entries"]  # type: ignore[index]
        page.context["months"] = by_month(chunk)  # type: ignore[index]
        for entry in chunk:
            starts.setdefault(entry.pm.date.month, (page.src_uri, counts[entry.pm.date.month]))
    index = [
        (calendar.month_name[m], uri, n) for m, (uri, n) in sorted(starts.items(), reverse=True)
    ]
    for page in pages:
        page.context["month_index"] = index  # type: ignore[index]
    return pages


def by_month(entries: Sequence[Entry]) -> list[tuple[str, Sequence[Entry]]]:
    groups: dict[int, list[Entry]] = defaultdict(list)
    for entry in entries:
        groups[entry.pm.date.month].append(entry)  # type: ignore[union-attr]
    return [(calendar.month_name[m], groups[m]) for m in sorted(groups, reverse=True)]


def home_context(archive: Archive, latest: int = 10, most_overdue: int = 20) -> dict:
    """Latest incidents, counts by severity for the last 12 months, open and overdue items.

    The home page lists the `most_overdue` items furthest past their due date; the rest
    are on /actions/ (listing every one would grow the home page with the archive).
    """
    months = months_back(archive.today, 12)
    first = months[0]
    counts: Counter[tuple[int, int, str]] = Counter()
    for entry in archive.visible:
        pm = entry.pm
        assert pm is not None
        if (pm.date.year, pm.date.month) >= first:
            counts[(pm.date.year, pm.date.month, pm.severity)] += 1
    rows = [
        (f"{calendar.month_abbr[m]} {y}", [counts[(y, m, s)] for s in archive.settings.severities])
        for y, m in months
    ]
    totals = [sum(r[1][i] for r in rows) for i in range(len(archive.settings.severities))]
    open_rows = [r for r in archive.actions if r.item.is_open]
    overdue = [r for r in open_rows if r.overdue]  # most overdue first (Archive.actions)
    return {
        "latest": archive.visible[:latest],
        "month_rows": rows,
        "totals": totals,
        "open_count": len(open_rows),
        "overdue": overdue[:most_overdue],
        "overdue_count": len(overdue),
    }
