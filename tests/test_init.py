"""`postmortems init`: a new team's archive repository, from nothing to a published site.

What a team meets, in order: the files `init` writes (and never overwrites), workflows
that pass actionlint and pin the tool in one place, a site that builds with no other
step and has a home page, navigation to every generated page and the styled layout,
and the whole loop: new -> fill in -> check -> build -> listed everywhere.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import SCREENSHOTS, build_site, run_cli
from finder_files import fact_rows, text_rows
from mkdocs_postmortems import __version__
from mkdocs_postmortems.init import EXAMPLE, FILES, default_requirement
from mkdocs_postmortems.navigation import site_nav
from test_workflows import SHA_PIN, VERSION_COMMENT, actionlint_command, load, steps, uses_lines

WRITTEN = [
    "mkdocs.yml",
    "requirements.txt",
    "postmortems/index.md",
    ".github/workflows/pull-request.yml",
    ".github/workflows/publish.yml",
    ".github/pull_request_template.md",
    ".github/CODEOWNERS",
    ".pre-commit-config.yaml",
    ".gitignore",
    "README.md",
]
EXAMPLE_PATH = "postmortems/2026/2026-01-14-order-confirmation-emails-delayed.md"
# The top-level indexes a reader must reach from every page, in the navigation's order.
INDEXES = [
    ("Find", "find/"),
    ("Services", "services/"),
    ("Tags", "tags/"),
    ("Severity", "severity/"),
    ("Archive", "archive/"),
    ("Action items", "actions/"),
    ("Metrics", "metrics/"),
    ("Writing guide", "writing-guide/"),
]


def init(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = run_cli("init", *args, cwd=tmp)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`postmortems init my-archive --example`, exactly as a new team types it."""
    tmp = tmp_path_factory.mktemp("init")
    init(tmp, "my-archive", "--name", "Acme incidents", "--example")
    return tmp / "my-archive"


@pytest.fixture(scope="module")
def built(archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("init-site") / "site"
    result = build_site(archive, site)
    assert result.returncode == 0, result.stderr
    return site


def nav_links(html: str) -> list[tuple[str, str]]:
    """(label, href) of Material's top tabs, in order."""
    found = re.findall(r'<a href="([^"]*)" class="md-tabs__link[^"]*">\s*(.*?)\s*</a>', html, re.S)
    return [(re.sub(r"<[^>]+>|\s+", " ", label).strip(), href) for href, label in found]


# -- the files ------------------------------------------------------------------------------


def test_init_writes_every_file_and_says_why(tmp_path: Path) -> None:
    result = init(tmp_path, "new-archive")
    listed = re.findall(r"^wrote    (\S+)  \((.+)\)$", result.stdout, re.M)
    assert [path for path, _ in listed] == [f"new-archive/{name}" for name in WRITTEN]
    assert all(why for _, why in listed)
    assert [s.target for s in FILES] == WRITTEN
    for name in WRITTEN:
        assert (tmp_path / "new-archive" / name).is_file(), name
    assert not (tmp_path / "new-archive" / EXAMPLE_PATH).exists()  # only with --example
    assert "10 written, 0 skipped" in result.stderr
    assert "requirements.txt" in result.stderr  # the next steps name the one line to edit


def test_init_never_overwrites_and_lists_what_it_skipped(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# Our archive\n", encoding="utf-8")
    (tmp_path / "postmortems").mkdir()
    (tmp_path / "postmortems" / "index.md").write_text("Our own home page.\n", encoding="utf-8")
    result = init(tmp_path, "--example")
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == "# Our archive\n"
    assert (tmp_path / "postmortems/index.md").read_text(encoding="utf-8") == "Our own home page.\n"
    skipped = re.findall(r"^skipped  (\S+)  \(exists; left as it was\)$", result.stdout, re.M)
    assert skipped == ["postmortems/index.md", "README.md"]
    assert "9 written, 2 skipped" in result.stderr
    again = init(tmp_path)  # a second run changes nothing and says so
    assert "0 written, 10 skipped" in again.stderr
    assert "wrote" not in again.stdout


def test_mkdocs_yml_is_material_offline_light_and_dark(archive: Path) -> None:
    config = yaml.safe_load((archive / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["site_name"] == "Acme incidents"
    assert config["docs_dir"] == "postmortems"
    assert config["theme"]["name"] == "material"
    assert config["theme"]["font"] is False  # no fonts from a CDN
    schemes = [p["scheme"] for p in config["theme"]["palette"]]
    assert schemes == ["default", "slate"]
    assert config["plugins"][0] == "search" and "postmortems" in config["plugins"][1]
    assert "nav" not in config and "custom_dir" not in config["theme"]


def test_site_name_is_quoted_for_yaml(tmp_path: Path) -> None:
    init(tmp_path, "--name", 'Ops: "incidents" # 2026')
    config = yaml.safe_load((tmp_path / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["site_name"] == 'Ops: "incidents" # 2026'


def test_the_tool_is_pinned_in_one_line(archive: Path) -> None:
    lines = (archive / "requirements.txt").read_text(encoding="utf-8").splitlines()
    pins = [line for line in lines if line.strip() and not line.startswith("#")]
    assert pins == [default_requirement()]
    assert pins[0].endswith(f"@v{__version__}")
    assert any("Replace the URL" in line for line in lines)
    for workflow in (".github/workflows/pull-request.yml", ".github/workflows/publish.yml"):
        text = (archive / workflow).read_text(encoding="utf-8")
        assert "pip install -r requirements.txt" in text
        assert "mkdocs-postmortems" not in text  # the version lives in requirements.txt only
    readme = (archive / "README.md").read_text(encoding="utf-8")
    assert "## Upgrade the tool" in readme and "requirements.txt" in readme


def test_requirement_option_replaces_the_pin(tmp_path: Path) -> None:
    init(tmp_path, "--requirement", "mkdocs-postmortems @ git+https://git.acme.test/ops/pm@v9.9.9")
    pins = (tmp_path / "requirements.txt").read_text(encoding="utf-8")
    assert pins.rstrip().endswith("mkdocs-postmortems @ git+https://git.acme.test/ops/pm@v9.9.9")
    assert "(https://git.acme.test/ops/pm)" in (tmp_path / "README.md").read_text(encoding="utf-8")


def test_pre_commit_hook_is_local_and_runs_check(archive: Path) -> None:
    config = yaml.safe_load((archive / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (repo,) = config["repos"]
    assert repo["repo"] == "local"
    (hook,) = repo["hooks"]
    assert hook["entry"] == "postmortems check"
    assert hook["pass_filenames"] is True
    pattern = re.compile(hook["files"])
    assert pattern.search("postmortems/2026/2026-01-14-order.md")
    assert not pattern.search("README.md")


def test_review_files(archive: Path) -> None:
    template = (archive / ".github/pull_request_template.md").read_text(encoding="utf-8")
    assert "## Reviewer checklist for a post-mortem" in template
    assert "single named owner" in template and "code change" not in template
    owners = (archive / ".github/CODEOWNERS").read_text(encoding="utf-8")
    # a stub: nothing assigned until the team fills it in (GitHub rejects unknown teams)
    assert all(line.startswith("#") for line in owners.splitlines() if line.strip())
    assert "/postmortems/" in owners
    ignored = (archive / ".gitignore").read_text(encoding="utf-8").split()
    assert "site/" in ignored and ".venv/" in ignored


# -- the workflows --------------------------------------------------------------------------


def workflow(archive: Path, name: str) -> dict[str, Any]:
    return load(archive / ".github" / "workflows" / name)


@pytest.mark.parametrize("name", ["pull-request.yml", "publish.yml"])
def test_generated_workflows_pin_actions_and_read_only(archive: Path, name: str) -> None:
    path = archive / ".github" / "workflows" / name
    for number, ref, line in uses_lines(path):
        assert SHA_PIN.match(ref), f"{name}:{number}: `{ref}` is not pinned by a full SHA"
        assert VERSION_COMMENT.search(line), f"{name}:{number}: no `# vX.Y.Z` comment"
    assert load(path)["permissions"] == {"contents": "read"}


def test_generated_pull_request_workflow_checks_builds_and_uploads(archive: Path) -> None:
    pr = workflow(archive, "pull-request.yml")
    runs = [str(step.get("run", "")) for step in steps(pr)]
    order = ["pip install -r requirements.txt", "postmortems check --format github"]
    order.append("mkdocs build --strict")
    positions = [next(i for i, run in enumerate(runs) if needle in run) for needle in order]
    assert positions == sorted(positions)
    upload = [s for s in steps(pr) if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert upload and upload[0]["with"]["path"] == "site/"
    assert "pytest" not in "\n".join(runs)  # the archive has no tests of its own


def test_generated_publish_workflow_deploys_reproducibly(archive: Path) -> None:
    publish = workflow(archive, "publish.yml")
    build_runs = [str(step.get("run", "")) for step in publish["jobs"]["build"]["steps"]]
    epoch = next(i for i, run in enumerate(build_runs) if "SOURCE_DATE_EPOCH=$(git log" in run)
    build = next(i for i, run in enumerate(build_runs) if "mkdocs build --strict" in run)
    assert epoch < build
    deploy = publish["jobs"]["deploy"]
    assert deploy["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in deploy["steps"])


def test_generated_workflows_pass_actionlint(archive: Path) -> None:
    command, env = actionlint_command()
    files = sorted(str(p) for p in (archive / ".github" / "workflows").glob("*.yml"))
    assert len(files) == 2
    result = subprocess.run(
        [*command, *files], cwd=archive, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 file(s) clean" in result.stdout


# -- the site -------------------------------------------------------------------------------


def test_example_passes_check_with_no_finding(archive: Path) -> None:
    result = run_cli("check", "--format", "json", cwd=archive)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report == {"files": 1, "findings": []}
    assert (archive / EXAMPLE_PATH).is_file() and EXAMPLE.target == EXAMPLE_PATH


def test_site_has_home_navigation_to_every_index_and_titles(built: Path) -> None:
    home = (built / "index.html").read_text(encoding="utf-8")
    assert "<title>Acme incidents</title>" in home
    assert '<h1 id="acme-incidents">Acme incidents' in home
    assert nav_links(home) == [("Home", "."), *INDEXES]
    assert "This archive collects our post-mortems" in home
    assert "Order confirmation emails delayed by a full mail queue" in home  # latest incidents
    for title, href in INDEXES:
        page = (built / href / "index.html").read_text(encoding="utf-8")
        assert f"<title>{title} - Acme incidents</title>" in page, href
        assert nav_links(page)[0] == ("Home", ".."), href
    page = (built / EXAMPLE_PATH.removeprefix("postmortems/").removesuffix(".md")).joinpath(
        "index.html"
    )
    text = page.read_text(encoding="utf-8")
    assert "<h1>Order confirmation emails delayed" in text
    assert 'class="pm-card"' in text
    assert "assets/postmortems/postmortems.css" in text
    assert "fonts.googleapis.com" not in text


def test_init_then_build_strict_with_no_other_step(tmp_path: Path) -> None:
    """The README's promise: `postmortems init my-archive && cd my-archive && mkdocs build`."""
    init(tmp_path, "my-archive")
    result = build_site(tmp_path / "my-archive", tmp_path / "site")
    assert result.returncode == 0, result.stderr
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert nav_links(home) == [("Home", "."), *INDEXES]
    assert "No post-mortems yet" in home or "Latest incidents" in home


def fill_in(path: Path) -> None:
    """What an author does to the draft `postmortems new` wrote: facts, then the narrative."""
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    meta = yaml.safe_load(front)
    day = meta["date"]
    meta.update(
        status="published",
        summary="Checkout rejected card payments for 20 minutes after a configuration change "
        "lowered the payment gateway's connection limit; restoring the limit fixed it.",
        started=f"{day}T10:00:00Z",
        detected=f"{day}T10:04:00Z",
        mitigated=f"{day}T10:18:00Z",
        resolved=f"{day}T10:20:00Z",
        postmortem_date=f"{day}T15:00:00Z",
        authors=["Robin Diaz"],
        action_items=[
            {
                "id": "AI-1",
                "title": "Validate the gateway connection limit against peak traffic in CI",
                "owner": "@robin",
                "due": "2026-03-20",
                "status": "open",
                "success_criteria": "A change that sets the limit below the last peak fails CI.",
            }
        ],
    )
    prose = {
        "Summary": "Checkout rejected card payments after the gateway's limit was lowered.",
        "Impact": "About 900 card payments failed; customers could retry successfully.",
        "Timeline": "| Time (UTC) | Event |\n|---|---|\n| 10:00 | The change is applied |",
        "Root cause": "The configuration schema accepted any limit, with no check against load.",
        "Contributing factors": "The staging gateway receives a fraction of production load.",
        "What went well": "The payment error alert fired within four minutes.",
        "What went wrong": "The dashboards showed errors but not the connection limit.",
        "Lessons learned": "Limits that cap throughput need a check against real traffic.",
    }
    for heading, words in prose.items():
        body = re.sub(
            rf"(## {heading}\n\n)<!--.*?-->", lambda m, w=words: m.group(1) + w, body, flags=re.S
        )
    assert "<!--" not in body
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True)
    path.write_text(f"---\n{front}---\n{body}", encoding="utf-8")


def test_adoption_end_to_end(tmp_path: Path) -> None:
    """init -> new -> fill in -> check (exit 0) -> build --strict -> listed everywhere."""
    init(tmp_path, "archive", "--name", "Team incidents")
    project = tmp_path / "archive"
    new = run_cli(
        "new",
        "Card payments rejected after a gateway limit change",
        "--severity",
        "SEV2",
        "--service",
        "checkout",
        "--tag",
        "config",
        "--date",
        "2026-03-02",
        cwd=project,
    )
    assert new.returncode == 0, new.stderr
    draft = project / new.stdout.strip()
    assert draft.parent == project / "postmortems" / "2026"
    fill_in(draft)
    check = run_cli("check", cwd=project)
    assert check.returncode == 0, check.stdout
    assert check.stdout.strip() == "Checked 1 file: 0 errors, 0 warnings."
    site = tmp_path / "site"
    result = build_site(project, site)
    assert result.returncode == 0, result.stderr
    url = f"2026/{draft.stem}/"
    title = "Card payments rejected after a gateway limit change"
    for listing in ("", "services/checkout/", "tags/config/", "severity/sev2/"):
        html = (site / listing / "index.html").read_text(encoding="utf-8")
        assert title in html, listing or "home"
        assert f'href="{"../" * listing.count("/")}{url}"' in html, listing or "home"
    (row,) = fact_rows(site)
    assert (row["id"], row["services"], row["tags"]) == (
        "INC-2026-03-02-001",
        ["checkout"],
        ["config"],
    )
    ((found_title, _, found_url),) = text_rows(site)
    assert (found_title, found_url) == (title, url)


# -- the minimal config ---------------------------------------------------------------------


def test_site_nav_orders_indexes_and_keeps_other_pages() -> None:
    indexes = [
        ("writing-guide/index.md", "Writing guide"),
        ("services/index.md", "Services"),
        ("services/payments/index.md", "payments"),
        ("glossary/index.md", "Glossary"),
        ("find/index.md", "Find"),
    ]
    nav = site_nav("index.md", indexes, ["index.md", "runbooks.md", "services/index.md"])
    assert nav == [
        {"Home": "index.md"},
        {"Find": "find/index.md"},
        {"Services": "services/index.md"},
        {"Writing guide": "writing-guide/index.md"},
        {"Glossary": "glossary/index.md"},
        "runbooks.md",
    ]
    assert site_nav(None, [])[:1] == []


def sidebar_links(html: str) -> list[tuple[str, str]]:
    """(label, href) of Material's sidebar navigation, in order."""
    pattern = (
        r'<a href="([^"]*)" class="md-nav__link[^"]*">\s*<span class="md-ellipsis">\s*([^<]*?)\s*<'
    )
    return [(label, href) for href, label in re.findall(pattern, html)]


MINIMAL = "site_name: Minimal\ntheme: material\nplugins: [search, postmortems]\n"


def write_minimal(tmp: Path, config: str) -> Path:
    (tmp / "docs" / "2026").mkdir(parents=True)
    (tmp / "mkdocs.yml").write_text(config, encoding="utf-8")
    example = Path(__file__).parent.parent / "plugins/mkdocs_postmortems/render/templates/init"
    text = (example / "example" / "postmortem.md").read_text(encoding="utf-8")
    (tmp / "docs" / "2026" / "2026-01-14-mail.md").write_text(text, encoding="utf-8")
    return tmp


def test_minimal_config_is_a_complete_site(tmp_path: Path) -> None:
    """theme: material, plugins: [search, postmortems], nothing else: home, nav, sidebar."""
    project = write_minimal(tmp_path, MINIMAL)
    result = build_site(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert '<h1 id="minimal">Minimal' in home and "Latest incidents" in home  # generated
    assert sidebar_links(home) == [("Home", "."), *INDEXES]
    page = (tmp_path / "site" / "2026/2026-01-14-mail/index.html").read_text(encoding="utf-8")
    assert 'class="pm-card"' in page
    assert "md-sidebar--primary" in page and 'data-md-component="sidebar"' in page
    assert "md-nav__link" in page.split('class="md-content"')[0]  # no tabs: the sidebar stays


def test_own_nav_wins(tmp_path: Path) -> None:
    config = MINIMAL + "nav:\n  - Start: index.md\n  - Where: services/index.md\n"
    project = write_minimal(tmp_path, config)
    (project / "docs" / "index.md").write_text("# Start\n", encoding="utf-8")
    result = build_site(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    # the structure is the author's; a generated page keeps its own title
    assert sidebar_links(home) == [("Start", "."), ("Services", "services/")]


def test_another_theme_gets_one_clear_message(tmp_path: Path) -> None:
    project = write_minimal(tmp_path, MINIMAL.replace("theme: material", "theme: mkdocs"))
    result = subprocess.run(
        [str(Path(sys.executable).with_name("mkdocs")), "build", "--strict", "-d", "site"],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr  # a note, not a failure of --strict
    notes = [line for line in result.stderr.splitlines() if "is not Material for MkDocs" in line]
    assert len(notes) == 1
    assert "theme 'mkdocs'" in notes[0] and "badges, fact card and tables" in notes[0]


# -- in a browser ---------------------------------------------------------------------------


@pytest.mark.browser
def test_initialised_site_is_styled_in_a_browser(built: Path, serve_dir, tab) -> None:
    with serve_dir(built) as base:
        page = tab.page
        page.goto(base)
        tabs = page.locator(".md-tabs__link")
        assert tabs.count() == 1 + len(INDEXES)
        assert tabs.nth(2).is_visible() and tabs.nth(2).inner_text() == "Services"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "init-home.png"))  # the viewport: tabs in view
        page.goto(base + EXAMPLE_PATH.removeprefix("postmortems/").removesuffix(".md") + "/")
        card = page.locator(".pm-card")
        assert card.evaluate("e => getComputedStyle(e).borderTopStyle") == "solid"
        assert page.locator(".pm-facts").evaluate("e => getComputedStyle(e).display") == "grid"
        badge = page.locator(".pm-card .pm-sev").first
        assert badge.inner_text() == "SEV3"
        assert badge.evaluate("e => getComputedStyle(e).color") != "rgb(0, 0, 0)"
        assert page.locator("h1").inner_text().startswith("Order confirmation emails delayed")
        tab.shot("init-postmortem")
        page.locator(".md-tabs__link", has_text="Services").click()
        page.wait_for_url(base + "services/")
        assert page.locator("h1").inner_text() == "Services"
    assert tab.errors == []
    assert (SCREENSHOTS / "init-home.png").is_file()
