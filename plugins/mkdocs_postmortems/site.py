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


def render_postmortem(renderer: Renderer, entry: Entry, body_html: str, page_url: str) -> str:
    archive = renderer.archive
    settings = archive.settings
    findings = entry.findings if settings.findings_panel else []
    if entry.pm is None:
        html = renderer.render("postmortems/findings_panel.html", page_url, findings=findings)
        return str(html) + body_html
    context: dict[str, Any] = {
        "rows": archive.rows_for(entry),
        "recurrence": archive.recurrence_state(entry),
        "related": [],
        "findings": findings,
        "findings_panel": bool(findings),
    }
    for hook in POSTMORTEM_CONTEXT:
        context.update(hook(renderer, entry))
    return str(renderer.postmortem(entry, body_html, page_url, **context))


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


class PendingOutputs:
    """Search index and exports, written while the pages render.

    They depend only on the archive, so on a machine with a second core a forked child
    writes them into a scratch folder during the page build, and `finish` moves them
    into the site. Without fork (or under `mkdocs serve`, which runs threads) they are
    written in this process; the bytes are the same either way.
    """

    def __init__(
        self, archive: Archive, renderer: Renderer, site_name: str, site_url: str, parallel: bool
    ) -> None:
        self.scratch = Path(tempfile.mkdtemp(prefix="postmortems-site-"))
        info = SiteInfo(self.scratch, site_name, site_url)
        self.process: multiprocessing.process.BaseProcess | None = None
        if parallel and "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            self.process = context.Process(
                target=write_outputs, args=(archive, renderer, info), daemon=True
            )
            self.process.start()
        else:
            write_outputs(archive, renderer, info)

    def finish(self, site_dir: Path) -> None:
        try:
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
