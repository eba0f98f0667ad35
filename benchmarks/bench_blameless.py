"""The BL rules on real public write-ups: the share of entries flagged, and every flag.

Run: .venv/bin/python benchmarks/bench_blameless.py ../shared/corpus

The corpus folder holds `danluu-post-mortems.jsonl` (one JSON object a line with
`company` and `summary`; see its README). Each summary becomes the body of a valid
post-mortem and goes through the real pipeline (`open_archive`, BL rules only). Most
write-ups are blameless, so the share flagged approximates the false-alarm rate; a few
say "human error" or "an engineer made a typo" in so many words and should be flagged.
Judge each printed flag by hand.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

from mkdocs_postmortems.pipeline import open_archive
from mkdocs_postmortems.settings import LintSettings, Settings

TODAY = dt.date(2026, 11, 18)


def postmortem(body: str) -> str:
    """A valid SEV4 post-mortem around `body` (an author, so names resolve as in real use)."""
    return (
        "---\nid: INC-1\ntitle: Disk full on db-1\ndate: 2026-03-01\nseverity: SEV4\n"
        "status: published\nsummary: The cache filled the disk; we expanded it.\n"
        f"services: [db]\nauthors: [Priya Nair]\n---\n{body}"
    )


def main(corpus: Path) -> None:
    path = corpus / "danluu-post-mortems.jsonl" if corpus.is_dir() else corpus
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    with tempfile.TemporaryDirectory() as tmp:
        docs = Path(tmp)
        for number, row in enumerate(rows):
            body = f"## Summary\n\n{row['summary']}\n"
            (docs / f"{number:03d}.md").write_text(postmortem(body), encoding="utf-8")
        archive = open_archive(docs, Settings(lint=LintSettings(select=["BL"])), TODAY)
        flagged = 0
        lines = []
        for entry in sorted(archive.entries, key=lambda e: e.doc.path):
            findings = [f for f in entry.findings if f.code.startswith("BL")]
            if not findings:
                continue
            flagged += 1
            row = rows[int(Path(entry.doc.path).stem)]
            for finding in findings:
                text = entry.doc.text.split("\n")[finding.line - 1]
                lines.append(f"{row['company']}: {finding.code} {finding.message}\n    {text}")
    print(f"{flagged} of {len(rows)} entries flagged ({flagged / len(rows):.1%})")
    print("\n".join(lines))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: bench_blameless.py CORPUS_FOLDER_OR_JSONL")
    main(Path(sys.argv[1]))
