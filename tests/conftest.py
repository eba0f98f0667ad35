"""Shared fixtures: the example archive, built sites, a local server and Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "postmortems"
SCREENSHOTS = ROOT / "tests" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
EPOCH = "1795000000"  # 2026-11-18, a fixed "today" for overdue items


def run_cli(
    *args: str, cwd: Path = ROOT, env: dict[str, str] | None = None, input: str | None = None
):
    """Run the `postmortems` console script as a user would."""
    full_env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **(env or {})}
    exe = Path(sys.executable).with_name("postmortems")
    return subprocess.run(
        [str(exe), *args], cwd=cwd, env=full_env, capture_output=True, text=True, input=input
    )


def build_site(project: Path, site_dir: Path, *args: str, env: dict[str, str] | None = None):
    full_env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **(env or {})}
    exe = Path(sys.executable).with_name("mkdocs")
    return subprocess.run(
        [str(exe), "build", "--strict", "-q", "-d", str(site_dir), *args],
        cwd=project,
        env=full_env,
        capture_output=True,
        text=True,
    )


def make_project(tmp: Path, files: dict[str, str], config_extra: str = "") -> Path:
    """A small archive: mkdocs.yml plus the given files under postmortems/."""
    (tmp / "postmortems").mkdir(parents=True, exist_ok=True)
    (tmp / "mkdocs.yml").write_text(
        "site_name: Test archive\ndocs_dir: postmortems\ntheme:\n  name: material\n  font: false\n"
        "plugins:\n  - search\n  - postmortems"
        + (":\n" + config_extra if config_extra else "")
        + "\n",
        encoding="utf-8",
    )
    for name, text in files.items():
        path = tmp / "postmortems" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example archive built once, exactly as `mkdocs build --strict` publishes it."""
    site = tmp_path_factory.mktemp("example") / "site"
    result = build_site(ROOT, site)
    assert result.returncode == 0, result.stderr
    return site


def _serve(directory: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def example_url(example_site: Path) -> Iterator[str]:
    yield from _serve(example_site)


@pytest.fixture(scope="session")
def serve_dir():
    """Serve any folder on localhost: `with serve_dir(path) as url:`."""
    import contextlib

    return contextlib.contextmanager(_serve)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing; CI must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} is missing (install Debian's chromium to run browser tests)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield instance
        instance.close()


class Tab:
    """A page plus every console error and failed request it produced."""

    def __init__(self, page) -> None:
        self.page = page
        self.errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("requestfailed", self._failed)

    def _failed(self, request) -> None:
        # Leaving a page cancels what it still loads (the search worker prefetches the
        # finder's facts on every page): a cancelled request is not a broken one.
        if request.failure != "net::ERR_ABORTED":
            self.errors.append(f"failed: {request.url} ({request.failure})")

    def shot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def tab(browser) -> Iterator[Tab]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    current = Tab(page)
    yield current
    context.close()


@pytest.fixture
def dark_tab(browser) -> Iterator[Tab]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    current = Tab(context.new_page())
    yield current
    context.close()
