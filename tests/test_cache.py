"""`postmortems check` that remembers: the cache never changes a result."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import make_project, run_cli
from mkdocs_postmortems.cache import CACHE_DIR, Store, settings_key
from mkdocs_postmortems.cache import check as cached_check
from mkdocs_postmortems.features import FEATURES
from mkdocs_postmortems.pipeline import open_archive
from mkdocs_postmortems.settings import Settings
from test_format import GOOD, SECOND
from test_generate import generate

TODAY = dt.date(2026, 11, 18)
READERS = [(f.name, f.read) for f in FEATURES if f.read]


def _uncached(docs: Path, settings: Settings) -> list:
    return open_archive(docs, settings, TODAY, cwd=docs.parent, readers=READERS).findings


def _cached(docs: Path, settings: Settings):
    return cached_check(
        docs, settings, TODAY, docs.parent / CACHE_DIR, cwd=docs.parent, readers=READERS
    )


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    _later(path)


def _later(path: Path) -> None:
    """A later modification time, as an editor's save gives (the test is faster than a clock)."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = generate(40, tmp_path_factory.mktemp("cache"), seed=3)
    return project / "postmortems"


def _services(text: str) -> list[str]:
    line = next(line for line in text.split("\n") if line.startswith("services: ["))
    return line.removeprefix("services: [").removesuffix("]").split(", ")


def test_cached_and_uncached_findings_are_equal_on_a_mutated_archive(archive: Path) -> None:
    settings = Settings()
    files = sorted(p for p in archive.rglob("*.md") if p.name != "index.md")
    u = files[11]  # the one post-mortem on service `ledger`, unchanged once cached
    _edit(u, "services: [", "services: [ledger, ")
    first = _cached(archive, settings)
    assert first.read == first.files == 40 and first.findings == _uncached(archive, settings)
    warm = _cached(archive, settings)
    assert warm.read == 0 and warm.findings == first.findings  # nothing re-read

    texts = {p: p.read_text(encoding="utf-8") for p in files}
    ids = {
        p: next(line[4:] for line in texts[p].split("\n") if line.startswith("id: ")) for p in files
    }
    a, b, c, d, e, f = files[:6]
    _edit(a, f"id: {ids[a]}", f"id: {ids[b]}")  # a duplicate id, reported on both files
    _edit(c, "status: ", "related: [INC-1999-01-01-001]\nstatus: ")  # a dangling reference
    _edit(d, "title: ", "titel: ")  # a schema error; the rest of d is still checked
    _edit(e, "\n---\n", "\n---\n\nJohn forgot to set up disk monitoring.\n")  # BL101
    f.unlink()  # a post-mortem removed: its id is no longer known
    moved = files[6].with_name("moved-" + files[6].name)
    files[6].rename(moved)  # same bytes, another path
    _later(files[7])  # a save without a change: the same content key
    # PM304: `Ledger` (now twice) and `ledger` (only in u, read from the cache) share a page
    g, h = files[8], files[9]
    _edit(g, "services: [", "services: [Ledger, ")
    _edit(h, "services: [", "services: [Ledger, ")
    # and an upper-case spelling of a service other (cached) post-mortems spell in lower case
    uses = [name for p in files[12:] for name in _services(texts[p])]
    k = next(p for p in files[12:] if uses.count(_services(texts[p])[0]) > 1)
    shared = _services(texts[k])[0]
    _edit(k, f"services: [{shared}", f"services: [{shared.upper()}")
    (archive / "reading-lists").mkdir(exist_ok=True)
    (archive / "reading-lists" / "start.md").write_text(
        f"---\ntitle: Start\npostmortems:\n  - id: {ids[f]}\n    why: gone\n---\n",
        encoding="utf-8",
    )

    after = _cached(archive, settings)
    expected = _uncached(archive, settings)
    assert after.findings == expected
    # a, c, d, e, the moved file, g, h and k; 7 was a save without a change
    assert after.read == 8
    codes = {finding.code for finding in expected}
    assert {"PM301", "PM302", "PM202", "BL101", "PM702", "PM304"} <= codes
    shown = {p: p.relative_to(archive.parent).as_posix() for p in (u, k)}
    collisions = [(x.path, x.line, x.message) for x in expected if x.code == "PM304"]
    assert [(path, line) for path, line, _ in collisions] == [(shown[u], 8), (shown[k], 8)]
    assert collisions[0][2].startswith(
        f"service `ledger` and `Ledger` ({g.relative_to(archive.parent).as_posix()}:8) would "
        "share the page services/ledger/"
    )
    assert f"service `{shared.upper()}` and `{shared}` (" in collisions[1][2]
    # the duplicate id is on both files, though only `a` changed
    assert {x.path for x in expected if x.code == "PM301"} == {
        a.relative_to(archive.parent).as_posix(),
        b.relative_to(archive.parent).as_posix(),
    }

    # other settings: another store, the same answers
    strict = Settings(lint={"severity": {"AI103": "error"}, "max_open_action_items": 0})
    assert _cached(archive, strict).findings == _uncached(archive, strict)
    # deleting the cache changes nothing either
    shutil.rmtree(archive.parent / CACHE_DIR)
    assert _cached(archive, settings).findings == expected


def test_check_file_with_a_warm_cache_still_sees_the_whole_archive(tmp_path: Path) -> None:
    project = make_project(
        tmp_path, {"2026/a.md": GOOD, "2026/b.md": SECOND, "2026/c.md": GOOD.replace(
            "INC-2026-04-12-001", "INC-2026-04-14-001")}
    )  # fmt: skip
    assert run_cli("check", cwd=project).returncode == 0  # warms the cache
    cache = project / CACHE_DIR
    assert (cache / ".gitignore").read_text(encoding="utf-8").endswith("*\n")
    assert len(list(cache.glob("check-*.json"))) == 1

    b = project / "postmortems" / "2026" / "b.md"
    b.write_text(SECOND.replace("INC-2026-04-13-001", "INC-2026-04-14-001"), encoding="utf-8")
    _later(b)
    result = run_cli("check", "--format", "json", "postmortems/2026/b.md", cwd=project)
    data = json.loads(result.stdout)
    assert result.returncode == 1 and data["files"] == 1
    assert [(f["path"], f["code"], f["line"], f["message"]) for f in data["findings"]] == [
        (
            "postmortems/2026/b.md",
            "PM301",
            2,
            "id `INC-2026-04-14-001` is also used by postmortems/2026/c.md; give one of them "
            "the next free id (`postmortems new` picks one)",
        )
    ]
    uncached = run_cli(
        "check", "--format", "json", "--no-cache", "postmortems/2026/b.md", cwd=project
    )
    assert uncached.stdout == result.stdout


def test_no_cache_writes_nothing(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"2026/a.md": GOOD})
    assert run_cli("check", "--no-cache", cwd=project).returncode == 0
    assert not (project / CACHE_DIR).exists()


def test_a_broken_cache_file_is_ignored(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"2026/a.md": GOOD.replace('"@priya"', "TBD")})
    first = run_cli("check", cwd=project)
    for stored in (project / CACHE_DIR).glob("check-*.json"):
        stored.write_text('{"format": 1, "records": [', encoding="utf-8")
    second = run_cli("check", cwd=project)
    assert first.returncode == second.returncode == 1
    assert second.stdout == first.stdout and "PM401" in second.stdout


def test_the_cache_lists_the_same_files_as_discover(tmp_path: Path) -> None:
    from mkdocs_postmortems.cache import walk
    from mkdocs_postmortems.loader import discover

    docs = tmp_path / "postmortems"
    names = [
        "a.md", "index.md", "README.md", "_draft.md", "UP.MD", "Up2.Md", ".hidden.md", "x..md",
        "reading-lists/list.md", "2026/b.md", "2026/_c.md", "2026/sub/d.md", "2026/notes.txt",
        "folder.md/e.md", "z/Z.md", "Z/a.md",
    ]  # fmt: skip
    for name in names:
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text("x", encoding="utf-8")
    (docs / "linked").symlink_to(docs / "2026", target_is_directory=True)
    exclude = Settings().exclude
    assert walk(docs, exclude) == list(discover(docs, exclude))
    plain = tmp_path / "plain"
    for name in names:
        if not name.startswith("folder.md"):
            (plain / name).parent.mkdir(parents=True, exist_ok=True)
            (plain / name).write_text("x", encoding="utf-8")
    assert [uri for _, uri in walk(plain, exclude)] == [
        ".hidden.md", "2026/b.md", "2026/sub/d.md", "Z/a.md", "a.md", "x..md", "z/Z.md",
    ]  # fmt: skip
    assert walk(plain, exclude) == list(discover(plain, exclude))


def _store(project: Path) -> dict:
    """The store as a check reads it (the journal replayed)."""
    found = Store(project / CACHE_DIR, settings_key(Settings()))
    return {"across": found.across}


def test_check_paths_reuses_cross_file_findings_only_while_no_facts_change(
    tmp_path: Path,
) -> None:
    """`check PATHS` runs no feature readers: its cross-file findings are kept under a
    digest of every file's facts, and an edit of prose keeps them, of an id does not."""
    project = make_project(
        tmp_path, {"2026/a.md": GOOD, "2026/b.md": GOOD, "2026/c.md": SECOND}
    )  # a and b share an id
    docs = project / "postmortems"
    settings = Settings()

    def both() -> tuple[list, list]:
        cached = cached_check(docs, settings, TODAY, project / CACHE_DIR, cwd=project).findings
        return cached, open_archive(docs, settings, TODAY, cwd=project).findings

    cached, uncached = both()
    assert cached == uncached and {f.path for f in cached if f.code == "PM301"} == {
        "postmortems/2026/a.md",
        "postmortems/2026/b.md",
    }
    store = _store(project)
    digest = store["across"][0]
    assert digest and [row[3] for row in store["across"][1]] == ["PM301", "PM301"]

    # prose only: the facts and so the digest are the same, the findings still exact
    _edit(docs / "2026" / "a.md", "Rolling back", "Rolling back promptly")
    cached, uncached = both()
    assert cached == uncached
    store = _store(project)
    assert store["across"][0] == digest

    # a new id: the duplicate is gone, and the digest with it
    _edit(docs / "2026" / "b.md", "id: INC-2026-04-12-001", "id: INC-2026-04-15-001")
    cached, uncached = both()
    assert cached == uncached and not any(f.code == "PM301" for f in cached)
    store = _store(project)
    assert store["across"][0] != digest


def test_a_small_change_goes_to_the_journal_and_a_torn_line_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(tmp_path, {"2026/a.md": GOOD, "2026/b.md": SECOND})
    docs = project / "postmortems"
    settings = Settings()

    def both() -> tuple[list, list]:
        cached = cached_check(docs, settings, TODAY, project / CACHE_DIR, cwd=project).findings
        return cached, open_archive(docs, settings, TODAY, cwd=project).findings

    both()
    store = next((project / CACHE_DIR).glob("check-*.json"))
    written = store.read_bytes()
    journal = store.with_suffix(".journal")
    assert not journal.exists()

    _edit(docs / "2026" / "a.md", 'owner: "@priya"', "owner: TBD")
    cached, uncached = both()
    assert cached == uncached and [f.code for f in cached] == ["PM401"]
    assert store.read_bytes() == written  # not rewritten: one line appended
    assert len(journal.read_text(encoding="utf-8").splitlines()) == 1

    # a check stopped mid-write leaves a torn line: it and what follows are not trusted
    with journal.open("a", encoding="utf-8") as out:
        out.write('{"records": {"x": ')
    cached, uncached = both()
    assert cached == uncached

    # past JOURNAL_LINES appends the store is rewritten and the journal dropped
    monkeypatch.setattr(Store, "JOURNAL_LINES", 1)
    _edit(docs / "2026" / "b.md", 'owner: "@priya"', "owner: TBD")
    cached, uncached = both()
    assert cached == uncached and [f.code for f in cached] == ["PM401", "PM401"]
    assert not journal.exists() and store.read_bytes() != written
