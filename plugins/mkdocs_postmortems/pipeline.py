"""Read → validate → lint: the one way both shells turn files into an `Archive`.

Above the entry model, the rules and the archive model; below features and shells.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from .archive import Archive
from .entry import Entry, url_for
from .findings import Finding
from .loader import discover, display_path, load
from .redact import as_written, prepare
from .rules import Selection, run_archive_rules, run_file_rules
from .settings import Settings
from .validate import partial, validate

_P = ParamSpec("_P")
_T = TypeVar("_T")


def _gc_paused(func: Callable[_P, _T]) -> Callable[_P, _T]:
    """Reading and linting allocate millions of objects but no garbage cycles; the cyclic
    collector would rescan the growing heap over and over.

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
    prepare(entries, settings)  # what the edition publishes; lint sees what was written
    return entries


@_gc_paused
def lint(
    entries: list[Entry], settings: Settings, extra: object = None, keep_nodes: bool = False
) -> list[Finding]:
    """Run the rule catalogue; keep each entry's findings on it; honour suppressions.

    `keep_nodes`: the preview relints after each save (`relint`), and the cross-file rules
    locate their findings in every post-mortem's YAML nodes.
    """
    selection = Selection(settings)
    with as_written(entries):
        lint_files(entries, selection)
        for entry, finding in lint_archive(entries, selection, extra):
            entry.findings.append(finding)
    if not keep_nodes:
        for entry in entries:
            entry.doc.node = None  # the YAML node tree is only needed to locate findings
    return sorted(f for e in entries for f in e.findings)


@_gc_paused
def relint(
    entries: list[Entry], changed: list[Entry], settings: Settings, extra: object = None
) -> None:
    """The preview's lint after a save: the file rules on the `changed` entries (freshly
    read), the cross-file rules on all, whose findings on every entry are replaced.

    The entries that did not change keep their file findings from `lint(keep_nodes=True)`.
    """
    selection = Selection(settings)
    across = {r.code for r in selection.rules("archive")}
    fresh = {id(entry) for entry in changed}
    for entry in entries:
        if id(entry) not in fresh:
            entry.findings = [f for f in entry.findings if f.code not in across]
    with as_written(entries):
        lint_files(changed, selection)
        for entry, finding in lint_archive(entries, selection, extra):
            entry.findings.append(finding)


def lint_files(entries: list[Entry], selection: Selection) -> None:
    """The rules that read one file at a time (what `cache` keeps per file)."""
    for entry in entries:
        if entry.doc.meta is not None or entry.doc.body:
            found = _file_findings(entry, selection)
            covers = entry.suppressions.covers
            entry.findings.extend(f for f in found if not covers(f.line, f.code))


def lint_archive(
    entries: Sequence[Any], selection: Selection, extra: object = None
) -> Iterator[tuple[Any, Finding]]:
    """The rules across files, with the post-mortem each finding belongs to (not suppressed).

    `entries` are entries, or `cache.Facts` standing in for them: what the archive rules
    read of a post-mortem is its path, id, status, references and their lines.
    """
    by_path = {e.doc.path: e for e in entries}
    for finding in run_archive_rules(entries, selection, extra):  # type: ignore[arg-type]
        owner = by_path.get(finding.path)
        if owner is None:
            continue  # reported on a non-post-mortem file: the caller collects those
        if not owner.suppressions.covers(finding.line, finding.code):
            yield owner, finding


def _file_findings(entry: Entry, selection: Selection) -> list[Finding]:
    """The file rules' findings; when the schema failed, on what of the front-matter still
    validates (`validate.partial`), so one wrong field does not hide the rest."""
    doc = entry.doc
    if entry.pm is not None or doc.meta is None:
        return list(run_file_rules(entry, selection))
    found = partial(doc, selection.settings.severities) if doc.node is not None else None
    if found is None:
        return list(run_file_rules(entry, selection))
    entry.pm, broken = found
    try:
        hits = list(run_file_rules(entry, selection, partial=True))
    finally:
        entry.pm = None
    spans = [_item_lines(doc.node, index, doc.fm_line) for index in broken]
    return [f for f in hits if not any(first <= f.line <= last for first, last in spans)]


def _item_lines(root: Any, index: int, fm_line: int) -> tuple[int, int]:
    """First and last line of an action item in the file (where its stand-ins live)."""
    items = next((v for k, v in root.value if k.value == "action_items"), None)
    node = items.value[index]
    following = items.value[index + 1] if index + 1 < len(items.value) else None
    last = following.start_mark.line - 1 if following is not None else node.end_mark.line
    return node.start_mark.line + fm_line + 1, last + fm_line + 1


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
