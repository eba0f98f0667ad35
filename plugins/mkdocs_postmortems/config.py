"""The plugin's options in mkdocs.yml, and their translation into core `Settings`."""

from __future__ import annotations

import os
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from .model import DEFAULT_SEVERITIES
from .settings import DEFAULT_REQUIRED_SECTIONS, LintSettings, Settings, Targets

_DEFAULTS = Settings()


class LintConfig(Config):
    select = c.ListOfItems(c.Type(str), default=list(LintSettings().select))
    ignore = c.ListOfItems(c.Type(str), default=[])
    severity = c.DictOfItems(c.Choice(("error", "warning", "off")), default={})
    persons = c.ListOfItems(c.Type(str), default=[])
    blame_words = c.ListOfItems(c.Type(str), default=[])
    vague_verbs = c.ListOfItems(c.Type(str), default=[])
    max_open_action_items = c.Type(int, default=LintSettings().max_open_action_items)


class TargetsConfig(Config):
    completion_rate = c.Type((int, float), default=Targets().completion_rate)
    recurrence_rate = c.Type((int, float), default=Targets().recurrence_rate)
    time_to_postmortem_hours = c.Type((int, float), default=Targets().time_to_postmortem_hours)


class PostmortemsConfig(Config):
    enabled = c.Type(bool, default=True)
    severities = c.ListOfItems(c.Type(str), default=list(DEFAULT_SEVERITIES))
    required_sections = c.DictOfItems(
        c.ListOfItems(c.Type(str), default=[]), default=DEFAULT_REQUIRED_SECTIONS
    )
    exclude = c.ListOfItems(c.Type(str), default=list(_DEFAULTS.exclude))
    placeholder_owners = c.ListOfItems(c.Type(str), default=list(_DEFAULTS.placeholder_owners))
    lint = c.SubConfig(LintConfig)
    # None: on for `mkdocs serve`, off for `mkdocs build`
    show_drafts = c.Optional(c.Type(bool))
    findings_panel = c.Optional(c.Type(bool))
    audience = c.Choice(("internal", "public"), default="internal")
    internal_terms = c.ListOfItems(c.Type(str), default=[])
    drop_fields = c.ListOfItems(c.Type(str), default=[])
    stale_after_days = c.Type(int, default=_DEFAULTS.stale_after_days)
    targets = c.SubConfig(TargetsConfig)
    related_limit = c.Type(int, default=_DEFAULTS.related_limit)
    # `mkdocs build` works out the archive's share (lint, post-mortem and listing HTML,
    # search index, exports) in a second process while MkDocs renders Markdown
    parallel = c.Type(bool, default=True)


def to_settings(
    config: PostmortemsConfig | dict[str, Any] | None,
    *,
    serve: bool = False,
    use_directory_urls: bool = True,
) -> Settings:
    """One translation for both shells; POSTMORTEMS_AUDIENCE=public overrides the audience."""
    values: dict[str, Any] = dict(config or {})
    values.pop("enabled", None)
    values.pop("parallel", None)  # how the build runs, not what it says
    for key in ("show_drafts", "findings_panel"):
        if values.get(key) is None:
            values[key] = serve
    if os.environ.get("POSTMORTEMS_AUDIENCE", "").strip().lower() == "public":
        values["audience"] = "public"
    values["lint"] = dict(values.get("lint") or {})
    values["targets"] = dict(values.get("targets") or {})
    values["use_directory_urls"] = use_directory_urls
    return Settings.model_validate(values)
