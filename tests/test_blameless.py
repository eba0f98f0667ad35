"""The BL (blameless language) and AI (action item) rules: accuracy, corpus, CLI, config."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from conftest import CORPUS, EPOCH, build_site, make_project, run_cli
from mkdocs_postmortems.pipeline import open_archive
from mkdocs_postmortems.rules import catalogue
from mkdocs_postmortems.rules.bl import scan_text
from mkdocs_postmortems.settings import LintSettings, Settings

DATA = Path(__file__).parent / "data" / "blameless_sentences.yaml"
TODAY = __import__("datetime").date(2026, 11, 18)


def postmortem(
    body: str = "## Summary\n\nThe cache filled the disk.\n",
    *,
    summary: str = "The cache filled the disk; we expanded it.",
    status: str = "published",
    items: str = "",
    extra: str = "",
) -> str:
    """A valid SEV4 post-mortem with the given body, summary and action items."""
    return (
        "---\nid: INC-1\ntitle: Disk full on db-1\ndate: 2026-03-01\nseverity: SEV4\n"
        f"status: {status}\nsummary: {summary}\nservices: [db]\nauthors: [Priya Nair]\n"
        + extra
        + (f"action_items:\n{items}" if items else "")
        + "---\n"
        + body
    )


def item(title: str, ident: str = "AI-1", criteria: str | None = "Alert fires in staging.") -> str:
    text = f"  - id: {ident}\n    title: {title}\n    owner: '@sam'\n    due: 2026-04-01\n"
    return text + (f"    success_criteria: {criteria}\n" if criteria else "")


# --- accuracy on the labelled set -------------------------------------------------------


def test_labelled_sentences_precision_and_recall() -> None:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    blame, blameless = data["blame"], data["blameless"]
    assert len(blame) >= 30 and len(blameless) >= 30 and len(blame) + len(blameless) >= 60
    settings = Settings()
    true_pos = [s for s in blame if scan_text(s, settings)]
    false_pos = [s for s in blameless if scan_text(s, settings)]
    missed = [s for s in blame if s not in true_pos]
    precision = len(true_pos) / max(1, len(true_pos) + len(false_pos))
    recall = len(true_pos) / len(blame)
    report = (
        f"precision {precision:.3f}, recall {recall:.3f} on {len(blame)} blame and "
        f"{len(blameless)} blameless sentences; false positives: {false_pos}; missed: {missed}"
    )
    print("\n" + report)
    assert precision >= 0.9 and recall >= 0.9, report


def test_corpus_of_public_write_ups_is_mostly_not_flagged(tmp_path: Path) -> None:
    """190 real summaries, each as the body of a post-mortem, through the real pipeline."""
    if not CORPUS.exists():
        pytest.fail(f"{CORPUS} is missing; CI has ../shared beside the repo")
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]
    docs = tmp_path / "postmortems"
    docs.mkdir()
    for number, row in enumerate(rows):
        body = f"## Summary\n\n{row['summary']}\n"
        (docs / f"{number:03d}.md").write_text(postmortem(body), encoding="utf-8")
    settings = Settings(lint=LintSettings(select=["BL"]))
    archive = open_archive(docs, settings, TODAY)
    flagged = [e for e in archive.entries if any(f.code.startswith("BL") for f in e.findings)]
    lines = []
    for entry in flagged:
        row = rows[int(Path(entry.doc.path).stem)]
        for finding in entry.findings:
            text = entry.doc.text.split("\n")[finding.line - 1]
            lines.append(f"{row['company']}: {finding.code} {finding.message}\n    {text}")
    rate = len(flagged) / len(rows)
    report = f"{len(flagged)} of {len(rows)} entries flagged ({rate:.1%}):\n" + "\n".join(lines)
    print("\n" + report)
    assert len(rows) == 190
    assert rate <= 0.08, report
    # the genuine ones: "Human error." (S3) and "an engineer made a typo" (Cloudflare)
    assert any("`Human error` is given as the cause" in line for line in lines), report
    assert any("`an engineer` is the subject of `made a typo`" in line for line in lines), report


# --- every rule: a flagged and an unflagged example, through `postmortems check` ----------

CASES = {
    "BL101": (
        postmortem("## Root cause\n\nJohn forgot to set up disk monitoring.\n"),
        postmortem("## Root cause\n\nDisk monitoring was not part of the provisioning template.\n"),
        "`John` is the subject of `forgot`",
    ),
    "BL102": (
        postmortem("## Root cause\n\nThe root cause was human error.\n"),
        postmortem("## Root cause\n\nThe console allowed a human error to reach production.\n"),
        "`human error` is given as the cause",
    ),
    "BL103": (
        postmortem("## Summary\n\nThe engineer received a formal warning.\n"),
        postmortem("## Summary\n\nThe fault-tolerance layer kept reads available.\n"),
        "`formal warning` is a blame or punishment word",
    ),
    "BL104": (
        postmortem("## Summary\n\nIt should have been obvious that the disk was filling.\n"),
        postmortem("## Summary\n\nThe disk graph was on a dashboard nobody had open.\n"),
        "`It should have been obvious` judges with hindsight",
    ),
    "AI101": (
        postmortem(items=item("Improve monitoring")),
        postmortem(items=item("Add a disk alert at 80 % to every database")),
        "action item AI-1 `Improve monitoring` is vague (`Improve`)",
    ),
    "AI102": (
        postmortem(items=item("Add a disk alert at 80 %", criteria=None)),
        postmortem(items=item("Add a disk alert at 80 %")),
        "action item AI-1 has no `success_criteria`",
    ),
    "AI103": (
        postmortem(items="".join(item(f"Add alert {n}", f"AI-{n}") for n in range(1, 9))),
        postmortem(items="".join(item(f"Add alert {n}", f"AI-{n}") for n in range(1, 8))),
        "8 open action items (more than 7)",
    ),
    "AI104": (
        postmortem(items=item("Add a disk alert at 80 % and remind John to watch it")),
        postmortem(items=item("Add a disk alert at 80 % that reminds the channel daily")),
        "action item AI-1 targets a person (`John`)",
    ),
}


def _lines(text: str, code: str) -> list[str]:
    return [line for line in text.splitlines() if f" {code} " in line]


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_flags_and_suggests(code: str, tmp_path: Path) -> None:
    flagged, clean, message = CASES[code]
    good = clean.replace("id: INC-1", "id: INC-2")
    project = make_project(tmp_path, {"2026/bad.md": flagged, "2026/good.md": good})
    result = run_cli("check", cwd=project)
    lines = _lines(result.stdout, code)
    assert len(lines) == 1, result.stdout
    path, line, column = re.match(r"(\S+):(\d+):(\d+) ", lines[0]).groups()  # type: ignore[union-attr]
    assert path == "postmortems/2026/bad.md"
    source = flagged.split("\n")[int(line) - 1]
    assert message in lines[0]
    severity = "warning" if code == "AI103" else "error"
    assert ("[warning]" in lines[0]) == (severity == "warning")
    if code.startswith("BL"):  # the column points at the flagged words in the body
        assert source[int(column) - 1 :].split()[0].strip("`") in message, (source, column)
    rule = {r.code: r for r in catalogue()}[code]
    suggestion = result.stdout.split(lines[0], 1)[1].splitlines()[1]
    assert suggestion.startswith("    suggestion: ") and len(suggestion) > 40
    assert rule.example and rule.rewrite and rule.explanation
    assert result.returncode == (1 if severity == "error" else 0), result.stdout


def test_front_matter_text_is_checked_at_its_line_and_column(tmp_path: Path) -> None:
    text = postmortem(summary="The cache filled the disk because @sam forgot to rotate logs.")
    project = make_project(tmp_path, {"2026/a.md": text})
    result = run_cli("check", cwd=project)
    lines = text.split("\n")
    number = next(n for n, raw in enumerate(lines, 1) if raw.startswith("summary: "))
    column = lines[number - 1].index("@sam") + 1
    expected = f"postmortems/2026/a.md:{number}:{column} BL101 `@sam` is the subject of `forgot`"
    assert expected in result.stdout, result.stdout


def test_code_comments_and_headings_are_not_prose(tmp_path: Path) -> None:
    body = (
        "## John forgot to set up monitoring\n\n```\njohn forgot to set up monitoring\n"
        "John forgot to set up monitoring\n```\n\n<!-- John forgot to set up monitoring -->\n"
        "Alerts use `John forgot` as a test string.\n"
    )
    result = run_cli("check", cwd=make_project(tmp_path, {"a.md": postmortem(body)}))
    assert "BL101" not in result.stdout, result.stdout


def test_draft_gets_warnings_not_errors(tmp_path: Path) -> None:
    text = postmortem("## Summary\n\nJohn forgot to set up disk monitoring.\n", status="draft")
    result = run_cli("check", cwd=make_project(tmp_path, {"a.md": text}))
    assert "BL101 [warning] `John` is the subject of `forgot`" in result.stdout
    assert result.returncode == 0


# --- configuration ------------------------------------------------------------------------


def test_persons_blame_words_and_vague_verbs_from_mkdocs_yml(tmp_path: Path) -> None:
    body = "## Summary\n\nzed forgot to rotate logs. The change was a boneheaded move.\n"
    text = postmortem(body, items=item("Harden monitoring"))
    plain = run_cli("check", cwd=make_project(tmp_path / "a", {"a.md": text}))
    assert "BL101" not in plain.stdout and "BL103" not in plain.stdout
    assert "AI101" not in plain.stdout
    config = (
        "      lint:\n        persons: [zed]\n        blame_words: [boneheaded]\n"
        "        vague_verbs: [harden]\n"
    )
    result = run_cli("check", cwd=make_project(tmp_path / "b", {"a.md": text}, config))
    assert "BL101 `zed` is the subject of `forgot`" in result.stdout, result.stdout
    assert "BL103 `boneheaded` is a blame or punishment word" in result.stdout
    assert "AI101 action item AI-1 `Harden monitoring` is vague (`Harden`)" in result.stdout


def test_select_ignore_severity_and_limit(tmp_path: Path) -> None:
    body = "## Summary\n\nJohn forgot to rotate logs. It was obviously wrong.\n"
    items = "".join(item(f"Add alert {n}", f"AI-{n}") for n in range(1, 5))
    text = postmortem(body, items=items)
    config = (
        "      lint:\n        ignore: [BL104]\n        severity:\n          BL101: warning\n"
        "        max_open_action_items: 3\n"
    )
    result = run_cli("check", cwd=make_project(tmp_path, {"a.md": text}, config))
    assert "BL101 [warning] `John`" in result.stdout
    assert "BL104" not in result.stdout
    assert "AI103 [warning] 4 open action items (more than 3)" in result.stdout
    only_ai = "      lint:\n        select: [AI]\n"
    result = run_cli("check", cwd=make_project(tmp_path / "b", {"a.md": text}, only_ai))
    assert "BL10" not in result.stdout and "AI103" not in result.stdout


# --- inline suppression ----------------------------------------------------------------------


def test_suppression_on_a_line_a_section_and_in_front_matter(tmp_path: Path) -> None:
    body = (
        "## Summary\n\nJohn forgot to rotate logs. <!-- postmortems: ignore=BL101 -->\n\n"
        "Mike forgot to rotate logs.\n\n"
        "## Quotes\n\n<!-- postmortems: ignore-section=BL101,BL103 -->\n\n"
        "> The chat said: Anna forgot it, sloppy work.\n\n"
        "## Lessons learned\n\nOscar forgot to rotate logs.\n"
    )
    text = postmortem(
        body, summary="@sam forgot to rotate logs.  # postmortems: ignore=BL101"
    ).replace("# postmortems: ignore=BL101", "# postmortems: ignore=BL101", 1)
    result = run_cli("check", cwd=make_project(tmp_path, {"a.md": text}))
    out = result.stdout
    assert "`Mike` is the subject" in out and "`Oscar` is the subject" in out, out
    for hidden in ("`John`", "`Anna`", "`sloppy`", "`@sam`"):
        assert hidden not in out, out


def test_text_rules_run_when_the_front_matter_is_invalid(tmp_path: Path) -> None:
    text = postmortem("## Summary\n\nJohn forgot to rotate logs.\n").replace("severity: SEV4\n", "")
    result = run_cli("check", cwd=make_project(tmp_path, {"a.md": text}))
    assert "PM201" in result.stdout and "BL101 `John` is the subject" in result.stdout


def test_example_archive_has_no_findings() -> None:
    result = run_cli("check")
    assert result.returncode == 0 and "0 errors, 0 warnings" in result.stdout, result.stdout


# --- `postmortems rules` -------------------------------------------------------------------


def test_rules_lists_and_explains_bl_and_ai() -> None:
    listing = run_cli("rules").stdout
    for code in ("BL101", "BL102", "BL103", "BL104", "AI101", "AI102", "AI103", "AI104"):
        assert re.search(rf"^{code}  \S", listing, re.M), listing
    one = run_cli("rules", "bl101").stdout
    assert one.startswith("BL101 person-as-subject-of-blame-verb  [error]")
    assert "Example:\n    John forgot to set up disk monitoring." in one
    assert (
        "Blameless rewrite:\n    Disk monitoring was not part of the provisioning template." in one
    )


# --- the findings panel under `mkdocs serve` -------------------------------------------------


def test_findings_panel_only_when_enabled(tmp_path: Path) -> None:
    text = postmortem(
        "## Summary\n\nJohn forgot to set up <b>disk</b> monitoring.\n", status="draft"
    )
    panel = make_project(
        tmp_path / "serve", {"a.md": text}, "      findings_panel: true\n      show_drafts: true\n"
    )
    result = build_site(panel, tmp_path / "serve-site")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "serve-site" / "a" / "index.html").read_text(encoding="utf-8")
    assert 'class="admonition warning pm-findings"' in html
    assert "<code>BL101</code> line " in html and "`John` is the subject of `forgot`" in html
    assert "<em>Suggestion:</em> Make the step the subject" in html
    published = make_project(tmp_path / "build", {"a.md": text.replace("draft", "published")})
    result = build_site(published, tmp_path / "build-site", env={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.returncode != 0  # --strict: the BL101 error fails the published build
    assert "BL101 `John` is the subject of `forgot`" in result.stderr
    quiet = make_project(tmp_path / "quiet", {"a.md": text}, "      show_drafts: true\n")
    assert build_site(quiet, tmp_path / "quiet-site").returncode == 0
    html = (tmp_path / "quiet-site" / "a" / "index.html").read_text(encoding="utf-8")
    assert "pm-findings" not in html and "John forgot" in html
