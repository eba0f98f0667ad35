"""`postmortems check` on 5,000 files against PyYAML parsing their front-matter.

Run: /work/venv/bin/python benchmarks/bench_blameless.py [count]
Prints the seconds of each and the ratios; the target is check ≤ 3x the YAML parse.
Timings are ratios measured in the same run, never absolute numbers in tests.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import tempfile
import time
from pathlib import Path

import yaml
from mkdocs_postmortems.pipeline import open_archive
from mkdocs_postmortems.settings import LintSettings, Settings

ROOT = Path(__file__).resolve().parent.parent
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def make_files(folder: Path, count: int) -> list[Path]:
    sources = sorted((ROOT / "postmortems").glob("20*/*.md"))
    paths = []
    for number in range(count):
        text = sources[number % len(sources)].read_text(encoding="utf-8")
        text = re.sub(r"^id: .*$", f"id: INC-BENCH-{number:05d}", text, count=1, flags=re.M)
        text = re.sub(r"^(related|recurrence_of): .*\n", "", text, flags=re.M)
        path = folder / f"{number // 500:02d}" / f"pm-{number:05d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def parse_front_matter(paths: list[Path]) -> None:
    for path in paths:
        text = path.read_text(encoding="utf-8")
        yaml.load(text.split("\n---\n", 1)[0].removeprefix("---\n"), Loader=LOADER)


def timed(func, *args) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    func(*args)
    return time.perf_counter() - start


def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = make_files(folder, count)
        today = dt.date(2026, 11, 18)
        baseline = min(timed(parse_front_matter, paths) for _ in range(3))
        no_text = Settings(lint=LintSettings(select=["PM"]))
        full = Settings()
        pm_only = min(timed(open_archive, folder, no_text, today) for _ in range(2))
        check = min(timed(open_archive, folder, full, today) for _ in range(2))
        print(f"{count} files ({LOADER.__name__} baseline)")
        print(f"  PyYAML front-matter parse: {baseline:.2f} s")
        print(f"  check, PM rules only:      {pm_only:.2f} s  ({pm_only / baseline:.2f}x)")
        print(f"  check, PM + BL + AI:       {check:.2f} s  ({check / baseline:.2f}x)")
        print(f"  BL + AI cost:              {check - pm_only:.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
