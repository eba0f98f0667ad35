"""The site's navigation when mkdocs.yml has no `nav`: plain data, MkDocs' own `nav` format.

Without it MkDocs lists the generated pages alphabetically, each as a folder of one page
(a dropdown in Material). This puts the home page first and the indexes in the order a
reader uses them; post-mortems and the pages under an index stay out of the navigation
(the indexes link to them; listing thousands would grow every page).
"""

from __future__ import annotations

from collections.abc import Iterable

# Top-level generated indexes, in the order they appear; unknown ones follow in their order.
ORDER = (
    "find/index.md",
    "services/index.md",
    "tags/index.md",
    "severity/index.md",
    "archive/index.md",
    "actions/index.md",
    "metrics/index.md",
    "reading-lists/index.md",
    "writing-guide/index.md",
)
HOME_TITLE = "Home"
# What a nav entry looks like: {"Title": "path/index.md"}, or a bare path (MkDocs titles it).
NavItem = dict[str, str] | str


def is_top_level_index(src_uri: str) -> bool:
    """`services/index.md` is an index of the site; `services/payments/index.md` is under one."""
    return src_uri.count("/") == 1 and src_uri.endswith("/index.md")


def site_nav(
    home: str | None, indexes: Iterable[tuple[str, str]], others: Iterable[str] = ()
) -> list[NavItem]:
    """Home, the generated indexes `(src_uri, title)` in reading order, then the author's pages.

    `indexes` may hold pages under an index too; only top-level ones are listed. `others`
    are pages the author wrote (in MkDocs' order), listed after the indexes.
    """
    nav: list[NavItem] = [{HOME_TITLE: home}] if home else []
    top = {uri: title for uri, title in indexes if is_top_level_index(uri)}
    rank = {uri: number for number, uri in enumerate(ORDER)}
    for uri in sorted(top, key=lambda uri: rank.get(uri, len(ORDER))):
        nav.append({top[uri]: uri})
    listed = {home, *top}
    nav.extend(uri for uri in others if uri not in listed)
    return nav
