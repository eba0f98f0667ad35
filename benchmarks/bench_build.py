"""What does the postmortems plugin add to a plain mkdocs-material build?

    python benchmarks/bench_build.py [--sizes 1000 5000] [--repeat 2] [--out benchmarks/out]

For each size N: generate N post-mortems, then build the same Markdown twice,
each `mkdocs build` in a fresh subprocess under /usr/bin/time -v:

  plain   mkdocs-material with only the search plugin; the nav lists the home page
          only (post-mortems are pages outside the nav, as in the full build);
  full    the generated mkdocs.yml: search + postmortems, with every generated
          index and sub-page (services, tags, severity, archive, and whatever
          features add: actions, metrics, find...).

Reports wall time (best of --repeat, perf_counter around the subprocess), CPU
time (user + sys of the build and its children), peak RSS (max resident set size
of the largest process) and the site's size on disk, then the ratios full / plain.

Target: build time (wall) <= 1.3x. The plugin does the archive's share of the
build (lint, post-mortem and listing HTML, search index, exports) in a second
process while MkDocs renders Markdown, so on two or more cores the wall ratio is
what a reader of the build log waits; the CPU ratio is the total work of both
processes, what a single core would take. Runs alternate plain/full so that a
change in the machine's load hits both alike; the load average is printed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402

TARGET = 1.3
EPOCH = "1795000000"  # fixed "today" (2026-11-18) so both builds see the same archive
TIME = Path("/usr/bin/time")

PLAIN_CONFIG = """site_name: Synthetic incident archive
docs_dir: postmortems
theme:
  name: material
  font: false
markdown_extensions:
  - tables
  - admonition
  - attr_list
  - md_in_html
  - toc:
      permalink: true
plugins:
  - search
nav:
  - Home: index.md
not_in_nav: |
  *.md
"""


@dataclass
class Run:
    wall: float
    cpu: float
    rss_mb: float
    site_mb: float
    pages: int


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def build(project: Path, config: str, site: Path) -> Run:
    """One `mkdocs build` in a fresh process; wall, CPU and peak memory of that process."""
    shutil.rmtree(site, ignore_errors=True)
    mkdocs = Path(sys.executable).with_name("mkdocs")
    command = [str(mkdocs), "build", "-q", "-f", config, "-d", str(site)]
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    use_time = TIME.exists()
    if use_time:
        command = [str(TIME), "-v", *command]
    before = os.times()
    start = time.perf_counter()
    result = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = os.times()
    if result.returncode != 0:
        raise SystemExit(f"build of {config} failed:\n{result.stderr[-3000:]}")
    if use_time:
        stats = dict(re.findall(r"^\s*(.+?): (.+)$", result.stderr, re.M))
        rss_kb = float(stats["Maximum resident set size (kbytes)"])
        cpu = float(stats["User time (seconds)"]) + float(stats["System time (seconds)"])
    else:  # the children's figures from the kernel (max RSS is the max over all children)
        import resource

        rss_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        cpu = (after.children_user - before.children_user) + (
            after.children_system - before.children_system
        )
    files = [p for p in site.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    pages = sum(1 for p in files if p.name == "index.html")
    return Run(wall, cpu, rss_kb / 1024, size / 1e6, pages)


def show(run: Run) -> str:
    return (
        f"wall {run.wall:.1f} s, cpu {run.cpu:.1f} s, peak {run.rss_mb:.0f} MB, "
        f"site {run.site_mb:.1f} MB, {run.pages} pages"
    )


def best(runs: list[Run]) -> Run:
    return Run(
        min(r.wall for r in runs),
        min(r.cpu for r in runs),
        max(r.rss_mb for r in runs),
        runs[-1].site_mb,
        runs[-1].pages,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument(
        "--repeat", type=int, default=2, help="builds of each kind per size (best is kept)"
    )
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    rows: list[tuple[int, Run, Run]] = []
    for n in args.sizes:
        project = args.out.resolve() / f"build-{n}"
        shutil.rmtree(project, ignore_errors=True)
        start = time.perf_counter()
        generate(n, project, seed=args.seed, nav="auto")
        (project / "mkdocs-plain.yml").write_text(PLAIN_CONFIG, encoding="utf-8")
        print(f"generated {n} post-mortems in {time.perf_counter() - start:.1f} s; {load()}")
        repeat = args.repeat
        plain_runs, full_runs = [], []
        for _ in range(repeat):  # alternate, so a change in load hits both alike
            plain_runs.append(build(project, "mkdocs-plain.yml", project / "site-plain"))
            print(f"  N={n} plain: {show(plain_runs[-1])}; {load()}", flush=True)
            full_runs.append(build(project, "mkdocs.yml", project / "site-full"))
            print(f"  N={n} full:  {show(full_runs[-1])}; {load()}", flush=True)
        rows.append((n, best(plain_runs), best(full_runs)))

    print()
    heads = ("wall s", "cpu s", "peak MB", "site MB")
    print(f"{'N':>6} {'build':6} " + " ".join(f"{h:>8}" for h in heads) + f" {'pages':>6}")
    for n, plain, full in rows:
        for name, run in (("plain", plain), ("full", full)):
            print(
                f"{n:>6} {name:6} {run.wall:8.1f} {run.cpu:8.1f} {run.rss_mb:8.0f} "
                f"{run.site_mb:8.1f} {run.pages:>6}"
            )
    print()
    for n, plain, full in rows:
        wall, cpu = full.wall / plain.wall, full.cpu / plain.cpu
        verdict = "OK" if wall <= TARGET else "OVER TARGET"
        print(
            f"N={n}: full / plain  wall {wall:.2f}x  cpu (both processes) {cpu:.2f}x  "
            f"memory {full.rss_mb / plain.rss_mb:.2f}x  site {full.site_mb / plain.site_mb:.2f}x"
            f"  (target: wall <= {TARGET}x) {verdict}"
        )
    print(load())
    return 0


if __name__ == "__main__":
    sys.exit(main())
