"""What the site build does, independent of MkDocs: the plugin calls these.

Each feature (search, exports, reading lists...) plugs in through the small
registries below, so the plugin stays a list of event handlers.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from .archive import REDACT, Archive, Entry, lint, read
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
    entries = read(sources, settings)
    extra = {hook.__name__: hook(entries, settings, docs_dir) for hook in ARCHIVE_HOOKS}
    lint(entries, settings, extra)
    archive = Archive(settings, today, entries)
    archive.extra = extra  # type: ignore[attr-defined]
    return archive


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
    indexed = renderer.postmortem(entry, BODY, page_url, "postmortems/postmortem_indexed.html")
    head, tail = str(indexed).split(BODY, 1)
    return f"{HEAD[0]}{head}{HEAD[1]}{body_html}{TAIL[0]}{tail}{TAIL[1]}"


def fill_postmortem(renderer: Renderer, entry: Entry, output: str, page_url: str) -> str:
    """The written page: postmortem.html around the body, in place of the indexed text."""
    head_start = output.find(HEAD[0])
    tail_start = output.rfind(TAIL[0])
    if entry.pm is None or head_start < 0 or tail_start < 0:
        return output
    head_end = output.find(HEAD[1], head_start) + len(HEAD[1])
    tail_end = output.find(TAIL[1], tail_start) + len(TAIL[1])
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
    page = renderer.postmortem(entry, BODY, page_url, **context)
    head, tail = str(page).split(BODY, 1)
    return "".join(
        (
            output[:head_start],
            head,
            output[head_end:tail_start],
            tail,
            output[tail_end:],
        )
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


# Data every post-mortem page shows that takes a while to work out and depends only on the
# archive (related incidents): (name, compute(archive) -> picklable data, adopt(archive, data)).
# A forked child computes it while MkDocs renders Markdown; pages need it only when written.
LATE_DATA: list[tuple[str, Callable[[Archive], Any], Callable[[Archive, Any], None]]] = []


def _child(archive: Archive, renderer: Renderer, info: SiteInfo, send: Connection) -> None:
    send.send({name: compute(archive) for name, compute, _ in LATE_DATA})
    send.close()
    write_outputs(archive, renderer, info)


class Background:
    """Work that depends only on the archive, done on a second core while pages render.

    A forked child first works out LATE_DATA (sent back through a pipe; `adopt` waits for
    it before the first post-mortem page is written), then writes the search index and
    exports into a scratch folder that `finish` moves into the site. Without fork (or under
    `mkdocs serve`, which runs threads) all of it happens in this process, lazily; the
    bytes are the same either way.
    """

    def __init__(
        self, archive: Archive, renderer: Renderer, site_name: str, site_url: str, parallel: bool
    ) -> None:
        self.archive = archive
        self.scratch = Path(tempfile.mkdtemp(prefix="postmortems-site-"))
        info = SiteInfo(self.scratch, site_name, site_url)
        self.process: multiprocessing.process.BaseProcess | None = None
        self.receive: Connection | None = None
        if parallel and "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            self.receive, send = context.Pipe(duplex=False)
            self.process = context.Process(
                target=_child, args=(archive, renderer, info, send), daemon=True
            )
            self.process.start()
            send.close()
        else:
            write_outputs(archive, renderer, info)

    def adopt(self) -> None:
        if self.receive is None:
            return  # in-process: each feature computes its data when first asked
        receive, self.receive = self.receive, None
        try:
            data = receive.recv()
        except EOFError:
            raise RuntimeError("the background build process failed (see above)") from None
        finally:
            receive.close()
        for name, _, adopt in LATE_DATA:
            adopt(self.archive, data[name])

    def finish(self, site_dir: Path) -> None:
        try:
            self.adopt()  # a child blocked on a full pipe would never exit
            if self.process is not None:
                self.process.join()
                if self.process.exitcode != 0:
                    raise RuntimeError(
                        "writing the search index and exports failed "
                        f"(exit {self.process.exitcode})"
                    )
            shutil.copytree(self.scratch, site_dir, dirs_exist_ok=True)
        finally:
            shutil.rmtree(self.scratch, ignore_errors=True)


def _register_features() -> None:
    """Features register their hooks and page builders when imported."""
    from . import features  # noqa: F401


_register_features()
