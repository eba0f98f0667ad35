"""Edit to preview: seconds from saving a post-mortem to `mkdocs serve` serving the change.

    python benchmarks/bench_serve.py N [--edits 5] [--seed 0] [--timeout 900]

Generates N post-mortems (benchmarks/generate.py), starts `mkdocs serve` on them, edits
one post-mortem --edits times (a new sentence at the end of its body), and polls its page
until the new sentence is served; prints the median seconds from the save to the new
text, beside the same for a plain mkdocs-material site of the same files (search plugin
only). MkDocs' file watcher polls every 0.5 s and waits 0.1 s for more changes, so even
an instant build shows up after a few tenths of a second.

The machine may be shared: the load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402

# nav = the home page, as in bench_build.py: MkDocs' automatic nav would render all N
# pages into every page (quadratic), which no real site of this size does
PLAIN = """site_name: Plain
docs_dir: postmortems
nav:
  - Home: index.md
theme:
  name: material
  font: false
plugins:
  - search
"""


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str, timeout: float) -> str:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return ""


def measure(project: Path, target: Path, url_path: str, edits: int, timeout: float) -> list[float]:
    """Start `mkdocs serve` in `project`, edit `target` `edits` times; seconds per edit."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/{url_path}"
    exe = Path(sys.executable).with_name("mkdocs")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    log = (project / "serve.log").open("w")
    process = subprocess.Popen(
        [str(exe), "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    times: list[float] = []
    try:
        start = time.perf_counter()
        while "</html>" not in fetch(url, timeout):
            if process.poll() is not None or time.perf_counter() - start > timeout:
                raise SystemExit(f"mkdocs serve did not start; see {project / 'serve.log'}")
            time.sleep(0.5)
        print(f"  first build served after {time.perf_counter() - start:.1f} s")
        original = target.read_text(encoding="utf-8")
        for number in range(edits):
            marker = f"Benchmark edit {number} {time.time_ns()}."
            time.sleep(1.5)  # let the watcher settle after the previous rebuild
            saved = time.perf_counter()
            target.write_text(original.rstrip("\n") + f"\n\n{marker}\n", encoding="utf-8")
            while marker not in fetch(url, timeout):
                if time.perf_counter() - saved > timeout:
                    raise SystemExit(f"edit {number} never served; see {project / 'serve.log'}")
                time.sleep(0.05)
            times.append(time.perf_counter() - saved)
            print(f"  edit {number + 1}: {times[-1]:.2f} s ({load()})")
        target.write_text(original, encoding="utf-8")
    finally:
        process.terminate()
        process.wait(timeout=60)
        log.close()
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--keep", type=Path, help="write the projects here and keep them")
    args = parser.parse_args(argv)
    tmp = None
    root = args.keep or Path(tmp := tempfile.mkdtemp(prefix="bench-serve-"))
    try:
        full = generate(args.n, root / "postmortems-site", seed=args.seed)
        plain = root / "plain-site"
        shutil.rmtree(plain, ignore_errors=True)
        shutil.copytree(full / "postmortems", plain / "postmortems")
        (plain / "mkdocs.yml").write_text(PLAIN, encoding="utf-8")
        docs = full / "postmortems"
        first = next(p for p in sorted(docs.rglob("*.md")) if p.name != "index.md")
        src_uri = first.relative_to(docs).as_posix()
        url_path = src_uri[:-3] + "/"
        results = {}
        for label, project in (("mkdocs-postmortems", full), ("plain mkdocs-material", plain)):
            print(f"{label}, {args.n} post-mortems, editing {src_uri} ({load()})")
            target = project / "postmortems" / src_uri
            results[label] = measure(project, target, url_path, args.edits, args.timeout)
        print(f"\nmedian seconds from save to the new text served, {args.n} post-mortems:")
        for label, times in results.items():
            shown = ", ".join(f"{t:.2f}" for t in times)
            print(f"  {label:24s} {statistics.median(times):6.2f} s   ({shown})")
        print(load())
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
