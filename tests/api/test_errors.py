"""Every error of every route is RFC 9457 problem+json, naming what was wrong."""

from __future__ import annotations

import pytest

from alesco.read.cursor import Cursor


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/v1/proposals?state=bogus", "state"),
        ("/v1/proposals?stage=nope", "stage"),
        ("/v1/proposals?kind=issue", "kind"),
        ("/v1/proposals?limit=500", "limit"),
        ("/v1/proposals?sort=stars", "sort"),
        ("/v1/proposals?cursor=zzz", "cursor"),
        (
            f"/v1/proposals?cursor={Cursor('-updated', ('2025-01-01T00:00:00Z', 5, 3)).encode()}",
            "cursor",
        ),
        (
            f"/v1/proposals?sort=number&cursor={Cursor('number', ('x', 'a/b', 3)).encode()}",
            "cursor",
        ),
        ("/v1/proposals?repo=x", "repo"),
        ("/v1/proposals?colour=red", "colour"),
        ("/v1/proposals/abc", "number"),
        ("/v1/proposals/1?state=open", "state"),
        ("/v1/status?verbose=1", "verbose"),
        # Found by the fuzz suite: each of these was a 500 or silently accepted.
        ("/v1/proposals?limit=%C2%B2", "limit"),  # '²' passes str.isdigit()
        (f"/v1/proposals?limit={'9' * 5000}", "limit"),  # int() refuses > 4300 digits
        ("/v1/proposals/%C2%B2", "number"),
        ("/v1/proposals/2147483648", "number"),
        ("/v1/meetings?from=2025-W01-1", "from"),  # an ISO week date, not RFC 3339
        ("/v1/meetings?to=2025-01-01T10:00:00", "to"),  # no offset
        ("/v1/meetings?from=2025-02-30", "from"),
        ("/v1/meetings?from=0001-01-01T00:00:00%2B00:01", "from"),  # UTC is in year 0
        ("/v1/proposals?sort=", "sort"),
        ("/v1/proposals?stage=", "stage"),
        ("/v1/proposals?stage=fcp,", "stage"),
        ("/v1/proposals?state=OPEN", "state"),
        ("/v1/members?format=", "format"),
        ("/v1/members?current=1", "current"),
        ("/?pretty=maybe", "pretty"),
        ("/?colour=red", "colour"),
        # Found probing with curl: a format a route cannot give was ignored.
        ("/v1/status?format=xml", "format"),
        ("/v1/proposals/15?format=csv", "format"),
        ("/v1/proposals.atom?format=json", "format"),
        ("/v1/meetings.ics?format=json", "format"),
        ("/v1/members?pretty=1&pretty=0", "pretty"),
        ("/v1/proposals?format=csv&format=json", "format"),
    ],
)
async def test_bad_parameters(client, engine, path, parameter):
    response = await client.get(path)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400
    assert problem["title"] == "Bad Request"
    assert problem["invalid-params"][0]["name"] == parameter
    assert repr(parameter) in problem["detail"]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/v2/proposals", 404),
        ("GET", "/nowhere", 404),
        ("POST", "/v1/proposals", 405),
        ("DELETE", "/v1/proposals/1", 405),
        ("PUT", "/v1/status", 405),
    ],
)
async def test_routing_errors(client, engine, method, path, status):
    response = await client.request(method, path)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status
    assert problem["instance"] == path
    assert problem["detail"]
    if status == 405:
        assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD"}


@pytest.mark.parametrize(
    ("request_kwargs", "fragment"),
    [
        (
            {
                "method": "POST",
                "content": b"not json",
                "headers": {"content-type": "application/json"},
            },
            "Unable to parse",
        ),
        ({"method": "POST", "json": {"nope": 1}}, "No GraphQL query"),
        # Found by the fuzz suites: each of these was a 500.
        ({"method": "POST", "json": False}, "must be a JSON object"),
        (
            {"method": "POST", "content": b"null", "headers": {"content-type": "application/json"}},
            "must be a JSON object",
        ),
        ({"method": "POST", "json": 1.5}, "must be a JSON object"),
        (
            {
                "method": "POST",
                "content": b'{"query": "\xff"}',
                "headers": {"content-type": "application/json"},
            },
            "not UTF-8",
        ),
        ({"method": "POST", "json": {"query": "{ x }", "operationName": False}}, "operationName"),
        ({"method": "GET", "params": {"query": "mutation { x }"}}, "mutations are not allowed"),
    ],
)
async def test_malformed_graphql_requests_are_problems(client, engine, request_kwargs, fragment):
    arguments = dict(request_kwargs)  # shared by both database runs: do not consume it
    method = arguments.pop("method")
    response = await client.request(method, "/graphql", **arguments)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert fragment in response.json()["detail"]


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_an_unexpected_error_is_a_generic_problem(engine, method):
    """A handler that fails unexpectedly: a 500 problem that tells nothing of the failure,
    through the edge (GET, cached routes) and around it (other methods) alike."""
    import httpx
    from starlette.routing import Route

    from api.app import create_app
    from tests.conftest import make_settings

    async def fails(request):
        raise RuntimeError("the secret internals of the failure")

    app = create_app(make_settings(), engine)
    app.app.app.router.routes.append(Route("/fails", fails, methods=["GET", "POST"]))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.request(method, "/fails")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["cache-control"] == "no-store"
    problem = response.json()
    assert problem["status"] == 500
    assert "internals" not in response.text
