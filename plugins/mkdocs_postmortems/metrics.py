"""The figures of the post-mortem practice: one module, read by /metrics/, /actions/ and the CLI.

Definitions (the guide in shared/domain, "Post-Mortem Metrics"; the README repeats them):

- Scope: published post-mortems the archive shows (drafts and reviews never count).
- Completion rate = done items / all items, the guide's "(Completed Items / Total Items)".
  A won't-do item stays in the denominator: closing an item without doing it is not
  completing it. None when there are no items.
- Recurrence rate = post-mortems with `recurrence_of` / all post-mortems.
- Time to post-mortem = hours from `resolved` to `postmortem_date`. A date without a time
  counts as 00:00 UTC that day, and a same-day review then counts as 0 h. Post-mortems
  without both timestamps, or with the review before the resolution, are left out.
- Quality = share of post-mortems with no lint finding at all (errors and warnings).
- Time to detect = started → detected, time to resolve = started → resolved, in minutes,
  per month of the incident date.
- Median: the middle value (mean of the two middle ones for an even count).
  p90: nearest rank, the ⌈0.9·n⌉-th smallest value, so it is always an observed value.
- Periods: the per-month figures run from the first incident's month to the last one's.
  /metrics/ charts the last RECENT_MONTHS of them month by month; when the archive spans
  more months, each figure is also charted per calendar year (the same definitions over
  the year's incidents), so the page grows by one bar a year, never by the archive's size.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .archive import ActionRow, Archive
from .clean import csv_cell
from .entry import Entry
from .model import ACTION_STATUSES

# The states an action row is grouped by: an open or in-progress item past its due date is
# "overdue"; the others keep their status.
STATES: tuple[str, ...] = ("overdue", "open", "in-progress", "done", "wont-do")
STATE_LABELS: dict[str, str] = {
    "overdue": "Overdue",
    "open": "Open",
    "in-progress": "In progress",
    "done": "Done",
    "wont-do": "Won't do",
}


def published(archive: Archive) -> list[Entry]:
    """The post-mortems every figure counts, newest first."""
    return [e for e in archive.visible if e.pm is not None and e.pm.is_published]


def action_rows(archive: Archive) -> list[ActionRow]:
    """Every action item of the published post-mortems, most overdue first."""
    return [r for r in archive.actions if r.entry.pm is not None and r.entry.pm.is_published]


def median(values: list[float]) -> float | None:
    return float(statistics.median(values)) if values else None


def p90(values: list[float]) -> float | None:
    """Nearest-rank 90th percentile: the ⌈0.9·n⌉-th smallest value."""
    if not values:
        return None
    ordered = sorted(values)
    return float(ordered[max(1, math.ceil(0.9 * len(ordered))) - 1])


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def time_to_postmortem_hours(entry: Entry) -> float | None:
    """Hours from resolution to the review, or None when unknown or out of order."""
    pm = entry.pm
    if pm is None or pm.resolved is None or pm.postmortem_date is None:
        return None
    review = pm.postmortem_date
    if not isinstance(review, dt.datetime):
        start_of_day = dt.datetime.combine(review, dt.time(0, 0), tzinfo=dt.UTC)
        hours = (start_of_day - pm.resolved).total_seconds() / 3600
        return max(0.0, hours) if review >= pm.resolved.astimezone(dt.UTC).date() else None
    hours = (review - pm.resolved).total_seconds() / 3600
    return hours if hours >= 0 else None


# Months /metrics/ charts month by month (the rest of the archive is charted per year).
RECENT_MONTHS = 24


def month_key(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_range(first: dt.date, last: dt.date) -> list[str]:
    """Every month from `first` to `last`, both included, as YYYY-MM."""
    out = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


@dataclass(frozen=True)
class PeriodFigures:
    """The figures of the incidents of one month (YYYY-MM) or one year (YYYY)."""

    period: str
    incidents: dict[str, int]  # severity -> count
    ttd_median: float | None  # minutes
    ttd_p90: float | None
    ttr_median: float | None
    ttr_p90: float | None
    ttp_median: float | None  # hours
    ttp_p90: float | None

    @property
    def total(self) -> int:
        return sum(self.incidents.values())


@dataclass(frozen=True)
class Stats:
    """Every figure of /metrics/ and `postmortems stats`, computed once."""

    today: dt.date
    postmortems: int
    action_items: int
    by_status: dict[str, int]
    overdue: int
    stale: int
    completion_rate: float | None
    recurrences: int
    recurrence_rate: float | None
    ttp_hours: dict[str, float]  # post-mortem id -> hours
    ttp_median: float | None
    ttp_p90: float | None
    ttp_within_target: float | None  # share of post-mortems reviewed within the target
    clean: int
    quality: float | None
    severities: list[str]
    months: list[PeriodFigures]
    targets: dict[str, float]
    stale_after_days: int
    by_severity: dict[str, int] = field(default_factory=dict)
    years: list[PeriodFigures] = field(default_factory=list)

    @property
    def recent(self) -> list[PeriodFigures]:
        """The months /metrics/ charts one by one: the last RECENT_MONTHS."""
        return self.months[-RECENT_MONTHS:]

    @property
    def by_year(self) -> bool:
        """Whether the archive spans more months than /metrics/ charts one by one."""
        return len(self.months) > RECENT_MONTHS

    @property
    def met(self) -> dict[str, bool | None]:
        """Whether each target is met (None when there is nothing to measure)."""
        t = self.targets
        return {
            "completion_rate": None
            if self.completion_rate is None
            else self.completion_rate >= t["completion_rate"],
            "recurrence_rate": None
            if self.recurrence_rate is None
            else self.recurrence_rate <= t["recurrence_rate"],
            "time_to_postmortem_hours": None
            if self.ttp_median is None
            else self.ttp_median <= t["time_to_postmortem_hours"],
        }

    def as_json(self) -> dict[str, Any]:
        """The `stats --json` document (rates 0..1, times in hours or minutes)."""
        return {
            "today": self.today.isoformat(),
            "postmortems": self.postmortems,
            "by_severity": self.by_severity,
            "action_items": self.action_items,
            "action_items_by_status": self.by_status,
            "overdue": self.overdue,
            "stale": self.stale,
            "stale_after_days": self.stale_after_days,
            "completion_rate": self.completion_rate,
            "recurrences": self.recurrences,
            "recurrence_rate": self.recurrence_rate,
            "time_to_postmortem_hours_median": self.ttp_median,
            "time_to_postmortem_hours_p90": self.ttp_p90,
            "time_to_postmortem_within_target": self.ttp_within_target,
            "time_to_postmortem_hours": self.ttp_hours,
            "clean_postmortems": self.clean,
            "quality": self.quality,
            "targets": self.targets,
            "targets_met": self.met,
            "months": [_period_json("month", m) for m in self.months],
            "years": [_period_json("year", y) for y in self.years],
        }


def _period_json(key: str, figures: PeriodFigures) -> dict[str, Any]:
    return {
        key: figures.period,
        "incidents": figures.incidents,
        "total": figures.total,
        "time_to_detect_minutes_median": figures.ttd_median,
        "time_to_detect_minutes_p90": figures.ttd_p90,
        "time_to_resolve_minutes_median": figures.ttr_median,
        "time_to_resolve_minutes_p90": figures.ttr_p90,
        "time_to_postmortem_hours_median": figures.ttp_median,
        "time_to_postmortem_hours_p90": figures.ttp_p90,
    }


def compute(archive: Archive) -> Stats:
    """All figures for the archive on `archive.today`."""
    settings = archive.settings
    entries = published(archive)
    rows = action_rows(archive)
    by_status = {s: 0 for s in ACTION_STATUSES}
    for row in rows:
        by_status[row.item.status] += 1
    severities = list(settings.severities)
    by_severity = dict.fromkeys(severities, 0)
    for entry in entries:
        by_severity[entry.pm.severity] = by_severity.get(entry.pm.severity, 0) + 1  # type: ignore[union-attr]
    ttp = {
        e.pm.id: hours  # type: ignore[union-attr]
        for e in sorted(entries, key=lambda e: e.pm.id)  # type: ignore[union-attr]
        if (hours := time_to_postmortem_hours(e)) is not None
    }
    target_hours = settings.targets.time_to_postmortem_hours
    recurrences = sum(1 for e in entries if e.pm.recurrence_of)  # type: ignore[union-attr]
    clean = sum(1 for e in entries if not e.findings)
    return Stats(
        today=archive.today,
        postmortems=len(entries),
        action_items=len(rows),
        by_status=by_status,
        overdue=sum(r.overdue for r in rows),
        stale=sum(r.stale for r in rows),
        completion_rate=ratio(by_status["done"], len(rows)),
        recurrences=recurrences,
        recurrence_rate=ratio(recurrences, len(entries)),
        ttp_hours=ttp,
        ttp_median=median(list(ttp.values())),
        ttp_p90=p90(list(ttp.values())),
        ttp_within_target=ratio(sum(h <= target_hours for h in ttp.values()), len(ttp)),
        clean=clean,
        quality=ratio(clean, len(entries)),
        severities=severities,
        months=_periods(entries, severities, month_key, month_range),
        targets=settings.targets.model_dump(),
        stale_after_days=settings.stale_after_days,
        by_severity=by_severity,
        years=_periods(entries, severities, _year_key, _year_range),
    )


def _year_key(day: dt.date) -> str:
    return f"{day.year:04d}"


def _year_range(first: dt.date, last: dt.date) -> list[str]:
    return [f"{year:04d}" for year in range(first.year, last.year + 1)]


def _periods(
    entries: list[Entry],
    severities: list[str],
    key: Callable[[dt.date], str],
    span: Callable[[dt.date, dt.date], list[str]],
) -> list[PeriodFigures]:
    """From the first incident's period to the last one's, empty periods included."""
    if not entries:
        return []
    dates = [e.pm.date for e in entries]  # type: ignore[union-attr]
    groups: dict[str, list[Entry]] = {p: [] for p in span(min(dates), max(dates))}
    for entry in entries:
        groups[key(entry.pm.date)].append(entry)  # type: ignore[union-attr]
    out = []
    for period, group in groups.items():
        counts = Counter(e.pm.severity for e in group)  # type: ignore[union-attr]
        ttd = [float(v) for e in group if (v := e.time_to_detect) is not None]
        ttr = [float(v) for e in group if (v := e.time_to_resolve) is not None]
        ttp = [v for e in group if (v := time_to_postmortem_hours(e)) is not None]
        incidents = {s: counts.get(s, 0) for s in severities}
        incidents.update({s: n for s, n in sorted(counts.items()) if s not in incidents})
        out.append(
            PeriodFigures(
                period,
                incidents,
                median(ttd),
                p90(ttd),
                median(ttr),
                p90(ttr),
                median(ttp),
                p90(ttp),
            )
        )
    return out


def action_record(
    row: ActionRow, hidden: set[str] | frozenset[str] = frozenset()
) -> dict[str, Any]:
    """One action item as the CLI, the CSV and /api/action-items.json give it."""
    pm = row.entry.pm
    item = row.item
    assert pm is not None
    record: dict[str, Any] = {
        "postmortem": pm.id,
        "postmortem_title": pm.title,
        "postmortem_url": row.entry.url,
        "services": list(pm.services),
        "id": item.id,
        "title": item.title,
        "owner": item.owner,
        "due": item.due.isoformat() if item.due else None,
        "status": item.status,
        "state": row.state,
        "overdue": row.overdue,
        "days_overdue": row.days_overdue,
        "stale": row.stale,
        "priority": item.priority,
        "gap": item.gap,
        "ticket": str(item.ticket) if item.ticket else None,
        "success_criteria": item.success_criteria,
        "closed": item.closed.isoformat() if item.closed else None,
        "reason": item.reason,
    }
    return {k: v for k, v in record.items() if k not in hidden}


# --- The monthly-review listings (`postmortems actions` / `stats`) -----------------------

CSV_FIELDS: tuple[str, ...] = (
    "postmortem",
    "id",
    "title",
    "owner",
    "due",
    "status",
    "state",
    "overdue",
    "days_overdue",
    "stale",
    "services",
    "priority",
    "ticket",
    "postmortem_title",
    "postmortem_url",
)


def _handle(name: str) -> str:
    return name.strip().lstrip("@").casefold()


def select_rows(
    rows: list[ActionRow],
    statuses: tuple[str, ...] | list[str] = (),
    owner: str | None = None,
    service: str | None = None,
    overdue: bool = False,
    stale: bool = False,
) -> list[ActionRow]:
    """Filter like the /actions/ select boxes.

    `statuses` match the item's own status; "overdue" matches overdue items whatever their
    status. An owner matches with or without its leading "@", ignoring case.
    """
    wanted = set(statuses)
    out = []
    for row in rows:
        if wanted and not (row.item.status in wanted or ("overdue" in wanted and row.overdue)):
            continue
        if owner is not None and _handle(row.item.owner or "") != _handle(owner):
            continue
        services = {s.casefold() for s in row.entry.pm.services}  # type: ignore[union-attr]
        if service is not None and service.casefold() not in services:
            continue
        if (overdue and not row.overdue) or (stale and not row.stale):
            continue
        out.append(row)
    return out


def actions_csv(rows: list[ActionRow]) -> str:
    """RFC 4180: header row, every field quoted when needed, CRLF line ends."""
    import csv
    import io

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_FIELDS)
    for row in rows:
        record = action_record(row)
        record["services"] = "; ".join(record["services"])
        writer.writerow(["" if record[k] is None else _cell(record[k]) for k in CSV_FIELDS])
    return buffer.getvalue()


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return csv_cell(str(value))  # `=HYPERLINK(...)` in a title stays text in a spreadsheet


def actions_table(rows: list[ActionRow]) -> str:
    """A plain-text table for the terminal, one line per item."""
    if not rows:
        return "No action items match."
    lines = []
    head = ("POST-MORTEM", "ID", "STATE", "DUE", "OWNER", "TITLE")
    data = [
        (
            r.entry.pm.id,  # type: ignore[union-attr]
            r.item.id,
            r.state + (f" {r.days_overdue} d" if r.overdue else "") + (" stale" if r.stale else ""),
            r.item.due.isoformat() if r.item.due else "-",
            r.item.owner or "-",
            " ".join(r.item.title.split()),
        )
        for r in rows
    ]
    widths = [max(len(str(x[i])) for x in [head, *data]) for i in range(len(head) - 1)]
    for values in [head, *data]:
        cells = [str(v).ljust(w) for v, w in zip(values[:-1], widths, strict=True)]
        lines.append("  ".join([*cells, values[-1]]).rstrip())
    return "\n".join(lines)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f} %"


def _hours(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} h"


def stats_text(stats: Stats) -> str:
    """The figures of /metrics/ for the terminal."""
    t, met = stats.targets, stats.met

    def mark(flag: bool | None) -> str:
        return {None: "", True: "  (met)", False: "  (missed)"}[flag]

    done, total = stats.by_status["done"], stats.action_items
    lines = [
        f"On {stats.today.isoformat()}: {stats.postmortems} published post-mortems, "
        f"{total} action items.",
        "",
        f"Completion rate        {_pct(stats.completion_rate):>8}  target > "
        f"{_pct(t['completion_rate'])}  ({done} done of {total}){mark(met['completion_rate'])}",
        f"Recurrence rate        {_pct(stats.recurrence_rate):>8}  target < "
        f"{_pct(t['recurrence_rate'])}  ({stats.recurrences} of {stats.postmortems})"
        f"{mark(met['recurrence_rate'])}",
        f"Time to post-mortem    {_hours(stats.ttp_median):>8}  target < "
        f"{_hours(t['time_to_postmortem_hours'])}  (median; p90 {_hours(stats.ttp_p90)}; "
        f"{_pct(stats.ttp_within_target)} within target){mark(met['time_to_postmortem_hours'])}",
        f"Quality                {_pct(stats.quality):>8}  "
        f"({stats.clean} of {stats.postmortems} without lint findings)",
        f"Overdue items          {stats.overdue:>8}  ({stats.stale} stale: over "
        f"{stats.stale_after_days} days)",
        "",
        "Action items: "
        + ", ".join(f"{STATE_LABELS[s].lower()} {n}" for s, n in stats.by_status.items()),
    ]
    return "\n".join(lines)
