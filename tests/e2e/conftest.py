"""End-to-end fixtures: one seeded broker and one headless Chromium for the whole session.

Chromium is Debian's (``/usr/bin/chromium``; CI installs it). Without it these tests fail
with a clear message, unless ``ACCORD_SKIP_BROWSER=1`` says to skip them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from .seed import READER, LiveBroker, seed

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium(path: Path, environ: Mapping[str, str]) -> None:
    """Fail loudly without Chromium (CI installs it); skip only when asked to."""
    if path.exists():
        return
    if environ.get("ACCORD_SKIP_BROWSER") == "1":
        pytest.skip(f"ACCORD_SKIP_BROWSER=1 and {path} is not installed")
    pytest.fail(
        f"The browser tests need Debian's Chromium at {path}: "
        "install it with `apt-get install -y chromium` (scripts/test.sh does), "
        "or set ACCORD_SKIP_BROWSER=1 to skip them.",
        pytrace=False,
    )


# Package scope, not session: Playwright's sync API keeps an event loop running in the main
# thread while it is open, which would break every asyncio test that runs after these.
@pytest.fixture(scope="package")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveBroker]:
    path = tmp_path_factory.mktemp("e2e-broker") / "broker.sqlite3"
    with LiveBroker(f"sqlite:///{path}") as live:
        seed(live.url)
        yield live


@pytest.fixture(scope="package")
def chromium_context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A persistent context on a fresh user-data dir, logged in as the read-only user."""
    require_chromium(CHROMIUM, os.environ)
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            http_credentials={"username": READER[0], "password": READER[1]},
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(10_000)
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(chromium_context: Any) -> Iterator[Any]:
    tab = chromium_context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))

    def on_dialog(dialog: Any) -> None:
        errors.append("dialog: " + dialog.message)
        dialog.dismiss()

    tab.on("dialog", on_dialog)
    yield tab
    tab.close()
    assert errors == [], f"the page raised or opened dialogs: {errors}"
