"""The finder's query language through `postmortems search`, on the example archive and on
real incident summaries (danluu/post-mortems) loaded as an archive."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import make_project, run_cli
from mkdocs_postmortems.search import QueryError, parse

RETRY_STORM = "INC-2025-01-21-001"  # payments, 2025, SEV2, "retry storm" in its title
RECURRENCE = "INC-2026-02-17-001"  # payments, 2026, SEV2, the same pattern again
YEN = "INC-2025-09-30-001"  # payments + checkout, SEV3
CERT = "INC-2025-03-18-001"  # SEV1, TLS certificate expiry
SLOT = "INC-2025-07-15-001"  # SEV1, replication slot filled the disk
FRIDAY = "INC-2025-11-28-001"  # SEV1, Kafka hot partition, tag timeout
TERRAFORM_DNS = "INC-2025-08-22-001"  # SEV4, service dns, tag dns
COREDNS = "INC-2026-03-10-001"  # SEV3, service dns, tag dns
BGP = "INC-2026-07-08-001"  # SEV2, service dns, tags bgp + dns
KAFKA_LAG = "INC-2025-04-29-001"  # SEV3, service kafka
EU_LOGINS = "INC-2026-04-12-001"  # SEV2, tag timeout


def ids(*query: str, cwd: Path | None = None) -> list[str]:
    args = ["search", "--json", "--limit", "500", *query]
    result = run_cli(*args, cwd=cwd) if cwd else run_cli(*args)
    assert result.returncode == 0, result.stderr
    return [row["id"] for row in json.loads(result.stdout)]


# -- each operator ------------------------------------------------------------------------


def test_words_must_all_match_best_first() -> None:
    assert ids("retry storm") == [RETRY_STORM, RECURRENCE]
    assert ids("certificate") == [CERT]
    assert ids("connection pool certificate") == []


def test_words_are_stemmed_and_case_insensitive() -> None:
    assert ids("Certificates") == [CERT]


def test_phrase_needs_the_words_together() -> None:
    # RECURRENCE has "retries" and "storm" apart, never "retry storm" in its title or summary.
    assert ids('"retry storm"') == [RETRY_STORM]


def test_service_filter_alone_lists_newest_first() -> None:
    assert ids("service:payments") == [RECURRENCE, YEN, RETRY_STORM]


def test_values_of_one_field_are_alternatives() -> None:
    assert ids("service:kafka service:dns") == [BGP, COREDNS, FRIDAY, TERRAFORM_DNS, KAFKA_LAG]


def test_tag_severity_year_status_filters() -> None:
    assert ids("tag:dns") == [BGP, COREDNS, TERRAFORM_DNS]
    assert ids("severity:sev1") == [FRIDAY, SLOT, CERT]  # case does not matter
    assert ids("year:2026 service:payments") == [RECURRENCE]
    assert len(ids("status:published")) == 14  # drafts and in-review are not listed
    assert ids("status:draft") == []


def test_minus_excludes_words_filters_and_phrases() -> None:
    assert ids("dns -bgp") == [TERRAFORM_DNS, COREDNS]
    assert ids("dns -tag:dns") == []
    assert ids("year:2025 -severity:SEV2 -severity:SEV3") == [FRIDAY, TERRAFORM_DNS, SLOT, CERT]
    assert ids('retry storm -"retry storm"') == [RECURRENCE]


def test_query_may_start_with_minus_and_come_in_several_arguments() -> None:
    assert ids("-tag:dns", "-year:2026", "severity:SEV1") == [FRIDAY, SLOT, CERT]
    assert ids("service:payments", "connection", "pool") == [RETRY_STORM, RECURRENCE]


def test_combination_from_the_issue() -> None:
    assert ids("service:payments connection pool") == [RETRY_STORM, RECURRENCE]
    assert ids("timeout service:checkout") == [RECURRENCE, FRIDAY]
    assert ids("timeout service:checkout -severity:SEV1") == [RECURRENCE]


def test_quoted_filter_value_and_unclosed_quote() -> None:
    assert ids('service:"payments"') == ids("service:payments")
    assert ids('"retry storm') == [RETRY_STORM]


def test_only_filters_and_stop_words_list_everything_newest_first() -> None:
    everything = ids("the")
    assert everything[0] == "INC-2026-08-19-001" and everything[-1] == RETRY_STORM
    assert len(everything) == 14


def test_unknown_field_is_a_clear_usage_error() -> None:
    result = run_cli("search", "foo:bar timeout")
    assert result.returncode == 2
    assert 'unknown field "foo" in foo:bar' in result.stderr
    assert "service:, tag:, severity:, year:, status:" in result.stderr
    assert "Traceback" not in result.stderr
    with pytest.raises(QueryError, match='unknown field "https"'):
        parse("https://example.com")


def test_parse_keeps_raw_clauses_for_dropping() -> None:
    query = parse('-tag:dns  service:"api gateway" "a phrase" -word')
    assert [(c.negated, c.field, c.value, c.phrase, c.raw) for c in query.clauses] == [
        (True, "tag", "dns", False, "-tag:dns"),
        (False, "service", "api gateway", True, 'service:"api gateway"'),
        (False, None, "a phrase", True, '"a phrase"'),
        (True, None, "word", False, "-word"),
    ]


# -- output -------------------------------------------------------------------------------


def test_text_output_has_id_date_severity_title_path() -> None:
    result = run_cli("search", "certificate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"{CERT}  2025-03-18  SEV1  All API traffic rejected after the public TLS certificate "
        "expired on api-gateway  postmortems/2025/2025-03-18-api-gateway-certificate-expiry.md"
    ]


def test_json_output_and_limit() -> None:
    result = run_cli("search", "--json", "--limit", "2", "timeout")
    rows = json.loads(result.stdout)
    assert [r["id"] for r in rows] == [RETRY_STORM, RECURRENCE]
    assert set(rows[0]) == {"id", "date", "severity", "title", "path", "score"}
    assert rows[0]["score"] >= rows[1]["score"] > 0
    assert rows[0]["path"] == "postmortems/2025/2025-01-21-payments-connection-pool-retry-storm.md"


def test_no_match_says_so() -> None:
    result = run_cli("search", "zeppelin")
    assert result.returncode == 0
    assert result.stdout == ""
    assert "no post-mortem matches" in result.stderr


# -- editions -----------------------------------------------------------------------------

PM = """---
id: {id}
title: {title}
date: 2026-0{month}-10
severity: SEV3
status: published
summary: Checkout latency rose for twenty minutes while a cache warmed up.
services: [checkout]
visibility: {visibility}
---

## Root cause

The cache node <!-- redact -->zanzibar<!-- /redact --> restarted; {word} was cold.
"""


def test_public_edition_indexes_neither_redacted_words_nor_internal_incidents(
    tmp_path: Path,
) -> None:
    files = {
        "a.md": PM.format(id="PUB-1", title="Cold cache", month=1, visibility="public", word="x"),
        "b.md": PM.format(
            id="INT-1", title="Cold cache again", month=2, visibility="internal", word="quokka"
        ),
    }
    internal = make_project(tmp_path / "internal", files)
    assert ids("zanzibar", cwd=internal) == ["INT-1", "PUB-1"]
    assert ids("quokka", cwd=internal) == ["INT-1"]
    public = make_project(tmp_path / "public", files, "      audience: public")
    assert ids("zanzibar", cwd=public) == []
    assert ids("quokka", cwd=public) == []
    assert ids("cold cache", cwd=public) == ["PUB-1"]


def test_index_bytes_do_not_depend_on_hash_seed() -> None:
    """Two builds must be byte-identical, whatever order Python's sets come out in."""
    import os
    import subprocess
    import sys

    script = (
        "import datetime as dt, json, pathlib\n"
        "from mkdocs_postmortems.pipeline import open_archive\n"
        "from mkdocs_postmortems.search import build\n"
        "from mkdocs_postmortems.settings import Settings\n"
        "a = open_archive(pathlib.Path('postmortems'), Settings(), dt.date(2026, 11, 18))\n"
        "index, meta = build(a)\n"
        "print(json.dumps([index.serialize(), meta], separators=(',', ':')))\n"
    )
    root = Path(__file__).resolve().parent.parent
    outputs = [
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=root,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    ]
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[0])[0]["terms"]
