"""Core settings, shared by the MkDocs plugin and the CLI: the one declaration of every
option, with its default and what it is for.

The plugin's `config.py` derives its `mkdocs.yml` options from these fields; both shells
turn what they read into one `Settings`, so the core never imports MkDocs.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .model import DEFAULT_SEVERITIES, Postmortem

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

AUDIENCES: tuple[str, ...] = ("internal", "public")

# Fields every page, link and index is built from: never dropped.
STRUCTURAL_FIELDS = frozenset({"id", "title", "date", "severity", "status", "visibility"})


def _field_names(model: type[BaseModel]) -> set[str]:
    """Every field name of a post-mortem, nested ones too (`owner` of an action item)."""
    names = set()
    for name, info in model.model_fields.items():
        names.add(name)
        for kind in getattr(info.annotation, "__args__", ()) or (info.annotation,):
            for inner in getattr(kind, "__args__", ()) or (kind,):
                if isinstance(inner, type) and issubclass(inner, BaseModel):
                    names |= _field_names(inner)
    return names


DROPPABLE_FIELDS = frozenset(_field_names(Postmortem) - STRUCTURAL_FIELDS)

DEFAULT_REQUIRED_SECTIONS: dict[str, list[str]] = {
    "SEV1": ALL_SECTIONS,
    "SEV2": ALL_SECTIONS,
    "SEV3": ["Summary", "Timeline", "Root cause"],
    "SEV4": [],
}


class LintSettings(BaseModel):
    """Which rules run and how loud they are (ruff-style select/ignore)."""

    model_config = ConfigDict(extra="forbid")

    select: list[str] = Field(["PM", "BL", "AI"], description="Rule prefixes or codes to run.")
    ignore: list[str] = Field([], description="Rule prefixes or codes to skip.")
    severity: dict[str, Literal["error", "warning", "off"]] = Field(
        {}, description="Per-code level, e.g. {AI103: warning, BL104: off}."
    )
    persons: list[str] = Field([], description="Names to treat as persons in BL rules.")
    blame_words: list[str] = Field([], description="Extra words for BL103.")
    vague_verbs: list[str] = Field([], description="Extra verbs for AI101.")
    max_open_action_items: int = Field(7, ge=0, description="AI103 warns above this.")


class Targets(BaseModel):
    """The practice's targets, drawn on /metrics/."""

    model_config = ConfigDict(extra="forbid")

    completion_rate: float = Field(0.9, ge=0, le=1)
    recurrence_rate: float = Field(0.05, ge=0, le=1)
    time_to_postmortem_hours: float = Field(48, ge=0)


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    severities: list[str] = Field(
        list(DEFAULT_SEVERITIES), min_length=1, description="Severity levels, most severe first."
    )
    required_sections: dict[str, list[str]] = Field(
        DEFAULT_REQUIRED_SECTIONS, description="Body sections each severity requires."
    )
    exclude: list[str] = Field(
        ["reading-lists/*", "_*", "*/_*"],
        description="Globs of pages under docs_dir that are not post-mortems.",
    )
    placeholder_owners: list[str] = Field(
        ["tbd", "tbc", "?", "??", "unknown", "none", "n/a", "-", "todo"],
        description="Owners that name nobody (PM401).",
    )
    lint: LintSettings = LintSettings()
    show_drafts: bool | None = Field(
        None, description="List drafts in the indexes; None: on for serve, off for build."
    )
    findings_panel: bool | None = Field(
        None, description="Show findings on each page; None: on for serve, off for build."
    )
    audience: Literal["internal", "public"] = Field(
        "internal", description="The edition; POSTMORTEMS_AUDIENCE overrides it."
    )
    internal_terms: list[str] = Field(
        [], description="Names a public post-mortem may only mention redacted (PM601)."
    )
    drop_fields: list[str] = Field(
        [], description="Fields left out of every page, index and export."
    )
    stale_after_days: int = Field(
        30, ge=0, description="Overdue by more than this: stale, for the monthly review."
    )
    targets: Targets = Targets()
    related_limit: int = Field(5, ge=0, le=50, description="Similar incidents per page.")
    use_directory_urls: bool = True  # MkDocs' own setting, filled in by the shells

    @field_validator("drop_fields")
    @classmethod
    def _droppable(cls, names: list[str]) -> list[str]:
        """A misspelt field would be published anyway, so an unknown name fails closed."""
        structural = sorted(set(names) & STRUCTURAL_FIELDS)
        if structural:
            raise ValueError(
                f"drop_fields cannot drop {', '.join(structural)}: every page, link and index"
                " is built from it; remove it from drop_fields"
            )
        unknown = sorted(set(names) - DROPPABLE_FIELDS)
        if unknown:
            raise ValueError(
                f"drop_fields names unknown fields: {', '.join(unknown)}; fields that can be"
                f" dropped: {', '.join(sorted(DROPPABLE_FIELDS))}"
            )
        return names

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
