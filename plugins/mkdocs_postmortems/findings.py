"""A finding and the forms it is printed in (text, JSON, GitHub annotations)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    column: int
    code: str
    severity: Severity
    message: str
    suggestion: str | None = None

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"

    def text(self) -> str:
        head = f"{self.location} {self.code} {self.message}"
        if self.severity == "warning":
            head = f"{self.location} {self.code} [warning] {self.message}"
        if self.suggestion:
            head += f"\n    suggestion: {self.suggestion}"
        return head

    def github(self) -> str:
        """A workflow command; GitHub shows it on the changed line of the pull request."""
        kind = "error" if self.severity == "error" else "warning"
        message = self.message + (f" Suggestion: {self.suggestion}" if self.suggestion else "")
        return (
            f"::{kind} file={_escape_property(self.path)},line={self.line},"
            f"col={self.column},title={self.code}::{_escape_data(message)}"
        )


_C1 = re.compile("[\x80-\x9f]")


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


def format_findings(findings: list[Finding], files: int, fmt: str) -> str:
    ordered = sorted(findings)
    if fmt == "json":
        rows = []
        for finding in ordered:
            row = asdict(finding)
            if row["suggestion"] is None:
                del row["suggestion"]
            rows.append(row)
        text = json.dumps({"files": files, "findings": rows}, indent=2, ensure_ascii=False)
        # JSON allows C1 controls raw, and a terminal reading the output would act on them
        # (U+009B starts a control sequence): escaped, the data is the same
        return _C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    if fmt == "github":
        return "\n".join(f.github() for f in ordered)
    lines = [f.text() for f in ordered]
    errors = sum(f.severity == "error" for f in ordered)
    warnings = len(ordered) - errors
    lines.append(
        f"Checked {files} file{'s' if files != 1 else ''}: "
        f"{errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''}."
    )
    return "\n".join(lines)
