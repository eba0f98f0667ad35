"""What the CLI needs of `mkdocs.yml`, read without MkDocs.

`postmortems check FILE` runs in pre-commit hooks, where loading the configuration
through MkDocs (MkDocs itself, the theme, every plugin and their imports) cost more
than checking the file. The CLI needs three values: `docs_dir`, `use_directory_urls`
and the options of the `postmortems` plugin. This module reads them as MkDocs would:
the same YAML resolution, `docs_dir` relative to the file's folder, `plugins` as a list
or a mapping, a null option meaning its default.

It answers only when it is sure. Anything else (`INHERIT`, a tag such as `!ENV` in a
value it needs, a value MkDocs would reject, the plugin listed twice) gives None, and
the shell asks MkDocs, so the settings and the error messages stay exactly MkDocs'.
The YAML is read with a safe loader: a tag it does not know (`!ENV`,
`!!python/name:...` for pymdownx emoji, `!relative`) is kept as an opaque value,
never constructed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .options import BUILD_OPTIONS
from .settings import Settings

PLUGIN = "postmortems"

try:
    _Base: type = yaml.CSafeLoader
except AttributeError:  # PyYAML without libyaml
    _Base = yaml.SafeLoader


class _Tagged:
    """A value written with a tag this reader does not resolve (MkDocs would)."""

    __slots__ = ("tag",)

    def __init__(self, tag: str) -> None:
        self.tag = tag


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """A safe loader that tolerates every tag of an mkdocs.yml."""


def _tagged(loader: yaml.BaseLoader, suffix: str, node: yaml.Node) -> _Tagged:
    return _Tagged(node.tag)


# the standard tags keep their constructors; every other one becomes a `_Tagged`
_Loader.add_multi_constructor("", _tagged)


@dataclass(frozen=True)
class Written:
    """What mkdocs.yml says, as MkDocs' validated configuration would give it."""

    config_file: Path  # absolute
    docs_dir: Path  # absolute, as MkDocs resolves it
    use_directory_urls: bool
    options: dict[str, Any] | None  # the plugin's options; None: not in `plugins`


def read(config_file: Path) -> Written | None:
    """mkdocs.yml's answer, or None where only MkDocs can give it exactly."""
    path = os.path.abspath(config_file)
    try:
        with open(path, "rb") as handle:
            data = yaml.load(handle, Loader=_Loader)  # a safe loader (see _Loader)
    except (OSError, yaml.YAMLError):
        return None
    if not isinstance(data, dict) or "INHERIT" in data:
        return None
    if not isinstance(data.get("site_name"), str):
        return None  # required by MkDocs: its own error names it
    docs_dir = _default(data.get("docs_dir"), "docs")
    use_directory_urls = _default(data.get("use_directory_urls"), True)
    if not isinstance(docs_dir, str) or not isinstance(use_directory_urls, bool):
        return None
    folder = os.path.dirname(path)
    docs = os.path.abspath(os.path.join(folder, docs_dir))
    if docs == folder or not os.path.isdir(docs):
        return None
    try:
        options = _plugin_options(_default(data.get("plugins"), ["search"]))
    except _Unsure:
        return None
    return Written(Path(path), Path(docs), use_directory_urls, options)


class _Unsure(Exception):
    """Only MkDocs can say (or report the error as MkDocs does)."""


def _default(value: object, default: object) -> object:
    return default if value is None else value


def _plugin_options(plugins: object) -> dict[str, Any] | None:
    """The postmortems plugin's options, as `Config` keeps them before `to_settings`."""
    if isinstance(plugins, dict):
        listed = list(plugins.items())
    elif isinstance(plugins, list):
        listed = []
        for item in plugins:
            if isinstance(item, dict):
                if len(item) != 1:
                    raise _Unsure
                listed.extend(item.items())
            else:
                listed.append((item, {}))
    else:
        raise _Unsure
    found = []
    for name, options in listed:
        if not isinstance(name, str):
            raise _Unsure
        if name.removeprefix("/") == PLUGIN:  # `/name` skips the theme's namespace
            found.append(options)
    if not found:
        return None
    if len(found) > 1:
        raise _Unsure  # a second instance: MkDocs names it `postmortems #2`
    options = _default(found[0], {})
    if not isinstance(options, dict) or _has_tag(options):
        raise _Unsure
    known = set(Settings.model_fields) | set(BUILD_OPTIONS)
    kept: dict[str, Any] = {}
    for key, value in options.items():
        if key in BUILD_OPTIONS and value is not None and not isinstance(value, bool):
            raise _Unsure  # MkDocs' own message for a wrong `enabled` or `parallel`
        if value is None and key in known:
            continue  # null is the default, as MkDocs' option does
        kept[key] = value
    return kept


def _has_tag(value: object) -> bool:
    if isinstance(value, _Tagged):
        return True
    if isinstance(value, dict):
        return any(_has_tag(k) or _has_tag(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_tag(v) for v in value)
    return False
