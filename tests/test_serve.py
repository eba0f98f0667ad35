"""The author's loop: `mkdocs serve` never locks up, and drafts stay out of main's way."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import pytest
from conftest import EPOCH, build_site, make_project
from playwright.sync_api import Error as PlaywrightError
from test_format import GOOD

_T = TypeVar("_T")

# A draft with completeness warnings (no owner, no due date, a vague title).
DRAFT = (
    GOOD.replace("INC-2026-04-12-001", "INC-2026-04-13-001")
    .replace("status: published", "status: draft")
    .replace('    owner: "@priya"\n', "    owner: TBD\n")
    .replace("    due: 2026-04-26\n", "")
    .replace("    status: done\n    closed: 2026-04-20\n", "    status: open\n")
)
BROKEN_OWNER = GOOD.replace('owner: "@priya"', "owner: TBD")
OWNER_LINE = GOOD.split("\n").index('    owner: "@priya"') + 1


def test_a_drafts_warnings_do_not_fail_strict_and_are_logged_as_draft(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"2026/clean.md": GOOD, "2026/draft.md": DRAFT})
    result = build_site(project, tmp_path / "site", "-v")  # -q would not count warnings
    assert result.returncode == 0, result.stderr
    # reported, with the [draft] marker, at INFO: visible in the build log, not counted
    assert (
        "INFO    -  mkdocs_postmortems: postmortems/2026/draft.md:"
        f"{OWNER_LINE}:12 PM401 [draft] action item AI-1 has `TBD`" in result.stderr
    )
    assert "WARNING -" not in result.stderr and "ERROR   -" not in result.stderr


def test_a_published_postmortems_error_fails_strict(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"2026/broken.md": BROKEN_OWNER, "2026/draft.md": DRAFT})
    result = build_site(project, tmp_path / "site")
    assert result.returncode == 1
    assert (
        f"ERROR   -  mkdocs_postmortems: postmortems/2026/broken.md:{OWNER_LINE}:12 PM401 "
        "action item AI-1 has `TBD`; name the person or team who will do it" in result.stderr
    )
    assert "draft.md" not in result.stderr  # -q: only what fails --strict is shown


def test_a_published_postmortems_warning_still_fails_strict(tmp_path: Path) -> None:
    """Only drafts are relaxed: a published post-mortem's warnings fail `--strict` as before."""
    text = GOOD.replace("status: published", "status: published\nvisibility: public")
    project = make_project(tmp_path, {"2026/a.md": text}, "      internal_terms: [eu-west-1]\n")
    result = build_site(project, tmp_path / "site", "-v")  # -q would hide (and not count) them
    assert result.returncode == 1
    assert "WARNING -  mkdocs_postmortems: postmortems/2026/a.md:" in result.stderr
    assert "PM601 public post-mortem mentions internal term `eu-west-1`" in result.stderr


# --- `mkdocs serve` -------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str, timeout: float = 30) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, ""


_RELOAD_SIGNS = (
    "interrupted by another navigation",
    "Execution context was destroyed",
    "page is navigating",
    "frame was detached",
)


def _look(action: Callable[[], _T], otherwise: _T) -> _T:
    """`action()`, or `otherwise` when the page reloaded under it: the preview reloads every
    open page after a save, so a look that meets a reload starts over (any other error
    still fails the test)."""
    try:
        return action()
    except PlaywrightError as error:
        if not any(sign in str(error) for sign in _RELOAD_SIGNS):
            raise
        return otherwise


def _until(condition: Callable[[], bool], timeout: float = 120, step: float = 0.3) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


@contextmanager
def mkdocs_serve(project: Path, first_page: str, log_path: Path) -> Iterator[str]:
    """`mkdocs serve` in `project` until `first_page` answers; yields the site's URL."""
    port = _free_port()
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    exe = Path(sys.executable).with_name("mkdocs")
    log = log_path.open("w")
    process = subprocess.Popen(
        [str(exe), "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    try:

        def up() -> bool:
            try:
                return _get(url + first_page, timeout=5)[0] == 200
            except OSError:
                return False

        assert _until(up, timeout=180), log_path.read_text()
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """`mkdocs serve` with `strict: true` on a one-post-mortem archive; (file, page URL)."""
    project = make_project(tmp_path, {"2026/a.md": GOOD})
    config = project / "mkdocs.yml"
    config.write_text("strict: true\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    with mkdocs_serve(project, "2026/a/", tmp_path / "serve.log") as url:
        yield project / "postmortems" / "2026" / "a.md", url + "2026/a/"


@pytest.mark.browser
def test_serve_with_strict_shows_the_findings_panel_and_never_hangs(served, tab) -> None:
    path, url = served
    answered: list[int] = []
    failures: list[str] = []
    stop = threading.Event()

    def keep_asking() -> None:  # every request between the saves must be answered
        while not stop.is_set():
            try:
                answered.append(_get(url, timeout=60)[0])
            except OSError as error:
                failures.append(repr(error))
            time.sleep(0.2)

    asker = threading.Thread(target=keep_asking, daemon=True)
    asker.start()
    try:
        # 1. an error in a published post-mortem: the page answers, with the panel on top
        path.write_text(BROKEN_OWNER, encoding="utf-8")

        def panel_text() -> str:
            def look() -> str:
                tab.page.goto(url, timeout=60_000)
                panel = tab.page.locator(".pm-findings")
                return panel.inner_text() if panel.count() else ""

            return _look(look, "\N{NO-BREAK SPACE}")  # matches nothing below: look again

        # (the preview writes the page at once and the pages that list it a moment later,
        # then reloads the browsers: each look below waits for a page that holds still)
        expected = f"PM401 line {OWNER_LINE}, error: action item AI-1 has TBD; name the person"
        assert _until(lambda: expected in panel_text())

        def panel_as_expected() -> bool:
            text = panel_text()
            code = tab.page.locator(".pm-findings code", has_text="TBD")
            return (
                expected in text
                and "For example: owner: '@priya'" in text  # the rule's rewrite
                and code.count() == 1  # Markdown in the message
            )

        assert _until(panel_as_expected)
        tab.shot("serve-findings-panel")

        # 2. a broken front-matter: the panel, and what the author wrote, not an empty page
        path.write_text(GOOD.replace("title: EU logins", 'title: "EU logins'), encoding="utf-8")

        def article_text() -> str:
            return _look(lambda: tab.page.locator("article").inner_text(), "")

        assert _until(lambda: "PM105" in panel_text() and "circuit breaker" in article_text())
        body = article_text()
        assert 'title: "EU logins failing after auth-service deploy' in body  # as text
        assert "The circuit breaker timeout of 60 s" in body  # the body, rendered

        # 3. fixed: the panel is gone on the next save
        path.write_text(GOOD.replace("Rolling back", "Rolling back (fixed)"), encoding="utf-8")

        def fixed() -> bool:
            return panel_text() == "" and _look(lambda: "(fixed)" in tab.page.content(), False)

        assert _until(fixed)
    finally:
        stop.set()
        asker.join(timeout=90)
    assert failures == []
    assert answered and set(answered) == {200}
