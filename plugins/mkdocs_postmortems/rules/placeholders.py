"""PM502: the prompts `postmortems new` writes into a draft, and the rule that finds
them left in.

The strings live here, not in the scaffold, so there is one source: `postmortems new`
renders exactly these prompts, and PM502 looks for exactly these prompts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .base import Hit, rule

if TYPE_CHECKING:
    from ..entry import Entry
    from ..settings import Settings

SUMMARY_PROMPT = "Two or three sentences: what broke, who was affected, how it was fixed."

# Under each `## Section` of a new draft, inside an HTML comment.
SECTION_PROMPTS: dict[str, str] = {
    "Summary": SUMMARY_PROMPT,
    "Impact": "Users affected, duration, SLO budget used, revenue, support load.",
    "Timeline": "| Time (UTC) | Event |\n|---|---|\n| 00:00 | First signal |",
    "Root cause": "What conditions had to exist for this to happen? Go past the trigger.",
    "Contributing factors": "People, process, technology, environment.",
    "What went well": "What helped detection, mitigation and communication.",
    "What went wrong": "Gaps in detection, prevention, recovery, communication, knowledge.",
    "Lessons learned": "What a reader on another team should take away.",
}

# The commented-out example action item of a new draft (values as written in the YAML).
EXAMPLE_ACTION: dict[str, str] = {
    "id": "AI-1",
    "title": "Add a connection-pool saturation alert at 80 %",
    "owner": "@name",
    "due": "YYYY-MM-DD",
    "status": "open",
    "success_criteria": "The alert fires in a load test at 80 % pool use.",
}
# The example's values that only make sense as an example (an id or `open` are real values).
_EXAMPLE_ONLY = ("title", "owner", "due", "success_criteria")

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def _marker(prompt: str) -> str:
    """The line of a prompt that no finished post-mortem contains (a table's sample row,
    not its header)."""
    return prompt.strip().split("\n")[-1].strip()


_MARKERS = {_marker(p): name for name, p in SECTION_PROMPTS.items()}
_BY_TITLE = {name.lower(): p for name, p in SECTION_PROMPTS.items()}


def _squash(text: str) -> str:
    return " ".join(text.split())


@rule(
    "PM502",
    "placeholder-left-in",
    "Text that `postmortems new` put in as a prompt is still in the post-mortem.",
    "A new draft holds prompts: the summary line, a comment under each section, an example "
    "action item. Left in, they read as written: a section holding only its prompt comment "
    "is empty on the page, and the summary prompt is shown as the incident's summary. "
    "Replace each prompt with what happened (or delete a section the severity does not "
    "need). An error in a published post-mortem, a warning in a draft.",
    example="## Impact\n\n<!-- Users affected, duration, SLO budget used, revenue, support "
    "load. -->",
    rewrite="## Impact\n\n38,000 EU customers could not sign in for 46 minutes; 22 % of the "
    "month's SLO budget.",
    relaxed_for_drafts=True,
)
def placeholders(entry: Entry, settings: Settings) -> Iterator[Hit]:
    doc = entry.doc
    meta = doc.meta or {}
    summary = meta.get("summary")
    if isinstance(summary, str) and _squash(SUMMARY_PROMPT) in _squash(summary):
        line, column = doc.locate(("summary",))
        # a folded `summary: >-` starts a line above its text: point at the text
        head = SUMMARY_PROMPT[:24]
        front_matter_end = _offset_of_line(doc.text, doc.body_line - 1)
        offset = doc.text.find(head, 0, front_matter_end)
        if offset >= 0:
            line, column = _position(doc.text, offset, 1)
        yield Hit(
            line,
            column,
            "`summary` is still the template's prompt; say what broke, who was affected "
            "and how it was fixed, in two or three sentences",
        )
    yield from _example_actions(entry, meta)
    yield from _body(entry)


def _example_actions(entry: Entry, meta: dict[str, Any]) -> Iterator[Hit]:
    items = meta.get("action_items")
    if not isinstance(items, list):
        return
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        name = item.get("id") if isinstance(item.get("id"), str) else f"#{index + 1}"
        for key in _EXAMPLE_ONLY:
            value = item.get(key)
            if isinstance(value, str) and value.strip() == EXAMPLE_ACTION[key]:
                line, column = entry.doc.locate(("action_items", index, key))
                yield Hit(
                    line,
                    column,
                    f"action item {name} still has the template's example `{key}` "
                    f"(`{value.strip()}`); write this incident's own",
                )


def _body(entry: Entry) -> Iterator[Hit]:
    doc = entry.doc
    lines = doc.body.split("\n")
    # a section that holds nothing but its prompt comment
    for section in entry.sections:
        # a prompt-only section holds a comment (and nothing else)
        prompt = _BY_TITLE.get(section.title.strip().lower()) if "<!--" in section.text else None
        if prompt is None or _COMMENT.sub("", section.text).strip():
            continue
        if _squash(prompt) not in _squash(section.text):
            continue  # empty, or a comment of the author's own: not a prompt
        first, last = section.line - doc.body_line + 1, section.end - doc.body_line
        index = next((i for i in range(first, last + 1) if lines[i].strip()), first)
        column = len(lines[index]) - len(lines[index].lstrip()) + 1
        yield Hit(
            doc.body_line + index,
            column,
            f"`## {section.title}` holds only the template's prompt; write the section "
            "(or delete it if this severity does not need it)",
        )
    # a prompt taken out of its comment and left as text
    if not any(marker in doc.body for marker in _MARKERS):
        return
    visible = _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), doc.body)
    for marker, name in _MARKERS.items():
        for match in re.finditer(re.escape(marker), visible):
            line, column = _position(visible, match.start(), doc.body_line)
            yield Hit(
                line,
                column,
                f"the template's prompt for `## {name}` (`{marker}`) is still here; "
                "replace it with what happened",
            )


def _offset_of_line(text: str, line: int) -> int:
    """Offset of the start of 1-based `line` (the end of the text past its last line)."""
    offset = 0
    for _ in range(line - 1):
        found = text.find("\n", offset)
        if found < 0:
            return len(text)
        offset = found + 1
    return offset


def _position(text: str, offset: int, first_line: int) -> tuple[int, int]:
    line = first_line + text.count("\n", 0, offset)
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


placeholders.text_only = True  # type: ignore[attr-defined]  (runs when the schema failed too)
