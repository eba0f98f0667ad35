"""AI: the quality of action items.

"Specific, actionable, owned, dated": an action item fixes the system, names a
concrete change and says how anyone can verify it is done. Reminders to people
("be more careful", "remind John") are not action items.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from .base import Hit, rule
from .bl import HANDLE, ROLE, ROLE_MODIFIER, ROLES_PLURAL, TEAM_HANDLE, UNFOLDED, entry_context

if TYPE_CHECKING:
    from ..entry import Entry
    from ..settings import Settings

# Asking people to behave differently: vague whatever follows.
BEHAVIOURAL = (
    r"be\s+(?:more\s+)?(?:careful|vigilant|diligent|attentive|thorough)",
    r"remember\s+to",
    r"remind(?:er)?s?",
    r"pay\s+(?:more\s+|closer\s+|extra\s+)?attention",
    r"double[\s-]check",
    r"take\s+(?:more\s+|extra\s+)?care",
    r"try\s+harder",
    r"do\s+better",
    r"(?:don't|do\s+not|not)\s+forget",
    r"review\s+[^.;]{0,60}?\bmore\s+(?:thoroughly|carefully)",
    r"stay\s+vigilant",
    r"communicate\s+better",
)
# Verbs that name no change unless a measurable object follows.
VAGUE_VERBS = (
    r"improve",
    r"enhance",
    r"look\s+into",
    r"investigate",
    r"revisit",
    r"consider",
    r"explore",
    r"optimi[sz]e",
    r"strengthen",
    r"better",
    r"think\s+about",
    r"(?:raise|increase)\s+awareness",
)
# A number, a threshold, or a second concrete verb makes an item verifiable.
MEASURABLE = re.compile(
    r"\d|%|\b(?:p\d\d|slo|sla|threshold|under|below|above|within|at\s+least|at\s+most|per)\b"
    r"|\b(?:alert|page|block|fail)\s+(?:on|when|if)\b"
    r"|\band\s+(?:add|fix|remove|automate|document|write|create|deploy|enable|disable|migrate"
    r"|replace|block|implement|publish|ship|build|set|decide)\b"
    r"|\bby\s+(?:adding|removing|automating|enabling|replacing|moving|setting|splitting)\b"
    r"|\b(?:decision|write-?up|proposal|rfc|adr)\b",
    re.I,
)
TARGET = (
    rf"(?P<NAME>{HANDLE}|(?-i:[A-Z][^\W\d_]+)"
    rf"|(?:the\s+|an?\s+)?(?:(?:{ROLE_MODIFIER})\s+)*(?:{ROLE})"
    rf"|(?:the\s+|all\s+)?(?:{ROLES_PLURAL})|him|her|them|everyone)"
)
BLAME_TARGET = re.compile(
    r"\b(?:remind|tell|warn|ask|talk\s+to|speak\s+(?:to|with)|re-?train|coach|discipline"
    r"|reprimand|counsel|have\s+a\s+word\s+with|make\s+sure)\s+"
    + TARGET.replace("NAME", "target1")
    + r"(?![\w'-])"
    r"|(?<![\w@])"
    + TARGET.replace("NAME", "target2")
    + r"\s+(?:to|must|should|will|needs?\s+to|has\s+to)\s+"
    r"(?:be\s+more|be\s+careful|remember|pay|double-check|stop|not\s+forget|never|take\s+(?:more"
    r"\s+)?care|always|re-?read|re-?take|attend|complete\s+(?:the\s+)?training)",
    re.I,
)
# Every BLAME_TARGET match contains one of these (lowercase) words. Most titles contain
# none, and this search costs a fraction of what BLAME_TARGET costs.
TARGET_GATE = re.compile(
    r"remind|tell|warn|ask|talk|speak|train|coach|discipline|reprimand|counsel|have|make"
    r"|\sbe\s|remember|pay|double-check|stop|not|never|take|always|read|attend|complete"
)


def _may_target(title: str) -> bool:
    """False when BLAME_TARGET cannot match (see UNFOLDED: then the pattern decides)."""
    if not title.isascii() and any(c in title for c in UNFOLDED):
        return True
    return TARGET_GATE.search(title.lower()) is not None


@lru_cache(maxsize=32)
def _vague(extra: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    behavioural = re.compile(rf"\b(?:{'|'.join(BEHAVIOURAL)})\b", re.I)
    verbs = [*VAGUE_VERBS, *(re.escape(v.strip()) for v in extra if v.strip())]
    return behavioural, re.compile(rf"^\W*(?:{'|'.join(verbs)})\b", re.I)


def vague_action(title: str, extra: tuple[str, ...] = ()) -> str | None:
    """The vague phrase of an action item title, or None when it names a concrete change."""
    behavioural, verbs = _vague(extra)
    found = behavioural.search(title)
    if found:
        return " ".join(found.group(0).split())
    found = verbs.search(title)
    if found and not MEASURABLE.search(title[found.end() :]):
        return " ".join(found.group(0).split()).strip(" -*")
    return None


@rule(
    "AI101",
    "vague-action",
    "An action item's title is a vague verb without a measurable object.",
    'Actionable: "Improve monitoring" is the second common post-mortem mistake. An item says '
    "which change, where, and at what threshold, so anyone can tell when it is done. Asking "
    'people to "be more careful", "remember to", "double-check" or "review more thoroughly" '
    "changes nothing in the system; make the slip impossible instead. A vague verb followed "
    'by a number or a concrete second step ("investigate and document...") is fine. Add your '
    "own verbs with `lint.vague_verbs`.",
    example="title: Improve monitoring",
    rewrite="title: Add a connection-pool saturation alert at 80 % that pages the on-call",
    relaxed_for_drafts=True,
)
def vague_actions(entry: Entry, settings: Settings) -> Iterator[Hit]:
    extra = tuple(settings.lint.vague_verbs)
    for index, item in enumerate(entry.pm.action_items):
        phrase = vague_action(item.title, extra)
        if phrase:
            line, column = entry.doc.locate(("action_items", index, "title"))
            yield Hit(
                line,
                column,
                f"action item {item.id} `{item.title}` is vague (`{phrase}`); name the change "
                "and how to verify it",
                'Name a concrete change with a threshold, e.g. "Improve monitoring" → "Add a '
                'disk-usage alert at 80 % to every database"; "Be more careful with deploys" → '
                '"Block deploys that skip the staging check".',
            )


@rule(
    "AI102",
    "no-success-criteria",
    "An action item has no `success_criteria`.",
    'Every action item must be verifiable: "how will we know it\'s done?" The guide lists '
    "success criteria beside owner and due date. Without them an item is closed when someone "
    "feels done, and the recurrence shows it was not. Items closed as wont-do need a reason "
    "instead (PM403).",
    example="- id: AI-1\n      title: Add disk monitoring to all databases",
    rewrite="      success_criteria: Every database in the inventory has a disk alert at 80 % "
    "that pages; verified by filling a staging disk.",
    relaxed_for_drafts=True,
)
def success_criteria(entry: Entry, settings: Settings) -> Iterator[Hit]:
    for index, item in enumerate(entry.pm.action_items):
        if item.status != "wont-do" and not (item.success_criteria or "").strip():
            line, column = entry.doc.locate(("action_items", index))
            yield Hit(
                line,
                column,
                f"action item {item.id} has no `success_criteria`; say how anyone can verify "
                "it is done",
                f"Add `success_criteria:` to {item.id}, e.g. \"Replaying the incident's traffic "
                'in staging pages within 3 minutes."',
            )


@rule(
    "AI103",
    "too-many-open-items",
    "More open action items than `lint.max_open_action_items` (default 7).",
    'Focus on high-impact improvements, not exhaustive lists: "25 action items defined, only '
    '3 completed" is the third common mistake; the guide recommends about five high-priority '
    "items. A warning, not an error: the count falls as items close. Merge related items, "
    "move nice-to-haves to the backlog, or close them as wont-do with a reason.",
    example="(9 open action items)",
    rewrite="(5 high-priority items; the rest merged or closed as wont-do with a reason)",
    severity="warning",
    relaxed_for_drafts=True,
)
def too_many_open(entry: Entry, settings: Settings) -> Iterator[Hit]:
    limit = settings.lint.max_open_action_items
    open_items = [i for i in entry.pm.action_items if i.is_open]
    if len(open_items) > limit:
        line, column = entry.doc.locate(("action_items",), key=True)
        yield Hit(
            line,
            column,
            f"{len(open_items)} open action items (more than {limit}); keep about five "
            "high-priority ones",
            "Merge related items, move nice-to-haves to the backlog, or close them as "
            "`wont-do` with a `reason`.",
        )


@rule(
    "AI104",
    "blame-target-owner",
    'An action item targets a person ("Remind John", "@sam to be more careful").',
    "Fix the system, not the individual. An item that tells a person to behave differently "
    '("Remind John to check disk space", "the on-call must double-check") makes them the '
    "target of blame instead of the owner of a change, and the same slip returns with the "
    "next person. The owner field names who does the work; the title names what changes.",
    example="title: Remind John to be more careful with production deploys",
    rewrite="title: Require a second approval for production deploys in the pipeline",
    relaxed_for_drafts=True,
)
def blame_targets(entry: Entry, settings: Settings) -> Iterator[Hit]:
    for index, item in enumerate(entry.pm.action_items):
        if not _may_target(item.title):
            continue
        for match in BLAME_TARGET.finditer(item.title):
            target = match.group("target1") or match.group("target2")
            target = " ".join(target.split())
            if not _is_person(target, entry_context(entry, settings).names):
                continue
            line, column = entry.doc.locate(("action_items", index, "title"))
            yield Hit(
                line,
                column,
                f"action item {item.id} targets a person (`{target}`) instead of a change to "
                "the system",
                'Rewrite as a change someone owns: "Remind John to check disk space" → "Add a '
                'disk-usage alert at 80 % to the provisioning template" (owner: John).',
            )
            break


ROLE_TARGET = re.compile(
    rf"(?:the\s+|an?\s+|all\s+)?(?:(?:{ROLE_MODIFIER})\s+)*(?:{ROLE}|{ROLES_PLURAL})$", re.I
)


def _is_person(target: str, names: frozenset[str]) -> bool:
    """Handles (not team handles), names, roles and pronouns; "Remind Kafka" is no person."""
    if target.startswith("@"):
        return not TEAM_HANDLE.search(target)
    if target in names or target.lower() in ("him", "her", "them", "everyone"):
        return True
    return bool(ROLE_TARGET.match(target))
