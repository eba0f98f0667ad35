"""Front-matter → `Postmortem`, with every schema error turned into a finding
that names the key's line and says what to write instead."""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel, ValidationError

from .findings import Finding
from .loader import Document, key_path
from .model import ActionItem, ContributingFactors, Gaps, Impact, Postmortem

# Which model holds the keys at a path of field names (list indexes skipped).
_MODELS: dict[tuple[str, ...], type[BaseModel]] = {
    (): Postmortem,
    ("impact",): Impact,
    ("contributing_factors",): ContributingFactors,
    ("gaps",): Gaps,
    ("action_items",): ActionItem,
}

_EXAMPLES: dict[str, str] = {
    "id": "id: INC-2026-04-12-001",
    "title": "title: EU logins failing after auth-service deploy",
    "date": "date: 2026-04-12",
    "severity": "severity: SEV2",
    "status": "status: draft",
    "summary": "summary: Two or three sentences on what broke, for whom, and the fix.",
    "services": "services: [auth-service]",
}

_TYPE_NAMES = {
    "list_type": "a list, e.g. `[a, b]`",
    "model_type": "a mapping of keys, not a list or a single value",
    "model_attributes_type": "a mapping of keys, not a list or a single value",
    "dict_type": "a mapping of keys",
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
}

_DATE_ERRORS = {
    "date_parsing",
    "date_from_datetime_parsing",
    "date_type",
    "date_from_datetime_inexact",
}
_DATETIME_ERRORS = {"datetime_parsing", "datetime_from_date_parsing", "datetime_type"}


def validate(doc: Document, severities: list[str]) -> tuple[Postmortem | None, list[Finding]]:
    if doc.meta is None:
        return None, []
    try:
        pm = Postmortem.model_validate(doc.meta, context={"severities": severities})
    except ValidationError as exc:
        return None, _findings(doc, exc)
    return pm, []


# Values that always validate, standing in for a required field that failed while the rest
# of a front-matter is validated (`partial`); the stand-ins are removed again afterwards.
_STAND_INS: dict[str, Any] = {
    "id": "INC-0",
    "title": "-",
    "date": "2000-01-01",
    "status": "draft",
    "summary": "-",
    "services": ["-"],
}
_ITEM_STAND_INS: dict[str, Any] = {"id": "AI-0", "title": "-"}


def partial(doc: Document, severities: list[str]) -> tuple[Postmortem, list[int]] | None:
    """What still validates of a front-matter that failed the schema, so that one wrong
    field does not hide the findings of the others, of the body and of the action items.

    A top-level field that failed is absent from the result (reading it raises
    AttributeError): a rule that needs it is skipped. An action item that failed is kept in
    its place (other items keep their index, hence their lines) with stand-in values; its
    index is returned so that findings on its lines are dropped, never reported.
    """
    meta = doc.meta
    if not isinstance(meta, dict):
        return None
    context = {"severities": severities}
    try:
        Postmortem.model_validate(meta, context=context)
        return None  # it validates: `validate` gives the real thing
    except ValidationError as exc:
        locs = [_field_loc(e["loc"]) for e in exc.errors(include_url=False)]
    data = dict(meta)
    absent: set[str] = set()
    broken: dict[int, set[str]] = {}
    for loc in locs:
        if not loc or not isinstance(loc[0], str):
            return None  # the front-matter as a whole is wrong
        key = loc[0]
        if key == "action_items" and len(loc) > 1 and isinstance(loc[1], int):
            broken.setdefault(loc[1], set()).update(str(part) for part in loc[2:3])
        elif key in _STAND_INS or key == "severity":
            data[key] = _STAND_INS.get(key, severities[0] if severities else "-")
            absent.add(key)
        else:
            data.pop(key, None)
            absent.add(key)
    items = data.get("action_items")
    if broken and isinstance(items, list):
        items = list(items)
        for index, failed in broken.items():
            item = items[index] if index < len(items) else None
            kept = (
                {k: v for k, v in item.items() if k not in failed} if isinstance(item, dict) else {}
            )
            if isinstance(item, dict):
                kept.update({k: v for k, v in _ITEM_STAND_INS.items() if k not in kept})
            items[index] = kept or dict(_ITEM_STAND_INS)
        data["action_items"] = items
    try:
        pm = Postmortem.model_validate(data, context=context)
    except ValidationError:
        return None
    for name in absent:
        pm.__dict__.pop(name, None)
    return pm, sorted(broken)


# "Did you mean" costs a fuzzy match per unknown key; past this many in one file (a pasted
# blob of thousands of keys), the finding lists the known fields instead.
MAX_SUGGESTIONS = 100


def _findings(doc: Document, exc: ValidationError) -> list[Finding]:
    findings: list[Finding] = []
    seen: set[tuple[str | int, ...]] = set()
    unknown = 0
    for error in exc.errors(include_url=False):
        loc = _field_loc(error["loc"])
        if loc in seen:  # one finding per key, even when a union tried several types
            continue
        seen.add(loc)
        if error["type"] == "extra_forbidden":
            unknown += 1
        findings.append(_finding(doc, error, loc, suggest=unknown <= MAX_SUGGESTIONS))
    return findings


def _field_loc(loc: tuple[Any, ...]) -> tuple[str | int, ...]:
    """Drop pydantic's internal steps (union member names) from an error location."""
    out: list[str | int] = []
    model: type[BaseModel] | None = Postmortem
    for part in loc:
        if isinstance(part, int):
            out.append(part)
        elif model is None:
            break  # a union member's name, or inside a plain value
        elif part in model.model_fields:
            out.append(part)
            model = _MODELS.get(tuple(p for p in out if isinstance(p, str)))
        else:
            out.append(part)  # an unknown key
            break
    return tuple(out)


def _name(loc: tuple[str | int, ...]) -> str:
    return key_path(loc) or "front-matter"


def _finding(
    doc: Document, error: Any, loc: tuple[str | int, ...], suggest: bool = True
) -> Finding:
    kind = error["type"]
    value = error.get("input")
    name = _name(loc)
    key = str(loc[-1]) if loc else ""
    if kind == "missing":
        parent = loc[:-1]
        line, column = doc.locate(parent) if parent else (doc.fm_line, 1)
        hint = _EXAMPLES.get(key, f"{key}: ...")
        where = f" in `{_name(parent)}`" if parent else ""
        return doc.finding(
            "PM201", f"missing required field `{key}`{where}; add `{hint}`", line, column
        )
    if kind == "extra_forbidden":
        line, column = doc.locate(loc, key=True)
        model = _MODELS.get(tuple(p for p in loc[:-1] if isinstance(p, str)), Postmortem)
        close = (
            difflib.get_close_matches(key, list(model.model_fields), n=1, cutoff=0.6)
            if suggest
            else []
        )
        hint = (
            f"; did you mean `{close[0]}`?"
            if close
            else f"; known fields here: {', '.join(model.model_fields)}"
        )
        return doc.finding("PM202", f"unknown field `{name}`{hint}", line, column)
    line, column = doc.locate(loc)
    shown = _show(value)
    if kind in _DATE_ERRORS:
        reason = _reason(error)
        return doc.finding(
            "PM204",
            f"`{name}`: {shown} is not a valid date{reason}; write it as YYYY-MM-DD",
            line,
            column,
        )
    if kind == "timezone_aware":
        return doc.finding(
            "PM205",
            f"`{name}`: timestamp {shown} has no time zone; add one, e.g. `{_with_tz(value)}`",
            line,
            column,
        )
    if kind in _DATETIME_ERRORS or (key == "postmortem_date" and kind.endswith("parsing")):
        return doc.finding(
            "PM204",
            f"`{name}`: {shown} is not a valid timestamp{_reason(error)}; "
            "write it as 2026-04-12T14:30:00Z (with a time zone)",
            line,
            column,
        )
    if key == "severity" and kind == "value_error":
        return doc.finding("PM206", f"`severity`: {error['ctx']['error']}", line, column)
    if kind == "literal_error":
        choices = error["ctx"]["expected"].replace("'", "")
        return doc.finding(
            "PM207", f"`{name}`: unknown value {shown}; use one of {choices}", line, column
        )
    if kind in _TYPE_NAMES:
        return doc.finding(
            "PM203",
            f"`{name}` should be {_TYPE_NAMES[kind]}, not {_describe(value)}",
            line,
            column,
        )
    return doc.finding("PM208", f"`{name}`{_invalid(kind, error, shown)}", line, column)


# What a pattern means, for the patterns of model.py.
_PATTERNS = {
    r"^\S(.*\S)?$": "must not start or end with spaces",
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$": (
        "is not an id; use letters, digits, `.`, `_` and `-` only, starting with a letter "
        "or a digit, e.g. `INC-2026-04-12-001`"
    ),
    r"^[A-Za-z][A-Za-z0-9]*-\d+$": (
        "is not an action-item id; write letters, a dash and a number, e.g. `AI-1`"
    ),
}


def _invalid(kind: str, error: Any, shown: str) -> str:
    """A human sentence for a value the schema refuses (the author's text is quoted as is)."""
    ctx = error.get("ctx") or {}
    if kind == "string_pattern_mismatch":
        rule = _PATTERNS.get(ctx.get("pattern", ""), f"must match `{ctx.get('pattern')}`")
        return f": {shown} {rule}"
    if kind == "string_too_short":
        return " is empty; write the text, or remove the key"
    if kind == "too_short":
        return " needs at least one entry"
    if kind == "greater_than_equal":
        return f": {shown} is negative; write 0 or more"
    if kind in ("less_than_equal", "less_than"):
        return f": {shown} is out of range; write at most {_limit(ctx.get('le', ctx.get('lt')))}"
    if kind == "finite_number":
        return f": {shown} is not a finite number; write the figure, or leave the key out"
    if kind == "date_out_of_range":
        return (
            f": {shown} is outside {ctx['earliest']} to {ctx['latest']}; check the year "
            "(dates outside this window cannot be charted or converted)"
        )
    if kind.startswith("url"):
        return f": {shown} is not a web address; write it as https://..."
    message = error["msg"]  # pydantic's sentence, with the author's text as written
    return f": {message[:1].lower()}{message[1:]} (got {shown})"


def _limit(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else str(value)


def _reason(error: Any) -> str:
    detail = (error.get("ctx") or {}).get("error")
    return f" ({detail})" if detail else ""


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f"`{value}`"
    return text if len(text) <= 60 else text[:57] + "...`"


def _describe(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    return f"the text {_show(value)}"


def _with_tz(value: Any) -> str:
    text = str(value).replace(" ", "T")
    return f"{text}Z" if text else "2026-04-12T14:30:00Z"
