"""The OpenAPI description of the routes around the data: GraphQL, health, metrics, docs and
the website widget (`api.openapi.document` describes the REST data routes and joins these in).

`POST /webhooks/github` exists only where a webhook secret is configured and is GitHub's to
call, not the public's: it is described in the README, not here.
"""

from __future__ import annotations

from typing import Any

JSON = "application/json"
PROBLEM = "application/problem+json"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}

SERVICE_SCHEMAS: dict[str, Any] = {
    "GraphQLRequest": {
        "type": "object",
        "properties": {
            "query": {"type": "string", "minLength": 1, "description": "The GraphQL document"},
            "variables": {"type": ["object", "null"]},
            "operationName": {"type": ["string", "null"]},
        },
        "required": ["query"],
    },
    "GraphQLResponse": {
        "type": "object",
        "properties": {
            "data": {"type": ["object", "null"]},
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "message": {"type": "string"},
                        "extensions": {
                            "type": "object",
                            "properties": {"code": {"type": "string"}},
                        },
                    },
                    "required": ["message"],
                },
            },
        },
    },
    "Health": {
        "type": "object",
        "properties": {
            "status": {"type": "string", "enum": ["ok", "ready"]},
            "schema": {"type": "string"},
            "version": {"type": "string"},
        },
        "required": ["status"],
    },
}


def _response(description: str, media: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {media: {"schema": schema}}}


def _text(description: str, media: str) -> dict[str, Any]:
    return _response(description, media, {"type": "string"})


PROBLEM_400 = {"400": _response("A malformed request", PROBLEM, PROBLEM_REF)}
GRAPHQL_OK = {
    "200": _response(
        "The result; errors in the body (extensions.code says their kind)",
        JSON,
        {"$ref": "#/components/schemas/GraphQLResponse"},
    )
}
GRAPHIQL_OR_RESULT = {
    "200": {
        "description": GRAPHQL_OK["200"]["description"] + "; GraphiQL when no query is given",
        "content": {**GRAPHQL_OK["200"]["content"], "text/html": {"schema": {"type": "string"}}},
    }
}
GRAPHQL_QUERY = [
    {
        "name": "query",
        "in": "query",
        "required": True,
        "schema": {"type": "string", "minLength": 1},
        "description": "The GraphQL document (queries only; see schema.graphql). Without "
        "one, a client whose Accept prefers HTML (a browser) gets GraphiQL, a page to write "
        "queries in; any other gets a 400 problem",
    },
    {
        "name": "variables",
        "in": "query",
        "required": False,
        "content": {JSON: {"schema": {"type": "object"}}},
        "description": "The variables, as a JSON object",
    },
    {
        "name": "operationName",
        "in": "query",
        "required": False,
        "schema": {"type": "string"},
        "description": "Which operation of the document to run",
    },
]


NOT_MODIFIED = {"304": {"description": "Not modified: the If-None-Match tag is current."}}


def _plain_get(summary: str, responses: dict[str, Any], cached: bool = True) -> dict[str, Any]:
    """A GET without parameters; `cached` ones answer conditional requests (api.edge.cache)."""
    extra = {**PROBLEM_400, **NOT_MODIFIED} if cached else {}
    return {"get": {"summary": summary, "parameters": [], "responses": {**responses, **extra}}}


def service_paths() -> dict[str, Any]:
    """Path items for every route that is not a REST data route."""
    return {
        "/graphql": {
            "get": {
                "summary": "GraphQL over GET (cacheable like any GET; GraphiQL in a browser)",
                "parameters": GRAPHQL_QUERY,
                "responses": {**GRAPHIQL_OR_RESULT, **PROBLEM_400, **NOT_MODIFIED},
            },
            "post": {
                "summary": "GraphQL over POST",
                "parameters": [],
                "requestBody": {
                    "required": True,
                    "content": {JSON: {"schema": {"$ref": "#/components/schemas/GraphQLRequest"}}},
                },
                "responses": {
                    **GRAPHQL_OK,
                    **PROBLEM_400,
                    "413": _response("The body is too large", PROBLEM, PROBLEM_REF),
                },
            },
        },
        "/healthz": _plain_get(
            "Liveness: the process answers",
            {"200": _response("Alive", JSON, {"$ref": "#/components/schemas/Health"})},
            cached=False,
        ),
        "/readyz": _plain_get(
            "Readiness: the database is reachable and migrated",
            {
                "200": _response("Ready", JSON, {"$ref": "#/components/schemas/Health"}),
                "503": _response("Not ready, and why", PROBLEM, PROBLEM_REF),
            },
            cached=False,
        ),
        "/metrics": _plain_get(
            "Prometheus metrics of this process and of the syncs",
            {"200": _text("Prometheus text format", "text/plain")},
            cached=False,
        ),
        "/openapi.json": _plain_get(
            "This document", {"200": _response("OpenAPI 3.1", JSON, {"type": "object"})}
        ),
        "/docs": _plain_get(
            "This document, for people", {"200": _text("An HTML page", "text/html")}
        ),
        "/schema.graphql": _plain_get(
            "The GraphQL schema (SDL), as committed in schema.graphql",
            {"200": _text("GraphQL schema definition language", "text/plain")},
        ),
        "/widget.js": _plain_get(
            "The ALESCo page's open-proposals widget",
            {"200": _text("A script with no dependencies", "text/javascript")},
        ),
        "/widget": _plain_get(
            "A page showing the widget", {"200": _text("An HTML page", "text/html")}
        ),
    }
