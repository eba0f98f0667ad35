"""The plugin's options in mkdocs.yml, derived from the core `Settings` model.

`settings.py` is the one place an option is declared, with its type, default and
description; each of its fields becomes an option here, checked by the same pydantic
field, so `mkdocs.yml` and `postmortems` accept exactly the same values. Only the
options about how MkDocs runs the build (`enabled`, `parallel`) are declared here.
`options.to_settings` turns them into `Settings` (it needs no MkDocs, for the CLI).
"""

from __future__ import annotations

import copy
from typing import Annotated, Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from pydantic import TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from .options import AUDIENCE_ENV, BUILD_OPTIONS, DERIVED, SERVE_DEFAULTS, describe, to_settings
from .settings import Settings

__all__ = [
    "AUDIENCE_ENV",
    "BUILD_OPTIONS",
    "DERIVED",
    "SERVE_DEFAULTS",
    "BuildOptions",
    "PostmortemsConfig",
    "SettingOption",
    "to_settings",
]


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
            raise c.ValidationError(describe(error)) from None
        return value


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
