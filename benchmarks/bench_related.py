"""Related incidents: what they cost a build, and how well they match on a real corpus.

    python benchmarks/bench_related.py [N] [--keep DIR]
    python benchmarks/bench_related.py --corpus PATH/danluu-post-mortems.jsonl

Cost: generates N synthetic post-mortems (benchmarks/generate.py, default 5,000),
times one `mkdocs build --strict` of them (related incidents included, as every
post-mortem page shows them), then times `related.compute` on the same archive in
this process, and prints the ratio. Target: at most 10 %.

Lift (--corpus): a JSON-lines corpus of public write-ups (`slug`, `company`,
`category`, `summary` per line; ../shared/corpus/ beside this repository), each
turned into a post-mortem from its text alone, the category hidden. Prints the
share of the top-5 related incidents of a categorised write-up that share its
category, against the share by chance. Target: at least 2.5x chance.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EPOCH = "1795000000"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=5000)
    parser.add_argument("--keep", type=Path, help="generate into (or reuse) this folder")
    parser.add_argument("--corpus", type=Path, help="measure the lift on this JSON-lines corpus")
    args = parser.parse_args()
    if args.corpus:
        return lift(args.corpus)
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    scratch = tempfile.TemporaryDirectory(prefix="bench-related-")
    project = args.keep or Path(scratch.name) / "archive"
    if not (project / "mkdocs.yml").exists():
        subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / "generate.py"), str(args.n), str(project)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    site_dir = Path(scratch.name) / "site"
    mkdocs = Path(sys.executable).with_name("mkdocs")
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    build = subprocess.run(
        [str(mkdocs), "build", "-q", "-d", str(site_dir)],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    build_seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    build_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if build.returncode != 0:
        print(build.stderr[-2000:], file=sys.stderr)
        return 1

    from mkdocs_postmortems import related
    from mkdocs_postmortems.pipeline import open_archive
    from mkdocs_postmortems.settings import Settings, today

    archive = open_archive(project / "postmortems", Settings(), today())
    for entry in archive.valid:
        _ = entry.sections  # parsed by the build anyway; not part of the related cost
    start, cpu = time.perf_counter(), time.process_time()
    found = related.compute(archive)
    related_seconds = time.perf_counter() - start
    related_cpu = time.process_time() - cpu
    pairs = sum(len(v) for v in found.similar.values())
    print(f"post-mortems:          {len(archive.valid)}")
    # CPU seconds are the fairer figure on a shared machine; wall seconds are what users wait
    print(f"mkdocs build (whole):  {build_seconds:8.2f} s wall {build_cpu:8.2f} s CPU")
    print(f"related.compute:       {related_seconds:8.2f} s wall {related_cpu:8.2f} s CPU")
    print(f"related pairs kept:    {pairs}")
    share = 100 * related_seconds / build_seconds
    share_cpu = 100 * related_cpu / build_cpu
    print(f"share of the build:    {share:8.1f} % wall {share_cpu:8.1f} % CPU  (target <= 10 %)")
    return 0


def lift(corpus: Path) -> int:
    """Precision@5 of related incidents by the corpus' hidden category, against chance.

    For every write-up in a labelled category (not Uncategorized), the share of its
    top-5 similar incidents with the same category; chance is the share a random other
    write-up would have, (n_category - 1) / (N - 1), averaged over the same write-ups.
    """
    from mkdocs_postmortems import related
    from mkdocs_postmortems.entry import slug
    from mkdocs_postmortems.pipeline import open_archive
    from mkdocs_postmortems.settings import Settings

    if not corpus.is_file():
        print(f"{corpus}: no such file", file=sys.stderr)
        return 2
    labels: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="bench-related-lift-") as scratch:
        folder = Path(scratch)
        lines = corpus.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(line for line in lines if line.strip()):
            row = json.loads(line)
            labels[row["slug"]] = row["category"]
            meta = {
                "id": row["slug"],
                "title": " ".join(row["summary"].split()[:8]),
                "date": (dt.date(2015, 1, 1) + dt.timedelta(days=7 * number)).isoformat(),
                "severity": "SEV4",
                "status": "published",
                "summary": row["summary"],
                "services": [slug(row["company"])],
            }
            front = "\n".join(f"{key}: {json.dumps(value)}" for key, value in meta.items())
            text = f"---\n{front}\n---\n## Summary\n\n{row['summary']}\n"
            (folder / f"{row['slug']}.md").write_text(text, encoding="utf-8")
        archive = open_archive(folder, Settings(), dt.date(2026, 11, 18))
        found = related.compute(archive, limit=5)
    sizes = Counter(labels.values())
    same = shown = 0
    chances = []
    for pm_id, label in sorted(labels.items()):
        if label == "Uncategorized":
            continue
        top = found.most_similar(pm_id)[:5]
        shown += len(top)
        same += sum(labels[other.pm.id] == label for other, _ in top)
        chances.append((sizes[label] - 1) / (len(labels) - 1))
    precision, chance = same / shown, sum(chances) / len(chances)
    print(f"write-ups:             {len(archive.valid)} ({len(chances)} categorised)")
    print(f"related@5 same share:  {precision:.1%} ({same}/{shown})")
    print(f"by chance:             {chance:.1%}")
    print(f"lift:                  {precision / chance:.1f}x  (target >= 2.5x)")
    return 0 if precision >= 2.5 * chance else 1


if __name__ == "__main__":
    sys.exit(main())
