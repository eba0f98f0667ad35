"""How much does `postmortems check` cost over merely parsing the front-matter?

    python benchmarks/bench_check.py [--n 5000] [--seed 0] [--repeat 3] [--out DIR]

Generates N post-mortems, then measures in the same run (best of --repeat,
time.perf_counter):

  baseline   list the files, read each one, split off the front-matter and
             yaml.load(..., Loader=yaml.CSafeLoader) it: the least any checker does;
  check      archive.open_archive(docs_dir, Settings(), today) in-process: load,
             validate, every enabled rule (PM, BL, AI), suppressions, indexes;
  cli        `postmortems check` as a subprocess (interpreter start-up and mkdocs.yml
             loading included), for information.

Then the check cache (`.postmortems_cache/`), each a `postmortems check` subprocess with
its wall time, CPU time (user + system) and peak memory (max RSS): the full check with
--no-cache, with a cold cache (none yet) and a warm one; and `check FILE` (what a
pre-commit hook runs) after an edit of that file, with --no-cache and with a warm cache.
Targets at 10,000 files: warm `check FILE` <= 1.0 s and <= 300 MB, warm full check <= 5 s.

Target: check / baseline <= 3. Ratios are what count: the machine may be shared,
so the load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402
from mkdocs_postmortems.pipeline import open_archive  # noqa: E402
from mkdocs_postmortems.settings import Settings  # noqa: E402

TARGET = 3.0
TODAY = dt.date(2026, 11, 18)  # fixed "today", like SOURCE_DATE_EPOCH in the tests


def baseline(docs: Path) -> int:
    """Read every post-mortem and parse its front-matter with the C YAML loader."""
    parsed = 0
    for path in sorted(docs.rglob("*.md")):
        if path.name == "index.md":
            continue
        text = path.read_text(encoding="utf-8")
        if not text.startswith("---\n"):
            continue
        end = text.find("\n---\n", 4)
        data = yaml.load(text[4:end], Loader=yaml.CSafeLoader)
        parsed += isinstance(data, dict)
    return parsed


def check(docs: Path) -> int:
    archive = open_archive(docs, Settings(), TODAY)
    findings = archive.findings
    if findings:
        raise SystemExit(f"the generated archive has {len(findings)} findings: {findings[:3]}")
    return len(archive.entries)


def cli(project: Path) -> int:
    exe = Path(sys.executable).with_name("postmortems")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795000000"}
    result = subprocess.run(
        [str(exe), "check"], cwd=project, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"postmortems check failed:\n{result.stdout[-2000:]}{result.stderr}")
    return 0


def run_measured(project: Path, *args: str) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (MB) of one `postmortems
    check` subprocess. On a shared machine the CPU time is the steadier figure."""
    exe = Path(sys.executable).with_name("postmortems")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795000000"}
    start = time.perf_counter()
    process = subprocess.Popen(
        [str(exe), "check", *args],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"postmortems check {' '.join(args)} exited {process.returncode}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def cache_figures(project: Path, repeat: int) -> None:
    """Cold and warm cache, full check and `check FILE`, as subprocesses."""
    docs = project / "postmortems"
    cache = project / ".postmortems_cache"
    one = next(p for p in sorted(docs.rglob("*.md")) if p.name != "index.md")
    target = one.relative_to(project).as_posix()

    def edit() -> None:  # what a commit of this one post-mortem changes
        text = one.read_text(encoding="utf-8")
        one.write_text(text.rstrip("\n") + "\n\nOne more sentence for the benchmark.\n")

    rows: list[tuple[str, float, float, float]] = []

    def measure(label: str, before: Callable[[], None], *args: str) -> None:
        walls, cpus, peaks = [], [], []
        for _ in range(repeat):
            before()
            wall, cpu, peak = run_measured(project, *args)
            walls.append(wall)
            cpus.append(cpu)
            peaks.append(peak)
        rows.append((label, min(walls), min(cpus), max(peaks)))

    def cold() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    def warm() -> None:
        if not cache.exists():
            run_measured(project)

    measure("check --no-cache", cold, "--no-cache")
    measure("check, cold cache", cold)
    measure("check, warm cache", warm)
    measure("check FILE --no-cache (after an edit)", edit, "--no-cache", target)
    run_measured(project)  # warm again

    def edit_warm() -> None:
        warm()
        edit()

    measure("check FILE, warm cache (after an edit)", edit_warm, target)
    title = "cache (CLI subprocess; best of each, peak RSS)"
    print(f"{title:46s} {'wall':>8s} {'cpu':>8s} {'max RSS':>9s}")
    for label, wall, cpu, peak in rows:
        print(f"{label:46s} {wall:7.3f}s {cpu:7.3f}s {peak:6.0f} MB")


def best(func: Callable[[], int], repeat: int) -> tuple[float, float, int]:
    """Best wall time (perf_counter) and best CPU time (process_time) of `repeat` runs.

    On a shared machine the CPU time is the steadier figure; both are printed.
    """
    walls, cpus = [], []
    result = 0
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = func()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - start_cpu)
    return min(walls), min(cpus), result


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, help="project folder (default: a temp dir)")
    parser.add_argument("--no-cli", action="store_true", help="skip the subprocess timing")
    parser.add_argument(
        "--cache-only", action="store_true", help="only the cache figures (cold, warm, FILE)"
    )
    parser.add_argument(
        "--project", type=Path, help="an archive generate.py already wrote (N is not used)"
    )
    args = parser.parse_args(argv)

    tmp = None
    if args.out is None:
        tmp = tempfile.mkdtemp(prefix="bench-check-")
        project = Path(tmp)
    else:
        project = args.out
        shutil.rmtree(project, ignore_errors=True)
    if args.project is not None:
        project = args.project
    try:
        if args.project is None:
            start = time.perf_counter()
            generate(args.n, project, seed=args.seed)
            print(f"generated {args.n} post-mortems in {time.perf_counter() - start:.2f} s")
        docs = project / "postmortems"
        if args.cache_only:
            print(f"before: {load()}")
            cache_figures(project, args.repeat)
            print(f"after: {load()}")
            return 0
        print(f"before: {load()}")
        base, base_cpu, parsed = best(lambda: baseline(docs), args.repeat)
        full, full_cpu, checked = best(lambda: check(docs), args.repeat)
        assert parsed == checked == args.n, (parsed, checked)
        runs = f"best of {args.repeat}"
        print(f"{'':44s} {'wall':>8s} {'cpu':>8s}")
        print(f"{'baseline (read + CSafeLoader front-matter)':44s} {base:7.3f}s {base_cpu:7.3f}s")
        print(f"{'check (open_archive, in-process)':44s} {full:7.3f}s {full_cpu:7.3f}s")
        if not args.no_cli:
            sub, _, _ = best(lambda: cli(project), args.repeat)
            print(f"{'postmortems check (CLI subprocess, wall)':44s} {sub:7.3f}s")
        ratio, ratio_cpu = full / base, full_cpu / base_cpu
        verdict = "OK" if max(ratio, ratio_cpu) <= TARGET else "OVER TARGET"
        print(
            f"ratio check / baseline ({runs}): wall {ratio:.2f}x, cpu {ratio_cpu:.2f}x "
            f"(target <= {TARGET:.0f}x) {verdict}"
        )
        per = [t / args.n * 1e3 for t in (base, full)]
        print(f"per file (wall): baseline {per[0]:.2f} ms, check {per[1]:.2f} ms")
        print(f"cache figures: {load()}")
        cache_figures(project, args.repeat)
        print(f"after: {load()}")
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
