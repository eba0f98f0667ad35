"""The shape of the package: one direction of imports, a complete catalogue, a build plan
whose failures and warnings reach the user, and options declared once."""

from __future__ import annotations

import ast
import gc
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import EPOCH, ROOT, build_site, make_project

PACKAGE = ROOT / "plugins" / "mkdocs_postmortems"
NAME = PACKAGE.name
SHELLS = {f"{NAME}.plugin", f"{NAME}.preview", f"{NAME}.cli", f"{NAME}.config"}
# The layers, lowest first: a module may import its own layer and the ones below.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"findings", "model", "suppress", "loader", "settings", "entry", "redact", "clean"}),
    frozenset({"rules", "validate"}),
    frozenset({"archive", "pipeline"}),
)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph() -> dict[str, set[str]]:
    """Every import of the package's modules, wherever it stands (TYPE_CHECKING and
    function-level imports count: a cycle there is a cycle for the reader too)."""
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = package
                for _ in range(node.level - 1):
                    base = base.rpartition(".")[0]
                module = node.module or ""
                if node.level:
                    module = f"{base}.{module}" if module else base
                targets = [f"{module}.{alias.name}" for alias in node.names] or [module]
            for target in targets:
                while target and target not in files:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle_in_the_package() -> None:
    assert cycles(import_graph()) == []


def test_lower_layers_never_import_higher_ones() -> None:
    graph = import_graph()
    layer_of = {}
    for number, names in enumerate(LAYERS):
        for short in names:
            layer_of[f"{NAME}.{short}"] = number
    top = len(LAYERS)
    wrong = []
    for module, targets in graph.items():
        home = next(
            (n for m, n in layer_of.items() if module == m or module.startswith(m + ".")), top
        )
        for target in targets:
            there = next(
                (n for m, n in layer_of.items() if target == m or target.startswith(m + ".")), top
            )
            if there > home:
                wrong.append(f"{module} imports {target}")
    assert wrong == []


def test_only_the_shells_import_mkdocs_or_click() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        name = _module_name(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = []
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                modules = [node.module or ""]
            for module in modules:
                if module.split(".")[0] in ("mkdocs", "click", "material") and name not in SHELLS:
                    offenders.append(f"{name}: {module}")
    assert offenders == []


def test_catalogue_is_complete_in_a_fresh_process() -> None:
    """`postmortems rules PM702` knew the code only once the site module had been imported."""
    exe = Path(sys.executable).with_name("postmortems")
    listing = subprocess.run([str(exe), "rules"], capture_output=True, text=True, check=True)
    codes = {line.split()[0] for line in listing.stdout.splitlines() if line[:2].isalpha()}
    assert {"PM701", "PM702", "PM703", "PM101", "BL101", "AI101"} <= codes
    one = subprocess.run([str(exe), "rules", "PM702"], capture_output=True, text=True)
    assert one.returncode == 0, one.stderr
    assert "reading-list-unknown-id" in one.stdout
    code = (
        "from mkdocs_postmortems.rules import catalogue;"
        "print(len([r for r in catalogue() if r.code.startswith('PM70')]))"
    )
    fresh = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert fresh.stdout.strip() == "3"


def test_feature_names_are_unique_and_features_register_nothing() -> None:
    from mkdocs_postmortems.features import FEATURES

    names = [f.name for f in FEATURES]
    assert len(names) == len(set(names))
    assert "reading_lists" in names
    source = "\n".join(p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py"))
    for old in ("ARCHIVE_HOOKS", "PAGE_HOOKS", "OUTPUT_HOOKS", "POSTMORTEM_CONTEXT", "BUILDERS"):
        assert old not in source


# -- the build plan -------------------------------------------------------------------------

POSTMORTEM = """---
id: INC-2026-01-05-001
title: Queue backlog after a broker restart
date: 2026-01-05
severity: SEV4
status: published
summary: The orders queue backed up for twenty minutes after a broker restart.
services: [orders]
tags: [queue]
---
## Summary

The orders queue backed up after a broker restart.
"""

HOOK = """
import logging

from mkdocs_postmortems.features import exports

original = exports.feed


def failing_feed(*args, **kwargs):
    raise RuntimeError("the feed writer broke")


def warning_feed(*args, **kwargs):
    logging.getLogger("mkdocs.plugins.test").warning("a warning logged in the background")
    return original(*args, **kwargs)


def on_startup(command, dirty):
    exports.feed = {kind}_feed
"""


def _project_with_hook(tmp_path: Path, kind: str, parallel: bool = True) -> Path:
    project = make_project(
        tmp_path, {"2026/queue.md": POSTMORTEM}, f"      parallel: {str(parallel).lower()}"
    )
    (project / "hook.py").write_text(textwrap.dedent(HOOK.format(kind=kind)), encoding="utf-8")
    with (project / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("hooks:\n  - hook.py\n")
    return project


@pytest.mark.parametrize("parallel", [True, False])
def test_a_failing_stage_is_one_clear_error_naming_it(tmp_path: Path, parallel: bool) -> None:
    project = _project_with_hook(tmp_path, "failing", parallel)
    result = build_site(project, tmp_path / "site")
    assert result.returncode == 1
    assert (
        "the 'outputs' stage of the build failed: RuntimeError: the feed writer broke"
        in result.stderr
    )
    assert "Traceback" not in result.stderr
    assert "(see above)" not in result.stderr


def test_warnings_of_the_background_process_count_for_strict(tmp_path: Path) -> None:
    project = _project_with_hook(tmp_path, "warning", parallel=True)
    exe = Path(sys.executable).with_name("mkdocs")
    strict = subprocess.run(  # not -q: it would hide the warning from the console
        [str(exe), "build", "--strict", "-d", str(tmp_path / "site")],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
    )
    assert strict.stderr.count("a warning logged in the background") == 1, strict.stderr
    assert strict.returncode == 1
    assert "Aborted with 1 warnings in strict mode!" in strict.stdout + strict.stderr


def test_background_plan_leaves_the_collector_as_it_was(tmp_path: Path) -> None:
    from mkdocs_postmortems import build
    from mkdocs_postmortems.render import Renderer
    from mkdocs_postmortems.settings import Settings, today

    project = make_project(tmp_path, {"2026/queue.md": POSTMORTEM})
    docs = project / "postmortems"
    settings = Settings()
    archive = build.build_archive(
        [(docs / "2026/queue.md", "2026/queue.md")], settings, today(), docs
    )
    renderer = Renderer(archive)
    pages = build.generated_pages(archive)
    site = build.SiteInfo(tmp_path / "site", "Test", "")
    frozen_before, enabled_before = gc.get_freeze_count(), gc.isenabled()
    background = build.Background(build.Plan(archive, renderer, pages, site), parallel=True)
    assert background.parallel
    assert gc.get_freeze_count() == frozen_before
    assert gc.isenabled() == enabled_before
    background.finish()
    assert (tmp_path / "site" / "feed.xml").exists()
    assert archive.findings == []  # taken over from the child: the post-mortem is clean


# -- options --------------------------------------------------------------------------------


def test_every_setting_is_an_option_of_mkdocs_yml() -> None:
    from mkdocs_postmortems.config import DERIVED, PostmortemsConfig
    from mkdocs_postmortems.settings import Settings

    options = {name for name, _ in PostmortemsConfig._schema}
    assert options == (set(Settings.model_fields) - DERIVED) | {"enabled", "parallel"}


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("      lint: {selct: [PM]}", "option 'lint': selct: Extra inputs are not permitted"),
        ("      related_limit: many", "option 'related_limit': Input should be a valid integer"),
        (
            "      required_sections: {SEV9: [Summary]}",
            "plugin postmortems: required_sections names unknown severities: SEV9",
        ),
        ("      audience: pubilc", "option 'audience': Input should be 'internal' or 'public'"),
        # a misspelt field would be published anyway: fail closed
        ("      drop_fields: [author]", "drop_fields names unknown fields: author; fields"),
        ("      drop_fields: [id, owner]", "drop_fields cannot drop id: every page, link"),
    ],
)
def test_config_errors_name_the_option_without_a_traceback(
    tmp_path: Path, extra: str, message: str
) -> None:
    project = make_project(tmp_path, {"2026/queue.md": POSTMORTEM}, extra)
    result = build_site(project, tmp_path / "site")
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unknown_audience_in_the_environment_fails_closed(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"2026/queue.md": POSTMORTEM})
    env = {"POSTMORTEMS_AUDIENCE": "pubilc"}
    result = build_site(project, tmp_path / "site", env=env)
    assert result.returncode == 1
    assert "POSTMORTEMS_AUDIENCE='pubilc' is not one of internal, public" in result.stderr
    assert not (tmp_path / "site" / "index.html").exists()
    exe = Path(sys.executable).with_name("postmortems")
    check = subprocess.run(
        [str(exe), "check"],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **env},
    )
    assert check.returncode == 2
    assert "POSTMORTEMS_AUDIENCE='pubilc'" in check.stderr
