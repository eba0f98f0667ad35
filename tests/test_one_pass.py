"""All findings in one pass: a schema error in one field hides nothing else."""

from __future__ import annotations

from pathlib import Path

from test_format import check

BROKEN = """\
---
id: INC-2026-04-20-001
title: Checkout errors
date: 2026-04-20
severity: SEV3
status: published
sevirity: SEV3
summary: Checkout failed for ten minutes.
services: [checkout]
started: 2026-04-20T10:00
action_items:
  - id: AI-1
    title: Add a checkout error-rate alert at 2 %
    owner: TBD
    due: 2026-05-01
    status: open
    success_criteria: The alert fires in a replay of this incident.
  - id: AI-2
    title: Add a disk alert at 80 %
    owner: TBD
    due: 2026-13-01
    status: open
    success_criteria: The alert fires in a drill.
  - just a string
---
## Summary

John forgot to set up disk monitoring.
"""


def test_a_schema_error_does_not_hide_the_other_findings(tmp_path: Path) -> None:
    result, findings = check(tmp_path, BROKEN)
    assert result.returncode == 1
    assert [(f["line"], f["code"]) for f in findings] == [
        (5, "PM501"),  # SEV3 needs Timeline and Root cause: the severity is valid
        (5, "PM501"),
        (7, "PM202"),  # the schema errors themselves
        (10, "PM205"),
        (14, "PM401"),  # AI-1 still parses: its owner is checked
        (21, "PM204"),
        (24, "PM203"),
        (28, "BL101"),  # the body
    ]
    # nothing is reported from AI-2's stand-in values: its TBD owner shows once AI-2 parses
    assert not any(f["code"] == "PM401" and f["line"] == 20 for f in findings)


def test_a_failed_field_skips_only_the_rules_that_need_it(tmp_path: Path) -> None:
    text = BROKEN.replace("severity: SEV3\n", "severity: P9\n")
    result, findings = check(tmp_path, text)
    assert result.returncode == 1
    codes = [(f["line"], f["code"]) for f in findings]
    assert (5, "PM206") in codes  # the unknown severity
    assert not any(code == "PM501" for _, code in codes)  # sections depend on the severity
    assert (14, "PM401") in codes and (28, "BL101") in codes
