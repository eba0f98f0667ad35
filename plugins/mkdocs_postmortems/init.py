"""`postmortems init`: a new archive repository that builds, checks and publishes as it is.

The files come from `render/templates/init/`, with a few placeholders filled in. A file
that already exists is never overwritten: it is reported as skipped, so `init` is safe
to run in a repository that has some of these files already.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from . import __version__

TOOL = "mkdocs-postmortems"
# Where teams install the tool from until it is on a package index: a pip requirement
# that names a git tag. The URL is a placeholder the generated files tell the team to replace.
TOOL_REPOSITORY = "https://github.com/your-org/mkdocs-postmortems"
DEFAULT_NAME = "Post-mortems"


def default_requirement(version: str = __version__) -> str:
    """The requirements.txt line: the tool at this version's tag."""
    return f"{TOOL} @ git+{TOOL_REPOSITORY}@v{version}"


@dataclass(frozen=True)
class Scaffold:
    """One file `init` writes: its template, where it goes, and why a team needs it."""

    template: str
    target: str
    why: str


FILES: tuple[Scaffold, ...] = (
    Scaffold(
        "mkdocs.yml",
        "mkdocs.yml",
        "the site and the plugin: Material, light and dark, no CDN fonts, site_name",
    ),
    Scaffold(
        "requirements.txt",
        "requirements.txt",
        "the tool's version in one line, for the workflows, pre-commit and laptops",
    ),
    Scaffold("index.md", "postmortems/index.md", "the home page, above the latest incidents"),
    Scaffold(
        "github/workflows/pull-request.yml",
        ".github/workflows/pull-request.yml",
        "checks each pull request, builds strictly and uploads the site to preview",
    ),
    Scaffold(
        "github/workflows/publish.yml",
        ".github/workflows/publish.yml",
        "deploys main to GitHub Pages, reproducibly: SOURCE_DATE_EPOCH from the commit",
    ),
    Scaffold(
        "github/pull_request_template.md",
        ".github/pull_request_template.md",
        "the reviewer checklist for a post-mortem",
    ),
    Scaffold("CODEOWNERS", ".github/CODEOWNERS", "who reviews post-mortems: a stub to fill in"),
    Scaffold(
        "pre-commit-config.yaml",
        ".pre-commit-config.yaml",
        "runs `postmortems check` on changed post-mortems before each commit",
    ),
    Scaffold("gitignore", ".gitignore", "keeps the built site and the virtualenv out of git"),
    Scaffold("README.md", "README.md", "how the team writes, checks, previews and publishes"),
)
EXAMPLE = Scaffold(
    "example/postmortem.md",
    "postmortems/2026/2026-01-14-order-confirmation-emails-delayed.md",
    "one complete post-mortem to read and copy from",
)


@dataclass(frozen=True)
class Outcome:
    path: Path
    scaffold: Scaffold
    written: bool  # False: the file existed and was left as it was


def _templates() -> Traversable:
    return files("mkdocs_postmortems").joinpath("render", "templates", "init")


def render(template: str, name: str, requirement: str) -> str:
    """A template with its placeholders filled in (`@@...@@`: Jinja's braces are in workflows)."""
    text = _templates().joinpath(*template.split("/")).read_text(encoding="utf-8")
    values = {
        "site_name": html.escape(name, quote=False),  # in Markdown, where HTML passes through
        "site_name_yaml": json.dumps(name, ensure_ascii=False),  # JSON strings are YAML
        "requirement": requirement,
        "tool_url": _repository_of(requirement),
    }
    return re.sub(r"@@(\w+)@@", lambda m: values[m.group(1)], text)


def _repository_of(requirement: str) -> str:
    """The web address of a `name @ git+https://host/owner/repo@tag` requirement."""
    match = re.search(r"git\+(https://[^@\s]+?)(?:\.git)?(?:@[^@\s]*)?$", requirement)
    return match.group(1) if match else TOOL_REPOSITORY


def init(
    dest: Path,
    name: str = DEFAULT_NAME,
    *,
    example: bool = False,
    requirement: str | None = None,
) -> list[Outcome]:
    """Write the archive's files under `dest`; existing files are skipped, never replaced."""
    requirement = requirement or default_requirement()
    chosen = (*FILES, EXAMPLE) if example else FILES
    outcomes = []
    for scaffold in chosen:
        path = dest / scaffold.target
        text = render(scaffold.template, name, requirement)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with path.open("x", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        except FileExistsError:
            outcomes.append(Outcome(path, scaffold, written=False))
            continue
        outcomes.append(Outcome(path, scaffold, written=True))
    return outcomes
