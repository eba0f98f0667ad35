"""The pages the archive adds to the site: indexes by service, tag, severity and date."""

from __future__ import annotations

import calendar
from collections import Counter, defaultdict

from ..archive import Archive
from ..entry import Entry, slug
from . import Page, months_back


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
    open_by_service: dict[str, list] = defaultdict(list)
    for row in archive.actions:
        if row.item.is_open:
            for service in row.entry.pm.services:  # type: ignore[union-attr]
                open_by_service[service].append(row)
    for name, entries in archive.by_service.items():
        pages.append(
            Page(
                f"services/{slug(name)}.md",
                name,
                "postmortems/service.html",
                {"name": name, "entries": entries, "actions": open_by_service.get(name, [])},
                f"Incidents involving {name}.",
            )
        )
    for name, entries in archive.by_tag.items():
        pages.append(
            Page(
                f"tags/{slug(name)}.md",
                name,
                "postmortems/tag.html",
                {"name": name, "entries": entries},
            )
        )
    for level, entries in archive.by_severity.items():
        pages.append(
            Page(
                f"severity/{slug(level)}.md",
                level,
                "postmortems/severity.html",
                {"level": level, "entries": entries},
            )
        )
    for year, entries in archive.by_year.items():
        pages.append(
            Page(
                f"archive/{year}.md",
                str(year),
                "postmortems/year.html",
                {"year": year, "months": by_month(entries)},
            )
        )
    return pages


def by_month(entries: list[Entry]) -> list[tuple[str, list[Entry]]]:
    groups: dict[int, list[Entry]] = defaultdict(list)
    for entry in entries:
        groups[entry.pm.date.month].append(entry)  # type: ignore[union-attr]
    return [(calendar.month_name[m], groups[m]) for m in sorted(groups, reverse=True)]


def home_context(archive: Archive, latest: int = 10, most_overdue: int = 20) -> dict:
    """Latest incidents, counts by severity for the last 12 months, open and overdue items.

    The home page lists the `most_overdue` items furthest past their due date; the rest
    are on /actions/ (listing every one made a 1.6 MB home page at 5,000 post-mortems).
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
