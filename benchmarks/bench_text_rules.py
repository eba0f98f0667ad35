"""The cost of the BL and AI rules alone, against PyYAML parsing the same front-matter.

Run: /work/venv/bin/python benchmarks/bench_text_rules.py [count]

The files are loaded once (PM rules only); then, best of 5 and in CPU time (the machine
is shared), each part of the text rules runs over every entry with its caches cleared:
reading the prose (spans), BL through `scan_spans` (the fast path) and through
`find_blame` on each span (the plain path it must agree with), and the AI rules.
Figures are per file and as a ratio to the YAML parse measured in the same run.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml
from mkdocs_postmortems.entry import Entry, TextCache
from mkdocs_postmortems.pipeline import open_archive
from mkdocs_postmortems.rules import ai, bl, text
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


def best(func: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        func()
        times.append(time.process_time() - start)
    return min(times)


def clear(entries: list[Entry]) -> None:
    for entry in entries:
        entry.text_cache = TextCache()


def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = make_files(folder, count)
        today = dt.date(2026, 11, 18)
        entries = open_archive(folder, Settings(lint=LintSettings(select=["PM"])), today).entries
        settings = Settings()

        def parse() -> None:
            for path in paths:
                front = path.read_text(encoding="utf-8").split("\n---\n", 1)[0]
                yaml.load(front.removeprefix("---\n"), Loader=LOADER)

        def prose() -> None:
            clear(entries)
            for entry in entries:
                text.spans(entry)

        def bl_fast() -> None:
            clear(entries)
            for entry in entries:
                bl.scan_spans(text.spans(entry), bl.entry_context(entry, settings))

        def bl_plain() -> None:
            clear(entries)
            for entry in entries:
                ctx = bl.entry_context(entry, settings)
                [f for span in text.spans(entry) for f in bl.find_blame(span, ctx)]

        def ai_rules() -> None:
            clear(entries)
            for entry in entries:
                for check in (
                    ai.vague_actions,
                    ai.success_criteria,
                    ai.too_many_open,
                    ai.blame_targets,
                ):
                    list(check(entry, settings))

        baseline = best(parse)
        figures = {
            "prose spans": best(prose),
            "BL, fast path (spans included)": best(bl_fast),
            "BL, plain path (spans included)": best(bl_plain),
            "AI rules": best(ai_rules),
        }
        print(f"{count} files, CPU time, best of 5 ({LOADER.__name__} baseline)")
        print(f"  PyYAML front-matter parse:        {baseline * 1e3 / count:6.3f} ms/file")
        for name, seconds in figures.items():
            print(
                f"  {name + ':':33s} {seconds * 1e3 / count:6.3f} ms/file "
                f"({seconds / baseline:.2f}x the parse)"
            )
        total = figures["BL, fast path (spans included)"] + figures["AI rules"]
        print(
            f"  BL + AI:                          {total * 1e3 / count:6.3f} ms/file "
            f"({total / baseline:.2f}x the parse)"
        )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
