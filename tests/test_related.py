"""Related incidents, "this happened before" / "happened again", and `postmortems new`."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from html import unescape
from pathlib import Path

import pytest
import yaml
from conftest import EXAMPLE, make_project, run_cli
from mkdocs_postmortems import related
from mkdocs_postmortems.archive import Archive
from mkdocs_postmortems.pipeline import open_archive
from mkdocs_postmortems.settings import Settings

TODAY = dt.date(2026, 11, 18)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def section(html: str, marker: str, length: int = 3000) -> str:
    start = html.rindex("<", 0, html.index(marker))
    return text_of(html[start : start + length])


FIXTURE = Path(__file__).parent / "data" / "related_incidents.yaml"


def labelled_archive(tmp: Path) -> tuple[Archive, dict[str, str]]:
    """Each fixture summary as a post-mortem; only its text is used, never its category.

    The summaries (tests/data/related_incidents.yaml) were written for this test, five
    per category. id from the position, title from the summary's first words, a synthetic
    date, a company of its own as the service, no tags: only the words can relate them. The
    category is returned apart, as the label. benchmarks/bench_related.py --corpus runs
    the same measure on a real corpus.
    """
    fixture = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    labels: dict[str, str] = {}
    rows = [(category, text) for category, texts in fixture.items() for text in texts]
    for number, (category, summary) in enumerate(rows):
        pm_id = f"INC-{number:03d}"
        labels[pm_id] = category
        meta = {
            "id": pm_id,
            "title": " ".join(summary.split()[:8]),
            "date": (dt.date(2020, 1, 1) + dt.timedelta(days=7 * number)).isoformat(),
            "severity": "SEV4",
            "status": "published",
            "summary": summary,
            "services": [f"company-{number}"],
        }
        front = "\n".join(f"{key}: {json.dumps(value)}" for key, value in meta.items())
        text = f"---\n{front}\n---\n## Summary\n\n{summary}\n"
        (tmp / f"{pm_id.lower()}.md").write_text(text, encoding="utf-8")
    return open_archive(tmp, Settings(), TODAY), labels


def test_same_category_incidents_are_related_far_more_often_than_chance(tmp_path: Path) -> None:
    """Precision@3 of related items by the fixture's hidden category, against the base rate.

    For every post-mortem, the share of its top-3 similar incidents with the same category;
    the base rate is the share a random other post-mortem would have, (5 - 1) / (25 - 1).
    """
    archive, labels = labelled_archive(tmp_path)
    assert len(archive.valid) == 25
    found = related.compute(archive, limit=5)
    sizes = Counter(labels.values())
    same = shown = 0
    for pm_id, label in sorted(labels.items()):
        top = found.most_similar(pm_id)[:3]
        shown += len(top)
        same += sum(labels[other.pm.id] == label for other, _ in top)
    precision = same / shown
    chance = (sizes["dns"] - 1) / (len(labels) - 1)
    assert shown >= 2.5 * len(labels)  # nearly every post-mortem gets 3 related ones
    assert precision >= 3 * chance, f"{precision:.0%} same category vs {chance:.0%} by chance"


def test_related_are_computed_once_and_deterministic(tmp_path: Path) -> None:
    archive, _ = labelled_archive(tmp_path)
    first = related.for_archive(archive)
    assert related.for_archive(archive) is first
    again = related.compute(open_archive(tmp_path, Settings(), TODAY))
    assert again.similar == first.similar
    assert first.similar  # not trivially equal: there is something to compare


def test_reasons_name_shared_services_tags_and_words() -> None:
    archive = open_archive(EXAMPLE, Settings(), TODAY)
    found = related.for_archive(archive)
    entry = archive.by_id["INC-2026-04-12-001"]
    items = found.for_entry(archive, entry, 5)
    assert [i.kind for i in items][:1] == ["linked"]
    assert items[0].entry.pm.id == "INC-2025-03-18-001"
    assert items[0].reason == "linked by the authors"
    similar = [i for i in items if i.kind == "similar"]
    assert similar and len(items) == 5
    assert all(i.reason != "similar" for i in similar)
    assert any(i.reason.startswith("also ") for i in similar)
    scores = [i.score for i in similar]
    assert scores == sorted(scores, reverse=True)


def test_recurrence_panels_link_both_ways(example_site: Path) -> None:
    later = (example_site / "2026/2026-02-17-payments-retry-storm-recurrence/index.html").read_text(
        encoding="utf-8"
    )
    panel = section(later, 'class="admonition danger pm-recurrence"', 2500)
    assert panel.startswith(
        "This happened before This incident repeats SEV2 INC-2025-01-21-001: Card payments "
        "failing as retry storm exhausts the payments connection pool of 2025-01-21 , 392 days "
        "earlier. 2 of its 4 action items were done. Not done: AI-3"
    )
    assert "(before this incident)" in panel
    earlier = (
        example_site / "2025/2025-01-21-payments-connection-pool-retry-storm/index.html"
    ).read_text(encoding="utf-8")
    again = section(earlier, 'class="admonition warning pm-happened-again"', 900)
    assert again.startswith(
        "Happened again A later incident repeats this one; check which action items below "
        "shipped. SEV2 Payments outbound connection pool exhausted by checkout retries during "
        "processor slowdown 2026-02-17 · 392 days later"
    )
    assert 'href="../../2026/2026-02-17-payments-retry-storm-recurrence/"' in earlier
    listed = section(earlier, 'id="related-incidents"', 3000)
    assert "processor slowdown 2026-02-17 · happened again" in listed
    assert "2025-09-30 · links to this incident" in listed


def test_every_published_page_lists_related_incidents(example_site: Path) -> None:
    archive = open_archive(EXAMPLE, Settings(), TODAY)
    for entry in archive.visible:
        html = (example_site / entry.url / "index.html").read_text(encoding="utf-8")
        assert 'id="related-incidents"' in html, entry.url
        items = re.findall(r'<li class="pm-related-(\w[\w-]*)">', html)
        assert 1 <= len(items) <= max(5, len(entry.pm.related) + 2), entry.url


def test_new_prints_the_most_similar_past_incidents(tmp_path: Path) -> None:
    root = make_project(tmp_path, {})
    for path in sorted(EXAMPLE.rglob("*.md")):
        target = root / "postmortems" / path.relative_to(EXAMPLE)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    result = run_cli(
        "new",
        "Checkout retries exhaust the payments connection pool",
        "--severity",
        "SEV2",
        "--service",
        "payments",
        "--tag",
        "retry-storm",
        cwd=root,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == "" and lines[1] == "Similar past incidents, to start from what is known:"
    assert lines[2] == (
        "  INC-2025-01-21-001  2025-01-21  SEV2  Card payments failing as retry storm exhausts "
        "the payments connection pool  (also payments; shares tags retry-storm; "
        "similar wording: connection, exhaust, payment)"
    )
    assert lines[3].startswith("  INC-2026-02-17-001  2026-02-17  SEV2  Payments outbound")
    assert len(lines) <= 2 + 5


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Retries exhausted the connection pools", ["retry", "exhausted", "connection", "pool"]),
        ("The DNS outage was caused by a BGP leak", ["dns", "bgp", "leak"]),
    ],
)
def test_words_drop_stop_words_and_fold_plurals(text: str, expected: list[str]) -> None:
    assert related.words(text) == expected
