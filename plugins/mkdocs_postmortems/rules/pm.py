"""PM: the file, its front-matter, references and required sections."""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

from ..entry import FENCE, slug
from ..model import TIMESTAMPS
from ..redact import scan
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
        "Numbers in impact are not negative, finite, and at most 10^12 people or 10^15 "
        "dollars or minutes; dates and timestamps lie between 1970-01-01 and 2200-12-31 "
        "(outside it, a metrics page spans millennia and UTC conversions overflow); tickets "
        "are URLs; ids use letters, digits and -; names do not start or end with spaces; "
        "a number in the YAML has at most 40 characters.",
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

# Made by the loader on hostile or broken input: each stops reading the file (PM110 does
# not), with the line and column, in milliseconds whatever the input.
declare(
    "PM108",
    "front-matter-too-large",
    "The front-matter is beyond the reader's limits (size, values, nesting).",
    "A front-matter holds at most 1,000,000 characters and 10,000 values, nested at most "
    "64 deep. YAML aliases (`*name`) repeat an anchored node (`&name`) without repeating "
    "its text, so a few hundred bytes of nested aliases stand for billions of values "
    "('billion laughs'); each use of an alias counts as everything it repeats. Real "
    "post-mortems use a few hundred values; write them out instead of aliasing them.",
    example="gaps:\n  detection:\n    - &a [x, x, x, x, x, x, x, x, x]\n"
    "    - &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n    - [*b, *b, *b, *b, *b, *b, *b, *b]",
    rewrite="gaps:\n  detection:\n    - No alert on the queue depth of the payment workers",
    scope="schema",
)
declare(
    "PM109",
    "link-outside-repository",
    "A symbolic link in the docs folder points outside the repository, or nowhere.",
    "The archive publishes what is in its repository, and nothing else: a link to a file "
    "or folder elsewhere (a home directory, /etc) would publish whatever is there, and a "
    "dangling link has nothing to read. Neither is read; the finding names the link. "
    "Links that stay inside the repository are fine.",
    example="postmortems/2026/notes.md -> /home/priya/notes.md",
    rewrite="git mv ~/notes.md postmortems/2026/2026-04-12-notes.md  # a file in the repository",
    scope="schema",
)
declare(
    "PM110",
    "control-character",
    "The file holds a control character (ESC, NUL, backspace...) or a bidirectional override.",
    "Control characters are invisible in editors and reviews, cannot be written in the "
    "Atom feed (XML 1.0) or the calendar at all, and can recolour or overwrite a terminal "
    "that prints a title. They usually arrive by pasting from a terminal. The feed and the "
    "calendar show U+FFFD in their place; the check asks for them to be removed, in the "
    "front-matter and in the body alike (one finding a line). Tabs and line breaks are "
    "fine. A bidirectional embedding or override (U+202A to U+202E) is as invisible and "
    "shows the words after it in another order than they are written, on the page and in "
    "review; right-to-left text needs none (marks and isolates, such as U+200F and "
    "U+2067, are fine).",
    example='title: "Checkout \\e[31mfailing\\e[0m after deploy"',
    rewrite="title: Checkout failing after deploy",
    scope="schema",
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
    "PM304",
    "page-name-collision",
    "Two spellings of a service or tag share one page.",
    "Each service and tag gets a page whose address is its name in lower case ASCII "
    "(`Payments` and `payments` both become /services/payments/), so two spellings would "
    "share a page and one of them would vanish from the indexes. Use one spelling "
    "across the archive. (A service or tag named `index` gets /services/index-1/, so it "
    "never replaces the list of services.)",
    example="services: [Payments]   # another post-mortem says `payments`",
    rewrite="services: [payments]",
    scope="archive",
)
def page_collisions(entries: list[Entry], settings: Settings, extra: object) -> Iterator[Hit]:
    for field in ("services", "tags"):
        # spelling -> where it is used (entry, index in the list), in file order
        spelled: dict[str, list[tuple[Entry, int]]] = {}
        for entry in entries:
            names = getattr(entry.pm, field) if entry.pm is not None else ()
            for index, name in enumerate(names):
                spelled.setdefault(name, []).append((entry, index))
        # slug -> spelling -> where (a few names repeat across the archive: slug each once)
        uses: dict[str, dict[str, list[tuple[Entry, int]]]] = {}
        for name, places in spelled.items():
            uses.setdefault(slug(name), {})[name] = places
        for page, spellings in uses.items():
            if len(spellings) < 2:
                continue
            # the most used spelling stays; every use of another one is reported
            keep = max(spellings, key=lambda name: len(spellings[name]))
            first, first_index = spellings[keep][0]
            where = f"{first.doc.path}:{first.doc.locate((field, first_index))[0]}"
            for name, places in spellings.items():
                if name == keep:
                    continue
                for entry, index in places:
                    line, column = entry.doc.locate((field, index))
                    yield Hit(
                        line,
                        column,
                        f"{field[:-1]} `{name}` and `{keep}` ({where}) would share the page "
                        f"{field}/{page}/; write `{keep}` as every other post-mortem does",
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
    # blank out redacted text (front-matter and body), keeping line and column positions
    text = _blank_redacted(entry.doc.text)
    for match in pattern.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        in_body = line >= entry.doc.body_line
        where = (
            "wrap it in <!-- redact -->...<!-- /redact -->"
            if in_body
            else "wrap it in <!-- redact -->...<!-- /redact --> (front-matter text too) "
            "or remove it from the front-matter"
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


def _blank_redacted(text: str) -> str:
    """`text` with every redacted span (marks included) blanked, lines and columns kept."""
    spans = scan(text).spans
    if not spans:
        return text
    out, position = [], 0
    for start, end in spans:
        out.append(text[position:start])
        out.append(re.sub(r"[^\n]", " ", text[start:end]))
        position = end
    out.append(text[position:])
    return "".join(out)


def _line_starts(text: str) -> list[int]:
    """The offset at which each line of `text` starts (for bisect)."""
    return [0, *(match.end() for match in re.finditer("\n", text))]


def _front_matter_text(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple, str]]:
    """Every string of the front-matter with where it is (`("impact", "description")`)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _front_matter_text(item, (*path, key))
    elif isinstance(value, list):
        for number, item in enumerate(value):
            yield from _front_matter_text(item, (*path, number))


@rule(
    "PM602",
    "redaction-mark-malformed",
    "A redaction mark is never closed, sits inside another one, or closes nothing.",
    "Redaction marks are `<!-- redact -->` (or `<!-- redact: why -->`, any case) and "
    "`<!-- /redact -->`, in the body or in front-matter text. The public edition hides the "
    "text between them. A mark that is not closed hides everything after it, a nested one "
    "everything to the outer close, and a stray close is dropped, so nothing leaks; but the "
    "author meant something else. An error in a public post-mortem, a warning otherwise.",
    example="The primary <!-- redact -->db-prod-01.corp.example ran out of disk.",
    rewrite="The primary <!-- redact -->db-prod-01.corp.example<!-- /redact --> ran out of disk.",
)
def redaction_marks(entry: Entry, settings: Settings) -> Iterator[Hit]:
    if "<!--" not in entry.doc.text:
        return  # every mark, well-formed or not, is a comment
    public = entry.pm.visibility == "public"
    level: Literal["error", "warning"] = "error" if public else "warning"
    body = entry.doc.body
    starts = _line_starts(body)
    for problem in scan(body).problems:
        row = bisect_right(starts, problem.offset) - 1
        yield Hit(
            entry.doc.body_line + row,
            problem.offset - starts[row] + 1,
            problem.message,
            severity=level,
        )
    for path, text in _front_matter_text(entry.doc.meta or {}):
        problems = scan(text).problems
        if problems:
            line, column = entry.doc.locate(path)
            key = ".".join(str(p) for p in path)
            yield Hit(line, column, f"in `{key}`: {problems[0].message}", severity=level)


_CODES = r"(?:USD|EUR|GBP|JPY|CHF|CAD|AUD|SEK|NOK|DKK)"
_CURRENCY_WORDS = rf"(?:{_CODES}|dollars?|euros?|pounds?)"
_SCALE = r"(?:k|m|bn|thousand|million|billion)"
# $12,000  €5k  US$3m  USD 148,000  12000 USD  2.5 million euros
MONEY = re.compile(
    rf"(?:US\$|[$€£¥]|\b{_CODES}\s?)\s?\d(?:[\d,.]*\d)?(?:\s?{_SCALE}\b)?"
    rf"|(?<![\w.])\d(?:[\d,.]*\d)?\s?(?:{_SCALE}\s?)?{_CURRENCY_WORDS}\b",
    re.IGNORECASE,
)
# @name, not an e-mail address (a word character before the @) or part of a URL
HANDLE = re.compile(r"(?<![\w.@/:+-])@[A-Za-z][\w.-]*\w")
_CODE = re.compile(r"`[^`\n]*`")
# front-matter fields that are never published in the public edition (or are ids)
_UNPUBLISHED = frozenset({"owner", "authors", "ticket", "revenue_usd", "id", "related"})


def _prose(text: str) -> str:
    """`text` with redacted spans, inline code and fenced code blanked (positions kept)."""
    text = _CODE.sub(lambda m: " " * len(m.group(0)), _blank_redacted(text))
    lines = text.split("\n")
    fenced = False
    for number, line in enumerate(lines):
        if FENCE.match(line):
            fenced = not fenced
            lines[number] = ""
        elif fenced:
            lines[number] = " " * len(line)
    return "\n".join(lines)


def _money_and_handles(text: str) -> Iterator[tuple[int, str]]:
    redact = "wrap it in <!-- redact -->...<!-- /redact -->"
    for match in MONEY.finditer(text):
        amount = match.group(0).strip()
        message = f"public post-mortem shows the amount `{amount}`; leave it out or {redact}"
        yield match.start(), message
    for match in HANDLE.finditer(text):
        handle = match.group(0)
        message = f"public post-mortem names the handle `{handle}`; name the role or {redact}"
        yield match.start(), message


@rule(
    "PM603",
    "money-or-handle-in-public",
    "A public post-mortem shows a money amount or an @handle outside a redaction mark.",
    "Customers read public post-mortems. Revenue figures and people's handles are internal: "
    "the public edition drops the `revenue_usd`, `owner` and `authors` fields, but amounts "
    "($12,000, €5k, 12000 USD) and @handles written in the text are published as written. "
    "Rephrase, or wrap them in `<!-- redact -->...<!-- /redact -->`.",
    example="Checkout lost $48,000 in orders until @priya rolled back.",
    rewrite="Checkout lost orders for 40 minutes until the on-call engineer rolled back.",
    severity="warning",
)
def money_and_handles(entry: Entry, settings: Settings) -> Iterator[Hit]:
    if entry.pm.visibility != "public":
        return
    if not (HANDLE.search(entry.doc.text) or MONEY.search(entry.doc.text)):
        return  # one pass over the file before the per-field work
    body = _prose(entry.doc.body)
    starts = _line_starts(body)
    for offset, message in sorted(_money_and_handles(body)):
        row = bisect_right(starts, offset) - 1
        yield Hit(entry.doc.body_line + row, offset - starts[row] + 1, message)
    skip = _UNPUBLISHED | set(settings.drop_fields)
    for path, text in _front_matter_text(entry.doc.meta or {}):
        if any(part in skip for part in path):
            continue
        if "@" not in text and not MONEY.search(text):
            continue  # the common case, without blanking code and redacted spans first
        found = sorted(_money_and_handles(_prose(text)))
        if found:
            line, column = entry.doc.locate(path)
            yield Hit(line, column, found[0][1])
