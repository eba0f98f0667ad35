"""The format checks (PM rules): each bad input gives its code, line and message, through
`postmortems check` and through `mkdocs build --strict`, and never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import build_site, make_project, run_cli

GOOD = """\
---
id: INC-2026-04-12-001
title: EU logins failing after auth-service deploy
date: 2026-04-12
severity: SEV3
status: published
summary: >-
  EU customers could not sign in for 46 minutes after a deploy of auth-service.
  Rolling back v2.4.7 restored logins.
services: [auth-service, api-gateway]
tags: [deploy, timeout]
started: 2026-04-12T14:30:00Z
detected: 2026-04-12T14:32:00Z
mitigated: 2026-04-12T14:55:00Z
resolved: 2026-04-12T15:18:00Z
postmortem_date: 2026-04-14T10:00:00Z
action_items:
  - id: AI-1
    title: Add an EU load-test stage to the deploy pipeline
    owner: "@priya"
    due: 2026-04-26
    status: done
    closed: 2026-04-20
    success_criteria: Deploys to eu-west-1 run a 10-minute load test at 2x peak.
---
## Summary

The auth-service circuit breaker tripped in eu-west-1 after the v2.4.7 deploy.

## Timeline

| Time (UTC) | Event |
|---|---|
| 14:32 | Latency alert fired |

## Root cause

The circuit breaker timeout of 60 s was longer than the gateway timeout of 15 s.
"""

SECOND = GOOD.replace("INC-2026-04-12-001", "INC-2026-04-13-001")


def check(tmp_path: Path, text: str | bytes, *extra: str, name: str = "2026/pm.md"):
    """Run `postmortems check --format json` on an archive holding this one file."""
    project = make_project(tmp_path, {})
    path = project / "postmortems" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    result = run_cli("check", "--format", "json", *extra, cwd=project)
    assert "Traceback" not in result.stderr, result.stderr
    return result, json.loads(result.stdout)["findings"]


def only(findings: list[dict], code: str) -> dict:
    matching = [f for f in findings if f["code"] == code]
    assert len(matching) == 1, findings
    return matching[0]


def test_good_file_has_no_findings(tmp_path: Path) -> None:
    result, findings = check(tmp_path, GOOD)
    assert findings == []
    assert result.returncode == 0


def test_crlf_line_endings_are_accepted(tmp_path: Path) -> None:
    result, findings = check(tmp_path, GOOD.replace("\n", "\r\n").encode())
    assert findings == [] and result.returncode == 0


def test_crlf_file_still_reports_the_right_line(tmp_path: Path) -> None:
    bad = GOOD.replace("severity: SEV3", "severity: SEV9").replace("\n", "\r\n")
    _, findings = check(tmp_path, bad.encode())
    finding = only(findings, "PM206")
    assert (finding["line"], finding["column"]) == (5, 11)


# (name, mutate, code, line, column, message fragment)
CASES = [
    (
        "yaml syntax",
        lambda t: t.replace("tags: [deploy, timeout]", "tags: [deploy, timeout"),
        "PM105",
        12,
        8,
        "not valid YAML",
    ),
    ("no front-matter", lambda t: t.split("---\n", 2)[2], "PM104", 1, 1, "no YAML front-matter"),
    (
        "unclosed front-matter",
        lambda t: t.replace("---\n## Summary", "## Summary"),
        "PM104",
        1,
        1,
        "never closed",
    ),
    ("empty file", lambda t: "", "PM101", 1, 1, "the file is empty"),
    ("list front-matter", lambda t: "---\n- id: x\n---\nbody\n", "PM106", 2, 1, "a list"),
    (
        "missing field",
        lambda t: t.replace("title: EU logins failing after auth-service deploy\n", ""),
        "PM201",
        1,
        1,
        "missing required field `title`",
    ),
    (
        "unknown key typo",
        lambda t: t.replace("severity: SEV3", "sevirity: SEV3\nseverity: SEV3"),
        "PM202",
        5,
        1,
        "did you mean `severity`?",
    ),
    (
        "string where list belongs",
        lambda t: t.replace("services: [auth-service, api-gateway]", "services: auth-service"),
        "PM203",
        10,
        11,
        "`services` should be a list",
    ),
    (
        "list where mapping belongs",
        lambda t: t.replace("tags: [deploy, timeout]", "tags: [deploy, timeout]\nimpact: [1, 2]"),
        "PM203",
        12,
        9,
        "`impact` should be a mapping",
    ),
    (
        "impossible date",
        lambda t: t.replace("date: 2026-04-12", "date: 2024-13-45"),
        "PM204",
        4,
        7,
        "`2024-13-45` is not a valid date",
    ),
    (
        "impossible due date",
        lambda t: t.replace("due: 2026-04-26", "due: 2026-02-30"),
        "PM204",
        21,
        10,
        "`action_items[0].due`",
    ),
    (
        "timestamp without time zone",
        lambda t: t.replace("detected: 2026-04-12T14:32:00Z", "detected: 2026-04-12T14:32:00"),
        "PM205",
        13,
        11,
        "has no time zone",
    ),
    (
        "unknown severity",
        lambda t: t.replace("severity: SEV3", "severity: critical"),
        "PM206",
        5,
        11,
        "unknown severity 'critical'",
    ),
    (
        "unknown status",
        lambda t: t.replace("status: published", "status: final"),
        "PM207",
        6,
        9,
        "unknown value `final`; use one of draft, in-review or published",
    ),
    (
        "unknown action status",
        lambda t: t.replace("status: done", "status: closed"),
        "PM207",
        22,
        13,
        "`action_items[0].status`",
    ),
    (
        "bad ticket url",
        lambda t: t.replace(
            "    closed: 2026-04-20", "    closed: 2026-04-20\n    ticket: not a url"
        ),
        "PM208",
        24,
        13,
        "`action_items[0].ticket`",
    ),
    (
        "duplicate key",
        lambda t: t.replace("tags: [deploy, timeout]", "tags: [deploy, timeout]\ntags: [dns]"),
        "PM107",
        12,
        1,
        "duplicate key `tags` (first at line 11)",
    ),
    (
        "timestamps out of order",
        lambda t: t.replace("mitigated: 2026-04-12T14:55:00Z", "mitigated: 2026-04-12T14:31:00Z"),
        "PM209",
        14,
        12,
        "`mitigated` (2026-04-12T14:31:00+00:00) is earlier than `detected`",
    ),
    (
        "duplicate action item id",
        lambda t: t.replace(
            "    success_criteria: Deploys",
            "  - id: AI-1\n    title: x y z\n    owner: '@a'\n"
            "    due: 2026-05-01\n    success_criteria: a b\n    closed: 2026-04-20\n"
            "    status: done\n  - id: AI-9\n    title: c\n    owner: '@b'\n    due: 2026-05-01\n"
            "    status: done\n    success_criteria: Deploys",
            1,
        ),
        "PM210",
        24,
        9,
        "action item id `AI-1` is used twice (first at line 18)",
    ),
    (
        "owner TBD",
        lambda t: t.replace('owner: "@priya"', "owner: TBD"),
        "PM401",
        20,
        12,
        "action item AI-1 has `TBD`; name the person or team",
    ),
    (
        "owner missing",
        lambda t: t.replace('    owner: "@priya"\n', ""),
        "PM401",
        18,
        5,
        "action item AI-1 has no owner",
    ),
    (
        "wont-do without reason",
        lambda t: t.replace("status: done", "status: wont-do"),
        "PM403",
        22,
        13,
        "is `wont-do` without a `reason`",
    ),
    (
        "open item without due date",
        lambda t: t.replace("    due: 2026-04-26\n", "").replace("status: done", "status: open"),
        "PM402",
        18,
        5,
        "has no `due` date",
    ),
    (
        "missing section",
        lambda t: t.replace("## Timeline", "## Chronology"),
        "PM501",
        5,
        11,
        "SEV3 post-mortems need a `## Timeline` section",
    ),
    (
        "related nowhere",
        lambda t: t.replace(
            "tags: [deploy, timeout]", "tags: [deploy, timeout]\nrelated: [INC-1999-01-01-001]"
        ),
        "PM302",
        12,
        11,
        "related id `INC-1999-01-01-001` does not exist",
    ),
    (
        "recurrence nowhere",
        lambda t: t.replace(
            "tags: [deploy, timeout]", "tags: [deploy, timeout]\nrecurrence_of: INC-X"
        ),
        "PM303",
        12,
        16,
        "recurrence_of `INC-X` does not exist",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "code", "line", "column", "fragment"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_bad_input_is_reported_with_code_line_and_message(
    tmp_path: Path, mutate, code: str, line: int, column: int, fragment: str
) -> None:
    result, findings = check(tmp_path, mutate(GOOD))
    finding = only(findings, code)
    assert (finding["line"], finding["column"]) == (line, column), finding
    assert fragment in finding["message"], finding
    assert finding["path"] == "postmortems/2026/pm.md"
    assert result.returncode == 1


def test_non_utf8_names_the_byte_and_its_position(tmp_path: Path) -> None:
    raw = GOOD.replace("EU customers", "EU cust\udcffomers").encode("utf-8", "surrogateescape")
    result, findings = check(tmp_path, raw)
    finding = only(findings, "PM102")
    assert (finding["line"], finding["column"]) == (8, 10)
    assert "byte 0xff is not valid UTF-8" in finding["message"]
    assert result.returncode == 1


def test_byte_order_mark_is_a_warning_and_the_file_still_checks(tmp_path: Path) -> None:
    result, findings = check(tmp_path, b"\xef\xbb\xbf" + GOOD.encode())
    assert [(f["code"], f["severity"]) for f in findings] == [("PM103", "warning")]
    assert "byte-order mark" in findings[0]["message"]
    assert result.returncode == 0


def test_draft_gets_completeness_findings_as_warnings(tmp_path: Path) -> None:
    draft = GOOD.replace("status: published", "status: draft").replace(
        'owner: "@priya"', "owner: TBD"
    )
    result, findings = check(tmp_path, draft)
    assert [(f["code"], f["severity"]) for f in findings] == [("PM401", "warning")]
    assert result.returncode == 0


def test_duplicate_id_names_both_files(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"2026/a.md": GOOD, "2026/b.md": GOOD})
    result = run_cli("check", "--format", "json", cwd=project)
    findings = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "PM301"]
    assert {f["path"] for f in findings} == {"postmortems/2026/a.md", "postmortems/2026/b.md"}
    a = next(f for f in findings if f["path"].endswith("a.md"))
    assert a["line"] == 2 and "also used by postmortems/2026/b.md" in a["message"]
    assert result.returncode == 1


def test_checking_one_file_still_resolves_references_across_the_archive(tmp_path: Path) -> None:
    linked = SECOND.replace("tags: [deploy, timeout]", "tags: [x]\nrelated: [INC-2026-04-12-001]")
    project = make_project(tmp_path, {"2026/a.md": GOOD, "2026/b.md": linked})
    result = run_cli("check", "postmortems/2026/b.md", cwd=project)
    assert result.returncode == 0, result.stdout
    assert "Checked 1 file: 0 errors, 0 warnings." in result.stdout


def test_text_and_github_formats(tmp_path: Path) -> None:
    bad = GOOD.replace("severity: SEV3", "sevirity: SEV3\nseverity: SEV3")
    project = make_project(tmp_path, {"2026/pm.md": bad})
    text = run_cli("check", cwd=project)
    assert text.stdout.splitlines()[0] == (
        "postmortems/2026/pm.md:5:1 PM202 unknown field `sevirity`; did you mean `severity`?"
    )
    github = run_cli("check", "--format", "github", cwd=project)
    assert github.stdout.strip() == (
        "::error file=postmortems/2026/pm.md,line=5,col=1,title=PM202::"
        "unknown field `sevirity`; did you mean `severity`?"
    )
    assert text.returncode == github.returncode == 1


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run_cli("check", cwd=tmp_path).returncode == 2  # no mkdocs.yml, no postmortems/
    assert run_cli("check", "--format", "xml", cwd=tmp_path).returncode == 2
    broken = make_project(tmp_path / "p", {}, config_extra="      severities: 3\n")
    result = run_cli("check", cwd=broken)
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_configured_severities_and_sections(tmp_path: Path) -> None:
    config = "      severities: [P1, P2]\n      required_sections:\n        P1: [Summary, Impact]\n"
    text = GOOD.replace("severity: SEV3", "severity: P1")
    project = make_project(tmp_path, {"2026/pm.md": text}, config_extra=config)
    result = run_cli("check", "--format", "json", cwd=project)
    findings = json.loads(result.stdout)["findings"]
    assert [(f["code"], f["message"]) for f in findings] == [
        ("PM501", "P1 post-mortems need a `## Impact` section; add it to the body")
    ]


def test_example_archive_is_clean() -> None:
    result = run_cli("check", "--format", "json")
    data = json.loads(result.stdout)
    assert data["findings"] == [] and data["files"] >= 12
    assert result.returncode == 0


# Every bad input above through `mkdocs build --strict`: it fails with the same location
# and code, and MkDocs prints no traceback.
@pytest.mark.parametrize(
    ("mutate", "code", "line", "column"),
    [case[1:5] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_bad_input_fails_the_strict_build_with_the_same_location(
    tmp_path: Path, mutate, code: str, line: int, column: int
) -> None:
    project = make_project(tmp_path, {"2026/pm.md": mutate(GOOD), "index.md": "# Home\n"})
    result = build_site(project, tmp_path / "site")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"postmortems/2026/pm.md:{line}:{column} {code} " in result.stderr


def test_non_utf8_and_bom_through_the_build(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"index.md": "# Home\n"})
    bad = GOOD.replace("EU customers", "EU cust\udcffomers").encode("utf-8", "surrogateescape")
    (project / "postmortems" / "pm.md").write_bytes(bad)
    result = build_site(project, tmp_path / "site")
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    assert "postmortems/pm.md:8:10 PM102" in result.stderr


def test_clean_archive_builds_strict(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"2026/pm.md": GOOD, "index.md": "# Home\n"})
    result = build_site(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site" / "2026" / "pm" / "index.html").read_text()
    assert "EU logins failing after auth-service deploy" in page


# The loader builds plain front-matter itself and leaves the rest to PyYAML: the values
# (types included) must be exactly PyYAML's.
YAML_SHAPES = [
    "id: INC-1\nseverity: SEV2\ntags: [a, b]\nimpact: {users_affected: 12, data_loss: no}\n",
    "a: yes\nb: No\nc: ~\nd: 0x1f\ne: 1_000\nf: .inf\ng: 012\nh: 1.5e3\ni: -.5\nj: TRUE\n",
    "date: 2026-01-01\nstarted: 2026-01-01T10:00:00Z\n",  # strings: pydantic parses dates
    "a: &x [1, 2]\nb: *x\n",  # an alias
    "<<: {a: 1}\nb: 2\n",  # a merge key
    "a: !!str 12\nb: !!binary aGVsbG8=\n",  # explicit tags
    "? [a, b]\n: c\n",  # a list as a key: PyYAML's error
    "a: 1\na: 2\n",  # duplicate: the last wins, PM107 says so
    "- 1\n- two\n",
    "a:\n  b:\n    - {c: d, e: [f, {g: h}]}\n    - ''\n",
    "a: !custom x\n",  # an unknown tag: PyYAML's error
]


@pytest.mark.parametrize("source", YAML_SHAPES)
def test_front_matter_values_are_pyyaml_s(source: str) -> None:
    from mkdocs_postmortems.loader import _construct, _Loader

    def construct(fast: bool) -> str:
        loader = _Loader(source)
        try:
            node = loader.get_single_node()
            value = _construct(loader, node) if fast else loader.construct_document(node)
            return repr(value)
        except yaml.YAMLError as exc:
            return f"error: {exc}"
        finally:
            loader.dispose()

    assert construct(fast=True) == construct(fast=False)


def test_json_output_escapes_c1_controls_and_keeps_the_data() -> None:
    """A terminal acts on U+009B (a control sequence) even inside a JSON string."""
    from mkdocs_postmortems.findings import Finding, format_findings

    message = "title `\x9b31mRED\x85 é` is not allowed"
    text = format_findings([Finding("2026/a.md", 3, 8, "PM201", "error", message)], 1, "json")
    assert "\x9b" not in text and "\x85" not in text
    assert "\\u009b31mRED\\u0085 é" in text  # other non-ASCII text stays readable
    assert json.loads(text)["findings"][0]["message"] == message
