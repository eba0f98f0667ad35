"""The archive model: checked post-mortems and the indexes built from them.

Data flows one way: `read` (load + validate) → `lint` (rules) → `build`
(indexes, action items). Renderers and both shells only read an `Archive`.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from .findings import Finding
from .loader import Document, discover, display_path, load
from .model import ActionItem, Postmortem
from .rules import HEADING, Selection, Suppressions, run_archive_rules, run_file_rules
from .settings import Settings
from .validate import validate

FENCE = re.compile(r"^\s{0,3}(```|~~~)")
REDACT = re.compile(r"<!--\s*redact\s*-->(.*?)<!--\s*/redact\s*-->", re.DOTALL)


@dataclass(frozen=True)
class Section:
    level: int
    title: str
    line: int  # the heading's line in the file
    end: int  # last line of the section
    text: str


def outline(body: str, body_line: int) -> list[Section]:
    """Headings of the body (outside code fences) and the text under each."""
    lines = body.split("\n")
    heads: list[tuple[int, int, str]] = []
    fenced = False
    for index, line in enumerate(lines):
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced and (match := HEADING.match(line)):
            heads.append((index, len(match.group(1)), match.group(2)))
    sections = []
    for position, (index, level, title) in enumerate(heads):
        end = len(lines)
        for later_index, later_level, _ in heads[position + 1 :]:
            if later_level <= level:
                end = later_index
                break
        text = "\n".join(lines[index + 1 : end]).strip()
        sections.append(Section(level, title, body_line + index, body_line + end - 1, text))
    return sections


def url_for(src_uri: str, use_directory_urls: bool = True) -> str:
    """The page URL MkDocs gives a Markdown file (relative to the site root)."""
    stem = src_uri[:-3] if src_uri.endswith(".md") else src_uri
    if stem == "index" or stem.endswith("/index"):
        return stem[:-5]
    return f"{stem}/" if use_directory_urls else f"{stem}.html"


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "x"


@dataclass
class Entry:
    """One post-mortem file: what was read, what was found, where it is published."""

    doc: Document
    pm: Postmortem | None
    url: str
    findings: list[Finding] = field(default_factory=list)

    @cached_property
    def sections(self) -> list[Section]:
        return outline(self.doc.body, self.doc.body_line)

    @cached_property
    def suppressions(self) -> Suppressions:
        return Suppressions.scan(self.doc.text)

    def section(self, title: str) -> str:
        wanted = title.lower()
        return next((s.text for s in self.sections if s.title.lower() == wanted), "")

    @property
    def reading_minutes(self) -> int:
        words = len(self.doc.body.split()) + len((self.pm.summary if self.pm else "").split())
        return max(1, round(words / 200))

    def minutes_between(self, start: str, end: str) -> int | None:
        if self.pm is None:
            return None
        a, b = getattr(self.pm, start), getattr(self.pm, end)
        if a is None or b is None or b < a:
            return None
        return round((b - a).total_seconds() / 60)

    @property
    def time_to_detect(self) -> int | None:
        return self.minutes_between("started", "detected")

    @property
    def time_to_resolve(self) -> int | None:
        return self.minutes_between("started", "resolved")

    @property
    def duration(self) -> float | None:
        if self.pm and self.pm.impact and self.pm.impact.duration_minutes is not None:
            return self.pm.impact.duration_minutes
        return self.time_to_resolve


@dataclass(frozen=True)
class ActionRow:
    """An action item with what the archive knows about it on "today"."""

    entry: Entry
    item: ActionItem
    overdue: bool
    days_overdue: int
    stale: bool

    @property
    def state(self) -> str:
        return "overdue" if self.overdue else self.item.status


@dataclass(frozen=True)
class Recurrence:
    entry: Entry
    total: int
    done: int
    not_done: list[ActionItem]


_P = ParamSpec("_P")
_T = TypeVar("_T")


def _gc_paused(func: Callable[_P, _T]) -> Callable[_P, _T]:
    """Reading and linting allocate millions of objects but no garbage cycles; the cyclic
    collector would rescan the growing heap over and over (half the time of `check`).

    Afterwards, what they made goes straight to the oldest generation (freeze + unfreeze):
    left in the youngest, the next two collections would walk all of it once more.
    """

    @functools.wraps(func)
    def paused(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        if not gc.isenabled():
            return func(*args, **kwargs)
        gc.disable()
        try:
            return func(*args, **kwargs)
        finally:
            gc.freeze()
            gc.unfreeze()
            gc.enable()

    return paused


@_gc_paused
def read(
    files: Iterable[tuple[Path, str]], settings: Settings, cwd: Path | None = None
) -> list[Entry]:
    """Load and schema-validate each file."""
    entries = []
    for path, src_uri in files:
        doc = load(path, display_path(path, cwd), src_uri)
        pm, problems = validate(doc, settings.severities)
        entry = Entry(doc, pm, url_for(src_uri, settings.use_directory_urls))
        entry.findings = doc.findings + problems
        entries.append(entry)
    return entries


@_gc_paused
def lint(entries: list[Entry], settings: Settings, extra: object = None) -> list[Finding]:
    """Run the rule catalogue; keep each entry's findings on it; honour suppressions."""
    selection = Selection(settings)
    for entry in entries:
        if entry.doc.meta is not None or entry.doc.body:
            found = list(run_file_rules(entry, selection))
            entry.findings.extend(f for f in found if not entry.suppressions.covers(f.line, f.code))
    by_path = {e.doc.path: e for e in entries}
    for finding in run_archive_rules(entries, selection, extra):
        owner = by_path.get(finding.path)
        if owner is None:
            continue  # reported on a non-post-mortem file: the caller collects those
        if not owner.suppressions.covers(finding.line, finding.code):
            owner.findings.append(finding)
    for entry in entries:
        entry.doc.node = None  # the YAML node tree is only needed to locate findings
    return sorted(f for e in entries for f in e.findings)


@dataclass
class Archive:
    settings: Settings
    today: dt.date
    entries: list[Entry]
    # what ARCHIVE_HOOKS found (e.g. reading lists); values with `.findings` report them here
    extra: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def valid(self) -> list[Entry]:
        """Every post-mortem whose front-matter validated, newest first."""
        ok = [e for e in self.entries if e.pm is not None]
        return sorted(ok, key=lambda e: (e.pm.date, e.pm.id), reverse=True)  # type: ignore[union-attr]

    @cached_property
    def visible(self) -> list[Entry]:
        """What the indexes list: published ones (drafts too when show_drafts is on)."""
        return [e for e in self.valid if self.shows(e)]

    def shows(self, entry: Entry) -> bool:
        pm = entry.pm
        if pm is None:
            return False
        if self.settings.audience == "public":
            return pm.is_published and pm.visibility == "public"
        return pm.is_published or self.settings.show_drafts

    @cached_property
    def by_id(self) -> dict[str, Entry]:
        return {e.pm.id: e for e in reversed(self.valid)}  # type: ignore[union-attr]

    def _group(self, keys: str) -> dict[str, list[Entry]]:
        groups: dict[str, list[Entry]] = defaultdict(list)
        for entry in self.visible:
            for key in getattr(entry.pm, keys):
                groups[key].append(entry)
        return dict(sorted(groups.items(), key=lambda kv: kv[0].lower()))

    @cached_property
    def by_service(self) -> dict[str, list[Entry]]:
        return self._group("services")

    @cached_property
    def by_tag(self) -> dict[str, list[Entry]]:
        return self._group("tags")

    @cached_property
    def by_severity(self) -> dict[str, list[Entry]]:
        groups: dict[str, list[Entry]] = {s: [] for s in self.settings.severities}
        for entry in self.visible:
            groups.setdefault(entry.pm.severity, []).append(entry)  # type: ignore[union-attr]
        return groups

    @cached_property
    def by_year(self) -> dict[int, list[Entry]]:
        groups: dict[int, list[Entry]] = defaultdict(list)
        for entry in self.visible:
            groups[entry.pm.date.year].append(entry)  # type: ignore[union-attr]
        return dict(sorted(groups.items(), reverse=True))

    @cached_property
    def actions(self) -> list[ActionRow]:
        """Every action item of the visible post-mortems, most overdue first."""
        rows = [row for entry in self.visible for row in self.rows_for(entry)]
        return sorted(
            rows,
            key=lambda r: (
                not r.overdue,
                not r.item.is_open,
                r.item.due or dt.date.max,
                r.entry.pm.id,  # type: ignore[union-attr]
                r.item.id,
            ),
        )

    def rows_for(self, entry: Entry) -> list[ActionRow]:
        """The action items of one post-mortem, in the order its author wrote them."""
        rows = []
        for item in entry.pm.action_items if entry.pm else []:
            late = item.is_open and item.due is not None and item.due < self.today
            days = (self.today - item.due).days if late and item.due else 0
            rows.append(ActionRow(entry, item, late, days, days > self.settings.stale_after_days))
        return rows

    def recurrence_state(self, entry: Entry) -> Recurrence | None:
        """For "this happened before": the earlier incident and how its action items fared."""
        earlier = self.by_id.get(entry.pm.recurrence_of or "") if entry.pm else None
        if earlier is None or earlier.pm is None or not self.shows(earlier):
            return None
        items = earlier.pm.action_items
        return Recurrence(
            earlier,
            total=len(items),
            done=sum(i.status == "done" for i in items),
            not_done=[i for i in items if i.status != "done"],
        )

    @cached_property
    def recurrences(self) -> dict[str, list[Entry]]:
        """Earlier id → the later post-mortems that say they repeat it."""
        found: dict[str, list[Entry]] = defaultdict(list)
        for entry in self.visible:
            if entry.pm.recurrence_of:  # type: ignore[union-attr]
                found[entry.pm.recurrence_of].append(entry)  # type: ignore[union-attr]
        return dict(found)

    @property
    def findings(self) -> list[Finding]:
        other = [f for value in self.extra.values() for f in getattr(value, "findings", ())]
        return sorted([f for e in self.entries for f in e.findings] + other)


def open_archive(
    docs_dir: Path,
    settings: Settings,
    today: dt.date,
    paths: list[Path] | None = None,
    cwd: Path | None = None,
    hooks: Iterable[Callable[[list[Entry], Settings, Path], Any]] = (),
) -> Archive:
    """Read, lint and index a folder of post-mortems (what `postmortems check` runs).

    `hooks` are site.ARCHIVE_HOOKS (reading lists...): their findings are the archive's too.
    """
    if paths is None:
        files = list(discover(docs_dir, settings.exclude))
    else:
        files = [(p, _src_uri(p, docs_dir)) for p in paths]
    entries = read(files, settings, cwd)
    extra = {hook.__name__: hook(entries, settings, docs_dir) for hook in hooks}
    lint(entries, settings, extra)
    return Archive(settings, today, entries, extra)


def _src_uri(path: Path, docs_dir: Path) -> str:
    try:
        return path.resolve().relative_to(docs_dir.resolve()).as_posix()
    except ValueError:
        return path.name
