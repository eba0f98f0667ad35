"""What related incidents cost a build: `related.compute` against the whole `mkdocs build`.

    python benchmarks/bench_related.py [N] [--keep DIR]

Generates N synthetic post-mortems (benchmarks/generate.py, default 5,000),
times one `mkdocs build --strict` of them (related incidents included, as
every post-mortem page shows them), then times `related.compute` on the same
archive in this process, and prints the ratio. Target: at most 10 %.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EPOCH = "1795000000"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=5000)
    parser.add_argument("--keep", type=Path, help="generate into (or reuse) this folder")
    args = parser.parse_args()
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


if __name__ == "__main__":
    sys.exit(main())
