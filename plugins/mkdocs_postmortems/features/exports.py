"""Machine-readable copies of the archive, written into the built site.

- /api/postmortems.json: every published post-mortem's front-matter and URL;
- /api/action-items.json: every action item, as `postmortems actions --format json`;
- /action-items.ics: one all-day event per open action item on its due date;
- /feed.xml: an Atom feed of the FEED_ENTRIES newest published post-mortems.

Everything is deterministic: sorted, no wall-clock time (DTSTAMP and <updated> derive from
the archive's "today" and the post-mortems' own dates), stable ids.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from .. import metrics
from ..archive import Archive
from ..clean import ics_text, xml_text
from ..entry import Entry
from ..render import Renderer
from .base import Feature, SiteInfo

ATOM = "http://www.w3.org/2005/Atom"
# Namespace for the stable UUIDs of feed entries and calendar events.
NAMESPACE = uuid.UUID("6f1c2a8e-5b0d-4f1e-9a52-3c7d2f8e4b10")
PRODID = "-//mkdocs-postmortems//action items//EN"
# A feed tells subscribers what is new; the archive itself is the site and the JSON export,
# so the feed keeps the newest entries and does not grow with the archive.
FEED_ENTRIES = 100


def strip(value: Any, hidden: set[str]) -> Any:
    """Drop hidden keys at every depth (e.g. `owner` inside action items, `revenue_usd`)."""
    if isinstance(value, dict):
        return {k: strip(v, hidden) for k, v in value.items() if k not in hidden}
    if isinstance(value, list):
        return [strip(v, hidden) for v in value]
    return value


def absolute(site_url: str, path: str) -> str:
    """An absolute URL when site_url is known, else a site-root-relative one."""
    return (
        urljoin(site_url if site_url.endswith("/") else site_url + "/", path) if site_url else path
    )


def postmortems_json(archive: Archive, site_url: str = "") -> list[dict[str, Any]]:
    hidden = archive.settings.hidden_fields
    out = []
    # links only to post-mortems this edition shows (the public one hides internal ids);
    # computed once: inside the loop it made the export quadratic in the archive size
    shown = {e.pm.id for e in metrics.published(archive) if e.pm is not None}
    for entry in metrics.published(archive):
        assert entry.pm is not None
        record = strip(entry.pm.model_dump(mode="json"), hidden)
        if "related" in record:
            record["related"] = [i for i in record["related"] if i in shown]
        if record.get("recurrence_of") not in shown and "recurrence_of" in record:
            record["recurrence_of"] = None
        record["url"] = absolute(site_url, entry.url)
        out.append(record)
    return out


def action_items_json(archive: Archive, site_url: str = "") -> list[dict[str, Any]]:
    hidden = archive.settings.hidden_fields
    records = []
    for row in metrics.action_rows(archive):
        record = metrics.action_record(row, hidden)
        record["postmortem_url"] = absolute(site_url, row.entry.url)
        records.append(record)
    return records


def calendar(archive: Archive, site_name: str, site_url: str = "") -> bytes:
    """RFC 5545 calendar: icalendar does the text escaping and 75-octet line folding."""
    import icalendar  # here: the build writes exports in its background process

    hidden = archive.settings.hidden_fields
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", ics_text(f"{site_name}: action items"))
    stamp = dt.datetime.combine(archive.today, dt.time(0, 0), tzinfo=dt.UTC)
    rows = [r for r in metrics.action_rows(archive) if r.item.is_open and r.item.due]
    for row in sorted(rows, key=lambda r: (r.item.due, r.entry.pm.id, r.item.id)):  # type: ignore[union-attr]
        pm, item = row.entry.pm, row.item
        assert pm is not None and item.due is not None
        event = icalendar.Event()
        event.add("uid", f"{pm.id}.{item.id}@mkdocs-postmortems")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.due)
        event.add("dtend", item.due + dt.timedelta(days=1))
        event.add("summary", ics_text(f"{item.title} ({pm.id} {item.id})"))
        lines = [f"Post-mortem: {pm.id} {pm.title}"]
        if item.owner and "owner" not in hidden:
            lines.append(f"Owner: {item.owner}")
        lines.append(f"Status: {row.state}")
        if item.success_criteria:
            lines.append(f"Success criteria: {item.success_criteria}")
        if item.ticket and "ticket" not in hidden:
            lines.append(f"Ticket: {item.ticket}")
        lines.append(f"Post-mortem page: {absolute(site_url, row.entry.url)}")
        event.add("description", ics_text("\n".join(lines)))
        event.add("categories", [ics_text(name) for name in ("action item", *pm.services)])
        if site_url:
            event.add("url", absolute(site_url, row.entry.url))
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()


def _moment(entry: Entry) -> dt.datetime:
    """When a post-mortem was last known to change: its review, else resolution, else date."""
    pm = entry.pm
    assert pm is not None
    for value in (pm.postmortem_date, pm.resolved):
        if isinstance(value, dt.datetime):
            return value.astimezone(dt.UTC)
        if isinstance(value, dt.date):
            return dt.datetime.combine(value, dt.time(0, 0), tzinfo=dt.UTC)
    return dt.datetime.combine(pm.date, dt.time(0, 0), tzinfo=dt.UTC)


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def feed(archive: Archive, site_name: str, site_url: str = "") -> bytes:
    """Atom (RFC 4287). Without site_url, links are relative to the feed at the site root."""
    ET.register_namespace("", ATOM)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        # control characters cannot be written in XML 1.0 at all: U+FFFD marks the place
        node = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: xml_text(v) for k, v in attrs.items()})
        if text is not None:
            node.text = xml_text(text)
        return node

    entries = sorted(
        metrics.published(archive),
        key=lambda e: (e.pm.date, e.pm.id),  # type: ignore[union-attr]
        reverse=True,
    )[:FEED_ENTRIES]
    root = ET.Element(f"{{{ATOM}}}feed")
    sub(root, "title", f"{site_name}: post-mortems")
    sub(root, "id", f"urn:uuid:{uuid.uuid5(NAMESPACE, 'feed:' + site_name)}")
    moments = [_moment(e) for e in entries]
    latest = max(moments) if moments else dt.datetime.combine(archive.today, dt.time(0, 0), dt.UTC)
    sub(root, "updated", _stamp(latest))
    sub(root, "link", rel="self", href=absolute(site_url, "feed.xml"))
    sub(root, "link", rel="alternate", type="text/html", href=absolute(site_url, "./"))
    sub(root, "generator", "mkdocs-postmortems")
    for entry in entries:
        pm = entry.pm
        assert pm is not None
        node = sub(root, "entry")
        sub(node, "title", f"{pm.severity} · {pm.title}")
        sub(node, "id", f"urn:uuid:{uuid.uuid5(NAMESPACE, 'postmortem:' + pm.id)}")
        sub(node, "link", rel="alternate", type="text/html", href=absolute(site_url, entry.url))
        started = dt.datetime.combine(pm.date, dt.time(0, 0), tzinfo=dt.UTC)
        sub(node, "published", _stamp(started))
        sub(node, "updated", _stamp(_moment(entry)))
        authors = pm.authors if "authors" not in archive.settings.hidden_fields else []
        for name in authors or [site_name]:
            sub(sub(node, "author"), "name", name)
        sub(node, "summary", pm.summary, type="text")
        for name in [*pm.services, *pm.tags]:
            sub(node, "category", term=name)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _json(value: list[dict[str, Any]]) -> bytes:
    """UTF-8 JSON, one record per line (diffs and `grep` stay readable, and the C encoder
    does the work: `indent` takes the pure-Python one, 4x slower), without spaces after
    separators, with <, > and & as \\u escapes, so no browser sniffs markup in it."""
    lines = [json.dumps(record, ensure_ascii=False, separators=(",", ":")) for record in value]
    text = "[\n" + ",\n".join(lines) + "\n]" if lines else "[]"
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return (text + "\n").encode("utf-8")


def write_exports(archive: Archive, renderer: Renderer, site: SiteInfo) -> None:
    """The four exports, next to the pages."""
    root = site.site_dir
    _write(root / "api" / "postmortems.json", _json(postmortems_json(archive, site.site_url)))
    _write(root / "api" / "action-items.json", _json(action_items_json(archive, site.site_url)))
    _write(root / "action-items.ics", calendar(archive, site.site_name, site.site_url))
    _write(root / "feed.xml", feed(archive, site.site_name, site.site_url))


FEATURE = Feature("exports", outputs=write_exports)
