"""Reading lists: curated post-mortems to read in order (onboarding, a team's history).

A reading list is a Markdown page under `reading-lists/` whose front-matter
names post-mortems in the order a newcomer should read them, each with a
"why read this" note. The file is read with the same loader as post-mortems
(so a YAML error is the same PM105 finding) and checked by the small schema
below; unknown ids are findings with the line of the id.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Annotated, Any

from markupsafe import Markup
from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError

from ..archive import Archive
from ..entry import Entry, url_for
from ..findings import Finding
from ..loader import Document, display_path, key_path, load
from ..redact import clean, is_public
from ..render import Page, Renderer
from ..rules import Selection
from ..settings import Settings
from .base import Feature

FOLDER = "reading-lists"
INDEX = f"{FOLDER}/index.md"
SCRIPT = "assets/postmortems/reading-list.js"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReadingItem(_Strict):
    id: StrictStr = Field(min_length=1)
    why: Annotated[StrictStr, Field(min_length=1)]


class ReadingListMeta(_Strict):
    """The front-matter of a reading list."""

    title: Annotated[StrictStr, Field(min_length=1)]
    audience: StrictStr | None = None
    postmortems: Annotated[list[ReadingItem], Field(min_length=1)]


@dataclass
class ReadingList:
    doc: Document
    meta: ReadingListMeta | None

    @property
    def slug(self) -> str:
        return PurePosixPath(self.doc.src_uri).stem


@dataclass
class ReadingLists:
    """What the build knows about reading lists; `findings` are logged with the archive's."""

    lists: list[ReadingList] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def by_src_uri(self) -> dict[str, ReadingList]:
        return {rl.doc.src_uri: rl for rl in self.lists}

    @property
    def not_in_nav(self) -> list[str]:
        """The list pages: reached from the reading-lists index, not from the nav."""
        return [rl.doc.src_uri for rl in self.lists]

    def not_built(self, archive: Archive) -> list[str]:
        """The public edition builds a list only when it names a public, published
        post-mortem (and matches the format): the rest are not published at all."""
        if archive.settings.audience != "public":
            return []
        return [rl.doc.src_uri for rl in self.lists if not _publishable(archive, rl)]


def discover_lists(docs_dir: Path) -> Iterator[tuple[Path, str]]:
    folder = docs_dir / FOLDER
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        if path.name.lower() not in ("index.md", "readme.md"):
            yield path, path.relative_to(docs_dir).as_posix()


_TYPE_WORDS = {"string_type": "text", "list_type": "a list", "dict_type": "a mapping"}


def _schema_findings(doc: Document, error: ValidationError) -> Iterator[Finding]:
    for problem in error.errors():
        loc = tuple(problem["loc"])
        where = key_path(loc)
        kind = problem["type"]
        in_item = len(loc) > 1
        if kind == "missing":
            line, column = doc.locate(loc[:-1])
            needs = (
                "each item needs an id and a why"
                if in_item
                else "a reading list needs a title and postmortems"
            )
            message = f"`{where}` is missing; {needs}"
        elif kind == "extra_forbidden":
            line, column = doc.locate(loc, key=True)
            keys = (
                "an item has id and why"
                if in_item
                else "a reading list has title, audience, postmortems"
            )
            message = f"unknown key `{loc[-1]}`; {keys}"
        elif kind in _TYPE_WORDS:
            line, column = doc.locate(loc)
            found = type(problem.get("input")).__name__
            message = f"`{where}` must be {_TYPE_WORDS[kind]}, not {found}"
            if loc[-1] == "id":
                message += '; quote the id, e.g. `id: "INC-2025-01-21-001"`'
        else:
            line, column = doc.locate(loc)
            message = f"`{where}`: {problem['msg']}"
        yield doc.finding("PM701", message, line, column)


def read_list(path: Path, src_uri: str, cwd: Path | None = None) -> ReadingList:
    """Load one reading list: loader findings (YAML...) and schema findings, never a traceback."""
    doc = load(path, display_path(path, cwd), src_uri)
    meta = None
    if doc.meta is not None:
        try:
            meta = ReadingListMeta.model_validate(doc.meta)
        except ValidationError as error:
            doc.findings.extend(_schema_findings(doc, error))
    return ReadingList(doc, meta)


def check_ids(rl: ReadingList, known: set[str], selection: Selection) -> Iterator[Finding]:
    if rl.meta is None:
        return
    seen: dict[str, int] = {}
    for number, item in enumerate(rl.meta.postmortems):
        line, column = rl.doc.locate(("postmortems", number, "id"))
        if item.id not in known and selection.enabled("PM702"):
            yield rl.doc.finding(
                "PM702",
                f"reading list names `{item.id}`, which no post-mortem has; fix or remove it",
                line,
                column,
                severity=selection.severity("PM702", None),
            )
        if item.id in seen and selection.enabled("PM703"):
            yield rl.doc.finding(
                "PM703",
                f"`{item.id}` is already item {seen[item.id] + 1} of this list; keep one",
                line,
                column,
                severity=selection.severity("PM703", None),
            )
        seen.setdefault(item.id, number)


def reading_lists(entries: list[Entry], settings: Settings, docs_dir: Path) -> ReadingLists:
    """Read and check every reading list (the build and `postmortems check` alike)."""
    known = {e.pm.id for e in entries if e.pm is not None}
    selection = Selection(settings)
    found = ReadingLists()
    for path, src_uri in discover_lists(docs_dir):
        rl = read_list(path, src_uri)
        found.lists.append(rl)
        found.findings.extend(rl.doc.findings)
        found.findings.extend(check_ids(rl, known, selection))
    found.findings.sort()
    return found


@dataclass(frozen=True)
class Card:
    number: int
    id: str
    why: str
    entry: Entry | None  # None when the id is unknown or not in this edition


def cards(archive: Archive, rl: ReadingList) -> list[Card]:
    """The list's items in the curator's order, each with the post-mortem it names."""
    out: list[Card] = []
    public = is_public(archive.settings)
    for item in published(archive, rl).postmortems if rl.meta else []:
        entry = archive.by_id.get(item.id)
        if entry is not None and not _published_page(archive, entry):
            entry = None
        if entry is None and public:
            continue  # the public edition names no internal incident, not even its id
        out.append(Card(len(out) + 1, item.id, item.why, entry))
    return out


def published(archive: Archive, rl: ReadingList) -> ReadingListMeta:
    """The list's own words as this edition publishes them: the curator may redact too."""
    meta = rl.meta
    assert meta is not None
    public = is_public(archive.settings)
    items = [item.model_copy(update={"why": clean(item.why, public)}) for item in meta.postmortems]
    audience = clean(meta.audience, public) if meta.audience is not None else None
    update = {"title": clean(meta.title, public), "audience": audience, "postmortems": items}
    return meta.model_copy(update=update)


def _publishable(archive: Archive, rl: ReadingList) -> bool:
    return rl.meta is not None and any(c.entry is not None for c in cards(archive, rl))


def _published_page(archive: Archive, entry: Entry) -> bool:
    """Internal editions publish every page (drafts carry a banner); public only the shown."""
    return archive.settings.audience == "internal" or archive.shows(entry)


def _lists(archive: Archive) -> ReadingLists:
    found = archive.extra.get("reading_lists")
    return found if isinstance(found, ReadingLists) else ReadingLists()


def summary(archive: Archive, rl: ReadingList) -> dict[str, Any]:
    items = cards(archive, rl)
    shown = [c for c in items if c.entry is not None]
    return {
        "list": rl,
        "meta": published(archive, rl) if rl.meta else None,
        "cards": items,
        "count": len(shown),
        "minutes": sum(c.entry.reading_minutes for c in shown if c.entry),
        "list_url": url_for(rl.doc.src_uri, archive.settings.use_directory_urls),
    }


def reading_list_index(archive: Archive) -> list[Page]:
    """`/reading-lists/`: every list with its audience, length and reading time."""
    lists = _lists(archive)
    left_out = set(lists.not_built(archive))
    found = [rl for rl in lists.lists if rl.meta is not None and rl.doc.src_uri not in left_out]
    if not found:
        return []
    rows = [summary(archive, rl) for rl in found]
    return [
        Page(
            INDEX,
            "Reading lists",
            "postmortems/reading_lists.html",
            {"lists": rows},
            "Curated post-mortems to read in order, for onboarding and for teams.",
        )
    ]


def render_reading_list(renderer: Renderer, src_uri: str, html: str, page_url: str) -> str | None:
    """The curator's intro, then the post-mortems as cards with progress."""
    rl = _lists(renderer.archive).by_src_uri.get(src_uri)
    if rl is None or rl.meta is None:
        return None
    context = summary(renderer.archive, rl)
    return str(
        renderer.render(
            "postmortems/reading_list.html",
            page_url,
            intro=Markup(html),  # MkDocs' HTML of the curator's Markdown body
            script=SCRIPT,
            **context,
        )
    )


FEATURE = Feature(
    "reading_lists",
    read=reading_lists,
    pages=reading_list_index,
    render_page=render_reading_list,
    rules=("PM701", "PM702", "PM703"),
)
