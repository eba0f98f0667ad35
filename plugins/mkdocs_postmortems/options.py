"""The plugin's options as both shells turn them into `Settings`, without MkDocs.

`config.py` declares the options for MkDocs (one per `Settings` field, plus the build
options); the plugin and the CLI then call `to_settings` here. It lives apart from
`config.py` so that `postmortems check` can read `mkdocs.yml` without importing MkDocs.
"""

from __future__ import annotations

import os
from typing import Any

from pydantic import ValidationError

from .settings import AUDIENCES, Settings

# Settings the shells fill in themselves, not options of mkdocs.yml.
DERIVED = frozenset({"use_directory_urls"})
# Options about how MkDocs runs the plugin (`config.BuildOptions`), not settings.
BUILD_OPTIONS = ("enabled", "parallel")
# None means: on for `mkdocs serve`, off for `mkdocs build`.
SERVE_DEFAULTS = ("show_drafts", "findings_panel")
AUDIENCE_ENV = "POSTMORTEMS_AUDIENCE"


def describe(error: ValidationError, prefix: str = "") -> str:
    """pydantic's errors as one line each: where in the option, and what is wrong."""
    parts = []
    for problem in error.errors():
        where = ".".join(str(part) for part in problem["loc"])
        message = problem["msg"].removeprefix("Value error, ")
        parts.append(f"{prefix}{where}: {message}" if where else message)
    return "; ".join(parts)


def to_settings(
    config: Any = None,
    *,
    serve: bool = False,
    use_directory_urls: bool = True,
) -> Settings:
    """One translation for both shells; POSTMORTEMS_AUDIENCE overrides the audience.

    `config` is the plugin's options: MkDocs' validated plugin config, or the mapping
    written in mkdocs.yml. Raises ValueError naming the option that is wrong.
    """
    values: dict[str, Any] = dict(config or {})
    for key in BUILD_OPTIONS:
        values.pop(key, None)
    for key in SERVE_DEFAULTS:
        if values.get(key) is None:
            values[key] = serve
    audience = os.environ.get(AUDIENCE_ENV)
    if audience is not None and audience.strip():
        wanted = audience.strip().lower()
        if wanted not in AUDIENCES:
            # fail closed: a typo must never publish the internal edition
            raise ValueError(
                f"{AUDIENCE_ENV}={audience!r} is not one of {', '.join(AUDIENCES)}; "
                "unset it or fix the value"
            )
        values["audience"] = wanted
    values["use_directory_urls"] = use_directory_urls
    try:
        return Settings.model_validate(values)
    except ValidationError as error:
        raise ValueError(describe(error, prefix="option ")) from None
