"""Core settings, shared by the MkDocs plugin and the CLI.

The MkDocs `config.py` declares the same options for `mkdocs.yml`; both shells
turn what they read into one `Settings` so the core never imports MkDocs.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .model import DEFAULT_SEVERITIES

ALL_SECTIONS: list[str] = [
    "Summary",
    "Impact",
    "Timeline",
    "Root cause",
    "Contributing factors",
    "What went well",
    "What went wrong",
    "Lessons learned",
]

DEFAULT_REQUIRED_SECTIONS: dict[str, list[str]] = {
    "SEV1": ALL_SECTIONS,
    "SEV2": ALL_SECTIONS,
    "SEV3": ["Summary", "Timeline", "Root cause"],
    "SEV4": [],
}


class LintSettings(BaseModel):
    """Which rules run and how loud they are (ruff-style select/ignore)."""

    model_config = ConfigDict(extra="forbid")

    select: list[str] = ["PM", "BL", "AI"]
    ignore: list[str] = []
    severity: dict[str, Literal["error", "warning", "off"]] = {}
    persons: list[str] = Field(default=[], description="Names to treat as persons.")
    blame_words: list[str] = []
    vague_verbs: list[str] = []
    max_open_action_items: int = 7


class Targets(BaseModel):
    model_config = ConfigDict(extra="forbid")

    completion_rate: float = 0.9
    recurrence_rate: float = 0.05
    time_to_postmortem_hours: float = 48


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    severities: list[str] = list(DEFAULT_SEVERITIES)
    required_sections: dict[str, list[str]] = DEFAULT_REQUIRED_SECTIONS
    exclude: list[str] = ["reading-lists/*", "_*", "*/_*"]
    placeholder_owners: list[str] = ["tbd", "tbc", "?", "??", "unknown", "none", "n/a", "-", "todo"]
    lint: LintSettings = LintSettings()
    show_drafts: bool = False
    audience: Literal["internal", "public"] = "internal"
    internal_terms: list[str] = []
    drop_fields: list[str] = []
    stale_after_days: int = 30
    targets: Targets = Targets()
    findings_panel: bool = False
    use_directory_urls: bool = True
    related_limit: int = 5

    @model_validator(mode="after")
    def _sections_for_known_severities(self) -> Settings:
        unknown = sorted(set(self.required_sections) - set(self.severities))
        if unknown:
            raise ValueError(f"required_sections names unknown severities: {', '.join(unknown)}")
        return self

    @property
    def hidden_fields(self) -> set[str]:
        """Fields left out of every page and export (all internal ones in the public edition)."""
        hidden = set(self.drop_fields)
        if self.audience == "public":
            hidden |= {"authors", "revenue_usd", "owner", "ticket"}
        return hidden

    def sections_for(self, severity: str) -> list[str]:
        return self.required_sections.get(severity, [])


def today() -> dt.date:
    """ "Today" for overdue items: SOURCE_DATE_EPOCH when set, for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    seconds = int(epoch) if epoch and epoch.strip().isdigit() else int(time.time())
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC).date()
