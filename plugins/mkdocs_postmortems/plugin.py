"""The MkDocs plugin: wires MkDocs events to the core. No archive logic lives here."""

from __future__ import annotations

import html
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page as MkPage
from mkdocs.structure.toc import AnchorLink

from . import build, escaping, navigation, redact
from .archive import Archive
from .clean import terminal
from .config import PostmortemsConfig, to_settings
from .entry import Entry
from .features.finder import header_search
from .findings import Finding
from .loader import display_path, is_postmortem, link_problem, repository_root
from .render import ASSETS, Page, Renderer, compact_html
from .settings import Settings, today

if TYPE_CHECKING:  # the server (watchdog...) is only imported by `mkdocs serve`
    import jinja2
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.nav import Navigation

    from .preview import Built

log = get_plugin_logger(__name__)

CSS = "assets/postmortems/postmortems.css"
# What the theme's search plugin indexes of a generated listing: its one-line description.
# The listing itself is put in place in on_post_page: in the index it would match every
# query, and parsing a long listing is a large share of the build.
SLOT = "<!-- postmortems:slot -->{}<!-- /postmortems:slot -->"
THEME_NOTE = (
    "theme %r is not Material for MkDocs (`theme: material`): post-mortem pages will have no "
    "title heading, and the severity badges, fact card and tables, which use Material's "
    "colours, will look unstyled"
)


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
        self.link_findings: list[Finding] = []  # links out of the repository, not published
        self.auto_nav = False  # mkdocs.yml has no `nav`: the plugin writes one
        # `mkdocs serve`: the last complete build, for the preview's quick path
        self.built: Built | None = None
        self.nav: Navigation | None = None
        self.env: jinja2.Environment | None = None
        self.files: Files | None = None
        self.site: build.SiteInfo | None = None
        self.written: dict[str, int] = {}  # hash of what the plugin put in each page
        self.hide_nav = True  # post-mortems and indexes hide the sidebar when tabs replace it

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
        if config.theme.name != "material":
            log.info(THEME_NOTE, config.theme.name)
        self.auto_nav = config.nav is None
        self.hide_nav = "navigation.tabs" in (config.theme.get("features") or ())
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if self.settings is None:
            return None
        settings = self.settings
        self.link_findings = _drop_unsafe_links(files, config)
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
        for src_uri in build.not_built(self.archive):
            if (file := files.get_file_from_path(src_uri)) is not None:
                files.remove(file)  # e.g. a reading list with nothing public left
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
        if not any(f.dest_uri == "index.html" for f in files.documentation_pages()):
            home = f"# {html.escape(config.site_name)}\n"  # a site needs a home page
            files.append(File.generated(config, "index.md", content=home))
        self.home = next(
            (f.src_uri for f in files.documentation_pages() if f.src_uri == "index.md"), None
        )
        if self.auto_nav:
            _write_nav(config, files, self.home, self.pages)
        self.site = build.SiteInfo(Path(config.site_dir), config.site_name, config.site_url or "")
        # `mkdocs serve` runs threads and rebuilds in this process: no fork there
        parallel = self.config.parallel and not self.serve and not settings.findings_panel
        self.outputs = self._plan(self.archive, parallel=parallel)
        return files

    def _plan(self, archive: Archive, parallel: bool) -> build.Background:
        assert self.renderer is not None and self.site is not None
        pages = [page for page in self.pages.values() if not page.indexed]
        plan = build.Plan(archive, self.renderer, pages, self.site, preview=self.serve)
        return build.Background(plan, parallel=parallel)

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> None:
        self.nav = nav

    def on_env(
        self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files
    ) -> jinja2.Environment | None:
        self.env, self.files = env, files
        return None

    def on_page_read_source(self, *, page: MkPage, config: MkDocsConfig) -> str | None:
        entry = self.entries.get(page.file.src_uri)
        if entry is None:
            return None
        if entry.doc.meta is None:
            return _as_written(entry)
        # The front-matter was read and checked already: MkDocs gets the body, and the
        # front-matter in on_page_markdown (a second YAML pass costs a share of every build). The
        # blank first line keeps MkDocs from reading a "Key: value" opening line as meta.
        return "\n" + entry.doc.body

    def on_page_markdown(
        self, markdown: str, *, page: MkPage, config: MkDocsConfig, files: Files
    ) -> str | None:
        src_uri = page.file.src_uri
        entry = self.entries.get(src_uri)
        if entry is not None and self.archive is not None:
            # the theme's Jinja does not autoescape and prints meta as it is, and its search
            # indexes meta.tags: page.meta is built from the published post-mortem, escaped
            shown = self.archive.shows(entry)
            page.meta = escaping.page_meta(entry, shown, self.archive.settings.hidden_fields)
            page.title = page.meta["title"]
            page.meta["search"] = {"exclude": True}  # the header box asks the finder's index
            if not self.hide_nav:  # no tabs: the sidebar is the only navigation
                page.meta.pop("hide", None)
            if not shown:  # a draft in `mkdocs build`: built, but in no index nor the sitemap
                page.canonical_url = page.abs_url = None
            if entry.pm is None:
                return None
            return build.prepare_body(markdown, self.archive)
        generated = self.pages.get(src_uri)
        if generated is not None:
            page.meta["title"] = page.title = html.escape(generated.title)
            if self.hide_nav:
                page.meta["hide"] = ["navigation"]
        elif src_uri in self.curated and self.archive is not None:
            # a reading list: the curator's words are published like a post-mortem's
            public = redact.is_public(self.archive.settings)
            if isinstance(page.meta.get("title"), str):
                title = redact.clean(page.meta["title"], public)
                page.meta["title"] = page.title = html.escape(title)
            return build.prepare_body(markdown, self.archive)
        return None

    def on_page_content(
        self, html_text: str, *, page: MkPage, config: MkDocsConfig, files: Files
    ) -> str | None:
        if self.renderer is None:
            return None
        src_uri = page.file.src_uri
        entry = self.entries.get(src_uri)
        if entry is not None:
            self._linted()
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
        output = header_search(output)  # the header box asks the finder's index
        src_uri = page.file.src_uri
        entry = self.entries.get(src_uri)
        with _stage_errors():
            if entry is not None and entry.pm is not None:
                self._linted()
                fragments = self.outputs.postmortem(entry, page.url)
                self._wrote(src_uri, fragments)
                output = build.fill_postmortem(output, fragments)
            elif (generated := self.pages.get(src_uri)) is not None and not generated.indexed:
                listing = self.outputs.page(src_uri, page.url)
                self._wrote(src_uri, listing)
                output = output.replace(_slot(generated), listing, 1)
        return compact_html(output)

    def _wrote(self, src_uri: str, html_text: str) -> None:
        """What the plugin put in a page, for the preview to tell which pages a save changed."""
        if self.serve:
            self.written[src_uri] = hash(html_text)

    def on_post_template(
        self, output_content: str, *, template_name: str, config: MkDocsConfig
    ) -> str | None:
        if self.settings is None or not template_name.endswith(".html"):
            return None
        return compact_html(header_search(output_content))  # 404.html: asks the finder too

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
        # the theme's search (listed before this plugin) has written its index by now
        escaping.search_index(Path(config.site_dir) / "search" / "search_index.json")
        _log_findings(self.archive, serve=self.serve, extra=self.link_findings)
        if self.serve and self.nav is not None and self.env is not None and self.files is not None:
            from .preview import Built  # only the preview writes single pages later

            self.built = Built(config, self.files, self.nav, self.env)

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Callable[[], None]
    ) -> LiveReloadServer:
        """Saves are previewed by `preview.Preview`: quickly when only post-mortems changed,
        and never stalling the server when a rebuild fails."""
        from .preview import Preview

        server.builder = Preview(self, server, builder).rebuild  # type: ignore[method-assign]
        return server

    def adopt(self, archive: Archive, fresh: list[Entry], pages: list[Page]) -> None:
        """The archive after a save, from the preview: what later page writes render."""
        assert self.renderer is not None
        self.renderer.rebind(archive)
        self.archive = archive
        for entry in fresh:
            self.entries[entry.doc.src_uri] = entry
        self.pages = {page.src_uri: page for page in pages if page.src_uri in self.pages}
        if self.outputs is not None:
            self.outputs.cancel()
        self.outputs = self._plan(archive, parallel=False)
        self.outputs.results["lint"] = [entry.findings for entry in archive.entries]

    def log_findings(self, entries: list[Entry]) -> None:
        """The findings of the post-mortems the preview just wrote, as a build logs them."""
        if self.archive is not None:
            paths = {entry.doc.path for entry in entries}
            found = [f for f in self.archive.findings if f.path in paths]
            _log_findings(self.archive, serve=True, extra=None, only=found)

    def _linted(self) -> None:
        """The findings panel needs the rule findings before the page is written."""
        settings = self.settings
        if settings is not None and settings.findings_panel and self.outputs is not None:
            with _stage_errors():
                self.outputs.result("lint")

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


def _write_nav(
    config: MkDocsConfig, files: Files, home: str | None, pages: dict[str, Page]
) -> None:
    """No `nav` in mkdocs.yml: home, then the indexes in reading order, then other pages."""
    others = [
        f.src_uri
        for f in files.documentation_pages()
        if f.inclusion.is_in_nav() and f.src_uri not in pages
    ]
    config.nav = navigation.site_nav(home, [(p.src_uri, p.title) for p in pages.values()], others)
    for src_uri in pages:  # a page under an index is reached from the index
        file = files.get_file_from_path(src_uri)
        if file is not None and not navigation.is_top_level_index(src_uri):
            file.inclusion = InclusionLevel.NOT_IN_NAV


def _slot(page: Page) -> str:
    """What a generated listing is until it is written: its one-line description."""
    return SLOT.format(f"<p>{html.escape(page.description or page.title)}</p>")


def _custom_dirs(config: MkDocsConfig) -> list[Path]:
    custom = config.theme.custom_dir
    return [Path(custom)] if custom else []


def _as_written(entry: Entry) -> str:
    """A post-mortem whose front-matter cannot be read: the front-matter as text (a code
    block), then the body, so the author sees what they wrote under the findings panel."""
    doc = entry.doc
    if not doc.text:
        return ""
    lines = doc.text.split("\n")
    head = lines[: doc.body_line - 1] if doc.body or doc.body_line > 1 else lines
    code = "\n".join(f"    {line}" for line in head)
    return f"\n{code}\n\n{doc.body if head is not lines else ''}"


def _drop_unsafe_links(files: Files, config: MkDocsConfig) -> list[Finding]:
    """Files under docs_dir that are links out of the repository, or to nothing: MkDocs
    would publish what they point at (or stop with a traceback). Removed, and reported."""
    docs = Path(config.docs_dir)
    root = repository_root(docs)
    found = []
    for file in list(files):
        if file.src_dir != config.docs_dir or not file.abs_src_path:
            continue  # the theme's own files live elsewhere
        path = Path(file.abs_src_path)
        problem = link_problem(path, docs, root)
        if problem:
            files.remove(file)
            found.append(Finding(display_path(path), 1, 1, "PM109", "error", problem))
    return found


def _log_findings(
    archive: Archive,
    serve: bool,
    extra: list[Finding] | None = None,
    only: list[Finding] | None = None,
) -> None:
    """The same lines `postmortems check` prints, at a level that says what fails `--strict`.

    `mkdocs build --strict` fails on errors and on the warnings of published post-mortems;
    a draft's (or in-review post-mortem's) warnings are logged at INFO with a `[draft]`
    marker, so work in progress never blocks main. Under `mkdocs serve` every finding is
    INFO: `strict` would abort the rebuild, and the preview shows the findings on the page.
    """
    drafts = {e.doc.path for e in archive.entries if _status(e) not in (None, "published")}
    found = only if only is not None else [*archive.findings, *(extra or ())]
    for finding in sorted(found):
        draft = finding.severity == "warning" and finding.path in drafts
        marker = ""
        if serve:
            marker = f"[{finding.severity}{', draft' if draft else ''}] "
        elif draft:
            marker = "[draft] "
        text = f"{finding.location} {finding.code} {marker}{finding.message}"
        if finding.suggestion:
            text += f" (suggestion: {finding.suggestion})"
        text = terminal(text)  # author text must not drive the terminal
        if serve or draft:
            log.info(text)
        elif finding.severity == "error":
            log.error(text)
        else:
            log.warning(text)


def _status(entry: Entry) -> str | None:
    """The status the author wrote, even when another field fails the schema."""
    if entry.pm is not None:
        return entry.pm.status
    status = (entry.doc.meta or {}).get("status")
    return status if isinstance(status, str) else None
