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

from alesco.upstream.github_records import Label
from tests.api.conftest import NOW, REPO, store_synced
from tests.factories import facts, pull, stored
from tests.fakes.server import serve_in_thread
from tests.processes import free_port

WIDGET_JS = (files("api") / "static" / "widget.js").read_bytes()
# Named as the ALESCo page's legend names its steps; the stage labels are not repeated.
STAGE_PILLS = {
    "submitted": "Submitted",
    "discussion": "Accepted for Discussion",
    "fcp": "Vote at Next Meeting",
}
STAGE_LABELS = {"accepted for discussion", "vote at next meeting"}
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
        labels = [
            label["name"]
            for label in proposal["labels"]
            if label["name"].lower() not in STAGE_LABELS
        ]
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


LABEL_COLOURS = {  # GitHub's own greens and cyans need dark text; dark ones white
    "3fb950": "rgb(31, 35, 40)",
    "00ff00": "rgb(31, 35, 40)",
    "17a2b8": "rgb(31, 35, 40)",
    "ededed": "rgb(31, 35, 40)",
    "0e8a16": "rgb(255, 255, 255)",
    "b60205": "rgb(255, 255, 255)",
    "000000": "rgb(255, 255, 255)",
}


@pytest.fixture
def colourful_proposal(engine: Any) -> None:
    labels = tuple(Label(f"label-{colour}", colour, None) for colour in LABEL_COLOURS)
    colourful = dataclasses.replace(pull(8, "RFC: Colours", labels=()), labels=labels)
    store_synced(engine, stored(REPO, facts(colourful)))


async def test_label_text_takes_the_colour_that_contrasts_more(
    browser, colourful_proposal, api, website
):
    website["html"] = host_page(f"{api}/widget.js?v=2")  # a version query is fine too
    page = await open_page(browser, website["base"])
    for colour, text in LABEL_COLOURS.items():
        label = page.locator(".al-rfc-label", has_text=f"label-{colour}")
        assert await label.evaluate("p => getComputedStyle(p).color") == text, colour


async def test_texts_can_be_translated_and_a_second_copy_stays_out(browser, meetings, api, website):
    website["html"] = (
        host_page(f"{api}/widget.js")
        .replace(
            '<div id="alesco-prs" class="mt-4">',
            '<div id="alesco-prs" class="mt-4" data-text-updated="Aktualisiert" '
            'data-text-by="von" data-text-vote-expected="Abstimmung" data-text-vote="Abstimmen">',
        )
        .replace("</html>", f'<script src="{api}/widget.js" defer></script></html>')
    )
    page = await open_page(browser, website["base"], locale="de-DE")
    assert await page.locator("a.al-rfc-card").count() == 3  # rendered once, not twice
    meta = await page.locator(".al-rfc-card-meta").first.text_content()
    assert meta is not None
    assert " von alice · Aktualisiert " in meta
    vote = await page.locator(".al-rfc-card-vote").first.text_content()
    assert vote is not None
    assert vote.startswith("Abstimmung ")
    assert await page.locator(".al-rfc-vote").first.text_content() == "Abstimmen"


@pytest.fixture
def all_day_vote(engine: Any, committee: Any) -> None:
    """The next meeting is an all-day calendar event: a date with no time."""
    from tests.api.conftest import store_day_event

    day = (NOW + timedelta(days=5)).replace(hour=0, minute=0, second=0, microsecond=0)
    store_day_event(engine, "all-day", "Vote day", day, all_day=True)


async def test_a_vote_on_an_all_day_meeting_shows_its_date(browser, all_day_vote, api, website):
    website["html"] = host_page(f"{api}/widget.js")
    context = await browser.new_context(locale="en-US", timezone_id="America/Los_Angeles")
    page = await context.new_page()
    await page.goto(website["base"])
    await page.wait_for_selector("#alesco-prs:not([data-state=loading])", timeout=10_000)
    vote = await page.locator(".al-rfc-card-vote").text_content()
    assert vote == f"Vote expected {us_date(NOW + timedelta(days=5))}"  # not the day before


POSTPONED_MINUTES = """# ALESCo Meeting Minutes (2025-02-24)

## Minutes

### RFC: Voting soon

https://github.com/AlmaLinux/ALESCo/pull/3

- Outcome: Vote postponed to next meeting.
"""


@pytest.fixture
def postponed(engine, meetings):
    """The meetings fixture, plus minutes in which the vote on #3 (in FCP) was postponed."""
    from sqlmodel import Session

    from alesco.storage.committee_store import MinutesFile, replace_minutes
    from alesco.storage.sync_runs import Origin
    from alesco.upstream.minutes.parse import parse_minutes
    from tests.api.conftest import MINUTES_2025_01_20, MINUTES_2025_02_10

    files = [
        MinutesFile(
            f"m/{day}.md",
            None,
            f"https://wiki.example/{day}",
            text,
            parse_minutes(text, f"m/{day}.md"),
        )
        for day, text in (
            ("2025-02-10", MINUTES_2025_02_10),
            ("2025-01-20", MINUTES_2025_01_20),
            ("2025-02-24", POSTPONED_MINUTES),
        )
    ]
    with Session(engine) as session, session.begin():
        replace_minutes(session, files, Origin.UPSTREAM, NOW)
    return meetings


async def test_a_card_says_what_the_committee_last_decided(browser, postponed, api, website):
    website["html"] = host_page(f"{api}/widget.js")
    page = await open_page(browser, website["base"])
    card = page.locator("a.al-rfc-card", has_text="RFC: Voting soon")
    assert await card.locator(".al-rfc-card-vote").count() == 1
    decision = card.locator(".al-rfc-card-decision")
    assert await decision.text_content() == "Last decision: postponed · Feb 24, 2025"
    # Only a decision that says what happened earns a line: no other card has one.
    assert await page.locator(".al-rfc-card-decision").count() == 1
    translated = host_page(f"{api}/widget.js").replace(
        '<div id="alesco-prs"',
        '<div id="alesco-prs" data-text-last-decision="Zuletzt" data-text-postponed="vertagt"',
    )
    website["html"] = translated
    page = await open_page(browser, website["base"])
    text = await page.locator(".al-rfc-card-decision").text_content()
    assert text is not None
    assert text.startswith("Zuletzt: vertagt · ")
