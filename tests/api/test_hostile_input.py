"""Safe in public: whatever a client sends to a REST route, the answer is a 4xx problem,
never a 500, and nothing is logged at ERROR.

Rules these cases pin down (also in api/params.py): a number is ASCII digits only (no
sign, space, underscore or other script's digits, all of which int() would take); every
parameter takes one value, except `stage`, which repeats; an empty value is a value (and a
bad one, except for `pretty` and `q`).
"""

from __future__ import annotations

import base64
import logging

import orjson
import pytest

from alesco.read.cursor import Cursor
from api.app import create_app
from tests.api.conftest import NOW
from tests.conftest import make_settings

BIG = "9" * 5000  # int() refuses strings of over 4,300 digits (ValueError)
LONG = "x" * 60_000  # httpx refuses URLs over 64 KiB; 100 KB values: see below
LONG_DIGITS = "1" * 60_000

# (path, status, the parameter the problem names, or None for a 404)
CASES = [
    # limit
    pytest.param(f"/v1/proposals?limit={BIG}", 400, "limit", id="limit-5000-digits"),
    pytest.param(f"/v1/proposals?limit={LONG_DIGITS}", 400, "limit", id="limit-60k-digits"),
    pytest.param("/v1/proposals?limit=-1", 400, "limit", id="limit-negative"),
    pytest.param("/v1/proposals?limit=0", 400, "limit", id="limit-zero"),
    pytest.param("/v1/proposals?limit=%00", 400, "limit", id="limit-nul"),
    pytest.param("/v1/proposals?limit=5%00", 400, "limit", id="limit-digit-then-nul"),
    pytest.param("/v1/proposals?limit=%ff", 400, "limit", id="limit-invalid-utf8"),
    pytest.param("/v1/proposals?limit=%ed%a0%80", 400, "limit", id="limit-utf8-surrogate"),
    pytest.param("/v1/proposals?limit=", 400, "limit", id="limit-empty"),
    pytest.param("/v1/proposals?limit=1&limit=2", 400, "limit", id="limit-repeated"),
    pytest.param("/v1/proposals?limit=1&limit=1", 400, "limit", id="limit-repeated-same"),
    pytest.param("/v1/proposals?limit=\uff11\uff12", 400, "limit", id="limit-fullwidth-digits"),
    pytest.param("/v1/proposals?limit=٣", 400, "limit", id="limit-arabic-indic-digit"),
    pytest.param("/v1/proposals?limit=%C2%B2", 400, "limit", id="limit-superscript-two"),
    pytest.param("/v1/proposals?limit=%2B5", 400, "limit", id="limit-plus-sign"),
    pytest.param("/v1/proposals?limit=+5", 400, "limit", id="limit-plus-is-space"),
    pytest.param("/v1/proposals?limit=%205", 400, "limit", id="limit-leading-space"),
    pytest.param("/v1/proposals?limit=5%20", 400, "limit", id="limit-trailing-space"),
    pytest.param("/v1/proposals?limit=5%0A", 400, "limit", id="limit-trailing-newline"),
    pytest.param("/v1/proposals?limit=5_0", 400, "limit", id="limit-underscore"),
    pytest.param("/v1/proposals?limit=5.0", 400, "limit", id="limit-float"),
    pytest.param("/v1/proposals?limit=1e1", 400, "limit", id="limit-exponent"),
    pytest.param("/v1/proposals?limit=0x10", 400, "limit", id="limit-hex"),
    pytest.param("/v1/proposals?limit=true", 400, "limit", id="limit-boolean"),
    pytest.param(f"/v1/meetings?limit={BIG}", 400, "limit", id="meetings-limit-5000-digits"),
    pytest.param("/v1/meetings?limit=\uff15", 400, "limit", id="meetings-limit-fullwidth"),
    pytest.param("/v1/proposals.atom?limit=-5", 400, "limit", id="atom-limit-negative"),
    # the proposal number in the path
    pytest.param(f"/v1/proposals/{BIG}", 400, "number", id="number-5000-digits"),
    pytest.param(f"/v1/proposals/{LONG_DIGITS}", 400, "number", id="number-60k-digits"),
    pytest.param("/v1/proposals/-1", 400, "number", id="number-negative"),
    pytest.param("/v1/proposals/0", 400, "number", id="number-zero"),
    pytest.param("/v1/proposals/2147483648", 400, "number", id="number-over-int32"),
    pytest.param("/v1/proposals/9223372036854775808", 400, "number", id="number-over-int64"),
    pytest.param("/v1/proposals/%00", 400, "number", id="number-nul"),
    pytest.param("/v1/proposals/%ff", 400, "number", id="number-invalid-utf8"),
    pytest.param("/v1/proposals/%ed%a0%80", 400, "number", id="number-utf8-surrogate"),
    pytest.param("/v1/proposals/\uff11\uff12", 400, "number", id="number-fullwidth-digits"),
    pytest.param("/v1/proposals/٣", 400, "number", id="number-arabic-indic-digit"),
    pytest.param("/v1/proposals/%2B5", 400, "number", id="number-plus-sign"),
    pytest.param("/v1/proposals/%205", 400, "number", id="number-leading-space"),
    pytest.param("/v1/proposals/5_000", 400, "number", id="number-underscore"),
    pytest.param("/v1/proposals/1.0", 400, "number", id="number-float"),
    pytest.param(f"/v1/proposals/{LONG}", 400, "number", id="number-60k-letters"),
    pytest.param("/v1/proposals/1?repo=%00", 400, "repo", id="detail-repo-nul"),
    pytest.param(f"/v1/proposals/1?repo={LONG}", 400, "repo", id="detail-repo-60k"),
    pytest.param("/v1/proposals/1?repo=a/b&repo=c/d", 400, "repo", id="detail-repo-repeated"),
    # cursors
    pytest.param(f"/v1/proposals?cursor={BIG}", 400, "cursor", id="cursor-5000-digits"),
    pytest.param(f"/v1/proposals?cursor={LONG}", 400, "cursor", id="cursor-60k"),
    pytest.param("/v1/proposals?cursor=%00", 400, "cursor", id="cursor-nul"),
    pytest.param("/v1/proposals?cursor=%ff", 400, "cursor", id="cursor-invalid-utf8"),
    pytest.param("/v1/proposals?cursor=", 400, "cursor", id="cursor-empty"),
    pytest.param("/v1/proposals?cursor=-1", 400, "cursor", id="cursor-negative"),
    pytest.param("/v1/proposals?cursor=a&cursor=b", 400, "cursor", id="cursor-repeated"),
    pytest.param(
        "/v1/proposals?cursor=" + Cursor("-updated", (True, "a/b", 2)).encode(),
        400,
        "cursor",
        id="cursor-boolean-position",
    ),
    pytest.param(
        "/v1/proposals?sort=number&cursor=" + Cursor("number", ("1", "a/b", 1)).encode(),
        400,
        "cursor",
        id="cursor-string-where-number-sorts",
    ),
    pytest.param(
        "/v1/proposals?cursor=" + base64.urlsafe_b64encode(b"[" * 3000 + b"]" * 3000).decode(),
        400,
        "cursor",
        id="cursor-deeply-nested-json",
    ),
    pytest.param(f"/v1/meetings?cursor={BIG}", 400, "cursor", id="meetings-cursor-5000-digits"),
    pytest.param("/v1/meetings?cursor=%ed%a0%80", 400, "cursor", id="meetings-cursor-surrogate"),
    pytest.param(
        "/v1/meetings?cursor=" + Cursor("-date", (1, "x")).encode(),
        400,
        "cursor",
        id="meetings-cursor-swapped-types",
    ),
    # enumerations
    pytest.param("/v1/proposals?sort=", 400, "sort", id="sort-empty"),
    pytest.param("/v1/proposals?sort=%00", 400, "sort", id="sort-nul"),
    pytest.param("/v1/proposals?sort=NUMBER", 400, "sort", id="sort-upper-case"),
    pytest.param(f"/v1/proposals?sort={LONG}", 400, "sort", id="sort-60k"),
    pytest.param("/v1/proposals?sort=number&sort=-number", 400, "sort", id="sort-repeated"),
    pytest.param("/v1/proposals?state=%ff", 400, "state", id="state-invalid-utf8"),
    pytest.param("/v1/proposals?state=open%00", 400, "state", id="state-trailing-nul"),
    pytest.param("/v1/proposals?state=", 400, "state", id="state-empty"),
    pytest.param(f"/v1/proposals?state={LONG}", 400, "state", id="state-60k"),
    pytest.param("/v1/proposals?kind=", 400, "kind", id="kind-empty"),
    pytest.param("/v1/proposals?kind=rfc&kind=all", 400, "kind", id="kind-repeated"),
    pytest.param("/v1/proposals?stage=", 400, "stage", id="stage-empty"),
    pytest.param("/v1/proposals?stage=%00", 400, "stage", id="stage-nul"),
    pytest.param(f"/v1/proposals?stage={',' * 50_000}", 400, "stage", id="stage-50k-commas"),
    pytest.param(f"/v1/proposals?stage={LONG}", 400, "stage", id="stage-60k"),
    pytest.param("/v1/proposals?repo=", 400, "repo", id="repo-empty"),
    pytest.param("/v1/proposals?repo=a%00/b", 400, "repo", id="repo-nul"),
    pytest.param("/v1/proposals?repo=a/b%0A", 400, "repo", id="repo-trailing-newline"),
    pytest.param("/v1/proposals?repo=%ed%a0%80/b", 400, "repo", id="repo-utf8-surrogate"),
    pytest.param(f"/v1/proposals?repo=a/{LONG}", 400, "repo", id="repo-60k"),
    pytest.param(f"/v1/proposals?q={LONG}", 400, "q", id="q-60k"),
    pytest.param("/v1/proposals?q=a&q=b", 400, "q", id="q-repeated"),
    # format and pretty, on every kind of route
    pytest.param("/v1/proposals?format=CSV", 400, "format", id="format-upper-case"),
    pytest.param("/v1/proposals?format=", 400, "format", id="format-empty"),
    pytest.param("/v1/proposals?format=%00", 400, "format", id="format-nul"),
    pytest.param(f"/v1/meetings?format={LONG}", 400, "format", id="format-60k"),
    pytest.param("/v1/status?pretty=%ff", 400, "pretty", id="pretty-invalid-utf8"),
    pytest.param(f"/?pretty={LONG}", 400, "pretty", id="pretty-60k"),
    pytest.param("/docs?pretty=1&pretty=1", 400, "pretty", id="pretty-repeated"),
    # dates
    pytest.param("/v1/meetings?from=2025-13-45", 400, "from", id="from-no-such-month"),
    pytest.param("/v1/meetings?from=99999-01-01", 400, "from", id="from-five-digit-year"),
    pytest.param("/v1/meetings?from=0000-01-01", 400, "from", id="from-year-zero"),
    pytest.param("/v1/meetings?to=9999-12-31T23:59:59-01:00", 400, "to", id="to-past-year-9999"),
    pytest.param(
        "/v1/meetings?from=\uff12\uff10\uff12\uff15-01-01", 400, "from", id="from-fullwidth-digits"
    ),
    pytest.param("/v1/meetings?from=2025-01-01%00", 400, "from", id="from-trailing-nul"),
    pytest.param("/v1/meetings?from=%202025-01-01", 400, "from", id="from-leading-space"),
    pytest.param("/v1/meetings?from=+2025-01-01", 400, "from", id="from-plus-is-space"),
    pytest.param("/v1/meetings?from=2025_01_01", 400, "from", id="from-underscores"),
    pytest.param("/v1/meetings?from=20250101", 400, "from", id="from-basic-format"),
    pytest.param(f"/v1/meetings?from={LONG}", 400, "from", id="from-60k"),
    pytest.param("/v1/meetings?to=", 400, "to", id="to-empty"),
    pytest.param("/v1/meetings?to=%ff", 400, "to", id="to-invalid-utf8"),
    pytest.param("/v1/meetings?from=2025-01-01&from=2025-01-02", 400, "from", id="from-repeated"),
    pytest.param("/v1/meetings?from=2025-02-01&to=2025-01-01", 400, "to", id="to-before-from"),
    pytest.param("/v1/meetings?sort=", 400, "sort", id="meetings-sort-empty"),
    pytest.param("/v1/members?current=", 400, "current", id="current-empty"),
    pytest.param("/v1/members?current=%00", 400, "current", id="current-nul"),
    pytest.param("/v1/members?current=TRUE", 400, "current", id="current-upper-case"),
    pytest.param("/v1/members?current=true&current=false", 400, "current", id="current-repeated"),
    # unknown parameters, and hostile names
    pytest.param("/v1/proposals?%00=1", 400, "\x00", id="name-nul"),
    pytest.param("/v1/proposals?%ff=1", 400, "\ufffd", id="name-invalid-utf8"),
    pytest.param(f"/v1/status?{LONG}=1", 400, LONG[:100], id="name-60k"),
    pytest.param("/v1/meetings/next?=1", 400, "", id="name-empty"),
    pytest.param("/v1/meetings.ics?limit=5", 400, "limit", id="ics-takes-no-limit"),
    pytest.param("/v1/proposals.atom?format=csv", 400, "format", id="atom-format-csv"),
    pytest.param("/openapi.json?format=%ff", 400, "format", id="openapi-format"),
    pytest.param("/widget?x=%ed%a0%80", 400, "x", id="widget-unknown"),
    pytest.param("/metrics?x=1", 400, "x", id="metrics-unknown"),
    # meeting ids are only looked up: anything else is no such meeting
    pytest.param(f"/v1/meetings/{BIG}", 404, None, id="meeting-5000-digits"),
    pytest.param(f"/v1/meetings/{LONG}", 404, None, id="meeting-60k"),
    pytest.param("/v1/meetings/%00", 404, None, id="meeting-nul"),
    pytest.param("/v1/meetings/%ff", 404, None, id="meeting-invalid-utf8"),
    pytest.param("/v1/meetings/%ed%a0%80", 404, None, id="meeting-utf8-surrogate"),
    pytest.param("/v1/meetings/-1", 404, None, id="meeting-negative"),
    pytest.param("/v1/meetings/2025-13-45", 404, None, id="meeting-no-such-date"),
    pytest.param(
        "/v1/meetings/\uff12\uff10\uff12\uff15-02-10", 404, None, id="meeting-fullwidth-digits"
    ),
    pytest.param("/v1/meetings/2025-02-10?x=1", 400, "x", id="meeting-unknown-parameter"),
    # paths nothing routes
    pytest.param("/v1/%00", 404, None, id="path-nul"),
    pytest.param("/%ff%fe", 404, None, id="path-invalid-utf8"),
    pytest.param(f"/{LONG}", 404, None, id="path-60k"),
]


@pytest.mark.parametrize(("path", "status", "parameter"), CASES)
async def test_hostile_values_are_problems(meetings, client, caplog, path, status, parameter):
    with caplog.at_level(logging.INFO):
        response = await client.get(path)
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status
    if parameter is not None:
        assert problem["invalid-params"][0]["name"] == parameter
    assert len(response.content) < 5_000, "a problem echoes at most a prefix of the input"
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/v1/proposals?stage=fcp&stage=discussion", id="stage-repeats"),
        pytest.param("/v1/proposals?stage=fcp,discussion", id="stage-lists"),
        pytest.param("/v1/proposals?limit=007", id="limit-leading-zeros"),
        pytest.param("/v1/proposals?q=", id="q-empty-is-no-search"),
        pytest.param(f"/v1/proposals?q=%23{'9' * 199}", id="q-long-number"),
        pytest.param("/v1/proposals?q=%00%ff%ed%a0%80", id="q-nul-and-replacement"),
        pytest.param("/v1/proposals?pretty", id="pretty-bare"),
        pytest.param("/v1/meetings?from=2025-01-01T00:00:00%2B14:00", id="from-far-east"),
        pytest.param("/widget.js?v=%ed%a0%80&v=%00", id="widget-script-takes-any-query"),
    ],
)
async def test_the_rules_hostile_values_are_held_to_still_admit(meetings, client, caplog, path):
    with caplog.at_level(logging.INFO):
        response = await client.get(path)
    assert response.status_code == 200, response.text[:500]
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


# httpx refuses URLs over 64 KiB, so values of 100 KB go to the app as a server hands them
# over: an ASGI scope, its path already percent-decoded.
HUNDRED_KB = 100_000


@pytest.fixture
def app(engine):
    return create_app(make_settings(sync_interval=300), engine, clock=lambda: NOW)


async def asgi_get(app, path: str, query: bytes = b"") -> tuple[int, dict[bytes, bytes], bytes]:
    """GET `path` (decoded, as servers pass it) with the raw `query`; status, headers, body."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode("utf-8", "surrogatepass"),
        "query_string": query,
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    received: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        received.append(message)

    await app(scope, receive, send)
    start = received[0]
    body = b"".join(m.get("body", b"") for m in received[1:])
    return start["status"], dict(start["headers"]), body


@pytest.mark.parametrize(
    ("path", "query", "status", "parameter"),
    [
        pytest.param("/v1/proposals", b"limit=" + b"9" * HUNDRED_KB, 400, "limit", id="limit"),
        pytest.param("/v1/proposals", b"cursor=" + b"A" * HUNDRED_KB, 400, "cursor", id="cursor"),
        pytest.param("/v1/proposals", b"stage=" + b"fcp," * 25_000, 400, "stage", id="stage"),
        pytest.param("/v1/proposals", b"q=" + b"a" * HUNDRED_KB, 400, "q", id="q"),
        pytest.param("/v1/meetings", b"from=" + b"2" * HUNDRED_KB, 400, "from", id="from"),
        pytest.param("/v1/members", b"x" * HUNDRED_KB + b"=1", 400, "x" * 100, id="name"),
        pytest.param("/v1/proposals/" + "9" * HUNDRED_KB, b"", 400, "number", id="number"),
        pytest.param("/v1/meetings/" + "x" * HUNDRED_KB, b"", 404, None, id="meeting-id"),
        pytest.param("/" + "x" * HUNDRED_KB, b"", 404, None, id="unrouted-path"),
        # A server that decodes paths with surrogateescape hands over lone surrogates.
        pytest.param("/v1/meetings/\udcff", b"", 404, None, id="meeting-id-lone-surrogate"),
        pytest.param("/v1/proposals/\ud800", b"", 400, "number", id="number-lone-surrogate"),
        pytest.param("/\ud800", b"", 404, None, id="unrouted-lone-surrogate"),
    ],
)
async def test_values_of_100_kb_and_lone_surrogates_are_problems(
    meetings, app, caplog, path, query, status, parameter
):
    with caplog.at_level(logging.INFO):
        answered, headers, body = await asgi_get(app, path, query)
    assert answered == status, body[:500]
    assert headers[b"content-type"] == b"application/problem+json"
    problem = orjson.loads(body)
    if parameter is not None:
        assert problem["invalid-params"][0]["name"] == parameter
    assert len(body) < 5_000
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
