"""`postmortems new`: a draft from the template, with the next free id."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

from jinja2 import Environment, PackageLoader

from .archive import Archive
from .entry import Entry, slug
from .rules.placeholders import EXAMPLE_ACTION, SECTION_PROMPTS, SUMMARY_PROMPT
from .settings import ALL_SECTIONS


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
        sections=[(name, SECTION_PROMPTS[name]) for name in ALL_SECTIONS],
        summary=SUMMARY_PROMPT,  # PM502 finds these same prompts when they are left in
        example=EXAMPLE_ACTION,
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
    path = docs_dir / str(day.year) / f"{day.isoformat()}-{file_stem(title, pm_id)}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:
        handle.write(render_new(pm_id, title, severity, services, tags, day))
    return path


def file_stem(title: str, pm_id: str) -> str:
    """The title's slug; for a title with no Latin letter or digit at all (`日本語`), whose
    slug would be Punycode, the incident's number: `incident-001`."""
    if not re.search(r"[A-Za-z0-9]", unicodedata.normalize("NFKD", title)):
        return f"incident-{pm_id.rsplit('-', 1)[-1]}"
    return slug(title)[:60].rstrip("-")


def similar_to(
    archive: Archive, services: list[str], tags: list[str], title: str
) -> list[tuple[Entry, str]]:
    """Past incidents that share services or tags, most overlap first."""
    from .related import similar_for_new

    return similar_for_new(archive, services, tags, title)
