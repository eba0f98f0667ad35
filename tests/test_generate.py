"""The benchmark generator writes archives that pass `postmortems check` untouched."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import yaml
from conftest import ROOT, run_cli

_spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "benchmarks/generate.py")
assert _spec and _spec.loader
generate_module = importlib.util.module_from_spec(_spec)
sys.modules["bench_generate"] = generate_module
_spec.loader.exec_module(generate_module)
generate = generate_module.generate

BLAME = (
    "forgot",
    "failed to",
    "human error",
    "fault",
    "blame",
    "careless",
    "obviously",
    "should have",
    "remind",
    "be more careful",
)


def _front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    # BaseLoader keeps every scalar as written (timestamps stay text)
    return yaml.load(text.split("\n---\n", 1)[0].removeprefix("---\n"), Loader=yaml.BaseLoader)


def _files(project: Path) -> list[Path]:
    return sorted(p for p in (project / "postmortems").rglob("*.md") if p.name != "index.md")


def test_generated_archive_checks_clean(tmp_path: Path) -> None:
    project = generate(30, tmp_path / "a", seed=7)
    result = run_cli("check", "--format", "json", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert '"findings": []' in result.stdout
    assert '"files": 30' in result.stdout
    assert (project / "postmortems" / "index.md").exists()
    config = yaml.safe_load((project / "mkdocs.yml").read_text())
    assert config["docs_dir"] == "postmortems"
    assert config["theme"] == {"name": "material", "font": False}
    assert [next(iter(item.values())) for item in config["nav"]] == [
        "index.md",
        "services/index.md",
        "tags/index.md",
        "severity/index.md",
        "archive/index.md",
    ]


def test_generated_post_mortems_are_realistic(tmp_path: Path) -> None:
    project = generate(30, tmp_path, seed=3)
    files = _files(project)
    metas = [_front_matter(p) for p in files]
    ids = [m["id"] for m in metas]
    assert len(files) == 30 and len(set(ids)) == 30
    for path, meta in zip(files, metas, strict=True):
        assert path.parent.name == str(meta["date"])[:4]
        assert path.name.startswith(f"{meta['date']}-")
        assert meta["status"] == "published"
        assert 1 <= len(meta["action_items"]) <= 5
        for item in meta["action_items"]:
            assert item["owner"] and item["due"] and item["success_criteria"]
        stamps = [meta[k] for k in ("started", "detected", "mitigated", "resolved")]
        assert all(s.endswith("Z") for s in stamps) and stamps == sorted(stamps)
        text = path.read_text(encoding="utf-8")
        assert 300 <= generate_module._words(text.split("\n---\n", 1)[1]) <= 500
        assert not [w for w in BLAME if re.search(rf"\b{w}\b", text, re.IGNORECASE)], path
    # links point back in time, at ids that exist
    known = set(ids)
    links = [(m["id"], t) for m in metas for t in [*m["related"], m.get("recurrence_of")] if t]
    assert links and all(t in known and t < source for source, t in links)
    assert {m["severity"] for m in metas} <= {"SEV1", "SEV2", "SEV3", "SEV4"}


def test_generator_is_deterministic(tmp_path: Path) -> None:
    first = generate(30, tmp_path / "one", seed=11)
    second = generate(30, tmp_path / "two", seed=11)
    other = generate(30, tmp_path / "three", seed=12)

    def snapshot(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*.md")}

    assert snapshot(first) == snapshot(second)
    assert snapshot(first) != snapshot(other)


def test_nav_is_a_parameter(tmp_path: Path) -> None:
    project = generate(3, tmp_path, nav=[("Home", "index.md"), ("Tags", "tags/index.md")])
    config = yaml.safe_load((project / "mkdocs.yml").read_text())
    assert config["nav"] == [{"Home": "index.md"}, {"Tags": "tags/index.md"}]
