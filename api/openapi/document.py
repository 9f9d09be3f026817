"""The OpenAPI 3.1 description of the REST API (`/openapi.json`), written by hand.

Hand-written so it says what users need (and matches reality: a test validates real
responses from every route against these schemas; schemathesis fuzzes the API from it).
Schemas are JSON Schema 2020-12, as OpenAPI 3.1 uses; nullable is `type: [..., "null"]`.
"""

from __future__ import annotations

from typing import Any

from alesco import __version__
from alesco.read.meeting_queries import MeetingSort
from alesco.read.queries import MAX_LIMIT, KindFilter, SortOrder, StateFilter
from alesco.upstream.github_records import MAX_PULL_NUMBER
from alesco.upstream.minutes.decisions import Verdict
from api.formats.negotiation import BOOLEAN_WORDS
from api.openapi.schemas import SCHEMAS, STAGES, ref
from api.openapi.service import SERVICE_SCHEMAS, service_paths

JSON = "application/json"
PROBLEM = "application/problem+json"
CACHE_NOTE = (
    "Every GET and HEAD answer carries a strong ETag (304 on If-None-Match), Last-Modified "
    "(the last successful sync), Cache-Control: public, max-age=60, "
    "stale-while-revalidate=600, stale-if-error=86400, Vary: Accept, Accept-Encoding, "
    "CORS (Access-Control-Allow-Origin: *), and gzip or brotli for bodies over 1 KB."
)


def _query(name: str, schema: dict[str, Any], description: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
        **extra,
    }


def _enum(values: list[str]) -> dict[str, Any]:
    return {"type": "string", "enum": values}


DAY_OR_TIME = {
    "anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}]
}
REPO_SCHEMA = {"type": "string", "pattern": r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$"}

PARAMETERS: dict[str, Any] = {
    "state": _query(
        "state",
        _enum([s.value for s in StateFilter]),
        "Pull request state; default open, or all when stage is given.",
    ),
    "stage": _query(
        "stage",
        {"type": "array", "items": _enum(STAGES)},
        "Lifecycle stages (repeat, or separate with commas).",
        style="form",
        explode=True,
    ),
    "kind": _query(
        "kind", _enum([k.value for k in KindFilter]), "rfc (default), other, or all pull requests."
    ),
    "repo": _query(
        "repo",
        REPO_SCHEMA,
        "owner/name of a configured repository (case-insensitive).",
    ),
    "q": _query(
        "q",
        {"type": "string", "maxLength": 200},
        "Words that must all appear in the title, RFC title or abstract.",
    ),
    "sort": _query(
        "sort",
        _enum([s.value for s in SortOrder]),
        "Order; a leading - means descending. Default -updated.",
    ),
    "limit": _query(
        "limit",
        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
        f"Page size, 1 to {MAX_LIMIT} (default 30).",
    ),
    "cursor": _query(
        "cursor",
        {"type": "string", "minLength": 1},
        "meta.next_cursor of the previous page; keep the same sort.",
    ),
    "pretty": _query(
        "pretty",
        _enum(list(BOOLEAN_WORDS)),
        "Indent the JSON (curl, wget, HTTPie and xh get it indented anyway).",
    ),
    "format": _query(
        "format", _enum(["json", "csv"]), "json (default) or csv; Accept: text/csv works too."
    ),
    "from": _query("from", DAY_OR_TIME, "First day (YYYY-MM-DD or RFC 3339)."),
    "to": _query("to", DAY_OR_TIME, "Last day (YYYY-MM-DD or RFC 3339)."),
    "meeting_sort": _query(
        "sort", _enum([s.value for s in MeetingSort]), "-date (default, newest first) or date."
    ),
    "current": _query(
        "current",
        _enum(["true", "false", "all"]),
        "true: members today; false: former members; all (default).",
    ),
    "proposal": _query(
        "proposal",
        {"type": "integer", "minimum": 1, "maximum": MAX_PULL_NUMBER},
        "Only decisions about this pull request (add repo when several are synced).",
    ),
    "verdict": _query(
        "verdict",
        {"type": "array", "items": _enum([verdict.value for verdict in Verdict])},
        "Verdicts (repeat, or separate with commas).",
        style="form",
        explode=True,
    ),
    "decision_q": _query(
        "q",
        {"type": "string", "maxLength": 200},
        "Words that must appear in the decision or its details (case-insensitive).",
    ),
    "repo_detail": _query(
        "repo",
        REPO_SCHEMA,
        "owner/name, when the number exists in several repositories.",
    ),
}


def _param(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/parameters/{name}"}


def _ok(
    schema: str | None, description: str, alternatives: dict[str, str] | None = None
) -> dict[str, Any]:
    """A 200 response: JSON of `schema`, and other media types (type -> what it holds)."""
    content: dict[str, Any] = {}
    if schema:
        content[JSON] = {"schema": ref(schema)}
    for media, note in (alternatives or {}).items():
        content[media] = {"schema": {"type": "string", "description": note}}
    return {"description": description, "content": content}


def _errors(*statuses: int) -> dict[str, Any]:
    names = {400: "Bad parameter", 404: "Not found"}
    return {
        str(status): {
            "description": names[status],
            "content": {PROBLEM: {"schema": ref("Problem")}},
        }
        for status in statuses
    }


NOT_MODIFIED = {"304": {"description": "Not modified: the If-None-Match tag is current."}}
LIST = ["pretty", "format"]


def _get(summary: str, parameters: list[str], responses: dict[str, Any]) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "parameters": [_param(p) for p in parameters],
            "responses": {**responses, **NOT_MODIFIED},
        }
    }


def _path_param(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": schema,
        "description": description,
    }


def openapi_document() -> dict[str, Any]:
    proposal_filters = ["state", "stage", "kind", "repo", "q", "sort", "limit", "cursor"]
    paths: dict[str, Any] = {
        "/": _get(
            "What this API is, and links to its routes",
            ["pretty"],
            {"200": _ok("Index", "The index"), **_errors(400)},
        ),
        "/v1/proposals": _get(
            "Proposals (RFC pull requests), filtered, sorted and paged",
            [*proposal_filters, *LIST],
            {
                "200": _ok(
                    "ProposalList",
                    "A page of proposals; Link: rel=next for the next",
                    {"text/csv": "The same rows as CSV"},
                ),
                **_errors(400),
            },
        ),
        "/v1/proposals.atom": _get(
            "Proposals as an Atom 1.0 feed (all states unless filtered)",
            proposal_filters,
            {
                "200": _ok(None, "An Atom feed", {"application/atom+xml": "Atom 1.0 (RFC 4287)"}),
                **_errors(400),
            },
        ),
        "/v1/proposals/{number}": _get(
            "One pull request, of any kind",
            ["repo_detail", "pretty"],
            {"200": _ok("ProposalItem", "The proposal"), **_errors(400, 404)},
        ),
        "/v1/meetings": _get(
            "Meetings: scheduled events joined with their minutes",
            ["from", "to", "meeting_sort", "limit", "cursor", *LIST],
            {
                "200": _ok(
                    "MeetingList", "A page of meetings", {"text/csv": "The same rows as CSV"}
                ),
                **_errors(400),
            },
        ),
        "/v1/meetings/next": _get(
            "The next scheduled meeting that is not cancelled",
            ["pretty"],
            {"200": _ok("NextMeeting", "The meeting, or data: null"), **_errors(400)},
        ),
        "/v1/meetings/{meeting_id}": _get(
            "One meeting",
            ["pretty"],
            {"200": _ok("MeetingItem", "The meeting"), **_errors(400, 404)},
        ),
        "/v1/meetings.ics": _get(
            "Every meeting as an iCalendar feed (RFC 5545)",
            [],
            {
                "200": _ok(None, "A calendar", {"text/calendar": "iCalendar (RFC 5545)"}),
                **_errors(400),
            },
        ),
        "/v1/members": _get(
            "The roster, with attendance and chair",
            ["current", *LIST],
            {
                "200": _ok("MemberList", "Members", {"text/csv": "The same rows as CSV"}),
                **_errors(400),
            },
        ),
        "/v1/proposals/{number}/timeline": _get(
            "Everything that happened to one proposal, oldest first, with provenance",
            ["repo_detail", "pretty"],
            {"200": _ok("Timeline", "The timeline"), **_errors(400, 404)},
        ),
        "/v1/members/{login}": _get(
            "One member: attendance, votes and chair terms",
            ["pretty"],
            {"200": _ok("MemberItem", "The member"), **_errors(400, 404)},
        ),
        "/v1/decisions": _get(
            "Decisions recorded in the minutes, newest first",
            [
                "proposal",
                "repo",
                "verdict",
                "from",
                "to",
                "decision_q",
                "meeting_sort",
                "limit",
                "cursor",
                *LIST,
            ],
            {
                "200": _ok(
                    "DecisionList", "A page of decisions", {"text/csv": "The same rows as CSV"}
                ),
                **_errors(400),
            },
        ),
        "/v1/decisions/{decision_id}": _get(
            "One decision",
            ["pretty"],
            {"200": _ok("DecisionItem", "The decision"), **_errors(400, 404)},
        ),
        "/v1/status": _get(
            "Freshness of each source",
            ["pretty"],
            {"200": _ok("StatusItem", "Per source status"), **_errors(400)},
        ),
    }
    number = {"type": "integer", "minimum": 1, "maximum": MAX_PULL_NUMBER}
    text = {"type": "string"}
    for path, name, schema, description in (
        ("/v1/proposals/{number}", "number", number, "Pull request number"),
        ("/v1/proposals/{number}/timeline", "number", number, "Pull request number"),
        ("/v1/meetings/{meeting_id}", "meeting_id", text, "A date, e.g. 2025-04-16 (-2 …)"),
        ("/v1/members/{login}", "login", text, "The member's GitHub login (any case)"),
        (
            "/v1/decisions/{decision_id}",
            "decision_id",
            text,
            "A meeting id and place: 2025-04-16.1",
        ),
    ):
        paths[path]["get"]["parameters"].insert(0, _path_param(name, schema, description))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "alesco-api",
            "version": __version__,
            "summary": "Public read-only data of the AlmaLinux Engineering Steering Committee",
            "description": CACHE_NOTE + " GraphQL's schema is schema.graphql.",
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "paths": paths | service_paths(),
        "components": {"schemas": SCHEMAS | SERVICE_SCHEMAS, "parameters": PARAMETERS},
    }
