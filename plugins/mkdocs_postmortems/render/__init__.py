"""HTML for post-mortem pages and generated pages, from Jinja templates.

Our own Jinja environment autoescapes everything (MkDocs' does not), so every
string from a post-mortem is escaped wherever it shows. Templates live in
`templates/postmortems/` and a team overrides any of them by putting a file of
the same name under `overrides/postmortems/`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, select_autoescape
from markupsafe import Markup

from ..archive import Archive
from ..entry import Entry, slug, url_for
from ..model import FISHBONE, GAP_TYPES
from ..rules import RULES

ASSETS = Path(__file__).parent / "assets"


@dataclass
class Page:
    """A page the plugin adds to the site; its HTML comes from `template`."""

    src_uri: str
    title: str
    template: str
    # the template's values, or a function that works them out where the page is rendered
    # (the build's background process): for costly ones, or ones that count lint findings
    context: dict[str, Any] | Callable[[], dict[str, Any]] = field(default_factory=dict)
    description: str = ""  # what the theme's search indexes of a listing
    indexed: bool = False  # True: the theme's search indexes the whole page

    def values(self) -> dict[str, Any]:
        return self.context() if callable(self.context) else self.context


def relative(target: str, base: str) -> str:
    """A link from the page at `base` to `target`, both site-root-relative URLs.

    Up to the site root and down again, as MkDocs' own links do; a plain prefix keeps this
    cheap (it runs for every link of every generated page).
    """
    return "../" * base.count("/") + target or "./"  # "a/b/" and "a/b.html" sit 2 and 1 deep


def minutes(value: float | None) -> str:
    if value is None:
        return "—"
    value = round(value)
    if value < 60:
        return f"{value} min"
    hours, rest = divmod(value, 60)
    if hours < 48:
        return f"{hours} h {rest:02d} min" if rest else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h"


def number(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def card_facts(
    entry: Entry, hidden: set[str] | frozenset[str] = frozenset()
) -> list[tuple[str, str]]:
    """The card's plain facts as (label, text), in the order the card shows them."""
    pm = entry.pm
    if pm is None:
        return []
    facts = [
        ("Duration", minutes(entry.duration)),
        ("Time to detect", minutes(entry.time_to_detect)),
        ("Time to resolve", minutes(entry.time_to_resolve)),
    ]
    impact = pm.impact
    if impact is not None:
        if impact.users_affected is not None:
            facts.append(("Users affected", number(impact.users_affected)))
        if impact.slo_budget_pct is not None:
            facts.append(("SLO budget used", f"{number(impact.slo_budget_pct)} %"))
        if impact.revenue_usd is not None and "revenue_usd" not in hidden:
            facts.append(("Revenue impact", f"${number(impact.revenue_usd)}"))
        if impact.customer_facing is not None:
            facts.append(("Customer-facing", "yes" if impact.customer_facing else "no"))
        if impact.data_loss is not None:
            facts.append(("Data loss", "yes" if impact.data_loss else "none"))
    if pm.authors and "authors" not in hidden:
        facts.append(("Authors", ", ".join(pm.authors)))
    if pm.postmortem_date is not None:
        facts.append(("Reviewed", pm.postmortem_date.isoformat()[:10]))
    return facts


def ticket_label(url: object) -> str:
    """A ticket link's text: the last part of its URL (OPS-1234)."""
    return str(url).rstrip("/").rsplit("/", 1)[-1]


class Renderer:
    def __init__(
        self,
        archive: Archive,
        custom_dirs: list[Path] | None = None,
        use_directory_urls: bool = True,
    ) -> None:
        self.archive = archive
        loaders: list[Any] = [FileSystemLoader([str(d) for d in custom_dirs or []])]
        loaders.append(PackageLoader("mkdocs_postmortems", "render/templates"))
        self.env = Environment(
            loader=ChoiceLoader(loaders),
            autoescape=select_autoescape(["html", "xml"], default=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(minutes=minutes, number=number, slug=slug, ticket=ticket_label)
        self.env.globals.update(
            archive=archive,
            settings=archive.settings,
            today=archive.today,
            hidden=archive.settings.hidden_fields,
            rules=RULES,  # the findings panel shows a rule's rewrite
            fishbone=FISHBONE,
            gap_types=GAP_TYPES,
        )
        self.use_directory_urls = use_directory_urls
        self._rows: dict[tuple[str, int], Markup] = {}

    def rebind(self, archive: Archive) -> None:
        """Render another state of the archive (the preview after a save) with the templates
        already compiled: a new environment would compile every template again."""
        self.archive = archive
        self.env.globals.update(archive=archive, settings=archive.settings, today=archive.today)
        self._rows = {}

    def page_url(self, src_uri: str) -> str:
        return url_for(src_uri, self.use_directory_urls)

    def render(self, template: str, page_url: str, **context: Any) -> Markup:
        def url(target: str) -> str:
            return relative(target, page_url)

        def pm_url(entry: Entry) -> str:
            return url(entry.url)

        def service_url(name: str) -> str:
            return url(self.page_url(f"services/{slug(name)}.md"))

        def tag_url(name: str) -> str:
            return url(self.page_url(f"tags/{slug(name)}.md"))

        def severity_url(level: str) -> str:
            return url(self.page_url(f"severity/{slug(level)}.md"))

        def page(src_uri: str) -> str:
            return url(self.page_url(src_uri))

        def incident_row(entry: Entry) -> Markup:
            # links depend only on the page's depth, and one post-mortem is listed on many
            # pages (its services, tags, severity, year): render its row once per depth
            key = (entry.doc.src_uri, page_url.count("/"))
            if key not in self._rows:
                self._rows[key] = self.render(
                    "postmortems/incident_row.html", page_url, entry=entry
                )
            return self._rows[key]

        html = self.env.get_template(template).render(
            incident_row=incident_row,
            url=url,
            pm_url=pm_url,
            service_url=service_url,
            tag_url=tag_url,
            severity_url=severity_url,
            page=page,
            page_url=page_url,
            **context,
        )
        return Markup(html)

    def postmortem(
        self,
        entry: Entry,
        body_html: str,
        page_url: str,
        template: str = "postmortems/postmortem.html",
        **extra: Any,
    ) -> Markup:
        return self.render(
            template,
            page_url,
            entry=entry,
            pm=entry.pm,
            facts=card_facts(entry, self.archive.settings.hidden_fields),
            body=Markup(body_html),
            shown=self.archive.shows(entry),
            **extra,
        )

    def generated(self, page: Page) -> Markup:
        return self.render(page.template, self.page_url(page.src_uri), **page.values())


# Elements whose white space is content; everything else collapses runs of white space.
_RAW = re.compile(r"(<(pre|textarea|script|style|code)\b.*?</\2>)", re.S | re.I)
_INDENT = re.compile(r"\n\s+")


def compact_html(html: str) -> str:
    """A written page without the templates' indentation: a run of white space holding a
    line break becomes one line break, which a browser renders the same. The theme's
    indentation is an eighth of each page, so of the site; `<pre>`, `<textarea>`,
    `<script>`, `<style>` and `<code>` are left exactly as they are."""
    parts = _RAW.split(html)
    parts[0::3] = [_INDENT.sub("\n", text) for text in parts[0::3]]
    del parts[2::3]
    return "".join(parts)


def months_back(today: dt.date, count: int) -> list[tuple[int, int]]:
    """The last `count` calendar months up to today's, oldest first."""
    year, month = today.year, today.month
    out = []
    for _ in range(count):
        out.append((year, month))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(out))
