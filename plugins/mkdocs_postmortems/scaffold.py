"""`postmortems new`: a draft from the template, with the next free id."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from jinja2 import Environment, PackageLoader

from .archive import Archive
from .entry import Entry, slug
from .settings import ALL_SECTIONS

_PROMPTS = {
    "Summary": "Two or three sentences: what broke, who was affected, how it was fixed.",
    "Impact": "Users affected, duration, SLO budget used, revenue, support load.",
    "Timeline": "| Time (UTC) | Event |\n|---|---|\n| 00:00 | First signal |",
    "Root cause": "What conditions had to exist for this to happen? Go past the trigger.",
    "Contributing factors": "People, process, technology, environment.",
    "What went well": "What helped detection, mitigation and communication.",
    "What went wrong": "Gaps in detection, prevention, recovery, communication, knowledge.",
    "Lessons learned": "What a reader on another team should take away.",
}


def next_id(archive: Archive, day: dt.date) -> str:
    prefix = f"INC-{day.isoformat()}-"
    taken = {e.pm.id for e in archive.entries if e.pm and e.pm.id.startswith(prefix)}
    number = 1
    while f"{prefix}{number:03d}" in taken:
        number += 1
    return f"{prefix}{number:03d}"


def render_new(
    pm_id: str, title: str, severity: str, services: list[str], tags: list[str], day: dt.date
) -> str:
    env = Environment(
        loader=PackageLoader("mkdocs_postmortems", "render/templates"),
        keep_trailing_newline=True,
        autoescape=False,
    )
    return env.get_template("postmortems/new.md.j2").render(
        id=pm_id,
        title=title,
        date=day.isoformat(),
        severity=severity,
        services=services,
        tags=tags,
        sections=[(name, _PROMPTS[name]) for name in ALL_SECTIONS],
    )


def write_new(
    archive: Archive,
    docs_dir: Path,
    title: str,
    severity: str,
    services: list[str],
    tags: list[str],
    day: dt.date,
) -> Path:
    pm_id = next_id(archive, day)
    path = docs_dir / str(day.year) / f"{day.isoformat()}-{slug(title)[:60].rstrip('-')}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:
        handle.write(render_new(pm_id, title, severity, services, tags, day))
    return path


def similar_to(
    archive: Archive, services: list[str], tags: list[str], title: str
) -> list[tuple[Entry, str]]:
    """Past incidents that share services or tags, most overlap first."""
    from .related import similar_for_new

    return similar_for_new(archive, services, tags, title)
