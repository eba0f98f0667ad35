"""The CLI reads mkdocs.yml without MkDocs, and gets exactly what MkDocs gets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EPOCH, make_project, run_cli
from mkdocs_postmortems import project
from mkdocs_postmortems.cli import _project_by_mkdocs
from mkdocs_postmortems.config import BuildOptions
from mkdocs_postmortems.options import BUILD_OPTIONS, to_settings
from test_format import GOOD

HEAD = "site_name: Test archive\ndocs_dir: postmortems\n"
EMOJI = (
    "markdown_extensions:\n  - pymdownx.emoji:\n"
    "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
    "      emoji_generator: !!python/name:material.extensions.emoji.to_svg\n"
)

# mkdocs.yml files the fast reader answers for: (name, text)
READABLE = [
    ("plain", HEAD + "plugins:\n  - search\n  - postmortems\n"),
    ("no plugins (MkDocs' default: search)", HEAD),
    ("docs_dir by default", "site_name: T\n"),
    (
        "options, a null one, and other tags",
        HEAD + "site_url: !ENV [SITE_URL, 'https://example.org/']\n" + EMOJI + "plugins:\n"
        "  - search\n  - postmortems:\n      related_limit: 3\n      stale_after_days:\n"
        "      lint: {ignore: [BL], severity: {AI103: warning}}\n      parallel: false\n",
    ),
    (
        "plugins as a mapping, no directory URLs",
        HEAD + "use_directory_urls: false\nplugins:\n  search: {}\n  postmortems:\n"
        "    audience: public\n    severities: [P1, P2]\n    required_sections: {P1: [Summary]}\n",
    ),
    ("null options", HEAD + "plugins:\n  - postmortems:\n"),
    ("skip the theme's namespace", HEAD + "plugins:\n  - /postmortems:\n      related_limit: 1\n"),
    ("disabled", HEAD + "plugins:\n  - postmortems:\n      enabled: false\n"),
]

# ...and those it leaves to MkDocs (which then gives the settings or the error)
UNSURE = [
    ("INHERIT", "INHERIT: base.yml\n"),
    ("a tag in docs_dir", "site_name: T\ndocs_dir: !ENV [DOCS, postmortems]\n"),
    ("a tag in an option", HEAD + "plugins:\n  - postmortems:\n      audience: !ENV AUD\n"),
    ("listed twice", HEAD + "plugins:\n  - postmortems\n  - postmortems\n"),
    ("no site_name", "docs_dir: postmortems\n"),
    ("a missing docs_dir", "site_name: T\ndocs_dir: nowhere\n"),
    ("docs_dir is the config's folder", "site_name: T\ndocs_dir: .\n"),
    ("enabled is not a boolean", HEAD + "plugins:\n  - postmortems:\n      enabled: 1\n"),
    ("not YAML", HEAD + "plugins: [\n"),
]


def _write(tmp_path: Path, text: str) -> Path:
    for folder in ("postmortems", "docs"):
        (tmp_path / folder).mkdir(exist_ok=True)
    (tmp_path / "base.yml").write_text(HEAD, encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text(text, encoding="utf-8")
    return config


@pytest.mark.parametrize(("name", "text"), READABLE, ids=[n for n, _ in READABLE])
def test_the_fast_reader_gives_what_mkdocs_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, text: str
) -> None:
    monkeypatch.chdir(tmp_path)
    config = _write(tmp_path, text)
    written = project.read(Path("mkdocs.yml"))
    assert written is not None
    fast = to_settings(written.options, use_directory_urls=written.use_directory_urls)
    slow = _project_by_mkdocs(Path("mkdocs.yml"))
    assert written.config_file == config
    assert written.docs_dir == slow.docs_dir and written.docs_dir.is_absolute()
    assert fast == slow.settings


def test_the_fast_reader_reads_what_it_was_given(tmp_path: Path) -> None:
    config = _write(tmp_path, READABLE[4][1])
    written = project.read(config)
    assert written is not None and written.use_directory_urls is False
    assert written.options == {
        "audience": "public",
        "severities": ["P1", "P2"],
        "required_sections": {"P1": ["Summary"]},
    }
    settings = to_settings(written.options, use_directory_urls=False)
    assert settings.audience == "public" and settings.use_directory_urls is False


@pytest.mark.parametrize(("name", "text"), UNSURE, ids=[n for n, _ in UNSURE])
def test_the_fast_reader_leaves_the_unusual_to_mkdocs(tmp_path: Path, name: str, text: str) -> None:
    assert project.read(_write(tmp_path, text)) is None


def test_the_build_options_are_the_ones_to_settings_leaves_out() -> None:
    assert tuple(key for key, _ in BuildOptions._schema) == BUILD_OPTIONS


def test_check_reads_an_inherited_config_through_mkdocs(tmp_path: Path) -> None:
    project_dir = make_project(tmp_path, {"2026/a.md": GOOD.replace('"@priya"', "TBD")})
    base = (project_dir / "mkdocs.yml").read_text(encoding="utf-8")
    (project_dir / "base.yml").write_text(base, encoding="utf-8")
    (project_dir / "mkdocs.yml").write_text(
        "INHERIT: base.yml\nplugins:\n  - postmortems:\n      lint: {ignore: [PM401]}\n",
        encoding="utf-8",
    )
    result = run_cli("check", "--format", "json", "--no-cache", cwd=project_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["findings"] == []  # the inherited file's option applies


def test_a_wrong_option_is_reported_as_mkdocs_reports_it(tmp_path: Path) -> None:
    project_dir = make_project(tmp_path, {"2026/a.md": GOOD}, "      related_limit: many")
    result = run_cli("check", cwd=project_dir)
    assert result.returncode == 2
    assert (
        "Plugin 'postmortems' option 'related_limit': Input should be a valid integer"
        in result.stderr
    )
    assert "Traceback" not in result.stderr


def test_a_misspelt_drop_field_stops_check_before_anything_is_published(tmp_path: Path) -> None:
    project_dir = make_project(tmp_path, {"2026/a.md": GOOD}, "      drop_fields: [author]")
    result = run_cli("check", cwd=project_dir)
    assert result.returncode == 2
    assert "option drop_fields: drop_fields names unknown fields: author;" in result.stderr
    assert "authors" in result.stderr.split("can be dropped:")[1]
    assert "Traceback" not in result.stderr


def test_check_file_imports_neither_mkdocs_nor_the_templates(tmp_path: Path) -> None:
    project_dir = make_project(tmp_path, {"2026/a.md": GOOD})
    code = (
        "import sys\n"
        "from mkdocs_postmortems.cli import main\n"
        "try:\n"
        "    main(['check', 'postmortems/2026/a.md'])\n"
        "except SystemExit as exit:\n"
        "    shells = {'mkdocs', 'material', 'jinja2', 'mkdocs_postmortems.render'}\n"
        "    loaded = sorted(name for name in shells if name in sys.modules)\n"
        "    print(exit.code, loaded)\n"
    )
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=project_dir, capture_output=True, text=True, env=env
    )
    assert result.stdout.strip().splitlines()[-1] == "0 []", result.stdout + result.stderr
