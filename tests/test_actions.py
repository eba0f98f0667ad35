"""/actions/, `postmortems actions` and its CSV: overdue and stale items, links, filters, escaping.

"Today" is EPOCH = 2026-11-18; stale_after_days is the default 30.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EPOCH, build_site, make_project, run_cli

TRICKY = 'Retry "cache" & queue, then\nre-check naïve café'  # comma, quote, newline, non-ASCII, &
PMS = {
    "2026/x.md": """---
id: INC-2026-08-01-001
title: <script>alert(1)</script>
date: 2026-08-01
severity: SEV4
status: published
summary: The web front end served errors for ten minutes.
services: [web, edge]
started: 2026-08-01T10:00:00Z
resolved: 2026-08-01T10:10:00Z
postmortem_date: 2026-08-03T10:10:00Z
action_items:
  - id: AI-1
    title: "Retry \\"cache\\" & queue, then\\nre-check naïve café"
    owner: "@web"
    due: 2026-09-01
    status: open
    ticket: https://tracker.example.com/WEB-1
  - {id: AI-2, title: Add a web smoke test, owner: "@web", due: 2026-05-01, status: done}
  - {id: AI-3, title: Alert on 5xx rate, owner: "@sre", due: 2026-11-10, status: in-progress}
---
""",
    "2026/y.md": """---
id: INC-2026-10-02-001
title: Database failover took long
date: 2026-10-02
severity: SEV4
status: published
summary: A failover took twenty minutes.
services: [db]
action_items:
  - {id: AI-1, title: Automate the failover, owner: "@db", due: 2027-01-15, status: open}
  - {id: AI-2, title: Buy a bigger server, owner: "@db", due: 2026-10-20, status: wont-do,
     reason: Automation covers it}
---
""",
}
# Only the PM rules: the fixture stays clean whatever style rules (AI, BL) grow.
CONFIG = "      lint:\n        select: [PM]\n"
# On 2026-11-18: x AI-1 is 78 days overdue (31 Sep-days - 1 + 31 Oct + 18 Nov = 30+30+18) → stale;
# x AI-3 is 8 days overdue → overdue, not stale; y AI-1 is open and not due yet.


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("actions"), PMS, CONFIG)


@pytest.fixture(scope="module")
def site(project: Path) -> Path:
    result = build_site(project, project / "site")
    assert result.returncode == 0, result.stderr
    return project / "site"


def cli_json(project: Path, *args: str) -> list[dict]:
    result = run_cli("actions", "--format", "json", *args, cwd=project)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_actions_json_lists_every_item_most_overdue_first(project: Path) -> None:
    records = cli_json(project)
    assert [(r["postmortem"], r["id"], r["overdue"], r["status"]) for r in records] == [
        ("INC-2026-08-01-001", "AI-1", True, "open"),  # due 2026-09-01
        ("INC-2026-08-01-001", "AI-3", True, "in-progress"),  # due 2026-11-10
        ("INC-2026-10-02-001", "AI-1", False, "open"),  # due 2027-01-15
        ("INC-2026-08-01-001", "AI-2", False, "done"),
        ("INC-2026-10-02-001", "AI-2", False, "wont-do"),
    ]
    first = records[0]
    assert first["title"] == TRICKY
    assert first["owner"] == "@web"
    assert first["due"] == "2026-09-01"
    assert first["days_overdue"] == 78  # 2026-09-01 → 2026-11-18
    assert first["stale"] is True
    assert records[1]["days_overdue"] == 8 and records[1]["stale"] is False
    assert first["ticket"] == "https://tracker.example.com/WEB-1"


def test_actions_filters(project: Path) -> None:
    def ids(*args: str) -> list[str]:
        return [f"{r['postmortem'][-6:]}/{r['id']}" for r in cli_json(project, *args)]

    assert ids("--overdue") == ["01-001/AI-1", "01-001/AI-3"]
    assert ids("--status", "overdue") == ["01-001/AI-1", "01-001/AI-3"]
    assert ids("--stale") == ["01-001/AI-1"]
    assert ids("--status", "open") == ["01-001/AI-1", "02-001/AI-1"]
    assert ids("--status", "done", "--status", "wont-do") == ["01-001/AI-2", "02-001/AI-2"]
    assert ids("--owner", "web") == ["01-001/AI-1", "01-001/AI-2"]  # "@" and case optional
    assert ids("--owner", "@SRE") == ["01-001/AI-3"]
    assert ids("--service", "db") == ["02-001/AI-1", "02-001/AI-2"]
    assert ids("--service", "edge", "--overdue", "--status", "in-progress") == ["01-001/AI-3"]
    assert ids("--owner", "nobody") == []
    bad = run_cli("actions", "--status", "closed", cwd=project)
    assert bad.returncode == 2 and "closed" in bad.stderr


def test_actions_csv_opens_in_a_spreadsheet(project: Path) -> None:
    # bytes, not text: run_cli's text mode would turn CRLF into LF
    exe = Path(sys.executable).with_name("postmortems")
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    done = subprocess.run(
        [str(exe), "actions", "--format", "csv"], cwd=project, env=env, capture_output=True
    )
    assert done.returncode == 0, done.stderr
    raw = done.stdout
    text = raw.decode("utf-8")  # UTF-8, strictly
    assert raw.startswith(b"postmortem,id,title,owner,due,status,state,overdue,")
    assert raw.count(b"\r\n") == 6  # header + 5 rows, each ended by CRLF
    # RFC 4180: the tricky title is quoted, its quotes doubled, its newline kept inside
    assert '"Retry ""cache"" & queue, then\nre-check naïve café"'.encode() in raw
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == 5
    assert rows[0]["title"] == TRICKY
    assert rows[0]["services"] == "web; edge"
    assert rows[0]["overdue"] == "true" and rows[0]["stale"] == "true"
    assert rows[2]["overdue"] == "false"


def test_actions_table_for_the_terminal(project: Path) -> None:
    result = run_cli("actions", "--overdue", cwd=project)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["POST-MORTEM", "ID", "STATE", "DUE", "OWNER", "TITLE"]
    assert lines[1].split()[:7] == [
        "INC-2026-08-01-001",
        "AI-1",
        "overdue",
        "78",
        "d",
        "stale",
        "2026-09-01",
    ]
    assert lines[1].endswith('Retry "cache" & queue, then re-check naïve café')  # one line
    assert len(lines) == 3


def section(html: str, state: str) -> str:
    start = html.index(f'data-pm-group="{state}"')
    end = html.find("data-pm-group=", start + 20)
    return html[start : end if end != -1 else None]


def test_actions_page_without_javascript(site: Path) -> None:
    html = (site / "actions" / "index.html").read_text(encoding="utf-8")
    # grouped by state with counts; the stale call-out comes first
    order = [html.index(f'id="{s}"') for s in ("stale", "overdue", "open", "in-progress", "done")]
    assert order == sorted(order)
    assert "Stale: overdue by more than 30 days (<span data-pm-count>1</span>)" in html
    assert "Overdue (<span data-pm-count>2</span>)" in html
    assert "Open (<span data-pm-count>1</span>)" in html
    assert "Won&#39;t do (<span data-pm-count>1</span>)" in html
    stale = section(html, "stale")
    assert "overdue 78 d" in stale
    # links to the post-mortem and to the ticket
    assert 'href="../2026/x/">INC-2026-08-01-001</a>' in stale
    assert 'href="https://tracker.example.com/WEB-1" rel="noopener">WEB-1</a>' in stale
    assert "AI-3" in section(html, "overdue") and "AI-3" not in stale
    assert "Automate the failover" in section(html, "open")
    assert "Won't do: Automation covers it" in section(html, "wont-do")
    # escaped, never markup
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Retry &#34;cache&#34; &amp; queue" in html
    # the filter form is hidden until the script shows it
    assert "data-pm-filters hidden" in html
    assert 'src="../assets/postmortems/actions.js"' in html
    assert (site / "assets" / "postmortems" / "actions.js").is_file()


def test_stale_after_days_is_configurable(tmp_path: Path) -> None:
    project = make_project(tmp_path, PMS, CONFIG + "      stale_after_days: 90\n")
    assert [r["stale"] for r in cli_json(project, "--overdue")] == [False, False]  # 78 ≤ 90


@pytest.mark.browser
def test_actions_filters_in_the_browser(site: Path, serve_dir, tab) -> None:
    with serve_dir(site) as url:
        tab.page.goto(url + "actions/")
        page = tab.page
        assert page.locator("form.pm-filters").is_visible()
        visible = "tr[data-state]:visible"
        assert page.locator(f'[data-pm-group="overdue"] {visible}').count() == 2
        page.select_option("select[name=owner]", "@sre")
        assert page.locator(f'[data-pm-group="overdue"] {visible}').count() == 1
        assert page.locator(f'[data-pm-group="stale"] {visible}').count() == 0
        assert page.locator('[data-pm-group="stale"] [data-pm-count]').inner_text() == "0"
        assert page.locator(".pm-filter-status").inner_text() == "1 of 5 action items match"
        page.select_option("select[name=owner]", "")
        page.select_option("select[name=service]", "db")
        assert page.locator(f"[data-pm-group]:not([data-pm-group=stale]) {visible}").count() == 2
        page.select_option("select[name=service]", "")
        page.select_option("select[name=due]", "2026-09")
        assert page.locator(f'[data-pm-group="stale"] {visible}').count() == 1
        page.select_option("select[name=due]", "")
        page.select_option("select[name=state]", "done")
        assert page.locator(f'[data-pm-group="done"] {visible}').count() == 1
        assert page.locator(f'[data-pm-group="open"] {visible}').count() == 0
        page.click(".pm-filters button[type=reset]")
        page.wait_for_function("document.querySelector('.pm-filter-status').textContent === ''")
        assert page.locator(f"[data-pm-group]:not([data-pm-group=stale]) {visible}").count() == 5
        tab.shot("actions-filters")
    assert tab.errors == []


@pytest.mark.browser
def test_actions_page_on_the_example_archive(example_url: str, dark_tab) -> None:
    dark_tab.page.goto(example_url + "actions/")
    stale_rows = dark_tab.page.locator('[data-pm-group="stale"] tr[data-state]')
    assert stale_rows.count() == 11
    first = stale_rows.first
    assert first.locator("a").first.get_attribute("href").startswith("../2025/")
    assert "tracker.example.com" in first.locator("a[rel=noopener]").get_attribute("href")
    dark_tab.shot("actions-dark")
    assert dark_tab.errors == []
