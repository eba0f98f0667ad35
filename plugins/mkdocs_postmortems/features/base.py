"""What a feature is: the parts of the build it takes part in.

The build (`build.py`) and the CLI iterate `features.FEATURES`; a feature never
registers itself anywhere, so what runs is exactly what that tuple lists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..archive import Archive
from ..entry import Entry
from ..render import Page, Renderer
from ..settings import Settings


@dataclass(frozen=True)
class SiteInfo:
    """Where the outputs go and what the site is called (feeds and calendars name it)."""

    site_dir: Path
    site_name: str
    site_url: str


# (entries, settings, docs_dir) -> a value kept as archive.extra[feature.name]; a value with
# `.findings` reports them with the archive's, one with `.not_in_nav` keeps pages out of the nav
Read = Callable[[list[Entry], Settings, Path], Any]
# (archive) -> the pages the feature adds to the site
Pages = Callable[[Archive], list[Page]]
# (renderer, src_uri, html, page_url) -> the content of an author's page, or None to leave it
RenderPage = Callable[[Renderer, str, str, str], str | None]
# (renderer, entry) -> extra template values for a post-mortem page
PostmortemContext = Callable[[Renderer, Entry], dict[str, Any]]
# (archive, renderer, site) -> None: writes files into the built site
Outputs = Callable[[Archive, Renderer, SiteInfo], None]


@dataclass(frozen=True)
class Feature:
    name: str
    read: Read | None = None
    pages: Pages | None = None
    render_page: RenderPage | None = None
    postmortem_context: PostmortemContext | None = None
    outputs: Outputs | None = None
    rules: tuple[str, ...] = ()  # the catalogue codes whose findings this feature reports
