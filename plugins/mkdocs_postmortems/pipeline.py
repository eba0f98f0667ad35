"""Read → validate → lint: the one way both shells turn files into an `Archive`.

Above the entry model, the rules and the archive model; below features and shells.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from .archive import Archive
from .entry import Entry, url_for
from .findings import Finding
from .loader import discover, display_path, load
from .rules import Selection, run_archive_rules, run_file_rules
from .settings import Settings
from .validate import validate

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


def open_archive(
    docs_dir: Path,
    settings: Settings,
    today: dt.date,
    paths: list[Path] | None = None,
    cwd: Path | None = None,
    readers: Iterable[tuple[str, Callable[[list[Entry], Settings, Path], Any]]] = (),
    rules: bool = True,
) -> Archive:
    """Read, validate and (with `rules`) lint a folder of post-mortems.

    `readers` are the features' read steps (reading lists...): their values are the
    archive's `extra`, and their findings the archive's too. `search`, `actions` and `new`
    pass `rules=False`: they need the entries, not the findings.
    """
    if paths is None:
        files = list(discover(docs_dir, settings.exclude))
    else:
        files = [(p, _src_uri(p, docs_dir)) for p in paths]
    entries = read(files, settings, cwd)
    extra = {name: reader(entries, settings, docs_dir) for name, reader in readers}
    if rules:
        lint(entries, settings, extra)
    return Archive(settings, today, entries, extra)


def _src_uri(path: Path, docs_dir: Path) -> str:
    try:
        return path.resolve().relative_to(docs_dir.resolve()).as_posix()
    except ValueError:
        return path.name
