"""ProperDocs, the maintained continuation of MkDocs 1.x, builds the same site.

ProperDocs loads plugins from MkDocs' entry points and redirects `mkdocs.*` imports to
its own modules, so the plugin and Material run unchanged. It needs its own virtual
environment (it shares the `mkdocs` import name): `.ci/run` creates `.venv-properdocs`
with properdocs and this package, and sets POSTMORTEMS_PROPERDOCS to it. Without that
variable the test skips, except under CI=true where it must run.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from conftest import EPOCH, ROOT

GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')


def venv() -> Path:
    value = os.environ.get("POSTMORTEMS_PROPERDOCS", "")
    if not value:
        reason = (
            "POSTMORTEMS_PROPERDOCS is not set (a virtualenv with properdocs; .ci/run makes it)"
        )
        if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
            pytest.fail(f"under CI=true the ProperDocs build must run: {reason}")
        pytest.skip(reason)
    path = Path(value)
    assert (path / "bin" / "properdocs").is_file(), f"{path}/bin/properdocs is missing"
    return path


def build(command: list[str], site: Path) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    env["DISABLE_MKDOCS_2_WARNING"] = "true"
    result = subprocess.run(
        [*command, "build", "--strict", "-f", "mkdocs.yml", "-d", str(site)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_example_builds_under_properdocs_with_the_same_bytes(tmp_path: Path) -> None:
    """Every file byte-identical to the MkDocs build, but the generator meta tag."""
    bin_dir = venv() / "bin"
    build([str(bin_dir / "properdocs")], tmp_path / "properdocs")
    build([str(bin_dir / "mkdocs")], tmp_path / "mkdocs")
    ours = sorted(
        p.relative_to(tmp_path / "properdocs") for p in (tmp_path / "properdocs").rglob("*")
    )
    theirs = sorted(p.relative_to(tmp_path / "mkdocs") for p in (tmp_path / "mkdocs").rglob("*"))
    assert ours == theirs
    generators: set[bytes] = set()
    compared = 0
    for relative in ours:
        a, b = tmp_path / "properdocs" / relative, tmp_path / "mkdocs" / relative
        if a.is_dir():
            continue
        left, right = a.read_bytes(), b.read_bytes()
        if left != right:
            generators.update(GENERATOR.findall(left))
            assert GENERATOR.sub(b"", left) == GENERATOR.sub(b"", right), relative
        compared += 1
    assert compared > 100  # the whole example site, not an empty folder
    assert any(b"ProperDocs" in tag for tag in generators), generators
    home = (tmp_path / "properdocs" / "index.html").read_text(encoding="utf-8")
    assert 'class="pm-table' in home and "assets/postmortems/postmortems.css" in home
