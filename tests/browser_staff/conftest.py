"""Browser fixtures for the staff pages: tests/browser's Chromium, contexts and screenshots, and a
hall of our own with staff in it and a short silence threshold."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

# Reused as they are: the system's Chromium (never a downloaded one), a browser context per PC
# that fails the test on any uncaught error or CSP violation, and the docs screenshot switch.
from tests.browser.conftest import browser, chromium, new_context, screenshot  # noqa: F401
from tests.browser.hall_server import BrowserHall, serving
from tests.browser_staff.staff_pages import CANDIDATE_COUNT, SILENT_AFTER_SECONDS, STAFF
from tests.halls import add_staff_member, make_hall

AUTOSAVE_SECONDS = 5


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "hall_settings(**settings): make_hall settings of the "
                                       "test's hall (section__name=value)")


@pytest.fixture
def hall(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[BrowserHall]:
    """A real `hall serve`: MTH101, twelve candidates, an invigilator (ivy) and an admin (ada);
    a candidate silent for 10 s raises an alert (a test may change settings with
    @pytest.mark.hall_settings)."""
    marker = request.node.get_closest_marker("hall_settings")
    settings = {"exam__autosave_seconds": AUTOSAVE_SECONDS,
                "invigilation__silent_after_seconds": SILENT_AFTER_SECONDS,
                **(marker.kwargs if marker else {})}
    config = make_hall(tmp_path / "hall", candidates=CANDIDATE_COUNT, **settings)
    for name, (role, password) in STAFF.items():
        add_staff_member(config, name, role, password)
    with serving(config) as served:
        yield served
