"""The drop-in widget in real Chromium: on a page of another origin, as on almalinux.org,
it renders what the API serves; it says so when the API is down or the list is empty; and
text from upstream (titles, label names) is shown as text, never run as HTML."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import datetime, timedelta
from importlib.resources import files
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page
from starlette.applications import Starlette
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from alesco.github_records import Label
from tests.api.conftest import NOW, REPO, store_synced
from tests.factories import facts, pull, stored
from tests.fakes.server import serve_in_thread
from tests.processes import free_port

WIDGET_JS = (files("api") / "static" / "widget.js").read_bytes()
STAGE_PILLS = {
    "submitted": "Submitted",
    "discussion": "Accepted for Discussion",
    "fcp": "Final Comment Period",
}
ERROR_TEXT = "Could not load open proposals right now."


def host_page(script_src: str, data_api: str | None = None) -> str:
    """The markup of the ALESCo page's "Open Proposals" block, loading the widget."""
    attribute = f' data-api="{data_api}"' if data_api else ""
    return (
        "<!doctype html><html lang=en><meta charset=utf-8><title>ALESCo</title>"
        '<div class="col-lg-6"><h2 class="al-foundation-section-title">Open Proposals</h2>'
        '<div id="alesco-prs" class="mt-4">'
        '<p id="alesco-prs-status" class="text-muted">Loading open proposals...</p></div></div>'
        f'<script src="{script_src}"{attribute} defer></script></html>'
    )


@pytest.fixture
def website() -> Iterator[dict[str, Any]]:
    """Another origin, as the ALESCo page is: its HTML is whatever a test sets."""
    content: dict[str, Any] = {"html": ""}

    async def page(request: Any) -> Response:
        return HTMLResponse(content["html"])

    async def script(request: Any) -> Response:
        return Response(WIDGET_JS, media_type="text/javascript")

    app = Starlette(routes=[Route("/", page), Route("/widget.js", script)])
    with serve_in_thread(app) as base:
        content["base"] = base
        yield content


async def open_page(browser: Browser, url: str, locale: str = "en-US") -> Page:
    context = await browser.new_context(locale=locale, timezone_id="UTC")
    page = await context.new_page()
    await page.goto(url)
    await page.wait_for_selector("#alesco-prs:not([data-state=loading])", timeout=10_000)
    return page


def us_date(moment: datetime) -> str:
    return f"{moment:%b} {moment.day}, {moment.year}"


async def test_the_widget_renders_the_open_proposals_the_api_serves(
    browser, meetings, api, website, tmp_path, record_property
):
    website["html"] = host_page(f"{api}/widget.js")  # the API base comes from `src`
    page = await open_page(browser, website["base"])
    async with httpx.AsyncClient() as client:
        expected = (await client.get(f"{api}/v1/proposals?state=open")).json()["data"]
    assert expected, "the fixture has open proposals"

    cards = page.locator("#alesco-prs a.al-rfc-card")
    assert await cards.count() == len(expected)
    assert await page.locator("#alesco-prs-status").count() == 0
    for index, proposal in enumerate(expected):
        card = cards.nth(index)
        assert await card.locator(".al-rfc-card-title").text_content() == proposal["title"]
        assert await card.get_attribute("href") == proposal["url"]
        stage = card.locator(".al-rfc-stage")
        assert await stage.text_content() == STAGE_PILLS[proposal["stage"]]
        labels = [label["name"] for label in proposal["labels"]]
        pills = await card.locator(".al-rfc-tags .al-rfc-label:not(.al-rfc-stage)").all()
        assert [await pill.text_content() for pill in pills] == labels
        for pill in pills:  # GitHub's ededed label: its colour, with dark text on it
            assert await pill.evaluate("p => getComputedStyle(p).backgroundColor") == (
                "rgb(237, 237, 237)"
            )
            assert await pill.evaluate("p => getComputedStyle(p).color") == "rgb(31, 35, 40)"
        updated = datetime.fromisoformat(proposal["updated_at"])
        meta = f"#{proposal['number']} by {proposal['author']['login']} · Updated "
        assert await card.locator(".al-rfc-card-meta").text_content() == meta + us_date(updated)
        vote = card.locator(".al-rfc-card-vote")
        if proposal["stage"] == "fcp":
            assert await vote.text_content() == f"Vote expected {us_date(NOW + timedelta(3))}"
        else:
            assert await vote.count() == 0

    screenshot = tmp_path / "widget.png"
    await page.screenshot(path=screenshot, full_page=True)
    assert screenshot.stat().st_size > 1000
    record_property("screenshot", str(screenshot))
    print(f"widget screenshot: {screenshot}")


async def test_dates_follow_the_readers_locale(browser, meetings, api, website):
    website["html"] = host_page(f"{api}/widget.js")
    page = await open_page(browser, website["base"], locale="de-DE")
    vote = await page.locator(".al-rfc-card-vote").first.text_content()
    voting_day = NOW + timedelta(3)
    assert vote is not None
    assert f"{voting_day.day}." in vote
    assert str(voting_day.year) in vote
    assert us_date(voting_day) not in vote


async def test_the_demo_page_shows_the_widget(browser, meetings, api, tmp_path, record_property):
    page = await open_page(browser, f"{api}/widget")
    assert await page.locator("#alesco-prs a.al-rfc-card").count() == 3
    screenshot = tmp_path / "widget-demo.png"
    await page.screenshot(path=screenshot, full_page=True)
    assert screenshot.stat().st_size > 1000
    record_property("screenshot", str(screenshot))
    print(f"widget demo screenshot: {screenshot}")


async def test_when_the_api_is_down_the_error_text_shows(browser, website):
    nobody = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    website["html"] = host_page("/widget.js", data_api=nobody)
    page = await open_page(browser, website["base"])
    assert await page.locator("#alesco-prs").get_attribute("data-state") == "error"
    assert await page.locator("#alesco-prs-status").text_content() == ERROR_TEXT
    assert await page.locator("a.al-rfc-card").count() == 0


async def test_an_empty_list_says_so(browser, api, engine, website):
    website["html"] = host_page(f"{api}/widget.js")
    page = await open_page(browser, website["base"])
    assert await page.locator("#alesco-prs").get_attribute("data-state") == "empty"
    status = await page.locator("#alesco-prs-status").text_content()
    assert status == "No open proposals right now."


EVIL_TITLE = 'RFC: <img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
EVIL_LABEL = '<b onmouseover="window.__pwned=3">bold</b>'


@pytest.fixture
def evil_proposal(engine: Any) -> None:
    evil = dataclasses.replace(
        pull(7, EVIL_TITLE, labels=()), labels=(Label(EVIL_LABEL, "0e8a16", None),)
    )
    store_synced(engine, stored(REPO, facts(evil)))


async def test_titles_and_labels_are_shown_as_text_never_run(browser, evil_proposal, api, website):
    website["html"] = host_page(f"{api}/widget.js")
    page = await open_page(browser, website["base"])

    card = page.locator("a.al-rfc-card")
    assert await card.count() == 1
    assert await card.locator(".al-rfc-card-title").text_content() == EVIL_TITLE
    label = card.locator(".al-rfc-tags .al-rfc-label:not(.al-rfc-stage)")
    assert await label.text_content() == EVIL_LABEL
    # A dark label gets white text.
    assert await label.evaluate("p => getComputedStyle(p).color") == "rgb(255, 255, 255)"
    assert await page.locator("#alesco-prs img, #alesco-prs script, #alesco-prs b").count() == 0
    await label.hover()
    assert await page.evaluate("window.__pwned") is None
