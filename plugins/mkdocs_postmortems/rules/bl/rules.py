"""The four BL rules of the catalogue, and the findings of a file they share."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from ..base import Hit, rule
from ..text import Span, body_spans, spans
from .fast import scan_spans
from .matching import Context, Found, context
from .vocabulary import TEAM_HANDLE

if TYPE_CHECKING:
    from ...entry import Entry
    from ...settings import Settings


def _people(entry: Entry) -> list[str]:
    """The file's authors and action-item owners (team handles are no persons)."""
    meta = entry.doc.meta if isinstance(entry.doc.meta, dict) else {}
    people = [a for a in meta.get("authors") or [] if isinstance(a, str)]
    for item in meta.get("action_items") or []:
        owner = item.get("owner") if isinstance(item, dict) else None
        if isinstance(owner, str) and not TEAM_HANDLE.search(owner):
            people.append(owner)
    return people


def entry_context(entry: Entry, settings: Settings) -> Context:
    """The context for one file (kept in `entry.text_cache` for these settings): its
    authors and action-item owners are persons too."""
    cache = entry.text_cache
    if cache.bl is None or cache.bl[0] is not settings:
        cache.bl = (settings, context(settings, _people(entry)), None)
    return cache.bl[1]  # type: ignore[return-value]


def found_in(entry: Entry, settings: Settings) -> list[tuple[Span, Found]]:
    """All BL matches of a file, computed once and shared by the four rules."""
    ctx = entry_context(entry, settings)
    assert entry.text_cache.bl is not None
    found = entry.text_cache.bl[2]
    if found is None:
        found = scan_spans(spans(entry), ctx)  # type: ignore[arg-type]
        entry.text_cache.bl = (settings, ctx, found)
    return found  # type: ignore[return-value]


def scan_text(text: str, settings: Settings, names: tuple[str, ...] = ()) -> list[Found]:
    """BL findings in a piece of Markdown (for tests and tools outside an archive)."""
    ctx = context(settings, names)
    return [f for _, f in scan_spans(list(body_spans(text)), ctx)]


def _hits(code: str) -> Callable[[Entry, Settings], Iterator[Hit]]:
    def check(entry: Entry, settings: Settings) -> Iterator[Hit]:
        for span, found in found_in(entry, settings):
            if found.code == code:
                line, column = span.position(found.start)
                yield Hit(line, column, found.message, found.suggestion)

    check.text_only = True  # type: ignore[attr-defined]  (runs when the schema failed too)
    return check


EXPLAIN_SYSTEMS = (
    ' A sentence whose subject is a system, process or tool ("the alert should have fired at '
    '80 %", "the deploy failed to finish", "traffic failed to reach the new pool") is not '
    "blame and is not flagged."
)

rule(
    "BL101",
    "person-as-subject-of-blame-verb",
    "A person is the subject of a blame verb, the agent of a failure, or in the cause.",
    'Blameless: focus on systems, not people. A person as the subject of "forgot", '
    '"failed to", "neglected", "should have", "made a mistake", "caused", "let it slip", '
    '"wrongly assumed" or "was supposed to", as the agent ("was botched by the release '
    'manager"), inside the cause ("the root cause is that Marta skipped the canary") or '
    'asked to try harder ("engineers must pay more attention") turns the review into a '
    "search for who, and the next person hides their slip. Persons are @handles, first "
    "names (a wide list, `lint.persons`, the file's authors and owners), roles with their "
    'modifiers ("the new hire", "the SRE on duty"), teams ("the QA team"), "someone" and '
    "he/she." + EXPLAIN_SYSTEMS,
    example="John forgot to set up disk monitoring.",
    rewrite="Disk monitoring was not part of the provisioning template.",
    relaxed_for_drafts=True,
)(_hits("BL101"))

rule(
    "BL102",
    "human-error-root-cause",
    '"Human error" or "operator error" is given as a cause or contributing factor.',
    '"Humans are not root causes. Systems that allow human error are root causes." Stopping '
    'at human error is the first of the five common post-mortem mistakes: ask "what allowed '
    'this to happen?" and keep asking why. That holds for a contributing factor too ("Human '
    'error in not knowing the flag" under Contributing factors). Mentioning human error to '
    'say the system should tolerate it ("a process that allowed a human error") is fine.',
    example="Root cause: human error during the database migration.",
    rewrite="Root cause: the migration script ran against production without a dry-run step.",
    relaxed_for_drafts=True,
)(_hits("BL102"))

rule(
    "BL103",
    "blame-or-punishment-word",
    "A blame or punishment word (fault, negligence, careless, reprimand...).",
    'Psychological safety: "punishment discourages honesty and prevents learning". Words '
    "such as fault, blame, negligence, careless, sloppy, incompetent(ly), irresponsible, "
    'reprimand or "formal warning" judge people; the next engineer will stay silent. Extend '
    'the list with `lint.blame_words`. Stating the principle ("no blame", "without '
    'punishment") is fine.',
    example="John received a formal warning for his careless change.",
    rewrite="The production console now asks for confirmation before destructive commands.",
    relaxed_for_drafts=True,
)(_hits("BL103"))

rule(
    "BL104",
    "hindsight-judgement",
    'A hindsight judgement ("should have known", "obviously", "had they been paying attention").',
    "Assume good intent: everyone did their best with the information they had. Hindsight "
    'makes the path to failure look obvious ("should have known", "obviously", "any '
    'competent engineer would", "had the on-call engineer been paying attention"); the '
    "review needs what was visible at the time and why the signal did not stand out.",
    example="The on-call should have known that the disk was filling up; it was obvious.",
    rewrite="The disk graph was on a dashboard nobody had open, and no alert existed for it.",
    relaxed_for_drafts=True,
)(_hits("BL104"))
