"""The MkDocs plugin: wires MkDocs events to the core. No archive logic lives here."""

from __future__ import annotations

import html
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page as MkPage
from mkdocs.structure.toc import AnchorLink

from . import build
from .archive import Archive
from .config import PostmortemsConfig, to_settings
from .entry import Entry
from .findings import Finding
from .loader import is_postmortem
from .render import ASSETS, Page, Renderer
from .settings import Settings, today

log = get_plugin_logger(__name__)

CSS = "assets/postmortems/postmortems.css"
# What the theme's search plugin indexes of a generated listing: its one-line description.
# The listing itself is put in place in on_post_page: in the index it would match every
# query, and parsing it (actions/ is megabytes) cost a third of the build.
SLOT = "<!-- postmortems:slot -->{}<!-- /postmortems:slot -->"


class PostmortemsPlugin(BasePlugin[PostmortemsConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.serve = False
        self._reset()

    def _reset(self) -> None:
        self.settings: Settings | None = None
        self.archive: Archive | None = None
        self.renderer: Renderer | None = None
        self.entries: dict[str, Entry] = {}
        self.pages: dict[str, Page] = {}
        self.home: str | None = None
        self.curated: set[str] = set()
        self.outputs: build.Background | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serve = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self._reset()  # `mkdocs serve` keeps this object across rebuilds
        if not self.config.enabled:
            return None
        try:
            self.settings = to_settings(
                self.config, serve=self.serve, use_directory_urls=config.use_directory_urls
            )
        except ValueError as error:  # names the option
            raise PluginError(f"plugin postmortems: {error}") from None
        if CSS not in config.extra_css:
            config.extra_css.append(CSS)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if self.settings is None:
            return None
        settings = self.settings
        sources = [
            (Path(f.abs_src_path), f.src_uri)
            for f in files.documentation_pages()
            if f.abs_src_path and is_postmortem(f.src_uri, settings.exclude)
        ]
        self.archive = build.build_archive(sources, settings, today(), Path(config.docs_dir))
        self.renderer = Renderer(self.archive, _custom_dirs(config), config.use_directory_urls)
        for entry in self.archive.entries:
            file = files.get_file_from_path(entry.doc.src_uri)
            if file is None:
                continue
            unreadable = not entry.doc.text and any(f.code == "PM102" for f in entry.findings)
            if unreadable or (settings.audience == "public" and not self.archive.shows(entry)):
                files.remove(file)  # undecodable, or not in the public edition at all
                continue
            file.inclusion = InclusionLevel.NOT_IN_NAV  # the indexes link to it
            self.entries[entry.doc.src_uri] = entry
        self.curated = set(build.not_in_nav(self.archive))
        for src_uri in self.curated:
            if (file := files.get_file_from_path(src_uri)) is not None:
                file.inclusion = InclusionLevel.NOT_IN_NAV  # e.g. reading lists: their index links
        for page in build.generated_pages(self.archive):
            if files.get_file_from_path(page.src_uri) is not None:
                continue  # the author wrote this page; keep theirs
            inclusion = (
                InclusionLevel.UNDEFINED
                if page.src_uri.endswith("index.md")
                else InclusionLevel.NOT_IN_NAV
            )
            files.append(
                File.generated(
                    config, page.src_uri, content=f"# {page.title}\n", inclusion=inclusion
                )
            )
            self.pages[page.src_uri] = page
        self.home = next(
            (f.src_uri for f in files.documentation_pages() if f.src_uri == "index.md"), None
        )
        plan = build.Plan(
            self.archive,
            self.renderer,
            [page for page in self.pages.values() if not page.indexed],
            build.SiteInfo(Path(config.site_dir), config.site_name, config.site_url or ""),
        )
        # `mkdocs serve` runs threads and rebuilds in this process: no fork there
        parallel = self.config.parallel and not self.serve and not settings.findings_panel
        self.outputs = build.Background(plan, parallel=parallel)
        return files

    def on_page_read_source(self, *, page: MkPage, config: MkDocsConfig) -> str | None:
        entry = self.entries.get(page.file.src_uri)
        if entry is None or entry.doc.meta is None:
            return None
        # The front-matter was read and checked already: MkDocs gets the body, and the
        # front-matter in on_page_markdown (its own YAML pass was 12 % of a plain build). The
        # blank first line keeps MkDocs from reading a "Key: value" opening line as meta.
        return "\n" + entry.doc.body

    def on_page_markdown(
        self, markdown: str, *, page: MkPage, config: MkDocsConfig, files: Files
    ) -> str | None:
        src_uri = page.file.src_uri
        entry = self.entries.get(src_uri)
        if entry is not None and entry.doc.meta is not None and not page.meta:
            page.meta = dict(entry.doc.meta)
        if entry is not None and entry.pm is not None:
            # the theme's Jinja does not autoescape, and prints meta.title and
            # meta.description as they are
            page.meta["title"] = page.title = html.escape(entry.pm.title)
            page.meta["description"] = html.escape(entry.pm.summary)
            page.meta.setdefault("hide", ["navigation"])  # the archive is reached by its indexes
            return build.prepare_body(markdown, self.archive)  # type: ignore[arg-type]
        generated = self.pages.get(src_uri)
        if generated is not None:
            page.meta["title"] = page.title = html.escape(generated.title)
            page.meta["hide"] = ["navigation"]
        elif src_uri in self.curated and isinstance(page.meta.get("title"), str):
            page.meta["title"] = page.title = html.escape(page.meta["title"])
        return None

    def on_page_content(
        self, html_text: str, *, page: MkPage, config: MkDocsConfig, files: Files
    ) -> str | None:
        if self.renderer is None:
            return None
        src_uri = page.file.src_uri
        entry = self.entries.get(src_uri)
        if entry is not None:
            if entry.pm is not None:
                for anchor, title in build.APPENDED_SECTIONS:
                    page.toc.items.append(AnchorLink(title, anchor, 2))
            # the theme's search indexes the narrative, facts and action items
            return build.postmortem_content(self.renderer, entry, html_text, page.url)
        generated = self.pages.get(src_uri)
        if generated is not None:
            if generated.indexed:
                return str(self.renderer.render(generated.template, page.url, **generated.values()))
            return _slot(generated)
        if src_uri == self.home:
            return html_text + build.render_home(self.renderer, page.url)
        return build.render_other(self.renderer, src_uri, html_text, page.url)

    def on_post_page(self, output: str, *, page: MkPage, config: MkDocsConfig) -> str | None:
        if self.outputs is None:
            return None
        src_uri = page.file.src_uri
        entry = self.entries.get(src_uri)
        with _stage_errors():
            if entry is not None and entry.pm is not None:
                return build.fill_postmortem(output, self.outputs.postmortem(entry, page.url))
            generated = self.pages.get(src_uri)
            if generated is not None and not generated.indexed:
                return output.replace(_slot(generated), self.outputs.page(src_uri, page.url), 1)
        return None

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.archive is None or self.renderer is None:
            return
        target = Path(config.site_dir) / "assets" / "postmortems"
        target.mkdir(parents=True, exist_ok=True)
        for asset in sorted(ASSETS.iterdir()):
            shutil.copyfile(asset, target / asset.name)
        if self.outputs is not None:
            outputs, self.outputs = self.outputs, None
            with _stage_errors():
                outputs.finish()
        _log_findings(self.archive.findings)

    def on_build_error(self, *, error: Exception) -> None:
        if self.outputs is not None:
            self.outputs.cancel()
            self.outputs = None


@contextmanager
def _stage_errors() -> Iterator[None]:
    """A failed stage of the build is one error naming it; its traceback goes to the debug log."""
    try:
        yield
    except build.StageError as error:
        if error.details:
            log.debug("%s", error.details)
        raise PluginError(f"{error} (run with --verbose for the traceback)") from None


def _slot(page: Page) -> str:
    """What a generated listing is until it is written: its one-line description."""
    return SLOT.format(f"<p>{html.escape(page.description or page.title)}</p>")


def _custom_dirs(config: MkDocsConfig) -> list[Path]:
    custom = config.theme.custom_dir
    return [Path(custom)] if custom else []


def _log_findings(findings: list[Finding]) -> None:
    """Errors fail `mkdocs build --strict` with the same lines `postmortems check` prints."""
    for finding in findings:
        text = f"{finding.location} {finding.code} {finding.message}"
        if finding.suggestion:
            text += f" (suggestion: {finding.suggestion})"
        if finding.severity == "error":
            log.error(text)
        else:
            log.warning(text)
