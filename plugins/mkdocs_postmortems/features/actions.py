"""The /actions/ and /metrics/ pages: every action item, and the practice's figures as charts.

Figures come from `metrics.compute` (the CLI's `stats` reads the same); charts are pygal SVG
rendered at build time and inlined without pygal's JavaScript, each next to its data table.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from .. import metrics
from ..archive import ActionRow, Archive
from ..render import Page
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


def _style(colours: tuple[str, ...]) -> Style:

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
        title_font_size=15,
        legend_font_size=12,
        label_font_size=11,
        major_label_font_size=11,
        opacity=".85",
        opacity_hover="1",
        colors=colours,
    )


_GENERATED = re.compile(r"<!--.*?-->", re.DOTALL)
# pygal writes an inline config <script> even with js=[]; without pygal.js it does nothing.
# etree escapes "<" in text, so no "</script>" can occur inside it.
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL)


def svg(chart: Any, name: str, label: str) -> Markup:
    """The chart as inline SVG: stable id (no random uuid), no dated comment, no script."""
    chart.uuid = f"pm-{name}"
    out = chart.render(is_unicode=True)
    out = _SCRIPT.sub("", _GENERATED.sub("", out))
    out = out.replace(
        "<svg ",
        f'<svg role="img" aria-label="{_attr(label)}" focusable="false" ',
        1,
    )
    return Markup(out)  # pygal escapes every text node; labels are ours, not post-mortem text


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _config(title: str, colours: tuple[str, ...], **extra: Any) -> dict[str, Any]:
    return {
        "title": title,
        "style": _style(colours),
        "js": [],
        "disable_xml_declaration": True,
        "explicit_size": False,
        "width": 720,
        "height": 360,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 4,
        "x_label_rotation": 40,
        "print_values": False,
        "show_minor_x_labels": True,
        "truncate_label": -1,
        "margin": 12,
        "margin_bottom": 28,
        **extra,
    }


def _short(month: str) -> str:
    return month  # YYYY-MM sorts and reads the same everywhere


def incidents_chart(stats: metrics.Stats) -> Markup:
    import pygal

    chart = pygal.StackedBar(
        **_config("Incidents per month by severity", SEVERITY_COLOURS, y_title="incidents")
    )
    chart.x_labels = [_short(m.month) for m in stats.months]
    chart.show_minor_x_labels = len(stats.months) <= 12
    chart.x_labels_major = [m.month for m in stats.months[::3]]
    levels = list(stats.months[0].incidents) if stats.months else stats.severities
    for level in levels:
        chart.add(level, [m.incidents.get(level, 0) for m in stats.months])
    top = max((m.total for m in stats.months), default=0)
    chart.y_labels = list(range(0, top + 1, max(1, -(-top // 8))))  # whole incidents only
    return svg(chart, "incidents", "Incidents per month by severity; the table lists the counts")


def times_chart(stats: metrics.Stats, kind: str) -> Markup:
    """Median and p90 per month: time to detect or resolve (minutes)."""
    import pygal

    title = {"ttd": "Time to detect per month", "ttr": "Time to resolve per month"}[kind]
    chart = pygal.Line(
        **_config(f"{title} (minutes)", SERIES_COLOURS, allow_interruptions=True, dots_size=3)
    )
    chart.x_labels = [m.month for m in stats.months]
    chart.show_minor_x_labels = len(stats.months) <= 12
    chart.x_labels_major = [m.month for m in stats.months[::3]]
    chart.add("median", [getattr(m, f"{kind}_median") for m in stats.months])
    chart.add("p90", [getattr(m, f"{kind}_p90") for m in stats.months])
    return svg(chart, kind, f"{title}, median and p90 in minutes; the table lists the values")


def ttp_chart(stats: metrics.Stats) -> Markup:
    import pygal

    target = stats.targets["time_to_postmortem_hours"]
    chart = pygal.Line(
        **_config(
            "Time to post-mortem per month (hours)",
            SERIES_COLOURS,
            allow_interruptions=True,
            dots_size=3,
        )
    )
    chart.x_labels = [m.month for m in stats.months]
    chart.show_minor_x_labels = len(stats.months) <= 12
    chart.x_labels_major = [m.month for m in stats.months[::3]]
    chart.add("median", [m.ttp_median for m in stats.months])
    chart.add("p90", [m.ttp_p90 for m in stats.months])
    chart.add(
        f"target {target:g} h",
        [target] * len(stats.months),
        show_dots=False,
        stroke_style={"dasharray": "6, 4"},
    )
    return svg(
        chart,
        "ttp",
        "Time to post-mortem per month, median and p90 in hours against the target",
    )


def status_chart(stats: metrics.Stats, counts: dict[str, int]) -> Markup:
    import pygal

    colours = tuple(STATE_COLOURS[s] for s in metrics.STATES)
    chart = pygal.HorizontalBar(
        **_config("Action items by state", colours, legend_at_bottom_columns=5, height=260)
    )
    chart.x_labels = ["items"]
    for state in metrics.STATES:
        chart.add(metrics.STATE_LABELS[state], [counts[state]])
    return svg(chart, "actions", "Action items by state; the table lists the counts")


def state_counts(rows: list[ActionRow]) -> dict[str, int]:
    counts = dict.fromkeys(metrics.STATES, 0)
    for row in rows:
        counts[row.state] += 1
    return counts


def actions_and_metrics(archive: Archive) -> list[Page]:
    # worked out when the pages are rendered: the metrics count lint findings, and the
    # charts are the costliest part of the listings
    return [
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


def actions_context(archive: Archive, rows: list[ActionRow]) -> dict[str, Any]:
    groups = [
        (state, metrics.STATE_LABELS[state], [r for r in rows if r.state == state])
        for state in metrics.STATES
    ]
    owners = sorted({r.item.owner for r in rows if r.item.owner}, key=str.lower)
    services = sorted({s for r in rows for s in r.entry.pm.services}, key=str.lower)  # type: ignore[union-attr]
    months = sorted({metrics.month_key(r.item.due) for r in rows if r.item.due})
    return {
        "rows": rows,
        "stale": [r for r in rows if r.stale],
        "groups": groups,
        "owners": owners,
        "services": services,
        "due_months": months,
        "postmortems": len(metrics.published(archive)),
        "labels": metrics.STATE_LABELS,
    }


def metrics_context(stats: metrics.Stats, rows: list[ActionRow]) -> dict[str, Any]:
    counts = state_counts(rows)
    charts: dict[str, Markup] = {}
    if stats.months:
        charts = {
            "incidents": incidents_chart(stats),
            "ttd": times_chart(stats, "ttd"),
            "ttr": times_chart(stats, "ttr"),
            "ttp": ttp_chart(stats),
        }
    if rows:
        charts["actions"] = status_chart(stats, counts)
    return {
        "stats": stats,
        "charts": charts,
        "state_counts": counts,
        "labels": metrics.STATE_LABELS,
    }


FEATURE = Feature("actions_and_metrics", pages=actions_and_metrics)
