"""`postmortems new` and `postmortems schema`."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml
from conftest import make_project, run_cli
from test_format import GOOD


def test_new_writes_a_draft_with_the_next_free_id_that_passes_check(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"2026/2026-04-12-eu-login.md": GOOD})
    result = run_cli(
        "new",
        "Checkout: 502s <after> deploy",
        "--severity",
        "SEV2",
        "--service",
        "checkout",
        "--service",
        "payments",
        "--tag",
        "deploy",
        "--date",
        "2026-04-12",
        cwd=project,
    )
    assert result.returncode == 0, result.stderr
    path = project / result.stdout.strip()
    assert result.stdout.strip() == "postmortems/2026/2026-04-12-checkout-502s-after-deploy.md"
    meta = yaml.safe_load(path.read_text().split("---")[1])
    assert meta["id"] == "INC-2026-04-12-002"  # -001 is taken by GOOD
    assert meta["title"] == "Checkout: 502s <after> deploy"  # kept exactly as typed
    assert meta["status"] == "draft" and meta["severity"] == "SEV2"
    assert meta["services"] == ["checkout", "payments"]
    body = path.read_text()
    for section in ("## Summary", "## Timeline", "## Root cause", "## Lessons learned"):
        assert section in body
    check = run_cli("check", "--format", "json", cwd=project)
    assert check.returncode == 0, check.stdout
    # only its prompts, as warnings while it is a draft (PM502: tests/test_placeholders.py)
    assert {f["code"] for f in json.loads(check.stdout)["findings"]} == {"PM502"}


def test_new_refuses_an_unknown_severity(tmp_path: Path) -> None:
    project = make_project(tmp_path, {})
    result = run_cli("new", "x", "--severity", "SEV9", "--service", "a", cwd=project)
    assert result.returncode == 2
    assert "'SEV9'; use one of SEV1, SEV2, SEV3, SEV4" in result.stderr
    assert list((project / "postmortems").rglob("*.md")) == []


def test_new_does_not_overwrite(tmp_path: Path) -> None:
    project = make_project(tmp_path, {})
    args = ("new", "Same title", "--severity", "SEV3", "--service", "a", "--date", "2026-01-02")
    first = run_cli(*args, cwd=project)
    path = project / first.stdout.strip()
    path.write_text(path.read_text() + "\nAuthor's notes.\n")
    second = run_cli(*args, cwd=project)
    assert second.returncode == 2 and "already exists" in second.stderr
    assert path.read_text().endswith("Author's notes.\n")


def test_schema_is_valid_json_schema_and_validates_the_examples() -> None:
    result = run_cli("schema")
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["properties"]["severity"]["enum"] == ["SEV1", "SEV2", "SEV3", "SEV4"]
    assert set(schema["required"]) == {
        "id",
        "title",
        "date",
        "severity",
        "status",
        "summary",
        "services",
    }
    validator = jsonschema.Draft202012Validator(schema, format_checker=None)
    examples = sorted(Path("postmortems").glob("20*/*.md"))
    assert len(examples) >= 12
    for path in examples:
        meta = yaml.load(path.read_text().split("---")[1], Loader=yaml.BaseLoader)
        errors = [e.message for e in validator.iter_errors(_json_types(meta))]
        assert errors == [], (path, errors)
    bad = {
        "id": "x",
        "title": "t",
        "date": "2026-01-01",
        "severity": "SEV9",
        "status": "done",
        "summary": "s",
        "services": "payments",
        "sevirity": 1,
    }
    messages = " ".join(e.message for e in validator.iter_errors(bad))
    assert "'SEV9' is not one of" in messages and "'sevirity' was unexpected" in messages


def _json_types(value):
    """YAML as an editor's language server sees it: numbers and booleans typed, dates strings."""
    if isinstance(value, dict):
        return {k: _json_types(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_types(v) for v in value]
    if value in ("true", "false"):
        return value == "true"
    try:
        return int(value)
    except (TypeError, ValueError):
        try:
            return float(value)
        except (TypeError, ValueError):
            return value


def test_rules_lists_the_catalogue_and_explains_one() -> None:
    listing = run_cli("rules")
    assert listing.returncode == 0
    assert "PM202  unknown-field" in listing.stdout
    one = run_cli("rules", "pm401")
    assert one.returncode == 0
    assert one.stdout.startswith("PM401 action-item-without-owner")
    assert "TBD" in one.stdout and "Blameless rewrite:" in one.stdout
    assert run_cli("rules", "XX999").returncode == 2
