"""The exports in the built site: /api/*.json, /action-items.ics and /feed.xml.

The archive is test_actions.PMS: a post-mortem titled <script>alert(1)</script> whose first
action item's title has a comma, quotes, an ampersand, a newline and non-ASCII letters.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import feedparser
import icalendar
import pytest
from conftest import build_site, make_project
from test_actions import CONFIG, PMS, TRICKY

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = make_project(tmp_path_factory.mktemp("exports"), PMS, CONFIG)
    result = build_site(project, project / "site")
    assert result.returncode == 0, result.stderr
    return project / "site"


def test_postmortems_json(site: Path) -> None:
    raw = (site / "api" / "postmortems.json").read_text(encoding="utf-8")
    assert SCRIPT not in raw and "\\u003cscript\\u003e" in raw  # no markup a browser could sniff
    data = json.loads(raw)
    assert [pm["id"] for pm in data] == ["INC-2026-10-02-001", "INC-2026-08-01-001"]
    x = data[1]
    assert x["title"] == SCRIPT
    assert x["url"] == "2026/x/"  # no site_url: relative to the site root
    assert x["action_items"][0]["title"] == TRICKY
    assert x["action_items"][0]["owner"] == "@web"
    assert x["started"] == "2026-08-01T10:00:00Z"


def test_action_items_json(site: Path) -> None:
    data = json.loads((site / "api" / "action-items.json").read_text(encoding="utf-8"))
    assert len(data) == 5
    first = data[0]
    assert {k: first[k] for k in ("postmortem", "id", "title", "due", "status", "overdue")} == {
        "postmortem": "INC-2026-08-01-001",
        "id": "AI-1",
        "title": TRICKY,
        "due": "2026-09-01",
        "status": "open",
        "overdue": True,
    }
    assert first["postmortem_title"] == SCRIPT


def test_public_edition_drops_hidden_fields(tmp_path: Path) -> None:
    project = make_project(
        tmp_path,
        {
            k: v.replace("status: published", "status: published\nvisibility: public")
            for k, v in PMS.items()
        },
        CONFIG + "      audience: public\n",
    )
    result = build_site(project, project / "site")
    assert result.returncode == 0, result.stderr
    pms = json.loads((project / "site" / "api" / "postmortems.json").read_text(encoding="utf-8"))
    items = json.loads((project / "site" / "api" / "action-items.json").read_text("utf-8"))
    assert pms and items
    for item in [*items, *(i for pm in pms for i in pm["action_items"])]:
        assert "owner" not in item and "ticket" not in item
    ics = (project / "site" / "action-items.ics").read_text(encoding="utf-8")
    assert "@web" not in ics and "tracker.example.com" not in ics


def test_calendar(site: Path) -> None:
    raw = (site / "action-items.ics").read_bytes()
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded at 75 octets
    cal = icalendar.Calendar.from_ical(raw)
    events = list(cal.walk("VEVENT"))
    # open or in progress with a due date: x AI-1, x AI-3, y AI-1 (done/wont-do are not)
    assert [str(e["uid"]) for e in events] == [
        "INC-2026-08-01-001.AI-1@mkdocs-postmortems",
        "INC-2026-08-01-001.AI-3@mkdocs-postmortems",
        "INC-2026-10-02-001.AI-1@mkdocs-postmortems",
    ]
    first = events[0]
    assert first.decoded("dtstart") == dt.date(2026, 9, 1)  # all-day: a DATE, not a DATE-TIME
    assert first.decoded("dtend") == dt.date(2026, 9, 2)
    assert first.decoded("dtstamp") == dt.datetime(2026, 11, 18, tzinfo=dt.UTC)  # from the EPOCH
    assert str(first["summary"]) == f"{TRICKY} (INC-2026-08-01-001 AI-1)"
    description = str(first["description"])
    assert f"Post-mortem: INC-2026-08-01-001 {SCRIPT}" in description
    assert (
        "Owner: @web" in description and "Ticket: https://tracker.example.com/WEB-1" in description
    )
    # RFC 5545 text escaping: comma → \, and newline → \n in the file
    assert b'Retry "cache" & queue\\, then\\nre-check' in raw.replace(b"\r\n ", b"")


def test_feed_is_valid_atom(site: Path) -> None:
    raw = (site / "feed.xml").read_bytes()
    assert SCRIPT.encode() not in raw and b"&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    parsed = feedparser.parse(raw)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    titles = [e.title for e in parsed.entries]
    assert titles == ["SEV4 · Database failover took long", f"SEV4 · {SCRIPT}"]  # newest first
    x = parsed.entries[1]
    assert x.link == "2026/x/"  # relative: resolves against /feed.xml at the site root
    assert x.id.startswith("urn:uuid:")
    assert x.updated == "2026-08-03T10:10:00Z"  # its post-mortem review
    assert x.summary == "The web front end served errors for ten minutes."
    assert parsed.feed.updated == "2026-10-02T00:00:00Z"  # the latest entry (y has no review)


def test_site_url_makes_links_absolute(tmp_path: Path) -> None:
    project = make_project(tmp_path, PMS, CONFIG)
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8") + "site_url: https://incidents.example.com/\n",
        encoding="utf-8",
    )
    result = build_site(project, project / "site")
    assert result.returncode == 0, result.stderr
    parsed = feedparser.parse((project / "site" / "feed.xml").read_bytes())
    assert parsed.entries[1].link == "https://incidents.example.com/2026/x/"
    cal = icalendar.Calendar.from_ical((project / "site" / "action-items.ics").read_bytes())
    assert str(next(iter(cal.walk("VEVENT")))["url"]) == "https://incidents.example.com/2026/x/"


def test_pages_escape_post_mortem_text(site: Path) -> None:
    for page in ("actions/index.html", "2026/x/index.html"):
        html = (site / page).read_text(encoding="utf-8")
        assert SCRIPT not in html, page


def test_feed_keeps_the_newest_entries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The feed says what is new: its length is FEED_ENTRIES whatever the archive's size."""
    from mkdocs_postmortems.features import exports
    from mkdocs_postmortems.pipeline import open_archive
    from mkdocs_postmortems.settings import Settings

    project = make_project(tmp_path, PMS, CONFIG)
    archive = open_archive(project / "postmortems", Settings(), dt.date(2026, 11, 18))
    assert len(feedparser.parse(exports.feed(archive, "Archive")).entries) == 2
    monkeypatch.setattr(exports, "FEED_ENTRIES", 1)
    parsed = feedparser.parse(exports.feed(archive, "Archive"))
    assert [e.title for e in parsed.entries] == ["SEV4 · Database failover took long"]
    assert parsed.feed.updated == "2026-10-02T00:00:00Z"  # from the entries it keeps


def test_json_exports_have_no_padding(site: Path) -> None:
    for name in ("postmortems.json", "action-items.json"):
        lines = (site / "api" / name).read_text(encoding="utf-8").splitlines()
        assert lines[0] == "[" and lines[-1] == "]", name
        assert '"id":"' in lines[1], name
        assert not re.search(r'"(,|:) ["\[{\dtfn]', lines[1]), name  # no space after , or :
