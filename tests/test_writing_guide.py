"""The generated Writing guide page: every rule, its explanation, example and rewrite."""

from __future__ import annotations

import html
from pathlib import Path

from conftest import ROOT, build_site, make_project
from mkdocs_postmortems.rules import catalogue

POSTMORTEM = (
    "---\nid: INC-1\ntitle: Disk full\ndate: 2026-03-01\nseverity: SEV4\nstatus: published\n"
    "summary: The disk filled.\nservices: [db]\n---\n## Summary\n\nThe disk filled.\n"
)


def test_writing_guide_lists_every_rule(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"a.md": POSTMORTEM})
    result = build_site(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site" / "writing-guide" / "index.html").read_text(encoding="utf-8")
    rules = catalogue()
    assert {r.prefix for r in rules} == {"PM", "BL", "AI"}
    for rule in rules:
        assert f'id="rule-{rule.code.lower()}"><code>{rule.code}</code> {rule.name}</h3>' in page
        assert html.escape(rule.explanation, quote=False) in page.replace("&#34;", '"').replace(
            "&#39;", "'"
        )
        if rule.rewrite:
            assert html.escape(rule.rewrite, quote=False) in page.replace("&#34;", '"').replace(
                "&#39;", "'"
            )
    assert "<code>John forgot to set up disk monitoring.</code>" in page
    assert "<code>Disk monitoring was not part of the provisioning template.</code>" in page
    assert page.index('id="pm"') < page.index('id="bl"') < page.index('id="ai"')
    assert "&lt;!-- postmortems: ignore=BL101 --&gt;" in page


def test_writing_guide_is_in_the_example_nav(example_site: Path) -> None:
    assert "- Writing guide: writing-guide/index.md" in (ROOT / "mkdocs.yml").read_text()
    home = (example_site / "index.html").read_text(encoding="utf-8")
    assert 'href="writing-guide/"' in home and "Writing guide" in home
    page = (example_site / "writing-guide" / "index.html").read_text(encoding="utf-8")
    assert "<h1" in page and "Writing guide" in page and "BL104" in page
