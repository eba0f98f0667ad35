"""The `postmortems` command: a thin click shell over the same core as the plugin.

Each command imports what it uses when it runs: `check FILE` runs in pre-commit hooks,
and start-up (the rules, the schema) is most of its time; it never imports MkDocs, the
templates or the site's features unless it must.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import clean
from .findings import Finding, format_findings, has_errors
from .loader import discover, display_path, is_postmortem
from .settings import Settings, today

if TYPE_CHECKING:
    from .archive import Archive


@dataclass
class Project:
    docs_dir: Path
    settings: Settings


def _project(config_file: str | None) -> Project:
    """The archive's folder and settings, exactly as a build sees them.

    `project.read` answers for the usual mkdocs.yml without importing MkDocs; anything
    it is not sure of (INHERIT, `!ENV` in a value it needs, an error) is read by MkDocs
    itself, whose messages are then the ones shown.
    """
    path = Path(config_file or "mkdocs.yml")
    if not path.exists():
        if config_file:
            raise click.UsageError(f"{path}: no such config file")
        fallback = Path("postmortems")
        if fallback.is_dir():
            return Project(fallback, Settings())
        raise click.UsageError(
            "no mkdocs.yml here and no PATH given; run from the archive's root or pass files"
        )
    from . import project
    from .options import to_settings

    written = project.read(path)
    if written is not None:
        try:
            settings = to_settings(written.options, use_directory_urls=written.use_directory_urls)
        except ValueError:
            pass  # reported below, as MkDocs and the plugin report it
        else:
            return Project(written.docs_dir, settings)
    return _project_by_mkdocs(path)


def _project_by_mkdocs(path: Path) -> Project:
    """Read mkdocs.yml through MkDocs itself (its errors, its INHERIT, its `!ENV`)."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    from .options import to_settings

    try:
        config = load_config(config_file=str(path))
    except (ConfigurationError, Abort) as exc:
        raise click.UsageError(f"{path}: {exc}") from exc
    plugin = config.plugins.get("postmortems")
    try:
        settings = to_settings(
            plugin.config if plugin else None, use_directory_urls=config.use_directory_urls
        )
    except ValueError as exc:
        raise click.UsageError(f"{path}: plugin postmortems: {exc}") from exc
    return Project(Path(config.docs_dir), settings)


def load_archive(config_file: str | None, rules: bool = False) -> Archive:
    """The archive for `search`, `actions` and `stats`; only `stats` needs the findings."""
    from .pipeline import open_archive

    project = _project(config_file)
    return open_archive(project.docs_dir, project.settings, today(), rules=rules)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mkdocs-postmortems")
def main() -> None:
    """Check, start, search and report on blameless post-mortems."""


config_option = click.option(
    "-f", "--config-file", default=None, help="The mkdocs.yml to read (default: ./mkdocs.yml)."
)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Read every file; neither read nor write .postmortems_cache/ (same findings).",
)
@config_option
def check(paths: tuple[Path, ...], fmt: str, no_cache: bool, config_file: str | None) -> None:
    """Validate and lint post-mortems (default: the docs_dir of mkdocs.yml).

    Exit 0 when there are no errors, 1 when there are, 2 on a usage error. Findings of
    unchanged files come from .postmortems_cache/ next to mkdocs.yml (safe to delete).
    With PATHS, the findings of those post-mortems (the whole archive is still read for
    duplicate ids and references); reading lists are checked with the whole archive.
    """
    project = _project(config_file)
    wanted: set[str] | None = None
    extra: list[Path] = []
    if paths:
        wanted = set()
        for given in paths:
            for path in _expand(given, project):
                wanted.add(display_path(path))
                if not _inside(path, project.docs_dir):
                    extra.append(path)
    files = None
    if extra:
        files = [p for p, _ in discover(project.docs_dir, project.settings.exclude)] + extra
    readers = []
    if wanted is None:
        # what features read (reading lists) reports on their own files, which `check
        # PATHS` does not show: so it runs, and the features, their templates and Jinja
        # are imported, only for a check of the whole archive
        from .features import FEATURES

        readers = [(f.name, f.read) for f in FEATURES if f.read]
    if no_cache:
        from .pipeline import open_archive

        archive = open_archive(
            project.docs_dir, project.settings, today(), paths=files, readers=readers
        )
        findings, count = archive.findings, len(archive.entries)
    else:
        from .cache import CACHE_DIR
        from .cache import check as cached_check

        root = Path(config_file).parent if config_file else Path()
        result = cached_check(
            project.docs_dir, project.settings, today(), root / CACHE_DIR, files, readers=readers
        )
        findings, count = result.findings, result.files
    files = count
    if wanted is not None:
        findings = [f for f in findings if f.path in wanted]
        files = len(wanted)
    click.echo(format_findings(_shown(findings, fmt), files, fmt))
    sys.exit(1 if has_errors(findings) else 0)


def _shown(findings: list[Finding], fmt: str) -> list[Finding]:
    """Findings quote the author's text (and name their files): in the terminal and in
    GitHub's log, which both obey ANSI escapes, control characters are shown as `\\x1b`.
    JSON escapes them itself."""
    if fmt == "json":
        return findings
    return [
        replace(
            f,
            path=clean.terminal(f.path),
            message=clean.terminal(f.message),
            suggestion=clean.terminal(f.suggestion) if f.suggestion else f.suggestion,
        )
        for f in findings
    ]


def _expand(given: Path, project: Project) -> list[Path]:
    if given.is_dir():
        return [p for p, _ in discover(given, project.settings.exclude)]
    if _inside(given, project.docs_dir):
        src_uri = given.resolve().relative_to(project.docs_dir.resolve()).as_posix()
        return [given] if is_postmortem(src_uri, project.settings.exclude) else []
    return [given]


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


@main.command()
@click.argument("title")
@click.option("--severity", required=True, help="SEV1..SEV4 (or the configured levels).")
@click.option("--service", "services", multiple=True, required=True, help="Repeatable.")
@click.option("--tag", "tags", multiple=True, help="Repeatable.")
@click.option(
    "--date",
    "date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Incident start date (default: today).",
)
@config_option
def new(
    title: str,
    severity: str,
    services: tuple[str, ...],
    tags: tuple[str, ...],
    date: dt.datetime | None,
    config_file: str | None,
) -> None:
    """Start a post-mortem from the template, with the next free id."""
    from . import scaffold
    from .pipeline import open_archive

    project = _project(config_file)
    if severity not in project.settings.severities:
        raise click.BadParameter(
            f"{severity!r}; use one of {', '.join(project.settings.severities)}",
            param_hint="--severity",
        )
    archive = open_archive(project.docs_dir, project.settings, today(), rules=False)
    day = date.date() if date else today()
    try:
        path = scaffold.write_new(
            archive, project.docs_dir, title, severity, list(services), list(tags), day
        )
    except FileExistsError as exc:
        raise click.UsageError(f"{exc.filename} already exists; choose another title") from exc
    click.echo(display_path(path))
    similar = scaffold.similar_to(archive, list(services), list(tags), title)
    if similar:
        click.echo("\nSimilar past incidents, to start from what is known:", err=True)
        for entry, reason in similar:
            pm = entry.pm
            assert pm is not None
            title = clean.terminal(pm.title)
            click.echo(f"  {pm.id}  {pm.date}  {pm.severity}  {title}  ({reason})", err=True)


@main.command(name="init")
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", default="Post-mortems", show_default=True, help="The site's name.")
@click.option("--example", is_flag=True, help="Add one complete post-mortem to start from.")
@click.option(
    "--requirement",
    default=None,
    help="The pip requirement requirements.txt pins (default: this version's git tag).",
)
def init_command(directory: Path, name: str, example: bool, requirement: str | None) -> None:
    """Start a new archive repository in DIRECTORY: site, workflows, checklist, README.

    Existing files are never overwritten; they are listed as skipped.
    """
    from .init import init

    outcomes = init(directory, name, example=example, requirement=requirement)
    for outcome in outcomes:
        if outcome.written:
            click.echo(f"wrote    {display_path(outcome.path)}  ({outcome.scaffold.why})")
    skipped = [o for o in outcomes if not o.written]
    for outcome in skipped:
        click.echo(f"skipped  {display_path(outcome.path)}  (exists; left as it was)")
    click.echo(
        f"\n{len(outcomes) - len(skipped)} written, {len(skipped)} skipped. Next:\n"
        f"  cd {display_path(directory)}\n"
        "  edit requirements.txt: the URL where your organisation gets mkdocs-postmortems\n"
        "  python3 -m venv .venv && .venv/bin/pip install -r requirements.txt\n"
        '  postmortems new "What happened" --severity SEV3 --service NAME\n'
        "  mkdocs serve",
        err=True,
    )


@main.command()
@config_option
def schema(config_file: str | None) -> None:
    """Print the JSON Schema of the front-matter (for editors)."""
    from .model import json_schema

    severities = Settings().severities
    if config_file or Path("mkdocs.yml").exists():
        severities = _project(config_file).settings.severities
    click.echo(json.dumps(json_schema(severities), indent=2))


@main.command()
@click.argument("code", required=False)
def rules(code: str | None) -> None:
    """List the rule catalogue, or explain one rule (e.g. `postmortems rules BL101`)."""
    from .rules import catalogue

    known = {r.code: r for r in catalogue()}
    if code is None:
        for entry in known.values():
            click.echo(f"{entry.code}  {entry.name:<34} {entry.message}")
        return
    entry = known.get(code.upper())
    if entry is None:
        raise click.UsageError(f"unknown rule {code!r}; `postmortems rules` lists them")
    click.echo(f"{entry.code} {entry.name}  [{entry.severity}]\n")
    click.echo(entry.message + "\n")
    click.echo(entry.explanation)
    if entry.example:
        click.echo(f"\nExample:\n    {entry.example}")
    if entry.rewrite:
        click.echo(f"\nBlameless rewrite:\n    {entry.rewrite}")


@main.command()
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(["open", "in-progress", "done", "wont-do", "overdue"]),
    help="The item's status; overdue = open or in progress past its due date. Repeatable.",
)
@click.option("--owner", default=None, help="Owner handle, with or without @, any case.")
@click.option("--service", default=None, help="Only items of post-mortems on this service.")
@click.option("--overdue", is_flag=True, help="Only overdue items.")
@click.option("--stale", is_flag=True, help="Only items overdue by more than stale_after_days.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@config_option
def actions(
    statuses: tuple[str, ...],
    owner: str | None,
    service: str | None,
    overdue: bool,
    stale: bool,
    fmt: str,
    config_file: str | None,
) -> None:
    """List action items of published post-mortems, most overdue first (monthly review)."""
    from . import metrics

    archive = load_archive(config_file)
    rows = metrics.select_rows(
        metrics.action_rows(archive), statuses, owner, service, overdue=overdue, stale=stale
    )
    if fmt == "json":
        records = [metrics.action_record(r) for r in rows]
        click.echo(json.dumps(records, indent=2, ensure_ascii=False))
    elif fmt == "csv":
        click.get_binary_stream("stdout").write(metrics.actions_csv(rows).encode("utf-8"))
    else:
        click.echo(clean.terminal(metrics.actions_table(rows), keep_newlines=True))


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable figures.")
@config_option
def stats(as_json: bool, config_file: str | None) -> None:
    """The practice's figures, as on /metrics/: completion, recurrence, time to post-mortem."""
    from . import metrics

    figures = metrics.compute(load_archive(config_file, rules=True))
    if as_json:
        click.echo(json.dumps(figures.as_json(), indent=2, ensure_ascii=False))
    else:
        click.echo(metrics.stats_text(figures))


@main.command(context_settings={"ignore_unknown_options": True})
@click.argument("query", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list with scores.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1))
@config_option
def search(query: tuple[str, ...], as_json: bool, limit: int, config_file: str | None) -> None:
    """Search the archive with the finder's query language (built from the files).

    \b
    Words, "phrases", service:, tag:, severity:, year:, status:, and - to exclude:
        postmortems search 'service:payments timeout -tag:dns'
    The words of QUERY may also come unquoted; a phrase needs shell quotes: '"a phrase"'.
    Exit 2 on a query it cannot run (e.g. an unknown field).
    """
    from .search import QueryError, build, parse, run

    try:
        parsed = parse(" ".join(query))
    except QueryError as exc:
        raise click.UsageError(str(exc)) from exc
    archive = load_archive(config_file)
    index, meta = build(archive)
    by_id = archive.by_id
    rows = []
    for hit in run(index, meta, parsed)[:limit]:
        pm_id = meta["docs"][hit.position][0]
        entry = by_id[pm_id]
        pm = entry.pm
        assert pm is not None
        rows.append(
            {
                "id": pm.id,
                "date": pm.date.isoformat(),
                "severity": pm.severity,
                "title": pm.title,
                "path": entry.doc.path,
                "score": round(hit.score, 6),
            }
        )
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for row in rows:
        shown = [clean.terminal(str(row[k])) for k in ("id", "date", "severity", "title", "path")]
        click.echo("  ".join(shown))
    if not rows:
        click.echo("no post-mortem matches", err=True)


if __name__ == "__main__":  # pragma: no cover
    main()
