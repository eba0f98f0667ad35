"""The plugin's options in mkdocs.yml, derived from the core `Settings` model.

`settings.py` is the one place an option is declared, with its type, default and
description; each of its fields becomes an option here, checked by the same pydantic
field, so `mkdocs.yml` and `postmortems` accept exactly the same values. Only the
options about how MkDocs runs the build (`enabled`, `parallel`) are declared here.
"""

from __future__ import annotations

import copy
import os
from typing import Annotated, Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from pydantic import TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from .settings import AUDIENCES, Settings

# Settings the shells fill in themselves, not options of mkdocs.yml.
DERIVED = frozenset({"use_directory_urls"})
# None means: on for `mkdocs serve`, off for `mkdocs build`.
SERVE_DEFAULTS = ("show_drafts", "findings_panel")
AUDIENCE_ENV = "POSTMORTEMS_AUDIENCE"


class SettingOption(c.BaseConfigOption[Any]):
    """One option of mkdocs.yml, checked by its field of the settings model."""

    def __init__(self, field: FieldInfo) -> None:
        super().__init__()
        annotation = field.annotation
        if field.metadata:
            annotation = Annotated[annotation, *field.metadata]
        self.adapter: TypeAdapter[Any] = TypeAdapter(annotation)
        default = field.get_default(call_default_factory=True)
        self.default = self.adapter.dump_python(default, mode="json")

    def validate(self, value: object) -> Any:
        if value is None:
            value = copy.deepcopy(self.default)
        try:
            self.adapter.validate_python(value)
        except ValidationError as error:
            raise c.ValidationError(_describe(error)) from None
        return value


def _describe(error: ValidationError, prefix: str = "") -> str:
    """pydantic's errors as one line each: where in the option, and what is wrong."""
    parts = []
    for problem in error.errors():
        where = ".".join(str(part) for part in problem["loc"])
        message = problem["msg"].removeprefix("Value error, ")
        parts.append(f"{prefix}{where}: {message}" if where else message)
    return "; ".join(parts)


class BuildOptions(Config):
    """How MkDocs runs the plugin (not what the archive says)."""

    enabled = c.Type(bool, default=True)
    # `mkdocs build` works out the archive's share (lint, post-mortem and listing HTML,
    # search index, exports) in a second process while MkDocs renders Markdown
    parallel = c.Type(bool, default=True)


PostmortemsConfig: type[BuildOptions] = type(
    "PostmortemsConfig",
    (BuildOptions,),
    {
        "__doc__": "Every option of the plugin: BuildOptions plus each field of `Settings`.",
        **{
            name: SettingOption(field)
            for name, field in Settings.model_fields.items()
            if name not in DERIVED
        },
    },
)


def to_settings(
    config: BuildOptions | dict[str, Any] | None,
    *,
    serve: bool = False,
    use_directory_urls: bool = True,
) -> Settings:
    """One translation for both shells; POSTMORTEMS_AUDIENCE overrides the audience.

    Raises ValueError naming the option that is wrong.
    """
    values: dict[str, Any] = dict(config or {})
    for key in BuildOptions._schema:
        values.pop(key[0], None)
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
        raise ValueError(_describe(error, prefix="option ")) from None
