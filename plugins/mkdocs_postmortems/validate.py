"""Front-matter → `Postmortem`, with every schema error turned into a finding
that names the key's line and says what to write instead."""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel, ValidationError

from .findings import Finding
from .loader import Document
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


def _findings(doc: Document, exc: ValidationError) -> list[Finding]:
    findings: list[Finding] = []
    seen: set[tuple[str | int, ...]] = set()
    for error in exc.errors(include_url=False):
        loc = _field_loc(error["loc"])
        if loc in seen:  # one finding per key, even when a union tried several types
            continue
        seen.add(loc)
        findings.append(_finding(doc, error, loc))
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
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "front-matter"


def _finding(doc: Document, error: Any, loc: tuple[str | int, ...]) -> Finding:
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
        close = difflib.get_close_matches(key, list(model.model_fields), n=1, cutoff=0.6)
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
    return doc.finding("PM208", f"`{name}`: {error['msg'].lower()} (got {shown})", line, column)


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
