"""The /actions/ and /metrics/ pages: every action item, and the practice's figures as charts.

Figures come from `metrics.compute` (the CLI's `stats` reads the same); charts are pygal SVG
rendered at build time and inlined without pygal's JavaScript, each next to its data table.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from .. import metrics
from ..archive import ActionRow, Archive
from ..render import Page
from ..render.pages import paged
from .base import Feature

# Series colours readable on both Material palettes; text and axes use currentColor so the
# chart follows the page's foreground colour in light and dark mode.
SEVERITY_COLOURS = ("#e53935", "#fb8c00", "#c9a200", "#78909c", "#8e24aa", "#00897b")
SERIES_COLOURS = ("#1e88e5", "#e53935", "#43a047", "#fb8c00", "#8e24aa")
STATE_COLOURS = {
    "overdue": "#e53935",
    "open": "#1e88e5",
    "in-progress": "#8e24aa",
    "done": "#43a047",
    "wont-do": "#90a4ae",
}


if TYPE_CHECKING:
    from pygal.style import Style

# pygal is imported where a chart is drawn: the build draws them in its background process,
# and the CLI never does.


@dataclass(frozen=True)
class Layout:
    """One drawing of a chart. An SVG scales with its column, text included, so each chart
    is drawn twice: wide for screens, narrow for phones (CSS shows one). Font sizes are in
    SVG units: the narrow drawing is about as wide as a 360 px phone column, so its text
    renders at about its nominal size and stays at 10 px or more down to 320 px screens."""

    name: str
    width: int
    height: int
    title: int
    label: int
    legend: int
    labels: int  # at most this many periods are labelled on the x axis
    rotation: int


WIDE = Layout("wide", 720, 360, title=16, label=13, legend=13, labels=18, rotation=40)
NARROW = Layout("narrow", 360, 340, title=15, label=13, legend=13, labels=9, rotation=90)
LAYOUTS = (WIDE, NARROW)


def _style(colours: tuple[str, ...], layout: Layout) -> Style:

    from pygal.style import Style

    return Style(
        background="transparent",
        plot_background="transparent",
        foreground="currentColor",
        foreground_strong="currentColor",
        foreground_subtle="rgba(127, 127, 127, 0.35)",
        guide_stroke_color="rgba(127, 127, 127, 0.35)",
        major_guide_stroke_color="rgba(127, 127, 127, 0.5)",
        guide_stroke_dasharray="2,3",
        major_guide_stroke_dasharray="2,3",
        font_family="inherit",
        title_font_size=layout.title,
        legend_font_size=layout.legend,
        label_font_size=layout.label,
        major_label_font_size=layout.label,
        value_font_size=layout.label,
        no_data_font_size=layout.title,
        opacity=".85",
        opacity_hover="1",
        colors=colours,
    )


_GENERATED = re.compile(r"<!--.*?-->", re.DOTALL)
# pygal writes an inline config <script> even with js=[]; without pygal.js it does nothing.
# etree escapes "<" in text, so no "</script>" can occur inside it.
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL)
# Each point's tooltip data (value, position, label) only pygal.js reads; the table beside
# the chart has the values.
_TOOLTIP = re.compile(r'<desc class="[^"]*">[^<]*</desc>')
# Coordinates to 0.01 of an SVG unit (pygal writes 15 digits): invisible, and half the bytes.
_ATTRIBUTE = re.compile(r'="([^"]*)"')
_FLOAT = re.compile(r"(\d+\.\d{3,})")


def _round(found: re.Match[str]) -> str:
    return f"{float(found.group(1)):.2f}".rstrip("0").rstrip(".")


def svg(chart: Any, name: str, label: str) -> Markup:
    """The chart as inline SVG: stable id (no random uuid), no dated comment, no script."""
    chart.uuid = f"pm-{name}"
    out = chart.render(is_unicode=True)
    out = _TOOLTIP.sub("", _SCRIPT.sub("", _GENERATED.sub("", out)))
    out = _ATTRIBUTE.sub(lambda m: '="' + _FLOAT.sub(_round, m.group(1)) + '"', out)
    out = out.replace(
        "<svg ",
        f'<svg role="img" aria-label="{_attr(label)}" focusable="false" ',
        1,
    )
    return Markup(out)  # pygal escapes every text node; labels are ours, not post-mortem text


def drawn(make: Callable[[Layout], Any], name: str, label: str) -> Markup:
    """Both drawings of a chart, wide then narrow (ids `chart-pm-NAME`, `chart-pm-NAME-narrow`)."""
    parts = []
    for layout in LAYOUTS:
        suffix = "" if layout is WIDE else f"-{layout.name}"
        drawing = svg(make(layout), name + suffix, label)
        parts.append(Markup('<div class="pm-chart-{}">{}</div>').format(layout.name, drawing))
    return Markup("").join(parts)


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _config(title: str, colours: tuple[str, ...], layout: Layout, **extra: Any) -> dict[str, Any]:
    return {
        "title": title,
        "style": _style(colours, layout),
        "js": [],
        "disable_xml_declaration": True,
        "explicit_size": False,
        "width": layout.width,
        "height": layout.height,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 4 if layout is WIDE else 3,
        "x_label_rotation": layout.rotation,
        "print_values": False,
        "show_x_guides": False,
        "truncate_label": -1,
        "truncate_legend": -1,
        "margin": 12,
        "margin_bottom": 20,
        **extra,
    }


def ticks(top: float, most: int = 6) -> list[int]:
    """Whole-number axis ticks from 0 just past `top`, at most `most` of them, on a 1-2-5 step:
    the gridlines follow the data and a count never gets a fractional tick."""
    step = 1
    while math.ceil(top / step) + 1 > most:
        for factor in (2, 5 / 2, 2):  # 1 → 2 → 5 → 10 → 20 …
            step = round(step * factor)
            if math.ceil(top / step) + 1 <= most:
                break
    return list(range(0, max(1, math.ceil(top / step)) * step + 1, step))


@dataclass(frozen=True)
class Span:
    """The periods one chart draws: the recent months, or every year."""

    name: str  # "" for months, "-years" for years: the suffix of chart and table ids
    unit: str  # "month" or "year", for titles
    periods: list[metrics.PeriodFigures]

    @property
    def range(self) -> str:
        """`2024-11 to 2026-10`: what a title says the chart covers."""
        first, last = self.periods[0].period, self.periods[-1].period
        return first if first == last else f"{first} to {last}"


def spans(stats: metrics.Stats) -> list[Span]:
    """The recent months, then every year when the archive is longer than those months."""
    if not stats.months:
        return []
    out = [Span("", "month", stats.recent)]
    if stats.by_year:
        out.append(Span("-years", "year", stats.years))
    return out


def _periods(chart: Any, span: Span, layout: Layout) -> None:
    labels = [p.period for p in span.periods]  # YYYY-MM sorts and reads the same everywhere
    chart.x_labels = labels
    every = math.ceil(len(labels) / layout.labels)
    chart.show_minor_x_labels = every == 1
    chart.x_labels_major = labels[::every]


def incidents_chart(stats: metrics.Stats, span: Span) -> Markup:
    levels = list(stats.months[0].incidents) if stats.months else stats.severities
    top = max((p.total for p in span.periods), default=0)
    title = f"Incidents per {span.unit} by severity, {span.range}"

    def make(layout: Layout) -> Any:
        import pygal

        chart = pygal.StackedBar(**_config(title, SEVERITY_COLOURS, layout))
        _periods(chart, span, layout)
        for level in levels:
            chart.add(level, [p.incidents.get(level, 0) for p in span.periods])
        chart.y_labels = ticks(top)
        return chart

    return drawn(make, "incidents" + span.name, f"{title}; the table lists the counts")


def _series_top(*series: list[float | None]) -> float:
    return max((v for values in series for v in values if v is not None), default=0)


def times_chart(stats: metrics.Stats, kind: str, span: Span) -> Markup:
    """Median and p90 per period: time to detect or resolve (minutes)."""
    what = {"ttd": "Time to detect", "ttr": "Time to resolve"}[kind]
    title = f"{what} per {span.unit}, {span.range}"
    median = [getattr(p, f"{kind}_median") for p in span.periods]
    high = [getattr(p, f"{kind}_p90") for p in span.periods]

    def make(layout: Layout) -> Any:
        import pygal

        chart = pygal.Line(
            **_config(
                f"{title} (minutes)", SERIES_COLOURS, layout, allow_interruptions=True, dots_size=3
            )
        )
        _periods(chart, span, layout)
        chart.add("median", median)
        chart.add("p90", high)
        chart.y_labels = ticks(_series_top(median, high))
        return chart

    label = f"{title}, median and p90 in minutes; the table lists the values"
    return drawn(make, kind + span.name, label)


def ttp_chart(stats: metrics.Stats, span: Span) -> Markup:
    target = stats.targets["time_to_postmortem_hours"]
    title = f"Time to post-mortem per {span.unit}, {span.range}"
    median = [p.ttp_median for p in span.periods]
    high = [p.ttp_p90 for p in span.periods]

    def make(layout: Layout) -> Any:
        import pygal

        chart = pygal.Line(
            **_config(
                f"{title} (hours)",
                SERIES_COLOURS,
                layout,
                allow_interruptions=True,
                dots_size=3,
            )
        )
        _periods(chart, span, layout)
        chart.add("median", median)
        chart.add("p90", high)
        chart.add(
            f"target {target:g} h",
            [target] * len(span.periods),
            show_dots=False,
            stroke_style={"dasharray": "6, 4"},
        )
        chart.y_labels = ticks(max(_series_top(median, high), target))
        return chart

    return drawn(make, "ttp" + span.name, f"{title}, median and p90 in hours against the target")


def status_chart(stats: metrics.Stats, counts: dict[str, int]) -> Markup:
    """One bar per state, in the state's colour, labelled on the axis (no legend)."""

    def make(layout: Layout) -> Any:
        import pygal

        chart = pygal.HorizontalBar(
            **_config(
                "Action items by state",
                SERIES_COLOURS,
                layout,
                height=300 if layout is WIDE else 320,
                show_legend=False,
                show_minor_x_labels=True,
                x_label_rotation=0,
                print_values=True,
            )
        )
        chart.x_labels = [metrics.STATE_LABELS[state] for state in metrics.STATES]
        chart.add(
            "items",
            [{"value": counts[state], "color": STATE_COLOURS[state]} for state in metrics.STATES],
        )
        chart.y_labels = ticks(max(counts.values(), default=0))
        return chart

    return drawn(make, "actions", "Action items by state; the table lists the counts")


def state_counts(rows: list[ActionRow]) -> dict[str, int]:
    counts = dict.fromkeys(metrics.STATES, 0)
    for row in rows:
        counts[row.state] += 1
    return counts


def actions_and_metrics(archive: Archive) -> list[Page]:
    # worked out when the pages are rendered: the metrics count lint findings, and the
    # charts are the costliest part of the listings
    rows = metrics.action_rows(archive)
    pages = [
        Page(
            "actions/index.md",
            "Action items",
            "postmortems/actions.html",
            lambda: actions_context(archive, metrics.action_rows(archive)),
            "Every action item of the published post-mortems: open, overdue, stale and done.",
        ),
        Page(
            "metrics/index.md",
            "Metrics",
            "postmortems/metrics.html",
            lambda: metrics_context(metrics.compute(archive), metrics.action_rows(archive)),
            "Is the post-mortem practice working? Completion, recurrence and time to review.",
        ),
    ]
    if len(rows) > ACTIONS_ON_ONE_PAGE:
        # stale items have no pages of their own: they are the first of the overdue ones
        stale = sum(r.stale for r in rows)
        for state, label, items in state_groups(rows):
            pages += paged(
                state_uri(state),
                f"Action items: {label.lower()}",
                "postmortems/actions.html",
                items,
                {
                    "state": state,
                    "label": label,
                    "state_page": True,
                    "stale_count": stale,
                    "stale_pages": math.ceil(stale / ACTION_PAGE_SIZE),
                },
                key="rows",
                size=ACTION_PAGE_SIZE,
            )
    return pages


# Up to this many action items /actions/ lists them all on one page; past it, each state
# has its own pages of ACTION_PAGE_SIZE rows and /actions/ shows the first ACTION_PREVIEW.
ACTIONS_ON_ONE_PAGE = 200
ACTION_PAGE_SIZE = 200
ACTION_PREVIEW = 10


def state_uri(state: str) -> str:
    return f"actions/{state}.md"


def state_groups(
    rows: list[ActionRow], stale: bool = False
) -> list[tuple[str, str, list[ActionRow]]]:
    """(state, label, rows) per state, in the page's order; `stale` first if asked."""
    groups = [("stale", "Stale", [r for r in rows if r.stale])] if stale else []
    groups += [
        (state, metrics.STATE_LABELS[state], [r for r in rows if r.state == state])
        for state in metrics.STATES
    ]
    return groups


def actions_context(archive: Archive, rows: list[ActionRow]) -> dict[str, Any]:
    groups = state_groups(rows)
    owners = sorted({r.item.owner for r in rows if r.item.owner}, key=str.lower)
    services = sorted({s for r in rows for s in r.entry.pm.services}, key=str.lower)  # type: ignore[union-attr]
    months = sorted({metrics.month_key(r.item.due) for r in rows if r.item.due})
    split = len(rows) > ACTIONS_ON_ONE_PAGE
    return {
        "rows": rows,
        "stale": [r for r in rows if r.stale],
        "groups": groups,
        "owners": owners,
        "services": services,
        "due_months": months,
        "postmortems": len(metrics.published(archive)),
        "labels": metrics.STATE_LABELS,
        # a large archive: each state's rows are on its own pages, /actions/ shows the first
        "split": split,
        "preview": ACTION_PREVIEW if split else len(rows),
        "state_pages": {state: state_uri(state) for state in metrics.STATES},
    }


def metrics_context(stats: metrics.Stats, rows: list[ActionRow]) -> dict[str, Any]:
    """Figures, and per figure one chart per span (recent months, then years) with its
    periods for the table beside it."""
    counts = state_counts(rows)
    charts: dict[str, list[tuple[Span, Markup]]] = {}
    for span in spans(stats):
        drawings = {
            "incidents": incidents_chart(stats, span),
            "ttd": times_chart(stats, "ttd", span),
            "ttr": times_chart(stats, "ttr", span),
            "ttp": ttp_chart(stats, span),
        }
        for kind, drawing in drawings.items():
            charts.setdefault(kind, []).append((span, drawing))
    return {
        "stats": stats,
        "charts": charts,
        "actions_chart": status_chart(stats, counts) if rows else None,
        "partial_years": partial_years(stats),
        "recent_months": metrics.RECENT_MONTHS,
        "state_counts": counts,
        "labels": metrics.STATE_LABELS,
    }


def partial_years(stats: metrics.Stats) -> str:
    """`2023 from July, 2026 to October`: the archive's first and last years, when it does
    not cover all of them (a per-year count then reads low for a reason)."""
    if not stats.months:
        return ""
    first, last = stats.months[0].period, stats.months[-1].period
    notes = []
    if not first.endswith("-01"):
        notes.append(f"{first[:4]} from {calendar.month_name[int(first[5:])]}")
    if not last.endswith("-12"):
        notes.append(f"{last[:4]} to {calendar.month_name[int(last[5:])]}")
    return ", ".join(notes)


FEATURE = Feature("actions_and_metrics", pages=actions_and_metrics)
