"""What a rule is, the registry rule modules add themselves to, and the runner.

Rule modules import this; the package `rules` imports every rule module, so the
catalogue is complete as soon as `rules` is imported.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING, Literal

from ..findings import Finding

if TYPE_CHECKING:
    from ..entry import Entry
    from ..settings import Settings

Scope = Literal["file", "archive", "schema"]


@dataclass(frozen=True)
class Hit:
    """What a check function reports; the runner turns it into a Finding."""

    line: int
    column: int
    message: str
    suggestion: str | None = None
    path: str | None = None  # archive rules may report on another file
    # a rule may be louder for some files (PM602: error in public post-mortems only);
    # a severity set in the lint settings still wins
    severity: Literal["error", "warning"] | None = None


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    message: str
    explanation: str
    example: str = ""
    rewrite: str = ""
    severity: Literal["error", "warning"] = "error"
    scope: Scope = "file"
    # published post-mortems get errors; drafts and in-review ones get warnings
    relaxed_for_drafts: bool = False
    check: Callable[..., Iterable[Hit]] | None = field(default=None, compare=False)

    @property
    def prefix(self) -> str:
        return re.match(r"[A-Z]+", self.code).group(0)  # type: ignore[union-attr]


RULES: dict[str, Rule] = {}


def rule(
    code: str,
    name: str,
    message: str,
    explanation: str,
    *,
    example: str = "",
    rewrite: str = "",
    severity: Literal["error", "warning"] = "error",
    scope: Scope = "file",
    relaxed_for_drafts: bool = False,
) -> Callable[[Callable[..., Iterable[Hit]]], Callable[..., Iterable[Hit]]]:
    """Register a check function under a code."""

    def register(func: Callable[..., Iterable[Hit]]) -> Callable[..., Iterable[Hit]]:
        declare(
            code,
            name,
            message,
            explanation,
            example=example,
            rewrite=rewrite,
            severity=severity,
            scope=scope,
            relaxed_for_drafts=relaxed_for_drafts,
            check=func,
        )
        return func

    return register


def declare(code: str, name: str, message: str, explanation: str, **kw: object) -> Rule:
    if code in RULES:
        raise ValueError(f"rule {code} declared twice")
    new = Rule(code, name, message, explanation, **kw)  # type: ignore[arg-type]
    RULES[code] = new
    return new


class Selection:
    """Which rules run and at which severity, after select/ignore/severity settings."""

    def __init__(self, settings: Settings) -> None:
        lint = settings.lint
        self.settings = settings
        self._enabled: dict[str, bool] = {}
        for code in RULES:
            on = any(code.startswith(s) for s in lint.select) and not any(
                code.startswith(s) for s in lint.ignore
            )
            if lint.severity.get(code) == "off":
                on = False
            self._enabled[code] = on
        # loader and schema findings cannot be switched off: the file is unusable without them
        for code, entry in RULES.items():
            if entry.scope == "schema":
                self._enabled[code] = True

    def enabled(self, code: str) -> bool:
        return self._enabled.get(code, True)

    def rules(self, scope: Scope) -> list[Rule]:
        return [r for r in RULES.values() if r.scope == scope and r.check and self.enabled(r.code)]

    def severity(self, code: str, status: str | None) -> Literal["error", "warning"]:
        entry = RULES.get(code)
        configured = self.settings.lint.severity.get(code)
        level: Literal["error", "warning"] = (
            configured
            if configured in ("error", "warning")
            else entry.severity
            if entry
            else "error"
        )  # type: ignore[assignment]
        if entry and entry.relaxed_for_drafts and status not in (None, "published"):
            return "warning"
        return level


# One rule reports at most this many findings in one file (then one saying there are more):
# a file that repeats one mistake thousands of times gets a readable report, quickly.
MAX_PER_RULE = 100


def run_file_rules(entry: Entry, selection: Selection, partial: bool = False) -> Iterator[Finding]:
    """`partial`: `entry.pm` holds only the fields that passed the schema (the others raise
    AttributeError), and a rule that needs a failed field is skipped for this file."""
    if entry.pm is None:
        rules = [r for r in selection.rules("file") if getattr(r.check, "text_only", False)]
    else:
        rules = selection.rules("file")
    for current in rules:
        assert current.check is not None
        try:
            hits = list(islice(current.check(entry, selection.settings), MAX_PER_RULE + 1))
        except AttributeError:
            if not partial:
                raise
            continue  # it needs a field that failed the schema: that field's finding says so
        for hit in hits[:MAX_PER_RULE]:
            yield _finding(entry, current, hit, selection)
        if len(hits) > MAX_PER_RULE:
            last = hits[MAX_PER_RULE]
            more = Hit(
                last.line,
                last.column,
                f"more {current.code} findings from here on are not listed; "
                f"fix the first {MAX_PER_RULE} and check again",
            )
            yield _finding(entry, current, more, selection)


def run_archive_rules(
    entries: list[Entry], selection: Selection, extra: object = None
) -> Iterator[Finding]:
    by_path = {e.doc.path: e for e in entries}
    for current in selection.rules("archive"):
        assert current.check is not None
        for hit in current.check(entries, selection.settings, extra):
            target = by_path.get(hit.path or "")
            if target is None:
                yield Finding(
                    hit.path or "",
                    hit.line,
                    hit.column,
                    current.code,
                    selection.severity(current.code, None),
                    hit.message,
                    hit.suggestion,
                )
            else:
                yield _finding(target, current, hit, selection)


def _finding(entry: Entry, current: Rule, hit: Hit, selection: Selection) -> Finding:
    status = getattr(entry.pm, "status", None)  # absent when it failed the schema
    severity = selection.severity(current.code, status)
    if hit.severity is not None and current.code not in selection.settings.lint.severity:
        severity = hit.severity
    return Finding(
        entry.doc.path,
        hit.line,
        hit.column,
        current.code,
        severity,
        hit.message,
        hit.suggestion,
    )
