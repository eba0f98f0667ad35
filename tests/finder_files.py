"""The finder's index files as a test reads them: facts decoded, text chunks joined.

A decoder of its own (not the plugin's), so a test of the files checks their format
as the browser reads it (render/assets/finder-core.js).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

FACTS = "search/postmortems-facts.json"
TEXTS = "search/postmortems-text"


def facts(site: Path) -> dict[str, Any]:
    return json.loads((site / FACTS).read_text(encoding="utf-8"))


def fact_rows(site: Path) -> list[dict[str, Any]]:
    """Per post-mortem, newest first: id, date, severity, status, services, tags."""
    data = facts(site)
    names = data["names"]
    rows = []
    pm_id, date = "", dt.date.fromisoformat(data["newest"]) if data["newest"] else None
    for n, coded in enumerate(data["id"]):
        shared, rest = coded.split(":", 1)
        pm_id = pm_id[: int(shared)] + rest
        assert date is not None
        date -= dt.timedelta(days=data["days"][n])
        rows.append(
            {
                "id": pm_id,
                "date": date.isoformat(),
                "severity": names["severity"][data["severity"][n]],
                "status": names["status"][data["status"][n]],
                "services": [names["service"][k] for k in data["service"][n]],
                "tags": [names["tag"][k] for k in data["tag"][n]],
            }
        )
    return rows


def chunk_files(site: Path) -> list[Path]:
    """The text chunks in order (0.json, 1.json, ...)."""
    return sorted((site / TEXTS).iterdir(), key=lambda path: int(path.stem))


def text_rows(site: Path) -> list[list[str]]:
    """[title, summary, url] of every post-mortem, the chunks joined in order."""
    return [row for path in chunk_files(site) for row in json.loads(path.read_text("utf-8"))]
