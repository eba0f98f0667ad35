"""`postmortems check` that remembers: per-file findings and cross-file facts, kept in
`.postmortems_cache/` in the working tree (like ruff's `.ruff_cache/`).

A post-mortem's file-level findings (loader, schema, file rules, suppressions applied)
depend only on its bytes, its path and the settings. They are kept under the hash of
the file's content and path, in a store named after the tool's version and the settings,
with the few facts the cross-file rules read (id, status, `related`, `recurrence_of`,
`services` and `tags` and their lines, the file's suppressions). A check re-reads only
the files whose size or modification time changed (a changed time with the same bytes
finds its hash again), then runs the cross-file rules over the facts of every file, so
duplicate ids, dangling references and page-name collisions are still found across the
whole archive.

The cache is safe to delete and never changes a result: `--no-cache` gives the same
findings (a test compares both on a mutated archive). It is JSON, not pickle: a file
in the working tree must never run code.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import astuple, dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from . import __version__
from .entry import Entry
from .findings import Finding
from .loader import discover, display_path, postmortem_filter
from .pipeline import _gc_paused, lint_archive, lint_files, read
from .redact import as_written
from .rules import Selection
from .settings import Settings
from .suppress import Suppressions

CACHE_DIR = ".postmortems_cache"
FORMAT = 3
# A file modified this close to the moment the cache is written may change again within
# the file system's timestamp granularity without its size or time changing: such files
# are re-hashed next time instead of trusted by their stat (git's "racily clean" entries).
RACY_NS = 2_000_000_000

Position = tuple[int, int]
# The fields the cross-file rules read: single values, and lists whose items they locate.
SINGLE = ("id", "recurrence_of")
LISTS = ("related", "services", "tags")


class _Doc:
    """What the cross-file rules read of a document: its path and where keys are.

    The places stay the JSON text they are stored as until a finding needs one: a warm
    check of a large archive would otherwise decode tens of thousands of small lists.
    """

    __slots__ = ("_places", "path")

    def __init__(self, path: str, places: str | dict[str, Any]) -> None:
        self.path = path
        self._places = places

    @property
    def places(self) -> dict[str, Any]:
        if isinstance(self._places, str):
            self._places = json.loads(self._places)
        return self._places  # type: ignore[return-value]

    def locate(self, loc: tuple[str | int, ...], key: bool = False) -> Position:
        name, places = loc[0], self.places
        if len(loc) == 1 and name in SINGLE and name in places:
            return tuple(places[name])  # type: ignore[return-value]
        if len(loc) == 2 and name in LISTS and isinstance(loc[1], int) and name in places:
            return tuple(places[name][loc[1]])  # type: ignore[return-value]
        raise LookupError(
            f"a cross-file rule located {loc!r}; the check cache keeps only the places of "
            f"{', '.join(SINGLE + LISTS)} (add it to cache.facts)"
        )


class _Facts(NamedTuple):
    """What the cross-file rules read of a post-mortem's front-matter."""

    id: str
    status: str
    related: list[str]
    recurrence_of: str | None
    services: list[str]
    tags: list[str]


@dataclass(slots=True)
class Facts:
    """A post-mortem as the cross-file rules see it, from the cache or from a fresh read.

    It has the shape of the part of `Entry` those rules read (`doc.path`, `doc.locate`,
    `pm.id`/`status`/`related`/`recurrence_of`, `suppressions`), so the same rule
    functions run over the cached archive and over a freshly read one.
    """

    doc: _Doc
    pm: _Facts | None
    suppressions: Suppressions
    findings: list[Finding] = field(default_factory=list)


def facts(entry: Entry) -> dict[str, Any]:
    """The JSON record of one linted entry (file-level findings, facts, suppressions)."""
    record: dict[str, Any] = {
        "findings": [
            [f.line, f.column, f.code, f.severity, f.message, f.suggestion] for f in entry.findings
        ]
    }
    pm, doc = entry.pm, entry.doc
    if pm is not None:
        record["pm"] = [
            pm.id, pm.status, list(pm.related), pm.recurrence_of, list(pm.services), list(pm.tags)
        ]  # fmt: skip
        places: dict[str, Any] = {"id": doc.locate(("id",))}
        if pm.recurrence_of:
            places["recurrence_of"] = doc.locate(("recurrence_of",))
        for name in LISTS:
            count = len(getattr(pm, name))
            if count:
                places[name] = [doc.locate((name, i)) for i in range(count)]
        record["places"] = json.dumps(places, separators=(",", ":"))
    suppressions = entry.suppressions
    if suppressions.lines or suppressions.ranges:
        record["suppress"] = [
            {str(n): sorted(c) for n, c in suppressions.lines.items()},
            [[a, b, sorted(c)] for a, b, c in suppressions.ranges],
        ]
    what = [record.get("pm"), record.get("places"), record.get("suppress")]
    record["facts"] = hashlib.blake2b(json.dumps(what).encode(), digest_size=8).hexdigest()
    return record


def _from_record(path: str, record: dict[str, Any]) -> Facts:
    pm = None
    if "pm" in record:
        pm = _Facts(*record["pm"])
    suppressions = _NONE
    if "suppress" in record:
        lines, ranges = record["suppress"]
        suppressions = Suppressions(
            {int(n): set(c) for n, c in lines.items()}, [(a, b, set(c)) for a, b, c in ranges]
        )
    rows = record["findings"]
    found = [Finding(path, *row) for row in rows] if rows else []
    return Facts(_Doc(path, record.get("places", _EMPTY)), pm, suppressions, found)


_NONE = Suppressions()  # shared: the cross-file rules only read suppressions
_EMPTY: dict[str, Any] = {}


def settings_key(settings: Settings) -> str:
    """The tool (version and code) and the settings a cached finding was made with."""
    digest = hashlib.blake2b(digest_size=12)
    digest.update(__version__.encode())
    package = Path(__file__).parent
    for source in sorted(package.rglob("*.py")):  # an edited rule changes its findings
        digest.update(source.read_bytes())
    digest.update(str(FORMAT).encode())
    digest.update(settings.model_dump_json().encode())
    return digest.hexdigest()


def content_key(raw: bytes, src_uri: str) -> str:
    return hashlib.blake2b(src_uri.encode() + b"\0" + raw, digest_size=16).hexdigest()


class Store:
    """One JSON file per tool version and settings: the records by content key, and the
    stat of each path at the time its key was taken.

    A check that changed a few files appends them to a journal next to the store instead
    of rewriting it (on a large archive, encoding the whole store cost more than checking
    one file); the store is rewritten, and the journal dropped, when the journal grows.
    A torn last line (a check stopped mid-write) is ignored: records are keyed by content,
    so a lost line only means a file is read again.
    """

    JOURNAL_LINES = 200  # appends before the store is rewritten
    JOURNAL_RECORDS = 50  # a check that read more than this rewrites the store

    def __init__(self, root: Path, key: str) -> None:
        self.root = root
        self.path = root / f"check-{key}.json"
        self.journal = root / f"check-{key}.journal"
        self.records: dict[str, dict[str, Any]] = {}
        self.stats: dict[str, list[Any]] = {}
        # the cross-file findings of the last check, under the digest of every file's facts
        self.across: list[Any] = ["", []]
        self.loaded = False
        self.lines = 0
        self.new_records: dict[str, dict[str, Any]] = {}
        self.new_stats: dict[str, list[Any]] = {}
        self.new_across = False
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("format") == FORMAT:
                self.records, self.stats = data["records"], data["stats"]
                self.across = data["across"]
                self.loaded = True
        if self.loaded:
            self._replay()

    def _replay(self) -> None:
        with contextlib.suppress(OSError):
            text = self.journal.read_text(encoding="utf-8")
            for line in text.splitlines():
                try:
                    change = json.loads(line)
                    self.records.update(change["records"])
                    self.stats.update(change["stats"])
                    if change["across"] is not None:
                        self.across = change["across"]
                except (ValueError, KeyError, TypeError):
                    break  # a torn write: what follows it is not trusted either
                self.lines += 1

    @property
    def dirty(self) -> bool:
        return bool(self.new_records or self.new_stats or self.new_across)

    def add(self, key: str, record: dict[str, Any]) -> None:
        self.records[key] = self.new_records[key] = record

    def saw(self, path: str, stat: list[Any]) -> None:
        self.stats[path] = self.new_stats[path] = stat

    def cross(self, digest: str, rows: list[list[Any]]) -> None:
        self.across = [digest, rows]
        self.new_across = True

    def save(self, live: set[str]) -> None:
        """Append this check's changes to the journal, or write the store (records of files
        that exist now only) atomically."""
        if not self.dirty:
            return
        now = time.time_ns()
        try:
            if (
                self.loaded
                and self.lines < self.JOURNAL_LINES
                and len(self.new_records) <= self.JOURNAL_RECORDS
            ):
                stats = {p: s for p, s in self.new_stats.items() if now - s[1] > RACY_NS}
                across = self.across if self.new_across else None
                change = {"records": self.new_records, "stats": stats, "across": across}
                with self.journal.open("a", encoding="utf-8") as out:
                    out.write(json.dumps(change, separators=(",", ":")) + "\n")
                return
            records = {k: v for k, v in self.records.items() if k in live}
            stats = {p: s for p, s in self.stats.items() if s[2] in live and now - s[1] > RACY_NS}
            self.root.mkdir(parents=True, exist_ok=True)
            ignore = self.root / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# made by postmortems check; safe to delete\n*\n")
            for old in [*self.root.glob("check-*.json"), *self.root.glob("check-*.journal")]:
                if old not in (self.path, self.journal):
                    old.unlink(missing_ok=True)  # another version or settings: never read
            handle, temporary = tempfile.mkstemp(dir=self.root, prefix=".check-", suffix=".tmp")
            # json.dumps, not json.dump: only the former uses the C encoder
            text = json.dumps(
                {"format": FORMAT, "records": records, "stats": stats, "across": self.across},
                separators=(",", ":"),
            )
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temporary, self.path)
            self.journal.unlink(missing_ok=True)
        except OSError:
            return  # a read-only tree: the check is right without a cache, only slower


@dataclass
class Checked:
    findings: list[Finding]
    files: int
    read: int  # files read and linted this time (the rest came from the cache)


@_gc_paused
def check(
    docs_dir: Path,
    settings: Settings,
    today: dt.date,
    cache_dir: Path,
    paths: list[Path] | None = None,
    cwd: Path | None = None,
    readers: Iterable[tuple[str, Callable[[list[Any], Settings, Path], Any]]] = (),
) -> Checked:
    """`postmortems check` with the cache: the same findings as `pipeline.open_archive`."""
    if paths is None:
        files = _listing(docs_dir, settings.exclude)
        prefix = display_path(docs_dir / "x.md", cwd)[: -len("x.md")]
        shown = [prefix + src_uri for _, src_uri in files]
    else:
        files = [(str(p), _src_uri(p, docs_dir)) for p in paths]
        shown = [display_path(p, cwd) for p in paths]
    store = Store(cache_dir, settings_key(settings))
    selection = Selection(settings)
    keys: list[str] = []
    missing: list[tuple[int, str, str, str]] = []  # (position, path, src_uri, key)
    remembered = store.stats
    for position, (path, src_uri) in enumerate(files):
        stat = _stat(path)
        known = remembered.get(path)
        if stat is not None and known is not None and known[0] == stat[0] and known[1] == stat[1]:
            key = known[2]
        else:  # read after the stat: a change made meanwhile changes the time again
            try:
                with open(path, "rb") as handle:
                    raw = handle.read()
            except OSError:
                raw = b""  # the read reports it (PM101); never trusted by its stat
            key = content_key(raw, src_uri)
            if stat is not None and raw:
                store.saw(path, [*stat, key])
        keys.append(key)
        if key not in store.records:
            missing.append((position, path, src_uri, key))
    if missing:
        entries = read([(Path(p), s) for _, p, s, _ in missing], settings, cwd)
        with as_written(entries):
            lint_files(entries, selection)
            for (_, _, _, key), entry in zip(missing, entries, strict=True):
                store.add(key, facts(entry))
    records = store.records
    # Without readers (`check PATHS`) the cross-file rules read only the records' facts:
    # when no file's facts changed (an edit of prose), their findings are the last ones.
    digest = "" if readers else _digest(shown, keys, records)
    if digest and store.across[0] == digest:
        found = [
            Finding(path, *row)
            for path, key in zip(shown, keys, strict=True)
            for row in records[key]["findings"]
        ]
        found.extend(Finding(*row) for row in store.across[1])
        store.save(set(keys))
        return Checked(sorted(found), len(files), len(missing))
    everyone = [_from_record(path, records[key]) for path, key in zip(shown, keys, strict=True)]
    extra = {name: reader(everyone, settings, docs_dir) for name, reader in readers}
    found = [f for e in everyone for f in e.findings]
    across = [f for _, f in lint_archive(everyone, selection, extra)]
    found.extend(across)
    found.extend(f for value in extra.values() for f in getattr(value, "findings", ()))
    if digest:
        store.cross(digest, [list(astuple(f)) for f in across])
    store.save(set(keys))
    return Checked(sorted(found), len(files), len(missing))


def _digest(shown: list[str], keys: list[str], records: dict[str, dict[str, Any]]) -> str:
    """Of every file's path and facts: what the cross-file rules read of the archive."""
    digest = hashlib.blake2b(digest_size=16)
    for path, key in zip(shown, keys, strict=True):
        digest.update(f"{path}\0{records[key]['facts']}\0".encode())
    return digest.hexdigest()


class _Unusual(Exception):
    """A symbolic link or a folder named like a page: left to `loader.discover`."""


def walk(docs_dir: Path, exclude: list[str]) -> list[tuple[Path, str]]:
    """`loader.discover`: the same files, in the same order (see `_listing`)."""
    return [(Path(path), src_uri) for path, src_uri in _listing(docs_dir, exclude)]


def _listing(docs_dir: Path, exclude: list[str]) -> list[tuple[str, str]]:
    """`loader.discover` (the same files, in the same order) as plain strings, without a
    pathlib object per directory entry: on a large archive, listing the files cost more
    than the warm check.

    A tree with a symbolic link, or a folder whose name ends in `.md`, is listed by
    `discover` itself, so that its answer is the only one.
    """
    found: list[tuple[tuple[str, ...], str]] = []
    keep = postmortem_filter(exclude)

    def visit(folder: str, parts: tuple[str, ...]) -> None:
        with os.scandir(folder) as entries:
            listed = list(entries)
        for entry in listed:
            name = entry.name
            if entry.is_symlink():
                raise _Unusual
            is_dir = entry.is_dir(follow_symlinks=False)
            if name.endswith(".md"):
                if is_dir:
                    raise _Unusual
                here = (*parts, name)
                if keep("/".join(here)):
                    found.append((here, entry.path))
            elif is_dir:
                visit(entry.path, (*parts, name))

    try:
        visit(str(docs_dir), ())
    except (_Unusual, OSError):
        return [(str(path), src_uri) for path, src_uri in discover(docs_dir, exclude)]
    found.sort()
    return [(path, "/".join(parts)) for parts, path in found]


def _stat(path: str) -> list[int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return [found.st_size, found.st_mtime_ns]


def _src_uri(path: Path, docs_dir: Path) -> str:
    try:
        return path.resolve().relative_to(docs_dir.resolve()).as_posix()
    except ValueError:
        return path.name
