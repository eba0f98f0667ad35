"""What the site build does, independent of MkDocs: the plugin calls these.

The archive's share of a build is a plan of four pure stages (`STAGES`), each depending
only on the archive: every post-mortem's page furniture, the rule findings, the generated
listings, and the files written next to the pages (search index, exports). `Background`
runs the plan on a second core while MkDocs converts Markdown, or in this process, on
demand, when there is no second process to use; the bytes are the same either way.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import multiprocessing
import shutil
import sys
import tempfile
from collections.abc import Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import related
from .archive import Archive
from .entry import Entry
from .features import FEATURES, Feature, SiteInfo
from .findings import Finding
from .pipeline import lint, read, relint
from .redact import BAR_HTML, clean, is_public
from .render import Page, Renderer
from .render.pages import home_context
from .settings import Settings

__all__ = ["STAGES", "Background", "Plan", "SiteInfo", "StageError", "build_archive"]


def build_archive(
    sources: list[tuple[Path, str]],
    settings: Settings,
    today: dt.date,
    docs_dir: Path,
    features: Iterable[Feature] = FEATURES,
) -> Archive:
    """Read and index the post-mortems; the rule findings come from the plan's lint stage
    (the pages need none of them)."""
    entries = read(sources, settings)
    extra = {f.name: f.read(entries, settings, docs_dir) for f in features if f.read}
    return Archive(settings, today, entries, extra)


def update(
    archive: Archive,
    changed: list[tuple[Path, str]],
    today: dt.date,
    docs_dir: Path,
    features: Iterable[Feature] = FEATURES,
) -> tuple[Archive, list[Entry]]:
    """The archive after a save of `changed` post-mortems (the preview): only they are read
    again and run through the file rules; the cross-file rules and the features' reads
    (reading lists) run over everything. Returns the new archive and the fresh entries."""
    settings = archive.settings
    fresh = read(changed, settings)
    by_uri = {entry.doc.src_uri: entry for entry in fresh}
    entries = [by_uri.pop(e.doc.src_uri, e) for e in archive.entries]
    entries.extend(by_uri.values())
    extra = {f.name: f.read(entries, settings, docs_dir) for f in features if f.read}
    relint(entries, fresh, settings, extra)
    new = Archive(settings, today, entries, extra)
    related.carry_over(archive, new, fresh)  # exact once `related.compute` has run on `new`
    return new, fresh


def generated_pages(archive: Archive, features: Iterable[Feature] = FEATURES) -> list[Page]:
    return [page for f in features if f.pages for page in f.pages(archive)]


def not_in_nav(archive: Archive) -> list[str]:
    """Pages authors wrote that a feature links from its own index (reading lists)."""
    extra = archive.extra.values()
    return sorted(uri for value in extra for uri in getattr(value, "not_in_nav", ()))


def not_built(archive: Archive) -> list[str]:
    """Pages authors wrote that this edition does not publish (a public reading list
    naming only internal incidents)."""
    found = (getattr(value, "not_built", None) for value in archive.extra.values())
    return sorted(uri for method in found if callable(method) for uri in method(archive))


# Headings the post-mortem template adds after the body, for the page's table of contents.
APPENDED_SECTIONS: list[tuple[str, str]] = [("action-items", "Action items")]


def prepare_body(markdown: str, archive: Archive) -> str:
    """Public edition: redacted text becomes a black bar before Markdown sees it (so the
    page, the theme's search and anything parsing the page never see the words)."""
    return clean(markdown, is_public(archive.settings), BAR_HTML)


# A post-mortem's card, fishbone, action items and related incidents are rendered apart
# from MkDocs (postmortem.html, in the background process when there is one) and put in
# place just before the page is written (`fill_postmortem`): until then the page holds
# these marks around its body. Post-mortems are out of the theme's search index (the
# header box asks the finder's), so nothing reads what is between the marks before that.
HEAD = ("<!-- postmortems:head -->", "<!-- /postmortems:head -->")
TAIL = ("<!-- postmortems:tail -->", "<!-- /postmortems:tail -->")
BODY = "<!-- postmortems:body -->"


def postmortem_content(renderer: Renderer, entry: Entry, body_html: str, page_url: str) -> str:
    """The page content MkDocs works with: the body between the marks."""
    if entry.pm is None:
        findings = entry.findings if renderer.archive.settings.findings_panel else []
        html = renderer.render("postmortems/findings_panel.html", page_url, findings=findings)
        return str(html) + body_html
    return f"{HEAD[0]}{HEAD[1]}{body_html}{TAIL[0]}{TAIL[1]}"


def postmortem_fragments(
    renderer: Renderer, entry: Entry, page_url: str, features: Iterable[Feature] = FEATURES
) -> str:
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
    for feature in features:
        if feature.postmortem_context:
            context.update(feature.postmortem_context(renderer, entry))
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


def render_other(
    renderer: Renderer,
    src_uri: str,
    html: str,
    page_url: str,
    features: Iterable[Feature] = FEATURES,
) -> str | None:
    for feature in features:
        if feature.render_page:
            result = feature.render_page(renderer, src_uri, html, page_url)
            if result is not None:
                return result
    return None


# -- the plan -----------------------------------------------------------------------------

# In the order the parent needs them: post-mortem pages are written first, lint comes before
# the listings because the metrics page counts clean post-mortems.
STAGES: tuple[str, ...] = ("postmortems", "lint", "pages", "outputs")


class StageError(RuntimeError):
    """A stage of the plan failed; `details` is its traceback, wherever it ran."""

    def __init__(self, stage: str, error: BaseException, details: str = "") -> None:
        super().__init__(
            f"the '{stage}' stage of the build failed: {type(error).__name__}: {error}"
        )
        self.stage = stage
        self.details = details


@dataclass
class Plan:
    """The archive's share of a build, as pure stages over one archive.

    Stages that make HTML write it into a scratch folder, one file a page, so that a
    second process can hand it over without pickling megabytes.
    """

    archive: Archive
    renderer: Renderer
    pages: list[Page]
    site: SiteInfo
    features: tuple[Feature, ...] = FEATURES
    preview: bool = False  # `mkdocs serve`: lint keeps what `update` needs to relint
    scratch: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="postmortems-")))

    def __post_init__(self) -> None:
        self.page_numbers = {page.src_uri: n for n, page in enumerate(self.pages)}
        self.postmortem_numbers = {e.doc.src_uri: n for n, e in enumerate(self.archive.valid)}

    def run(self, stage: str) -> Any:
        return getattr(self, f"stage_{stage}")()

    def stage_postmortems(self) -> None:
        for entry in self.archive.valid:
            html = postmortem_fragments(self.renderer, entry, entry.url, self.features)
            self.path("postmortems", self.postmortem_numbers[entry.doc.src_uri]).write_text(
                html, encoding="utf-8"
            )

    def stage_lint(self) -> list[list[Finding]]:
        archive = self.archive
        lint(archive.entries, archive.settings, archive.extra, keep_nodes=self.preview)
        return [entry.findings for entry in self.archive.entries]

    def stage_pages(self) -> None:
        for number, page in enumerate(self.pages):
            self.path("pages", number).write_text(
                str(self.renderer.generated(page)), encoding="utf-8"
            )

    def stage_outputs(self) -> None:
        for feature in self.features:
            if feature.outputs:
                feature.outputs(self.archive, self.renderer, self.site)

    def path(self, stage: str, number: int) -> Path:
        folder = self.scratch / stage
        folder.mkdir(exist_ok=True)
        return folder / f"{number}.html"


# The plan the forked worker runs: set just before the fork, read by the child only.
_CHILD_PLAN: Plan | None = None


class _Captured(logging.Handler):
    """The child's log records, sent back so the parent logs them (and --strict counts them)."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        record.msg, record.args, record.exc_info = record.getMessage(), None, None
        self.records.append(record)


_CAPTURE = _Captured()


def _child_init() -> None:
    # The parent's handlers (MkDocs' console and its --strict counter on the "mkdocs" logger,
    # which does not propagate) are copies here: records go back to the parent instead.
    for name in ("", "mkdocs"):
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
        logger.addHandler(_CAPTURE)


def _child_run(stage: str) -> tuple[Any, list[logging.LogRecord]]:
    assert _CHILD_PLAN is not None
    _CAPTURE.records = []
    return _CHILD_PLAN.run(stage), _CAPTURE.records


class Background:
    """Runs a `Plan`: in one forked worker process (Linux, `parallel`), or in this process.

    With a worker, every stage is submitted at once and runs in order in the child; the
    parent waits for a stage only when it needs its result. Without one, each stage runs
    when first needed. Either way a failing stage raises `StageError` naming it.
    """

    def __init__(self, plan: Plan, parallel: bool) -> None:
        self.plan = plan
        self.results: dict[str, Any] = {}
        self.futures: dict[str, Future[tuple[Any, list[logging.LogRecord]]]] = {}
        self.pool: ProcessPoolExecutor | None = None
        if parallel and sys.platform == "linux":
            self._start()

    def _start(self) -> None:
        global _CHILD_PLAN
        _CHILD_PLAN = self.plan
        # The child lives as long as the build: keeping the cyclic GC off what exists now
        # keeps the archive's memory pages shared with the parent. Frozen only around
        # the fork: the parent's collector is as it was afterwards.
        gc.freeze()
        try:
            context = multiprocessing.get_context("fork")
            self.pool = ProcessPoolExecutor(1, mp_context=context, initializer=_child_init)
            self.futures = {stage: self.pool.submit(_child_run, stage) for stage in STAGES}
        finally:
            gc.unfreeze()
            _CHILD_PLAN = None
        for entry in self.plan.archive.entries:
            entry.doc.node = None  # only lint needs it, and lint runs in the child

    def result(self, stage: str) -> Any:
        """The stage's result, running or waiting for it as needed (each stage runs once)."""
        if stage in self.results:
            return self.results[stage]
        future = self.futures.get(stage)
        try:
            if future is None:
                value = self.plan.run(stage)
            else:
                value, records = future.result()
                for record in records:
                    logging.getLogger(record.name).handle(record)
        except BrokenProcessPool as error:
            self.cancel()
            raise StageError(stage, error, "the background process ended unexpectedly") from None
        except Exception as error:
            self.cancel()
            cause = error.__cause__
            details = getattr(cause, "tb", "") if cause is not None else ""
            raise StageError(stage, error, details) from error
        self.results[stage] = value
        return value

    @property
    def parallel(self) -> bool:
        return self.pool is not None

    def postmortem(self, entry: Entry, page_url: str) -> str:
        """postmortem.html of one post-mortem page (see `postmortem_fragments`)."""
        number = self.plan.postmortem_numbers.get(entry.doc.src_uri)
        if number is not None and page_url == entry.url and self.parallel:
            self.result("postmortems")
            return self.plan.path("postmortems", number).read_text(encoding="utf-8")
        return postmortem_fragments(self.plan.renderer, entry, page_url, self.plan.features)

    def page(self, src_uri: str, page_url: str) -> str:
        """The full HTML of a generated page."""
        number = self.plan.page_numbers[src_uri]
        page = self.plan.pages[number]
        renderer = self.plan.renderer
        if self.parallel and page_url == renderer.page_url(src_uri):
            self.result("pages")
            return self.plan.path("pages", number).read_text(encoding="utf-8")
        self.result("lint")  # the metrics page counts clean post-mortems
        return str(renderer.render(page.template, page_url, **page.values()))

    def finish(self) -> None:
        """Take over the findings and wait for the outputs, then clean up."""
        try:
            found = self.result("lint")
            for entry, findings in zip(self.plan.archive.entries, found, strict=True):
                entry.findings = findings
            self.result("outputs")
        finally:
            self.cancel()

    def cancel(self) -> None:
        """Stop the worker (finished or not) and remove the scratch folder."""
        pool, self.pool = self.pool, None
        if pool is not None:
            done = all(future.done() for future in self.futures.values())
            if not done:  # a failed stage or a failed build: what is still queued is moot
                for process in list(getattr(pool, "_processes", {}).values()):
                    process.terminate()
            pool.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(self.plan.scratch, ignore_errors=True)
