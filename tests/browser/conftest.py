"""Real headless Chromium (Debian's `chromium`, driven by Playwright; no browser download)
against the API served over loopback HTTP.

Without Chromium the browser tests are skipped with the reason shown, unless
`ALESCO_REQUIRE_BROWSER=1` (CI sets it, and installs the package), which makes it a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from playwright.async_api import Browser, async_playwright

from api.app import create_app
from tests.api.conftest import NOW, committee, meetings  # noqa: F401 (fixtures)
from tests.conftest import make_settings
from tests.fakes.server import serve_in_thread

REQUIRE_BROWSER = os.environ.get("ALESCO_REQUIRE_BROWSER") == "1"


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if REQUIRE_BROWSER:
            pytest.fail(message + " (ALESCO_REQUIRE_BROWSER=1)")
        pytest.skip(message)
    return found


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    executable = chromium_path()
    async with async_playwright() as playwright:
        # --no-sandbox: CI runs as root, where Chromium refuses its sandbox.
        launched = await playwright.chromium.launch(
            executable_path=executable, args=["--no-sandbox"]
        )
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
def api(engine: Any) -> Iterator[str]:
    """The API on the test's database, at the fixtures' fixed clock, over loopback HTTP.
    It loads the data present when it starts: data fixtures go before it."""
    app = create_app(make_settings(sync_interval=300), engine, clock=lambda: NOW)
    with serve_in_thread(app, lifespan=True) as base:
        yield base
