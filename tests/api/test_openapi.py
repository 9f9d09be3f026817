"""/openapi.json describes reality: every route is in it, and real responses from every
route validate against its schemas. /docs renders it for people."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator
from starlette.routing import Route

DOCUMENTED = [
    ("/", "Index"),
    ("/v1/proposals", "ProposalList"),
    ("/v1/proposals?state=all&kind=all&sort=number&limit=3", "ProposalList"),
    ("/v1/proposals?stage=fcp,accepted", "ProposalList"),
    ("/v1/proposals/3", "ProposalItem"),
    ("/v1/proposals/6", "ProposalItem"),
    ("/v1/meetings", "MeetingList"),
    ("/v1/meetings?from=2025-02-01&sort=date", "MeetingList"),
    ("/v1/meetings/next", "NextMeeting"),
    ("/v1/meetings/2025-01-20", "MeetingItem"),
    ("/v1/members", "MemberList"),
    ("/v1/status", "StatusItem"),
    ("/v1/proposals?state=bogus", "Problem"),
    ("/v1/proposals/999", "Problem"),
    ("/v1/meetings/1999-01-01", "Problem"),
    ("/healthz", "Health"),
    ("/readyz", "Health"),
    ("/graphql?query=%7Bstatus%7BdataVersion%7D%7D", "GraphQLResponse"),
    ("/graphql?query=%7Bnope%7D", "GraphQLResponse"),
]


@pytest.fixture
async def document(client):
    return (await client.get("/openapi.json")).json()


def validator(document, name):
    schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


async def test_document_is_openapi_3_1_with_valid_schemas(document):
    assert document["openapi"] == "3.1.0"
    for name, schema in document["components"]["schemas"].items():
        Draft202012Validator.check_schema(schema), name


async def test_every_route_is_described(client, document):
    """Every route and method, but the webhook: GitHub's to call, and only where a secret
    is configured (the README describes it)."""
    from api.app import create_app
    from tests.conftest import make_settings

    settings = make_settings(webhook_secret="s")
    starlette_app = create_app(settings, None).app.app  # type: ignore[arg-type]
    served = {
        (route.path, method.lower())
        for route in starlette_app.routes
        if isinstance(route, Route)
        for method in route.methods or ()
        if method != "HEAD"
    }
    described = {(path, method) for path, item in document["paths"].items() for method in item}
    assert served - described == {("/webhooks/github", "post")}
    assert described <= served


@pytest.mark.parametrize(("path", "schema"), DOCUMENTED)
async def test_real_responses_match_the_document(client, meetings, document, path, schema):
    response = await client.get(path)
    errors = sorted(validator(document, schema).iter_errors(response.json()), key=str)
    assert errors == []
    route = path.split("?")[0]
    templated = {
        "/v1/proposals/3": "/v1/proposals/{number}",
        "/v1/proposals/6": "/v1/proposals/{number}",
        "/v1/proposals/999": "/v1/proposals/{number}",
        "/v1/meetings/2025-01-20": "/v1/meetings/{meeting_id}",
        "/v1/meetings/1999-01-01": "/v1/meetings/{meeting_id}",
    }.get(route, route)
    documented = document["paths"][templated]["get"]["responses"]
    assert str(response.status_code) in documented


async def test_a_schema_violation_would_be_caught(document):
    """Guard against a vacuous pass: the validator does reject a wrong shape."""
    errors = list(validator(document, "Proposal").iter_errors({"number": "three"}))
    assert errors


async def test_docs_page_lists_every_route(client, document):
    page = await client.get("/docs")
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    for path, item in document["paths"].items():
        for method in item:
            assert f"{method.upper()} {path}" in page.text
