"""PM502: prompts `postmortems new` wrote, left in a post-mortem."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import make_project, run_cli
from mkdocs_postmortems.rules.placeholders import EXAMPLE_ACTION, SECTION_PROMPTS
from test_format import GOOD, check


def _new(project: Path) -> Path:
    result = run_cli(
        "new", "Disk full on db", "--severity", "SEV2", "--service", "db",
        "--date", "2026-04-01", cwd=project,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return project / result.stdout.strip()


def _check(project: Path) -> tuple[int, list[dict]]:
    result = run_cli("check", "--format", "json", cwd=project)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, json.loads(result.stdout)["findings"]


def test_an_untouched_new_file_set_to_published_fails_with_its_prompt_lines(
    tmp_path: Path,
) -> None:
    project = make_project(tmp_path, {})
    path = _new(project)
    text = path.read_text(encoding="utf-8").replace("status: draft", "status: published")
    path.write_text(text, encoding="utf-8")
    lines = text.split("\n")
    summary_line = lines.index("  " + SECTION_PROMPTS["Summary"]) + 1
    prompt_lines = [n for n, line in enumerate(lines, 1) if line.startswith("<!-- ")]
    assert len(prompt_lines) == 8  # one per section of a SEV2

    code, findings = _check(project)
    assert code == 1
    placeholders = [f for f in findings if f["code"] == "PM502"]
    assert [(f["line"], f["column"]) for f in placeholders] == [(summary_line, 3)] + [
        (n, 1) for n in prompt_lines
    ]
    assert {f["severity"] for f in placeholders} == {"error"}
    assert placeholders[0]["message"] == (
        "`summary` is still the template's prompt; say what broke, who was affected and how "
        "it was fixed, in two or three sentences"
    )
    assert placeholders[3]["message"] == (
        "`## Timeline` holds only the template's prompt; write the section "
        "(or delete it if this severity does not need it)"
    )
    assert placeholders[3]["path"] == "postmortems/2026/2026-04-01-disk-full-on-db.md"


def test_a_new_draft_gets_the_same_findings_as_warnings(tmp_path: Path) -> None:
    project = make_project(tmp_path, {})
    _new(project)
    code, findings = _check(project)
    assert code == 0
    assert len(findings) == 9
    assert {(f["code"], f["severity"]) for f in findings} == {("PM502", "warning")}


def test_a_written_section_may_keep_its_prompt_comment(tmp_path: Path) -> None:
    prompt = SECTION_PROMPTS["Root cause"]
    text = GOOD.replace(
        "## Root cause\n\n", f"## Root cause\n\n<!-- {prompt} -->\n\n"
    )  # the author wrote under the comment: nothing on the page is a prompt
    result, findings = check(tmp_path, text)
    assert findings == [] and result.returncode == 0


def test_a_prompt_taken_out_of_its_comment_is_found_at_its_line(tmp_path: Path) -> None:
    prompt = SECTION_PROMPTS["Root cause"]
    text = GOOD.replace("The circuit breaker timeout", f"{prompt}\n\nThe circuit breaker timeout")
    result, findings = check(tmp_path, text)
    line = text.split("\n").index(prompt) + 1
    assert result.returncode == 1
    assert [(f["code"], f["line"], f["column"], f["message"]) for f in findings] == [
        (
            "PM502",
            line,
            1,
            f"the template's prompt for `## Root cause` (`{prompt}`) is still here; "
            "replace it with what happened",
        )
    ]


def test_the_timeline_prompt_is_its_sample_row_not_its_header(tmp_path: Path) -> None:
    kept_header = GOOD  # GOOD's timeline has the template's header row, and real events
    assert "| Time (UTC) | Event |" in kept_header
    assert check(tmp_path / "a", kept_header)[1] == []
    sample = GOOD.replace("| 14:32 | Latency alert fired |", "| 00:00 | First signal |")
    findings = check(tmp_path / "b", sample)[1]
    assert [(f["code"], f["line"]) for f in findings] == [
        ("PM502", sample.split("\n").index("| 00:00 | First signal |") + 1)
    ]


def test_the_example_action_item_left_in_is_found(tmp_path: Path) -> None:
    example = (
        f"  - id: AI-2\n    title: {EXAMPLE_ACTION['title']}\n"
        f'    owner: "{EXAMPLE_ACTION["owner"]}"\n    due: 2026-05-01\n    status: open\n'
        f"    success_criteria: {EXAMPLE_ACTION['success_criteria']}\n"
    )
    text = GOOD.replace("---\n## Summary", example + "---\n## Summary")
    result, findings = check(tmp_path, text)
    lines = text.split("\n")
    assert result.returncode == 1
    found = [(f["line"], f["message"]) for f in findings if f["code"] == "PM502"]
    assert found == [
        (
            lines.index(f"    title: {EXAMPLE_ACTION['title']}") + 1,
            "action item AI-2 still has the template's example `title` "
            f"(`{EXAMPLE_ACTION['title']}`); write this incident's own",
        ),
        (
            lines.index('    owner: "@name"') + 1,
            "action item AI-2 still has the template's example `owner` (`@name`); "
            "write this incident's own",
        ),
        (
            lines.index(f"    success_criteria: {EXAMPLE_ACTION['success_criteria']}") + 1,
            "action item AI-2 still has the template's example `success_criteria` "
            f"(`{EXAMPLE_ACTION['success_criteria']}`); write this incident's own",
        ),
    ]


def test_the_template_and_the_rule_share_one_source_of_prompts() -> None:
    import datetime as dt

    from mkdocs_postmortems.scaffold import render_new

    text = render_new("INC-2026-04-01-001", "T", "SEV2", ["db"], [], dt.date(2026, 4, 1))
    for prompt in SECTION_PROMPTS.values():
        assert f"<!-- {prompt} -->" in text
    for key, value in EXAMPLE_ACTION.items():
        assert f"{key}: {value}" in text or f'{key}: "{value}"' in text
