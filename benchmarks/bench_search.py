"""How big is the finder's index, and how fast does it answer in Chromium?

    python benchmarks/bench_search.py [--sizes 1000 5000] [--out DIR] [--keep] [--reuse]

For each size: benchmarks/generate.py writes N synthetic post-mortems, `mkdocs build`
builds the site (Material's search plugin included), then, in the same run:

  size   gzip -9 of search/postmortems-index.json + search/postmortems-docs.json
         (what the finder downloads) against gzip -9 of Material's own
         search/search_index.json for the same site. Target: ratio <= 0.5.
  query  median over 20 queries of performance.now() around window.pmFinder.search(q)
         in headless Chromium (parse + lunr + filters + sort; each query run 5 times,
         its median taken). Target at 5,000: under 30 ms. Also reported: the same
         around a form submit plus a forced layout (query + rendering the facets and
         the first page of results), and the time to load the index (fetch + parse
         the JSON + lunr.Index.load).

The machine may be shared, so the load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
EPOCH = "1795000000"
QUERIES = [
    "timeout",
    "connection pool",
    "retry storm",
    '"thundering herd"',
    "certificate expired",
    "dns",
    "service:payments",
    "service:checkout timeout",
    "tag:retry-storm severity:SEV1",
    "cache flush -tag:dns",
    "memory growth",
    "failover year:2025",
    "consumer rebalance",
    "severity:SEV2 -service:kafka",
    "route leak",
    "disk full",
    "rate limit status:published",
    "deploy default config",
    "clock skew",
    "name resolution failures",
]


def gz(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


TIMING = """async (queries) => {
  await new Promise((resolve) => {
    const wait = () => (document.getElementById('pm-find').dataset.ready
      ? resolve() : setTimeout(wait, 5));
    wait();
  });
  const root = document.getElementById('pm-find');
  const t1 = performance.now();
  const urls = [root.dataset.index, root.dataset.docs];
  const data = await Promise.all(urls.map((u) => fetch(u).then((r) => r.json())));
  lunr.Index.load(data[0]);
  const ready = performance.now() - t1;
  const search = [], submit = [], counts = [];
  const input = document.getElementById('pm-find-q');
  const form = document.querySelector('#pm-find form');
  for (const q of queries) {
    const one = [], two = [];
    for (let i = 0; i < 5; i++) {
      let start = performance.now();
      const found = window.pmFinder.search(q);
      one.push(performance.now() - start);
      if (i === 0) counts.push(found.length);
      input.value = q;
      start = performance.now();
      form.requestSubmit();
      void document.body.offsetHeight; // layout the results, as the user will see them
      two.push(performance.now() - start);
    }
    one.sort((a, b) => a - b); two.sort((a, b) => a - b);
    search.push(one[2]); submit.push(two[2]);
  }
  return {ready, search, submit, counts};
}"""


def browser_times(site: Path) -> dict:
    from playwright.sync_api import sync_playwright

    server, url = serve(site)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(url + "find/", wait_until="domcontentloaded")
            result = page.evaluate(TIMING, QUERIES)
            browser.close()
    finally:
        server.shutdown()
    result["errors"] = errors
    return result


def run(n: int, out: Path, reuse: bool = False) -> dict:
    project = out / f"archive-{n}"
    site = project / "site"
    build_s = 0.0
    if not (reuse and (site / "find/index.html").exists()):
        if project.exists():
            shutil.rmtree(project)
        generate(n, project, seed=0, nav="auto")
        env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1"}
        start = time.perf_counter()
        mkdocs = Path(sys.executable).with_name("mkdocs")
        command = [str(mkdocs), "build", "-q", "-d", str(site)]
        subprocess.run(command, cwd=project, env=env, check=True)
        build_s = time.perf_counter() - start
    ours = gz(site / "search/postmortems-index.json") + gz(site / "search/postmortems-docs.json")
    material = gz(site / "search/search_index.json")
    times = browser_times(site)
    return {
        "n": n,
        "build_s": round(build_s, 1),
        "index_gzip": ours,
        "index_raw": (site / "search/postmortems-index.json").stat().st_size
        + (site / "search/postmortems-docs.json").stat().st_size,
        "material_gzip": material,
        "ratio": round(ours / material, 3),
        "load_ms": round(times["ready"], 1),
        "median_query_ms": round(statistics.median(times["search"]), 2),
        "max_query_ms": round(max(times["search"]), 2),
        "median_query_render_ms": round(statistics.median(times["submit"]), 2),
        "hits": times["counts"],
        "errors": times["errors"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--out", type=Path, default=None, help="where to build (default: tmp)")
    parser.add_argument("--keep", action="store_true", help="keep the generated projects")
    parser.add_argument(
        "--reuse", action="store_true", help="measure sites already built in --out again"
    )
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-search-"))
    out.mkdir(parents=True, exist_ok=True)
    print(f"load average: {os.getloadavg()}")
    failed = False
    try:
        for n in args.sizes:
            row = run(n, out, args.reuse)
            print(json.dumps(row))
            print(
                f"{n:>6} post-mortems: index {row['index_gzip'] / 1024:.0f} KiB gzip vs Material "
                f"{row['material_gzip'] / 1024:.0f} KiB = {row['ratio']:.2f}x (target <= 0.5); "
                f"median query {row['median_query_ms']:.2f} ms (max {row['max_query_ms']:.2f}), "
                f"with rendering {row['median_query_render_ms']:.2f} ms; "
                f"index load {row['load_ms']:.0f} ms; build {row['build_s']} s",
                flush=True,
            )
            failed |= row["ratio"] > 0.5 or bool(row["errors"])
            if n >= 5000:
                failed |= row["median_query_ms"] >= 30
    finally:
        if not args.keep and args.out is None:
            shutil.rmtree(out, ignore_errors=True)
    print(f"load average: {os.getloadavg()}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
