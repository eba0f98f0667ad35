"""What the site build does, independent of MkDocs: the plugin calls these.

Each feature (search, exports, reading lists...) plugs in through the small
registries below, so the plugin stays a list of event handlers.
"""

from __future__ import annotations

import datetime as dt
import gc
import multiprocessing
import pickle
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from .archive import Archive
from .entry import REDACT, Entry
from .pipeline import lint, read
from .render import Page, Renderer
from .render.pages import generated_pages, home_context
from .settings import Settings


@dataclass(frozen=True)
class SiteInfo:
    site_dir: Path
    site_name: str
    site_url: str


# (archive, docs_dir) -> extra findings-producing checks and data, e.g. reading lists
ARCHIVE_HOOKS: list[Callable[[list[Entry], Settings, Path], Any]] = []
# (renderer, src_uri, html, page_url) -> html or None, for non-post-mortem pages
PAGE_HOOKS: list[Callable[[Renderer, str, str, str], str | None]] = []
# (archive, renderer, site) -> None, writes files after the build
OUTPUT_HOOKS: list[Callable[[Archive, Renderer, SiteInfo], None]] = []
# (renderer, entry) -> extra template context for a post-mortem page
POSTMORTEM_CONTEXT: list[Callable[[Renderer, Entry], dict[str, Any]]] = []


def build_archive(
    sources: list[tuple[Path, str]], settings: Settings, today: dt.date, docs_dir: Path
) -> Archive:
    """Read and index the post-mortems; `lint_archive` adds the rule findings (the build
    runs it in the background child, the pages need none of them)."""
    entries = read(sources, settings)
    extra = {hook.__name__: hook(entries, settings, docs_dir) for hook in ARCHIVE_HOOKS}
    return Archive(settings, today, entries, extra)


def lint_archive(archive: Archive) -> None:
    lint(archive.entries, archive.settings, archive.extra)


def pages(archive: Archive, docs_dir: Path) -> list[Page]:
    return generated_pages(archive)


def not_in_nav(archive: Archive) -> list[str]:
    """Pages authors wrote that a feature links from its own index (reading lists)."""
    extra = archive.extra.values()
    return sorted(uri for value in extra for uri in getattr(value, "not_in_nav", ()))


# Headings the post-mortem template adds after the body, for the page's table of contents.
APPENDED_SECTIONS: list[tuple[str, str]] = [("action-items", "Action items")]

BAR = '<span class="pm-redacted" role="img" aria-label="redacted">████████</span>'


def prepare_body(markdown: str, archive: Archive) -> str:
    """Public edition: redacted text becomes a black bar before Markdown sees it."""
    if archive.settings.audience == "public":
        return REDACT.sub(BAR, markdown)
    return markdown


# What MkDocs and the theme's search see of a post-mortem's card, fishbone and action items
# is postmortem_indexed.html: the same words in a handful of tags (the search plugin's
# HTML parser pays per tag, and the card and tables tripled the tags of a page).
# `fill_postmortem` swaps in postmortem.html just before the page is written.
HEAD = ("<!-- postmortems:head -->", "<!-- /postmortems:head -->")
TAIL = ("<!-- postmortems:tail -->", "<!-- /postmortems:tail -->")
BODY = "<!-- postmortems:body -->"


def postmortem_content(renderer: Renderer, entry: Entry, body_html: str, page_url: str) -> str:
    """The page content MkDocs and the theme's search work with."""
    if entry.pm is None:
        findings = entry.findings if renderer.archive.settings.findings_panel else []
        html = renderer.render("postmortems/findings_panel.html", page_url, findings=findings)
        return str(html) + body_html
    template = "postmortems/postmortem_indexed.html"
    rows = renderer.archive.rows_for(entry)
    indexed = renderer.postmortem(entry, BODY, page_url, template, rows=rows)
    head, tail = str(indexed).split(BODY, 1)
    return f"{HEAD[0]}{head}{HEAD[1]}{body_html}{TAIL[0]}{tail}{TAIL[1]}"


def postmortem_fragments(renderer: Renderer, entry: Entry, page_url: str) -> str:
    """postmortem.html with BODY where the page's body goes (what `fill_postmortem` takes)."""
    archive = renderer.archive
    findings = entry.findings if archive.settings.findings_panel else []
    context: dict[str, Any] = {
        "rows": archive.rows_for(entry),
        "recurrence": archive.recurrence_state(entry),
        "related": [],
        "findings": findings,
        "findings_panel": bool(findings),
    }
    for hook in POSTMORTEM_CONTEXT:
        context.update(hook(renderer, entry))
    return str(renderer.postmortem(entry, BODY, page_url, **context))


def fill_postmortem(output: str, fragments: str) -> str:
    """The written page: postmortem.html around the body, in place of the indexed text."""
    head_start = output.find(HEAD[0])
    tail_start = output.rfind(TAIL[0])
    if head_start < 0 or tail_start < 0:
        return output
    head_end = output.find(HEAD[1], head_start) + len(HEAD[1])
    tail_end = output.find(TAIL[1], tail_start) + len(TAIL[1])
    head, tail = fragments.split(BODY, 1)
    return "".join(
        (output[:head_start], head, output[head_end:tail_start], tail, output[tail_end:])
    )


def render_home(renderer: Renderer, page_url: str) -> str:
    context = home_context(renderer.archive)
    return str(renderer.render("postmortems/home.html", page_url, **context))


def render_other(renderer: Renderer, src_uri: str, html: str, page_url: str) -> str | None:
    for hook in PAGE_HOOKS:
        result = hook(renderer, src_uri, html, page_url)
        if result is not None:
            return result
    return None


def write_outputs(archive: Archive, renderer: Renderer, info: SiteInfo) -> None:
    for hook in OUTPUT_HOOKS:
        hook(archive, renderer, info)


class Background:
    """The archive's share of the build, done on a second core while MkDocs renders Markdown.

    Everything here depends only on the archive, so a forked child works it out while the
    parent converts Markdown, and the parent picks each piece up when it needs it:

      postmortems postmortem.html of every post-mortem (related incidents and all), one file
                  each, put in place as the page is written
      pages       rule findings (logged at the end of the build; the metrics page counts
                  them), then the generated listings (services, tags, actions...), likewise
      outputs     the search index and exports, written into the site directory

    The child writes into a scratch folder and says which stage is done through a pipe.
    Without fork, under `mkdocs serve` (which runs threads) or with the findings panel on,
    the same functions run in this process, when asked; the bytes are the same either way.
    """

    def __init__(
        self,
        archive: Archive,
        renderer: Renderer,
        pages: list[Page],
        site: SiteInfo,
        parallel: bool,
    ) -> None:
        self.archive = archive
        self.renderer = renderer
        self.pages = {page.src_uri: (number, page) for number, page in enumerate(pages)}
        self.postmortems = {e.doc.src_uri: n for n, e in enumerate(archive.valid)}
        self.scratch = Path(tempfile.mkdtemp(prefix="postmortems-build-"))
        for stage in ("postmortems", "pages"):
            (self.scratch / stage).mkdir()
        self.info = site  # MkDocs has cleaned site_dir already: outputs go straight in
        self.done: set[str] = set()
        self.process: multiprocessing.process.BaseProcess | None = None
        self.receive: Connection | None = None
        if parallel and "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            # What exists now lives until the build ends: keep the cyclic GC off it in both
            # processes (it rescanned the archive over and over), keep the child's memory
            # pages shared, and let the interpreter's final collection skip it at exit
            # (0.3 s). Frozen for the rest of the process: `mkdocs build` is one build;
            # `mkdocs serve` never gets here.
            gc.freeze()
            self.receive, send = context.Pipe(duplex=False)
            self.process = context.Process(target=self._child, args=(send,), daemon=True)
            self.process.start()
            send.close()
            for entry in archive.entries:
                entry.doc.node = None  # only lint needs it, and lint runs in the child
        else:
            lint_archive(archive)

    # -- the child --------------------------------------------------------------------

    def _child(self, send: Connection) -> None:
        # in the order the parent needs them: post-mortem pages are written first
        archive, renderer = self.archive, self.renderer
        for entry in archive.valid:
            html = postmortem_fragments(renderer, entry, entry.url)
            path = self._path("postmortems", self.postmortems[entry.doc.src_uri])
            path.write_text(html, encoding="utf-8")
        send.send("postmortems")
        lint_archive(archive)  # before the listings: the metrics page counts clean post-mortems
        with open(self.scratch / "findings.pickle", "wb") as out:
            pickle.dump([entry.findings for entry in archive.entries], out)
        for number, page in self.pages.values():
            html = str(renderer.generated(page))
            self._path("pages", number).write_text(html, encoding="utf-8")
        send.send("pages")
        write_outputs(archive, renderer, self.info)
        send.send("outputs")
        send.close()

    def _path(self, stage: str, number: int) -> Path:
        return self.scratch / stage / f"{number}.html"

    # -- the parent -------------------------------------------------------------------

    def _wait(self, stage: str) -> bool:
        """True when the child has finished `stage`; False when there is no child."""
        if self.receive is None:
            return False
        while stage not in self.done:
            try:
                self.done.add(self.receive.recv())
            except EOFError:
                raise RuntimeError("the background build process failed (see above)") from None
        return True

    def postmortem(self, entry: Entry, page_url: str) -> str:
        """postmortem.html of one post-mortem page (see `postmortem_fragments`)."""
        number = self.postmortems.get(entry.doc.src_uri)
        if number is not None and page_url == entry.url and self._wait("postmortems"):
            return self._path("postmortems", number).read_text(encoding="utf-8")
        return postmortem_fragments(self.renderer, entry, page_url)

    def page(self, src_uri: str, page_url: str) -> str:
        """The full HTML of a generated page."""
        number, page = self.pages[src_uri]
        if page_url == self.renderer.page_url(src_uri) and self._wait("pages"):
            return self._path("pages", number).read_text(encoding="utf-8")
        return str(self.renderer.render(page.template, page_url, **page.values()))

    def cancel(self) -> None:
        if self.process is not None and self.process.is_alive():
            self.process.terminate()
        shutil.rmtree(self.scratch, ignore_errors=True)

    def finish(self) -> None:
        """Wait for the child and take over its findings (the outputs are in the site)."""
        try:
            if self._wait("outputs"):
                with open(self.scratch / "findings.pickle", "rb") as data:
                    found = pickle.load(data)
                for entry, findings in zip(self.archive.entries, found, strict=True):
                    entry.findings = findings
            else:
                write_outputs(self.archive, self.renderer, self.info)
            if self.process is not None:
                self.process.join()
        finally:
            shutil.rmtree(self.scratch, ignore_errors=True)


def _register_features() -> None:
    """Features register their hooks and page builders when imported."""
    from . import features  # noqa: F401


_register_features()
