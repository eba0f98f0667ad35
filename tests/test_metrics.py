"""The practice's figures on a small archive whose right answers are worked out by hand.

"Today" is EPOCH = 2026-11-18. The archive (see PMS below):

    id                  sev   date        detect  resolve  review (resolved → postmortem_date)
    INC-2026-01-05-001  SEV3  2026-01-05  10 min  120 min  2026-01-05T12:00 → 01-07T12:00 = 48 h
    INC-2026-01-20-001  SEV4  2026-01-20  30 min   60 min  2026-01-20T09:00 → 01-21T09:00 = 24 h
    INC-2026-03-02-001  SEV3  2026-03-02   5 min  240 min  2026-03-02T04:00 → 03-06 (date: 00:00Z)
                                                                                          = 92 h
    INC-2026-02-10-001  SEV3  draft: counts nowhere (its 2 items neither)
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import build_site, make_project, run_cli

BODY3 = "\n## Summary\n\nText.\n\n## Timeline\n\nText.\n\n## Root cause\n\nText.\n"

PMS = {
    "2026/a.md": """---
id: INC-2026-01-05-001
title: Queue stalled
date: 2026-01-05
severity: SEV3
status: published
summary: The queue stalled for two hours.
services: [queue]
started: 2026-01-05T10:00:00Z
detected: 2026-01-05T10:10:00Z
resolved: 2026-01-05T12:00:00Z
postmortem_date: 2026-01-07T12:00:00Z
action_items:
  - {id: AI-1, title: Add queue alert, owner: "@ops", due: 2026-02-01, status: done}
  - {id: AI-2, title: Split the queue, owner: "@ops", due: 2026-10-01, status: open}
  - {id: AI-3, title: Rewrite the broker, owner: "@ops", due: 2026-06-01, status: wont-do,
     reason: Replaced by AI-2}
---
"""
    + BODY3,
    "2026/b.md": """---
id: INC-2026-01-20-001
title: Queue stalled again
date: 2026-01-20
severity: SEV4
status: published
summary: The queue stalled for an hour.
services: [queue, api]
started: 2026-01-20T08:00:00Z
detected: 2026-01-20T08:30:00Z
resolved: 2026-01-20T09:00:00Z
postmortem_date: 2026-01-21T09:00:00Z
recurrence_of: INC-2026-01-05-001
action_items:
  - {id: AI-1, title: Runbook for queue stalls, owner: "@api", due: 2026-02-10, status: done}
  - {id: AI-2, title: Load test the queue, owner: "@api", due: 2026-11-01, status: in-progress}
---
""",
    "2026/c.md": """---
id: INC-2026-03-02-001
title: Slow API
date: 2026-03-02
severity: SEV3
status: published
summary: The API was slow for four hours.
services: [api]
started: 2026-03-02T00:00:00Z
detected: 2026-03-02T00:05:00Z
resolved: 2026-03-02T04:00:00Z
postmortem_date: 2026-03-06
action_items:
  - {id: AI-1, title: Add an index, owner: "@db", due: 2026-03-20, status: done}
  - {id: AI-2, title: Cache the catalogue, owner: "@api", due: 2026-12-31, status: open}
  - {id: AI-3, title: Profile the API, owner: "@api", status: open}
---
"""
    + BODY3,
    "2026/d.md": """---
id: INC-2026-02-10-001
title: Draft incident
date: 2026-02-10
severity: SEV3
status: draft
summary: Not yet reviewed.
services: [api]
action_items:
  - {id: AI-1, title: Something, owner: "@api", due: 2026-01-01, status: open}
  - {id: AI-2, title: Something else, owner: "@api", due: 2026-01-01, status: done}
---
"""
    + BODY3,
}
# AI-3 of c has no due date: PM402, made a warning here, so c has a lint finding.
# Only the PM rules: the fixture stays clean whatever style rules (AI, BL) grow.
CONFIG = "      lint:\n        select: [PM]\n        severity: {PM402: warning}\n"

# Action items of the 3 published post-mortems: 3 + 2 + 3 = 8; done: a1, b1, c1 = 3.
# Overdue on 2026-11-18 (open or in progress, due before today):
#   a AI-2 due 2026-10-01: 31 + 17 = 48 days → stale (> 30)
#   b AI-2 due 2026-11-01: 17 days → overdue, not stale
#   c AI-2 due 2026-12-31: not yet; c AI-3: no due date
EXPECTED = {
    "postmortems": 3,
    "action_items": 8,
    "overdue": 2,
    "stale": 1,
    "completion_rate": 3 / 8,  # done / all items = 0.375 (wont-do counts as not done)
    "recurrence_rate": 1 / 3,  # b repeats a
    "time_to_postmortem_hours_median": 48.0,  # of [24, 48, 92]
    "time_to_postmortem_hours_p90": 92.0,  # nearest rank ⌈0.9·3⌉ = 3rd of 3
    "time_to_postmortem_within_target": 2 / 3,  # 24 and 48 are ≤ 48 h
    "quality": 2 / 3,  # c has a finding (PM402 warning)
}
MONTHS = [
    # month, SEV3, SEV4, ttd median/p90, ttr median/p90, ttp median/p90
    # January: detect [10, 30] → median 20, p90 = 2nd of 2 = 30; resolve [120, 60] → 90, 120;
    #          review [48, 24] → 36, 48.
    ("2026-01", 1, 1, 20.0, 30.0, 90.0, 120.0, 36.0, 48.0),
    ("2026-02", 0, 0, None, None, None, None, None, None),  # only the draft: an empty month
    ("2026-03", 1, 0, 5.0, 5.0, 240.0, 240.0, 92.0, 92.0),
]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("metrics"), PMS, CONFIG)


@pytest.fixture(scope="module")
def stats(project: Path) -> dict:
    result = run_cli("stats", "--json", cwd=project)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def site(project: Path) -> Path:
    result = build_site(project, project / "site")
    assert result.returncode == 0, result.stderr
    return project / "site"


def test_stats_json_has_the_hand_computed_figures(stats: dict) -> None:
    for key, value in EXPECTED.items():
        assert stats[key] == pytest.approx(value), key
    assert stats["action_items_by_status"] == {"open": 3, "in-progress": 1, "done": 3, "wont-do": 1}
    assert stats["by_severity"] == {"SEV1": 0, "SEV2": 0, "SEV3": 2, "SEV4": 1}
    assert stats["time_to_postmortem_hours"] == {
        "INC-2026-01-05-001": 48.0,
        "INC-2026-01-20-001": 24.0,
        "INC-2026-03-02-001": 92.0,
    }
    assert stats["targets"] == {
        "completion_rate": 0.9,
        "recurrence_rate": 0.05,
        "time_to_postmortem_hours": 48,
    }
    # 0.375 < 0.9 missed; 1/3 > 0.05 missed; median 48 ≤ 48 met
    assert stats["targets_met"] == {
        "completion_rate": False,
        "recurrence_rate": False,
        "time_to_postmortem_hours": True,
    }
    months = [
        (
            m["month"],
            m["incidents"]["SEV3"],
            m["incidents"]["SEV4"],
            m["time_to_detect_minutes_median"],
            m["time_to_detect_minutes_p90"],
            m["time_to_resolve_minutes_median"],
            m["time_to_resolve_minutes_p90"],
            m["time_to_postmortem_hours_median"],
            m["time_to_postmortem_hours_p90"],
        )
        for m in stats["months"]
    ]
    assert months == MONTHS


def test_targets_are_configurable(tmp_path: Path) -> None:
    project = make_project(
        tmp_path,
        PMS,
        CONFIG + "      stale_after_days: 60\n      targets:\n"
        "        completion_rate: 0.3\n        time_to_postmortem_hours: 24\n",
    )
    result = run_cli("stats", "--json", cwd=project)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["targets"]["completion_rate"] == 0.3
    assert data["stale"] == 0  # 48 days overdue is not over 60
    assert data["time_to_postmortem_within_target"] == pytest.approx(1 / 3)  # only 24 h ≤ 24 h
    # 0.375 ≥ 0.3 met; median 48 > 24 missed
    assert data["targets_met"]["completion_rate"] is True
    assert data["targets_met"]["time_to_postmortem_hours"] is False


def test_stats_text_is_for_people(project: Path) -> None:
    result = run_cli("stats", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "Completion rate          37.5 %  target > 90.0 %  (3 done of 8)  (missed)" in (
        result.stdout
    )
    assert "Recurrence rate          33.3 %" in result.stdout
    assert "Time to post-mortem      48.0 h" in result.stdout


def test_percentiles() -> None:
    from mkdocs_postmortems.metrics import median, p90

    assert median([]) is None and p90([]) is None
    assert median([3.0, 1.0, 2.0, 10.0]) == 2.5  # (2 + 3) / 2
    # nearest rank: ⌈0.9·10⌉ = 9th smallest of 1..10
    assert p90([float(v) for v in range(10, 0, -1)]) == 9.0
    assert p90([7.0]) == 7.0


class Tables(HTMLParser):
    """Every <table id=...>: rows of (row header, [(data-value, text), ...])."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[tuple[str, list[tuple[str | None, str]]]]] = {}
        self.current: str | None = None
        self.row: list = []
        self.cell: list[str] | None = None
        self.value: str | None = None
        self.header = ""

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "table" and a.get("id"):
            self.current = a["id"]
            self.tables[self.current] = []
        elif self.current and tag == "tr":
            self.row, self.header = [], ""
        elif self.current and tag in ("td", "th"):
            self.cell, self.value = [], a.get("data-value")

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if not self.current:
            return
        if tag in ("td", "th") and self.cell is not None:
            text = "".join(self.cell).strip()
            if tag == "th" and not self.row and self.value is None:
                self.header = text
            else:
                self.row.append((self.value, text))
            self.cell = None
        elif tag == "tr":
            self.tables[self.current].append((self.header, self.row))
        elif tag == "table":
            self.current = None


def tables(site: Path) -> dict:
    parser = Tables()
    parser.feed((site / "metrics" / "index.html").read_text(encoding="utf-8"))
    return parser.tables


def num(value: str | None) -> float | None:
    return None if value in (None, "") else float(value)


def test_metrics_page_agrees_with_stats_json(site: Path, stats: dict) -> None:
    found = tables(site)
    targets = {head: cells for head, cells in found["pm-table-targets"]}
    rows = {
        "Action-item completion rate": "completion_rate",
        "Recurrence rate": "recurrence_rate",
        "Time to post-mortem, median": "time_to_postmortem_hours_median",
        "Time to post-mortem, p90": "time_to_postmortem_hours_p90",
        "Reviewed within target": "time_to_postmortem_within_target",
        "Post-mortem quality": "quality",
        "Overdue action items": "overdue",
    }
    for head, key in rows.items():
        assert num(targets[head][0][0]) == pytest.approx(stats[key]), head
    # what a reader sees
    assert targets["Action-item completion rate"][0][1] == "37.5 %"
    assert targets["Action-item completion rate"][2][1] == "missed"
    assert targets["Recurrence rate"][0][1] == "33.3 %"
    assert targets["Time to post-mortem, median"][0][1] == "48.0 h"
    assert targets["Time to post-mortem, median"][2][1] == "met"
    assert targets["Post-mortem quality"][0][1] == "66.7 %"

    incidents = found["pm-table-incidents"][1:]  # skip the header row
    assert [(h, [num(v) for v, _ in cells]) for h, cells in incidents] == [
        (m["month"], [*(m["incidents"][s] for s in ("SEV1", "SEV2", "SEV3", "SEV4")), m["total"]])
        for m in stats["months"]
    ]
    for kind, key, unit in (
        ("ttd", "time_to_detect", "minutes"),
        ("ttr", "time_to_resolve", "minutes"),
        ("ttp", "time_to_postmortem", "hours"),
    ):
        body = found[f"pm-table-{kind}"][1:]
        assert [(h, [num(v) for v, _ in cells]) for h, cells in body] == [
            (m["month"], [m[f"{key}_{unit}_median"], m[f"{key}_{unit}_p90"]])
            for m in stats["months"]
        ], kind
    # readable text: January's median time to resolve is 90 minutes
    assert found["pm-table-ttr"][1][1][0][1] == "1 h 30 min"
    assert found["pm-table-ttp"][2][1][0][1] == "—"  # February: no published incident

    states = {h: num(cells[0][0]) for h, cells in found["pm-table-actions"][1:]}
    # overdue: a2, b2; open (not overdue): c2, c3; in progress (not overdue): none
    assert states == {
        "Overdue": 2,
        "Open": 2,
        "In progress": 0,
        "Done": 3,
        "Won't do": 1,
        "Total": stats["action_items"],
    }


def test_metrics_page_has_a_chart_per_figure(site: Path) -> None:
    html = (site / "metrics" / "index.html").read_text(encoding="utf-8")
    charts = re.findall(r'<svg role="img" aria-label="([^"]+)"', html)
    assert len(charts) == 10, charts  # each drawn wide and narrow (for phones)
    assert "<script" not in html.split('class="pm-metrics"')[1].split("</article>")[0]
    assert "pygal.js" not in html and "kozea.github.io" not in html  # no external JS
    for name in ("incidents", "ttd", "ttr", "ttp", "actions"):
        assert f'id="chart-pm-{name}"' in html  # a stable id, no random uuid
    assert "Generated with pygal" not in html  # pygal's dated comment is gone


def test_two_builds_are_identical(project: Path, site: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    result = build_site(project, again)
    assert result.returncode == 0, result.stderr
    for name in (
        "metrics/index.html",
        "actions/index.html",
        "api/postmortems.json",
        "api/action-items.json",
        "action-items.ics",
        "feed.xml",
    ):
        assert (site / name).read_bytes() == (again / name).read_bytes(), name


def test_nav_links_actions_and_metrics(site: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    nav = (root / "mkdocs.yml").read_text(encoding="utf-8")
    assert "- Actions: actions/index.md" in nav
    assert "- Metrics: metrics/index.md" in nav


@pytest.mark.browser
@pytest.mark.parametrize("palette", ["light", "dark"])
def test_metrics_charts_render_in_both_palettes(
    palette: str, example_url: str, request: pytest.FixtureRequest
) -> None:
    tab = request.getfixturevalue("tab" if palette == "light" else "dark_tab")
    tab.page.goto(example_url + "metrics/")
    scheme = tab.page.get_attribute("body", "data-md-color-scheme")
    assert scheme == ("default" if palette == "light" else "slate")
    charts = tab.page.locator(".pm-chart-wide svg")
    assert charts.count() == 5
    for index in range(charts.count()):
        box = charts.nth(index).bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 50
    # chart text follows the page's foreground colour (readable on both palettes)
    title_fill = tab.page.evaluate(
        "getComputedStyle(document.querySelector('.pm-chart svg .title')).fill"
    )
    text_colour = tab.page.evaluate("getComputedStyle(document.querySelector('.md-typeset')).color")
    assert title_fill == text_colour
    tab.shot(f"metrics-{palette}")
    assert tab.errors == []


def _pm(pm_id: str, day: str, severity: str, detect: int) -> str:
    return f"""---
id: {pm_id}
title: Incident of {day}
date: {day}
severity: {severity}
status: published
summary: Something broke on {day}.
services: [api]
started: {day}T10:00:00Z
detected: {day}T10:{detect:02d}:00Z
resolved: {day}T12:00:00Z
postmortem_date: {day}T18:00:00Z
---
{BODY3}"""


# 2023-03 to 2026-02: 36 months, more than /metrics/ charts one by one (RECENT_MONTHS = 24)
LONG = {
    "2023/a.md": _pm("INC-2023-03-10-001", "2023-03-10", "SEV3", 10),
    "2024/b.md": _pm("INC-2024-01-15-001", "2024-01-15", "SEV4", 20),
    "2025/c.md": _pm("INC-2025-01-15-001", "2025-01-15", "SEV3", 30),
    "2025/d.md": _pm("INC-2025-07-01-001", "2025-07-01", "SEV4", 50),
    "2026/e.md": _pm("INC-2026-02-20-001", "2026-02-20", "SEV3", 5),
}


def test_a_long_archive_is_charted_by_recent_month_and_by_year(tmp_path: Path) -> None:
    project = make_project(tmp_path, LONG, CONFIG)
    result = run_cli("stats", "--json", cwd=project)
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert len(stats["months"]) == 36  # the CLI keeps every month
    assert [y["year"] for y in stats["years"]] == ["2023", "2024", "2025", "2026"]
    year_2025 = stats["years"][2]
    assert year_2025["incidents"] == {"SEV1": 0, "SEV2": 0, "SEV3": 1, "SEV4": 1}
    assert year_2025["time_to_detect_minutes_median"] == 40.0  # of [30, 50]
    assert year_2025["time_to_detect_minutes_p90"] == 50.0

    result = build_site(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    found = tables(tmp_path / "site")
    months = [head for head, _ in found["pm-table-incidents"][1:]]
    assert months[0] == "2024-03" and months[-1] == "2026-02" and len(months) == 24
    for kind in ("incidents", "ttd", "ttr", "ttp"):
        assert len(found[f"pm-table-{kind}"]) == 1 + 24, kind
        years = [head for head, _ in found[f"pm-table-{kind}-years"][1:]]
        assert years == ["2023", "2024", "2025", "2026"], kind
    totals = {head: num(cells[-1][0]) for head, cells in found["pm-table-incidents-years"][1:]}
    assert totals == {"2023": 1, "2024": 1, "2025": 2, "2026": 1}
    ttd = {head: num(cells[0][0]) for head, cells in found["pm-table-ttd-years"][1:]}
    assert ttd == {"2023": 10.0, "2024": 20.0, "2025": 40.0, "2026": 5.0}

    html = (tmp_path / "site" / "metrics" / "index.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", html)
    assert "The last 24 months, 2024-03 to 2026-02; every year further down." in text
    assert "Every year of the archive (2023 from March, 2026 to February)." in text
    labels = re.findall(r'<svg role="img" aria-label="([^"]+)"', html)
    assert len(labels) == 2 * (4 + 4)  # wide and narrow: 4 by month, 4 by year (no items)
    assert (
        "Incidents per month by severity, 2024-03 to 2026-02; the table lists the counts" in labels
    )
    ttd_label = "Time to detect per year, 2023 to 2026, median and p90 in minutes"
    assert ttd_label + "; the table lists the values" in labels
    for name in ("incidents-years", "ttd-years", "ttr-years", "ttp-years", "ttp-years-narrow"):
        assert f'id="chart-pm-{name}"' in html
    assert "<desc" not in html  # pygal's tooltip data, which only its JavaScript reads
    assert not re.search(r"\d\.\d{3}", html.split('class="pm-metrics"')[1])  # 0.01 units


def test_metrics_page_does_not_grow_with_the_archive_age() -> None:
    """Two archives, 3 and 16 years long, with as many incidents: the page of the longer one
    is about as large (it gains a bar a year), not five times as large."""
    import datetime as dt

    from mkdocs_postmortems import metrics
    from mkdocs_postmortems.features import actions

    def stats(first: dt.date, months: int) -> metrics.Stats:
        periods = [
            metrics.PeriodFigures(p, {"SEV1": 1, "SEV2": 2}, 10.0, 20.0, 30.0, 40.0, 5.0, 9.0)
            for p in metrics.month_range(first, first + dt.timedelta(days=30.5 * (months - 1)))
        ]
        years = sorted({p.period[:4] for p in periods})
        return metrics.Stats(
            today=dt.date(2026, 11, 18),
            postmortems=1,
            action_items=0,
            by_status={},
            overdue=0,
            stale=0,
            completion_rate=None,
            recurrences=0,
            recurrence_rate=None,
            ttp_hours={},
            ttp_median=None,
            ttp_p90=None,
            ttp_within_target=None,
            clean=0,
            quality=None,
            severities=["SEV1", "SEV2"],
            months=periods,
            targets={"time_to_postmortem_hours": 48.0},
            stale_after_days=30,
            years=[
                metrics.PeriodFigures(y, {"SEV1": 12, "SEV2": 24}, 10.0, 20.0, 30.0, 40.0, 5.0, 9.0)
                for y in years
            ],
        )

    def size(s: metrics.Stats) -> int:
        charts = actions.metrics_context(s, [])["charts"]
        return sum(len(str(d)) for kind in charts.values() for _, d in kind)

    short, long = size(stats(dt.date(2023, 11, 1), 36)), size(stats(dt.date(2010, 11, 1), 192))
    assert long < 1.3 * short
