"""The live preview under `mkdocs serve`: a saved post-mortem is served in well under a second.

MkDocs rebuilds the whole site on every change, which takes a minute at a thousand
post-mortems. When a save changed only post-mortems the last build published, `Preview`
reads just those files again, relints them (the cross-file rules still run over every
post-mortem) and writes their pages through MkDocs' own page steps, with the last build's
files, navigation and theme; then the server answers with the new page.

What else the save touches follows in the background, in a forked process on Linux (a
thread elsewhere): the exact related incidents, every other page whose content changed
(post-mortems whose findings or related incidents moved, listings, the home page and the
other pages the plugin fills), then the outputs (search shards, exports). The browsers
reload when it is done. The next save stops it, and its own follow-up does it all again,
so nothing stale is left once a follow-up completes.

Anything else is a full rebuild, as MkDocs does it: a file added or removed, a change to
mkdocs.yml, a template or any page that is not a post-mortem, or a post-mortem that now
needs a page the site does not have (a new service or tag).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import _timestamp
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation

from . import build, related
from .settings import today

if TYPE_CHECKING:
    import jinja2
    from mkdocs.livereload import LiveReloadServer

    from .archive import Archive
    from .entry import Entry
    from .render import Page, Renderer
    from .settings import Settings

log = get_plugin_logger(__name__)

Stat = tuple[int, int]


@dataclass
class Built:
    """What MkDocs made of the last complete build, to write single pages with."""

    config: MkDocsConfig
    files: Files
    nav: Navigation
    env: jinja2.Environment

    def write(self, file: File) -> None:
        """MkDocs' own steps for one page: read and convert it, then the theme's template.

        They are MkDocs' private functions: if a release renames them, the ImportError
        makes every save a full rebuild, as MkDocs alone does it.
        """
        from mkdocs.commands.build import _build_page, _populate_page

        assert file.page is not None
        pages = self.files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
        _populate_page(file.page, self.config, self.files)
        _build_page(file.page, self.config, pages, self.nav, self.env)

    def static_pages(self) -> None:
        """The theme's pages that are not documents: 404.html, sitemap.xml."""
        from mkdocs.commands.build import _build_theme_template

        for template in sorted(self.config.theme.static_templates):
            _build_theme_template(template, self.env, self.files, self.config, self.nav)


def snapshot(roots: Iterable[Path]) -> dict[str, Stat]:
    """Size and modification time of every file under the watched folders."""
    found: dict[str, Stat] = {}
    for root in roots:
        if root.is_file():
            stat = root.stat()
            found[str(root)] = (stat.st_size, stat.st_mtime_ns)
            continue
        for folder, _, names in os.walk(root):
            for name in names:
                path = os.path.join(folder, name)
                try:
                    stat = os.stat(path)
                except OSError:
                    continue
                found[path] = (stat.st_size, stat.st_mtime_ns)
    return found


def modified(before: dict[str, Stat], after: dict[str, Stat]) -> list[str] | None:
    """The files whose size or time changed; None when a file appeared or went away."""
    if before.keys() != after.keys():
        return None
    return sorted(path for path, stat in after.items() if before[path] != stat)


class Host(Protocol):
    """What the preview reads and sets of the plugin (`plugin.PostmortemsPlugin`)."""

    built: Built | None
    settings: Settings | None
    archive: Archive | None
    renderer: Renderer | None
    entries: dict[str, Entry]
    pages: dict[str, Page]
    outputs: build.Background | None
    written: dict[str, int]

    def adopt(self, archive: Archive, fresh: list[Entry], pages: list[Page]) -> None: ...

    def log_findings(self, entries: list[Entry]) -> None: ...


class Preview:
    """The server's builder: the quick path when it applies, else MkDocs' full rebuild."""

    def __init__(self, plugin: Host, server: LiveReloadServer, builder: Callable[[], None]) -> None:
        self.plugin = plugin
        self.server = server
        self.builder = builder
        self.before = snapshot(self.roots())
        self.follow_up: threading.Thread | None = None
        self.cancelled = threading.Event()

    def roots(self) -> list[Path]:
        built = self.plugin.built
        if built is None:
            return []
        config = built.config
        roots = [Path(config.docs_dir)]
        if config.config_file_path:
            roots.append(Path(config.config_file_path))
        if config.theme.custom_dir:
            roots.append(Path(config.theme.custom_dir))
        roots.extend(Path(path) for path in config.watch)
        return [root for root in roots if root.exists()]

    def rebuild(self) -> None:
        self.cancel()
        after = snapshot(self.roots())  # before reading: a save during the build is seen next time
        changed = modified(self.before, after) if self.before else None
        self.before = after
        if changed:
            try:
                if self.update(changed):
                    return
            except Exception:  # the full rebuild below is always right
                log.debug("the quick preview failed; rebuilding the site", exc_info=True)
        self.full()
        if not after:  # there was no complete build to take the watched folders from
            self.before = snapshot(self.roots())

    def full(self) -> None:
        """MkDocs' rebuild. A failed rebuild must not stall the preview.

        MkDocs' server holds every request while a rebuild is pending and, when the rebuild
        raises (a `strict` count, a broken page), keeps holding them until a later one
        succeeds: the browser appears stuck and the findings panel is never seen. The
        rebuild still raises after writing every page when only `strict` fails it, so the
        site it wrote is served and the reason is logged.
        """
        try:
            self.builder()
        except Exception as error:  # the server must keep answering
            log.debug("the rebuild failed", exc_info=True)
            if "strict mode" in str(error):
                log.info(
                    "%s `mkdocs build --strict` would fail; the preview shows every page "
                    "and each post-mortem's findings at its top",
                    error,
                )
            else:
                log.error(
                    "the rebuild failed (%s: %s); serving what it wrote. Fix it and save "
                    "again (--verbose shows the traceback)",
                    type(error).__name__,
                    error,
                )

    def update(self, changed: list[str]) -> bool:
        """Write the saved post-mortems' pages; False when the change needs a full rebuild."""
        plugin = self.plugin
        built, archive, renderer = plugin.built, plugin.archive, plugin.renderer
        if built is None or archive is None or renderer is None or plugin.settings is None:
            return False
        docs = Path(built.config.docs_dir)
        saved: list[tuple[Path, str]] = []
        for path in changed:
            src_uri = Path(os.path.relpath(path, docs)).as_posix()
            if src_uri not in plugin.entries:
                return False  # not a post-mortem this site publishes
            saved.append((Path(path), src_uri))
        started = time.perf_counter()
        new, fresh = build.update(archive, saved, today(), docs)
        pages = build.generated_pages(new)
        if _page_keys(p for p in pages if p.src_uri in plugin.pages) != _page_keys(
            plugin.pages.values()
        ) or any(built.files.get_file_from_path(p.src_uri) is None for p in pages):
            return False  # a new service, tag, year... needs a page MkDocs has not got
        if build.not_in_nav(new) != build.not_in_nav(archive) or build.not_built(
            new
        ) != build.not_built(archive):
            return False
        if any(entry.pm is None for entry in fresh):
            return False  # the front-matter broke: the page is written another way
        if plugin.settings.audience == "public" and not all(map(new.shows, fresh)):
            return False  # leaves the public edition: the page goes
        plugin.adopt(new, fresh, pages)
        for entry in fresh:
            file = built.files.get_file_from_path(entry.doc.src_uri)
            if file is not None and file.page is not None:
                built.write(file)
        log.info(
            "preview: %s in %.2f s; the pages that list it follow",
            ", ".join(src_uri for _, src_uri in saved),
            time.perf_counter() - started,
        )
        plugin.log_findings(fresh)
        self.cancelled.clear()
        self.follow_up = threading.Thread(target=self._follow_up, args=(built,), daemon=True)
        self.follow_up.start()
        return True

    def cancel(self) -> None:
        """Stop the follow-up of the last save (between two pages) and wait for it."""
        if self.follow_up is not None:
            self.cancelled.set()
            self.follow_up.join()
            self.follow_up = None

    def _follow_up(self, built: Built) -> None:
        """Run `_write_the_rest` in a forked process where there is one (Linux): the next
        save then stops it at once, and finds this process's interpreter free."""
        try:
            if sys.platform != "linux":
                if self._write_the_rest(built):
                    self._reload()  # some page a reader may have open changed
                return
            context = multiprocessing.get_context("fork")
            receive, send = context.Pipe(duplex=False)
            process = context.Process(target=self._child, args=(built, send), daemon=True)
            process.start()
            send.close()
            while process.is_alive():
                if self.cancelled.wait(0.05):
                    process.terminate()
                    process.join()
                    return
            if process.exitcode == 0 and receive.poll():
                written, changed = receive.recv()
                self.plugin.written.update(written)
                if changed:
                    self._reload()
        except Exception:
            log.warning(
                "the pages that list the saved post-mortem could not be updated; save again "
                "or restart `mkdocs serve` (--verbose shows why)"
            )
            log.debug("the preview's follow-up failed", exc_info=True)

    def _child(self, built: Built, send: Connection) -> None:
        """The forked follow-up: write, then hand back what each page now holds."""
        try:
            changed = self._write_the_rest(built)
        except Exception:
            log.warning(
                "the pages that list the saved post-mortem could not be updated; save again "
                "or restart `mkdocs serve` (--verbose shows why)"
            )
            log.debug("the preview's follow-up failed", exc_info=True)
            changed = None
        if changed is not None:
            send.send((self.plugin.written, changed))
        send.close()

    def _write_the_rest(self, built: Built) -> int | None:
        """Every page whose content changed, then the outputs. How many pages a reader
        sees changed (the browsers reload only then); None when cancelled."""
        plugin = self.plugin
        outputs, renderer = plugin.outputs, plugin.renderer
        if outputs is None or renderer is None:
            return None
        started = time.perf_counter()
        exact = related.compute(outputs.plan.archive, stop=self.cancelled.is_set)
        if exact is None:
            return None
        outputs.plan.archive.__dict__["_related"] = exact
        written = 0
        for file in built.files.documentation_pages(inclusion=InclusionLevel.is_in_serve):
            if self.cancelled.is_set():
                return None
            src_uri = file.src_uri
            if file.page is None:
                continue
            entry = plugin.entries.get(src_uri)
            if entry is not None:
                if entry.pm is None:
                    continue
                html = outputs.postmortem(entry, file.page.url)
            elif src_uri in plugin.pages and not plugin.pages[src_uri].indexed:
                html = outputs.page(src_uri, file.page.url)
            else:
                html = None  # the home page and others the plugin fills: always written
            if html is not None and plugin.written.get(src_uri) == hash(html):
                continue
            before = _read(file.abs_dest_path)
            built.write(file)
            written += _read(file.abs_dest_path) != before
        if self.cancelled.is_set():
            return None
        built.static_pages()  # the sitemap leaves drafts out
        rendered = time.perf_counter()
        outputs.result("outputs")
        log.info(
            "preview: %d more pages changed in %.2f s; the search index and exports in %.2f s",
            written,
            rendered - started,
            time.perf_counter() - rendered,
        )
        return written

    def _reload(self) -> None:
        """Tell the browsers to reload, as the server does after a build (unless one runs)."""
        server: Any = self.server
        condition = getattr(server, "_epoch_cond", None)
        if condition is None:
            return
        with condition:
            if server._visible_epoch != server._wanted_epoch or self.cancelled.is_set():
                return  # a rebuild is under way; it reloads them itself
            server._wanted_epoch = server._visible_epoch = _timestamp()
            condition.notify_all()


def _read(path: str | None) -> bytes | None:
    try:
        return Path(path).read_bytes() if path else None
    except OSError:
        return None


def _page_keys(pages: Iterable[Any]) -> list[tuple[str, str]]:
    return sorted((page.src_uri, page.title) for page in pages)
