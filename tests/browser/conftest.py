"""Browser fixtures: Debian's Chromium driven by Playwright, and a real `hall serve` per test.

Chromium is the system's (/usr/bin/chromium), never a browser Playwright downloads. When it is
missing and this process is root with apt-get at hand, it is installed once (as run-tests.sh
does); the tests are skipped, saying why, only when it is missing and cannot be installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.browser.hall_server import BrowserHall, serving
from tests.halls import add_staff_member, make_hall

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
INVIGILATOR = ("invigilator", "watch-the-hall")
AUTOSAVE_SECONDS = 5  # the hall's smallest: lets a test see an autosave without waiting long
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# Generous: a CI machine with two cores may be busy; every wait is on a condition, so a long
# limit costs nothing when things go right.
WAIT_MS = 20_000
expect.set_options(timeout=WAIT_MS)


def _install_chromium() -> str | None:
    """Installs Debian's chromium; the reason it could not, or None."""
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return "run ./run-tests.sh as root (or `apt-get install chromium`) to install it"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900, check=False)
        if done.returncode != 0:
            return f"`{' '.join(command)}` failed: {done.stderr.strip()[-500:]}"
    return None if CHROMIUM.exists() else "apt-get installed chromium but /usr/bin/chromium is missing"


@pytest.fixture(scope="package")
def chromium() -> Path:
    """/usr/bin/chromium, installed if missing and possible; otherwise the tests are skipped."""
    if not CHROMIUM.exists():
        why = _install_chromium()
        if why is not None:
            pytest.skip(f"Chromium is not installed at {CHROMIUM} and cannot be installed: {why}")
    return CHROMIUM


@pytest.fixture(scope="package")
def browser(chromium: Path) -> Iterator[Browser]:
    """One headless Chromium for the browser tests (package scope: closed before other tests)."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def exam() -> dict[str, Any] | None:
    """The exam the hall serves: None for tests.halls.EXAM (MTH101, 20 single-choice questions,
    60 minutes). A test module or test overrides this fixture for another exam."""
    return None


@pytest.fixture
def hall_settings() -> dict[str, Any]:
    """Settings of the hall beyond the tests' own, as make_hall takes them ("section__name");
    overridden by a test that needs others."""
    return {}


@pytest.fixture
def hall(tmp_path: Path, exam: dict[str, Any] | None,
         hall_settings: dict[str, Any]) -> Iterator[BrowserHall]:
    """A real `hall serve` of `exam` with five candidates, and an invigilator ("invigilator",
    password "watch-the-hall")."""
    config = make_hall(tmp_path / "hall", exam=exam,
                       **{"exam__autosave_seconds": AUTOSAVE_SECONDS, **hall_settings})
    add_staff_member(config, INVIGILATOR[0], "invigilator", INVIGILATOR[1])
    with serving(config) as served:
        yield served


class PageErrors:
    """Uncaught errors and CSP violations of every page of a context: a test fails on any."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def watch(self, page: Page) -> None:
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))
        page.on("console", self._console)

    def _console(self, message) -> None:  # noqa: ANN001 - playwright's ConsoleMessage
        if "Content Security Policy" in message.text or "Uncaught" in message.text:
            self.errors.append(f"console: {message.text}")


ContextFactory = Callable[..., BrowserContext]


@pytest.fixture
def new_context(browser: Browser, hall: BrowserHall) -> Iterator[ContextFactory]:
    """Makes browser contexts (each a separate PC: own cookies, IndexedDB, service worker)."""
    made: list[tuple[BrowserContext, PageErrors]] = []

    def make(**options) -> BrowserContext:  # noqa: ANN003 - Playwright's context options
        options = {"base_url": hall.url, "viewport": {"width": 1280, "height": 860}, **options}
        context = browser.new_context(**options)
        context.set_default_timeout(WAIT_MS)
        errors = PageErrors()
        context.on("page", errors.watch)
        made.append((context, errors))
        return context

    yield make
    problems = [error for _, errors in made for error in errors.errors]
    for context, _ in made:
        context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def screenshot(tmp_path: Path) -> Callable[[Page, str], Path]:
    """Saves a screenshot in the test's directory, and in docs/screenshots/ when
    EXAMHALL_SCREENSHOTS=docs (how the pictures in the docs are made)."""

    def take(page: Page, name: str) -> Path:
        path = tmp_path / f"{name}.png"
        page.screenshot(path=str(path), full_page=False)
        if os.environ.get("EXAMHALL_SCREENSHOTS") == "docs":
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, SCREENSHOTS / f"{name}.png")
        return path

    return take
