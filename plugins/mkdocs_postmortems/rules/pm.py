"""PM: the file, its front-matter, references and required sections."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..entry import REDACT
from ..model import TIMESTAMPS
from .base import Hit, declare, rule

if TYPE_CHECKING:
    from ..entry import Entry
    from ..settings import Settings

# Findings made while reading the file or validating its schema.
_SCHEMA = [
    (
        "PM101",
        "empty-file",
        "The file is empty or unreadable.",
        "A post-mortem needs front-matter and a body. Start from `postmortems new`.",
    ),
    (
        "PM102",
        "not-utf8",
        "The file is not valid UTF-8.",
        "Save the file as UTF-8; the finding names the first byte that is not.",
    ),
    (
        "PM103",
        "byte-order-mark",
        "The file starts with a byte-order mark.",
        "Some editors add a BOM; YAML tools and diffs trip over it. Save without BOM.",
    ),
    (
        "PM104",
        "no-front-matter",
        "The file has no (closed) YAML front-matter.",
        "Start the file with `---`, the fields, and a closing `---`.",
    ),
    (
        "PM105",
        "yaml-syntax",
        "The front-matter is not valid YAML.",
        "The finding points at the line and column where the YAML parser stopped.",
    ),
    (
        "PM106",
        "front-matter-not-mapping",
        "The front-matter is not a mapping of fields.",
        "The front-matter must be `key: value` lines, not a list or a single value.",
    ),
    (
        "PM107",
        "duplicate-key",
        "A key appears twice in one mapping.",
        "YAML keeps only the last value, so the first one would be lost without a word.",
    ),
    (
        "PM201",
        "missing-field",
        "A required field is missing.",
        "Required: id, title, date, severity, status, summary, services.",
    ),
    (
        "PM202",
        "unknown-field",
        "A field the format does not know (often a typo).",
        "Unknown keys are errors so a typo such as `sevirity` is not silently ignored.",
    ),
    (
        "PM203",
        "wrong-type",
        "A field has the wrong type (a list where a mapping belongs...).",
        "Run `postmortems schema` for the expected type of every field.",
    ),
    (
        "PM204",
        "invalid-date",
        "A date or timestamp does not exist or cannot be read.",
        "Dates are YYYY-MM-DD; timestamps are ISO 8601 with a time zone.",
    ),
    (
        "PM205",
        "timestamp-without-time-zone",
        "A timestamp has no time zone.",
        "Durations between timestamps are only right when each names its zone: add Z or +02:00.",
    ),
    (
        "PM206",
        "unknown-severity",
        "The severity is not one of the configured levels.",
        "Severities are configured in mkdocs.yml (`severities`), SEV1..SEV4 by default.",
    ),
    (
        "PM207",
        "unknown-value",
        "A value is not one of the allowed choices.",
        "status: draft, in-review, published; action item status: open, in-progress, done, "
        "wont-do; priority: high, medium, low; visibility: internal, public.",
    ),
    (
        "PM208",
        "invalid-value",
        "A value is out of range or malformed.",
        "Numbers in impact are not negative; tickets are URLs; ids use letters, digits and -.",
    ),
]
for _code, _name, _message, _explanation in _SCHEMA:
    declare(
        _code,
        _name,
        _message,
        _explanation,
        scope="schema",
        severity="warning" if _code == "PM103" else "error",
    )


@rule(
    "PM209",
    "timestamps-out-of-order",
    "A timestamp is earlier than the one before it.",
    "started ≤ detected ≤ mitigated ≤ resolved. Time to detect and time to resolve are "
    "computed from them; out-of-order values give negative durations in the metrics.",
    example="detected: 2026-04-12T14:20:00Z  # before started: 14:30",
    rewrite="detected: 2026-04-12T14:32:00Z",
)
def timestamps_in_order(entry: Entry, settings: Settings) -> Iterator[Hit]:
    pm = entry.pm
    previous: tuple[str, Any] | None = None
    for name in TIMESTAMPS:
        value = getattr(pm, name)
        if value is None:
            continue
        if previous and value < previous[1]:
            line, column = entry.doc.locate((name,))
            yield Hit(
                line,
                column,
                f"`{name}` ({value.isoformat()}) is earlier than `{previous[0]}` "
                f"({previous[1].isoformat()}); timestamps go started ≤ detected ≤ "
                "mitigated ≤ resolved",
            )
        previous = (name, value)


@rule(
    "PM210",
    "duplicate-action-item-id",
    "Two action items share an id.",
    "Action item ids (AI-1, AI-2...) are how tickets, reviews and the archive refer to an "
    "item; each must be unique within its post-mortem.",
)
def unique_action_ids(entry: Entry, settings: Settings) -> Iterator[Hit]:
    seen: dict[str, int] = {}
    for index, item in enumerate(entry.pm.action_items):
        line, column = entry.doc.locate(("action_items", index, "id"))
        if item.id in seen:
            yield Hit(
                line,
                column,
                f"action item id `{item.id}` is used twice (first at line {seen[item.id]}); "
                "give each item its own id",
            )
        else:
            seen[item.id] = line


@rule(
    "PM401",
    "action-item-without-owner",
    "An action item has no real owner.",
    "Action items with a TBD owner never ship (the guide: 'Item created with TBD owner. No "
    "owner ever volunteers.'). Every item needs a named owner before publishing.",
    example="owner: TBD",
    rewrite="owner: '@priya'",
    relaxed_for_drafts=True,
)
def owners(entry: Entry, settings: Settings) -> Iterator[Hit]:
    placeholders = {p.lower() for p in settings.placeholder_owners}
    for index, item in enumerate(entry.pm.action_items):
        owner = (item.owner or "").strip()
        if not owner or owner.lower() in placeholders:
            has_key = "owner" in entry.doc.meta["action_items"][index]
            loc = ("action_items", index, "owner") if has_key else ("action_items", index)
            line, column = entry.doc.locate(loc)
            shown = f"`{owner}`" if owner else "no owner"
            yield Hit(
                line,
                column,
                f"action item {item.id} has {shown}; name the person or team who will do it",
            )


@rule(
    "PM402",
    "action-item-without-due-date",
    "An action item has no due date.",
    "Items without a date move from sprint to sprint and are silently dropped. Give each "
    "one a date (YYYY-MM-DD) when it is written.",
    example="due:   # missing",
    rewrite="due: 2026-05-01",
    relaxed_for_drafts=True,
)
def due_dates(entry: Entry, settings: Settings) -> Iterator[Hit]:
    for index, item in enumerate(entry.pm.action_items):
        if item.due is None and item.status in ("open", "in-progress"):
            line, column = entry.doc.locate(("action_items", index))
            yield Hit(
                line, column, f"action item {item.id} has no `due` date; add `due: YYYY-MM-DD`"
            )


@rule(
    "PM403",
    "wont-do-without-reason",
    "An action item closed as wont-do gives no reason.",
    "Closing an item as won't do is healthy when it says why (the guide: stale items are "
    "'closed as won't do with reasoning'). The reason is what the next reader needs.",
    example="status: wont-do",
    rewrite="status: wont-do\nreason: Superseded by the gateway migration (OPS-1301).",
    relaxed_for_drafts=True,
)
def wont_do_reason(entry: Entry, settings: Settings) -> Iterator[Hit]:
    for index, item in enumerate(entry.pm.action_items):
        if item.status == "wont-do" and not (item.reason or "").strip():
            line, column = entry.doc.locate(("action_items", index, "status"))
            yield Hit(
                line, column, f"action item {item.id} is `wont-do` without a `reason`; say why"
            )


@rule(
    "PM501",
    "missing-section",
    "A section required for this severity is missing from the body.",
    "Which sections a post-mortem needs depends on its severity (configurable as "
    "`required_sections`): by default SEV1 and SEV2 need all eight, SEV3 Summary, Timeline "
    "and Root cause, SEV4 none. Sections are level-2 headings such as `## Root cause`.",
    example="(no `## Timeline` heading in a SEV2 post-mortem)",
    rewrite="## Timeline\n\n| Time (UTC) | Event |\n|---|---|\n| 14:32 | Alert fired |",
    relaxed_for_drafts=True,
)
def required_sections(entry: Entry, settings: Settings) -> Iterator[Hit]:
    present = {_norm(s.title) for s in entry.sections}
    missing = [s for s in settings.sections_for(entry.pm.severity) if _norm(s) not in present]
    if missing:
        line, column = entry.doc.locate(("severity",))
        for title in missing:
            yield Hit(
                line,
                column,
                f"{entry.pm.severity} post-mortems need a `## {title}` section; add it to the body",
            )


def _norm(title: str) -> str:
    return title.strip().rstrip(":").lower().replace("(s)", "s").removesuffix("s")


@rule(
    "PM301",
    "duplicate-id",
    "Two post-mortems share an id.",
    "Ids are how related links, recurrences, reading lists and tickets point at a "
    "post-mortem; they must be unique across the archive.",
    scope="archive",
)
def duplicate_ids(entries: list[Entry], settings: Settings, extra: object) -> Iterator[Hit]:
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        if entry.pm is not None:
            groups.setdefault(entry.pm.id, []).append(entry)
    for pm_id, group in groups.items():
        for entry in group if len(group) > 1 else ():
            others = ", ".join(e.doc.path for e in group if e is not entry)
            line, column = entry.doc.locate(("id",))
            yield Hit(
                line,
                column,
                f"id `{pm_id}` is also used by {others}; give one of them the next free id "
                "(`postmortems new` picks one)",
                path=entry.doc.path,
            )


@rule(
    "PM302",
    "unknown-related",
    "`related` names an id that no post-mortem has.",
    "A related link that points nowhere is a dead end for the reader. Check the id "
    "(`postmortems search` finds it) or remove it.",
    scope="archive",
)
def related_exist(entries: list[Entry], settings: Settings, extra: object) -> Iterator[Hit]:
    known = {e.pm.id for e in entries if e.pm}
    for entry in entries:
        if entry.pm is None:
            continue
        for index, target in enumerate(entry.pm.related):
            if target not in known or target == entry.pm.id:
                line, column = entry.doc.locate(("related", index))
                what = "is this post-mortem itself" if target == entry.pm.id else "does not exist"
                yield Hit(
                    line,
                    column,
                    f"related id `{target}` {what}; fix or remove it",
                    path=entry.doc.path,
                )


@rule(
    "PM303",
    "unknown-recurrence",
    "`recurrence_of` names an id that no post-mortem has.",
    "A recurrence links an incident to the earlier one it repeats, so readers can see which "
    "action items did not ship. The id must exist.",
    scope="archive",
)
def recurrence_exists(entries: list[Entry], settings: Settings, extra: object) -> Iterator[Hit]:
    known = {e.pm.id for e in entries if e.pm}
    for entry in entries:
        target = entry.pm.recurrence_of if entry.pm else None
        if target and (target not in known or target == entry.pm.id):
            line, column = entry.doc.locate(("recurrence_of",))
            yield Hit(
                line,
                column,
                f"recurrence_of `{target}` does not exist; fix or remove it",
                path=entry.doc.path,
            )


@rule(
    "PM601",
    "internal-term-in-public",
    "A public post-mortem mentions an internal name outside a redaction mark.",
    "Post-mortems marked `visibility: public` are published to customers. Internal host "
    "names, customer names and other terms listed in `internal_terms` must be inside "
    "`<!-- redact -->...<!-- /redact -->` in the body (the public edition shows a black bar) "
    "or left out of the front-matter.",
    example="The primary db-prod-01.corp.example ran out of disk.",
    rewrite="The primary <!-- redact -->db-prod-01.corp.example<!-- /redact --> ran out of disk.",
    severity="warning",
)
def internal_terms(entry: Entry, settings: Settings) -> Iterator[Hit]:
    if entry.pm.visibility != "public" or not settings.internal_terms:
        return
    pattern = _terms_pattern(tuple(settings.internal_terms))
    # blank out redacted text, keeping line and column positions
    text = REDACT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), entry.doc.text)
    for match in pattern.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        in_body = line >= entry.doc.body_line
        where = (
            "wrap it in <!-- redact -->...<!-- /redact -->"
            if in_body
            else "remove it from the front-matter (redaction marks work in the body only)"
        )
        yield Hit(
            line,
            column,
            f"public post-mortem mentions internal term `{match.group(0)}`; {where}",
        )


@functools.cache
def _terms_pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<![\w.-])(?:{alternatives})(?![\w-])", re.IGNORECASE)
