"""Reading lists: the format, its findings, the pages, and progress kept in the browser."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from pathlib import Path

import pytest
from conftest import EXAMPLE, build_site, make_project, run_cli
from mkdocs_postmortems.features.reading_lists import read_list, reading_lists
from mkdocs_postmortems.pipeline import open_archive
from mkdocs_postmortems.settings import Settings

ITEMS = "---\ntitle: t\npostmortems:\n  - id: INC-A\n    why: w\n"

PM = """---
id: {id}
title: {title}
date: 2025-0{month}-10
severity: SEV4
status: published
summary: {title} happened and was fixed.
services: [payments]
---
## Summary

{words}
"""


def postmortem(pm_id: str, title: str, month: int, words: int) -> str:
    return PM.format(id=pm_id, title=title, month=month, words=" ".join(["word"] * words))


ARCHIVE = {
    "2025/a.md": postmortem("INC-A", "Alpha outage", 1, 10),
    "2025/b.md": postmortem("INC-B", "Bravo outage", 2, 600),
    "2025/c.md": postmortem("INC-C", "Charlie outage", 3, 1000),
}


def project(tmp_path: Path, reading_list: str, name: str = "team.md") -> Path:
    return make_project(tmp_path, {**ARCHIVE, f"reading-lists/{name}": reading_list})


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


GOOD = """---
title: "Team: read these first"
audience: New team members
postmortems:
  - id: INC-C
    why: The big one.
  - id: INC-A
    why: Short and sharp.
  - id: INC-B
    why: "Why: retries."
---
Read them in order.
"""


def test_reading_list_is_parsed_in_the_curators_order(tmp_path: Path) -> None:
    root = project(tmp_path, GOOD)
    rl = read_list(root / "postmortems/reading-lists/team.md", "reading-lists/team.md")
    assert rl.doc.findings == []
    assert rl.meta is not None
    assert rl.meta.title == "Team: read these first"
    assert rl.meta.audience == "New team members"
    assert [(i.id, i.why) for i in rl.meta.postmortems] == [
        ("INC-C", "The big one."),
        ("INC-A", "Short and sharp."),
        ("INC-B", "Why: retries."),
    ]
    assert rl.slug == "team"


def test_reading_lists_are_not_postmortems(tmp_path: Path) -> None:
    root = project(tmp_path, GOOD)
    archive = open_archive(root / "postmortems", Settings(), dt.date(2026, 1, 1))
    assert sorted(e.pm.id for e in archive.valid) == ["INC-A", "INC-B", "INC-C"]


@pytest.mark.parametrize(
    ("text", "code", "line", "column", "message"),
    [
        (
            "---\ntitle: x\npostmortems:\n  - id: INC-A\n    why: [unclosed\n---\n",
            "PM105",
            6,
            1,
            "the front-matter is not valid YAML",
        ),
        (
            "---\naudience: all\npostmortems:\n  - id: INC-A\n    why: w\n---\n",
            "PM701",
            2,
            1,
            "`title` is missing; a reading list needs a title and postmortems",
        ),
        (
            ITEMS + "  - id: 2025\n    why: w\n---\n",
            "PM701",
            6,
            9,
            "`postmortems[1].id` must be text, not int; quote the id",
        ),
        (
            "---\ntitle: t\nposmortems: []\npostmortems:\n  - id: INC-A\n    why: w\n---\n",
            "PM701",
            3,
            1,
            "unknown key `posmortems`; a reading list has title, audience, postmortems",
        ),
        (
            ITEMS + "  - id: INC-Z\n    why: w\n---\n",
            "PM702",
            6,
            9,
            "reading list names `INC-Z`, which no post-mortem has; fix or remove it",
        ),
        (
            ITEMS + "  - id: INC-A\n    why: v\n---\n",
            "PM703",
            6,
            9,
            "`INC-A` is already item 1 of this list; keep one",
        ),
        (
            ITEMS + "  - id: INC-B\n---\n",
            "PM701",
            6,
            5,
            "`postmortems[1].why` is missing; each item needs an id and a why",
        ),
    ],
    ids=[
        "yaml-error",
        "missing-title",
        "id-not-a-string",
        "unknown-key",
        "unknown-id",
        "twice",
        "missing-why",
    ],
)
def test_malformed_reading_list_is_a_finding(
    tmp_path: Path, text: str, code: str, line: int, column: int, message: str
) -> None:
    root = project(tmp_path, text)
    archive = open_archive(root / "postmortems", Settings(), dt.date(2026, 1, 1))
    found = reading_lists(archive.entries, Settings(), root / "postmortems").findings
    assert [(f.code, f.line, f.column) for f in found] == [(code, line, column)]
    assert found[0].message.startswith(message)
    assert found[0].path.endswith("reading-lists/team.md")


def test_check_and_build_report_an_unknown_id_with_its_line(tmp_path: Path) -> None:
    root = project(tmp_path, GOOD.replace("id: INC-A", "id: INC-NOPE"))
    result = run_cli("check", cwd=root)
    assert result.returncode == 1
    expected = (
        "postmortems/reading-lists/team.md:7:9 PM702 reading list names `INC-NOPE`, "
        "which no post-mortem has; fix or remove it"
    )
    assert expected in result.stdout
    build = build_site(root, tmp_path / "site")
    assert build.returncode != 0
    assert expected in build.stderr


def test_check_reports_a_yaml_error_in_a_reading_list(tmp_path: Path) -> None:
    root = project(tmp_path, "---\ntitle: [oops\n---\n")
    result = run_cli("check", cwd=root)
    assert result.returncode == 1
    assert "postmortems/reading-lists/team.md:3:1 PM105 the front-matter is not valid YAML" in (
        result.stdout
    )
    assert "Traceback" not in result.stdout + result.stderr


def test_list_page_shows_cards_in_order_with_reading_time(tmp_path: Path) -> None:
    root = project(tmp_path, GOOD)
    assert build_site(root, tmp_path / "site").returncode == 0
    html = (tmp_path / "site/reading-lists/team/index.html").read_text(encoding="utf-8")
    text = text_of(html)
    # reading time: 1 + 3 + 5 minutes (words / 200, at least 1)
    assert "3 post-mortems · about 9 min of reading" in text
    assert "For: New team members" in text
    assert "Read them in order." in text
    order = [m.group(1) for m in re.finditer(r'data-pm-id="([^"]+)"', html)]
    assert order == ["INC-C", "INC-A", "INC-B"]
    first = text.index("Charlie outage")
    assert first < text.index("Alpha outage") < text.index("Bravo outage")
    assert "Why read this: The big one." in text
    assert "Why read this: Why: retries." in text
    assert "5 min read" in text and "1 min read" in text and "3 min read" in text
    assert 'href="../../2025/c/"' in html
    index = text_of((tmp_path / "site/reading-lists/index.html").read_text(encoding="utf-8"))
    assert "Team: read these first New team members 3 9 min" in index


def test_curator_text_is_escaped(tmp_path: Path) -> None:
    evil = GOOD.replace("The big one.", "<script>alert(1)</script>")
    evil = evil.replace(
        'title: "Team: read these first"', "title: '</title><script>alert(1)</script>'"
    )
    root = project(tmp_path, evil)
    assert build_site(root, tmp_path / "site").returncode == 0
    html = (tmp_path / "site/reading-lists/team/index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_example_lists_check_clean_and_are_listed(example_site: Path) -> None:
    archive = open_archive(EXAMPLE, Settings(), dt.date(2026, 11, 18))
    found = reading_lists(archive.entries, Settings(), EXAMPLE)
    assert found.findings == []
    assert [rl.slug for rl in found.lists] == ["new-engineers", "payments-team"]
    index = text_of((example_site / "reading-lists/index.html").read_text(encoding="utf-8"))
    assert "Onboarding: six incidents every new engineer should read" in index
    assert "Payments team: connection pools, retries and money" in index


def test_ticking_items_moves_the_progress_bar_and_survives_a_reload(tab, example_url: str) -> None:
    page = tab.page
    page.goto(example_url + "reading-lists/payments-team/")
    bar = page.locator("progress.pm-rl-bar")
    status = page.locator(".pm-rl-status")
    assert bar.is_visible()
    assert status.inner_text().startswith("0 of 4 read")
    boxes = page.get_by_label("I have read this")
    assert boxes.count() == 4
    boxes.nth(0).check()
    boxes.nth(2).check()
    assert bar.evaluate("b => b.value") == 2
    assert status.inner_text().startswith("2 of 4 read")
    tab.shot("reading-list-progress")
    page.reload()
    assert page.locator("progress.pm-rl-bar").evaluate("b => b.value") == 2
    assert [boxes.nth(i).is_checked() for i in range(4)] == [True, False, True, False]
    boxes.nth(0).uncheck()
    page.reload()
    assert page.locator(".pm-rl-status").inner_text().startswith("1 of 4 read")
    assert tab.errors == []


def test_without_javascript_the_list_still_reads(browser, example_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(example_url + "reading-lists/new-engineers/")
    assert page.locator(".pm-rl-card").count() == 6
    assert page.get_by_text("Why read this:").first.is_visible()
    assert not page.locator("progress.pm-rl-bar").is_visible()
    assert not page.get_by_label("I have read this").first.is_visible()
    context.close()


def test_public_edition_lists_only_public_postmortems(tmp_path: Path) -> None:
    files = {**ARCHIVE, "reading-lists/team.md": GOOD}
    files["2025/a.md"] = files["2025/a.md"].replace(
        "services: [payments]", "services: [payments]\nvisibility: public"
    )
    root = make_project(tmp_path, files)
    result = build_site(root, tmp_path / "site", env={"POSTMORTEMS_AUDIENCE": "public"})
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "site/reading-lists/team/index.html").read_text(encoding="utf-8")
    assert re.findall(r'data-pm-id="([^"]+)"', html) == ["INC-A"]
    assert "1 post-mortem · about 1 min of reading" in text_of(html)
    for internal in ("INC-B", "INC-C", "Bravo outage", "The big one."):
        assert internal not in html
