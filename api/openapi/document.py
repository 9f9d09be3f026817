"""The OpenAPI 3.1 description of the REST API (`/openapi.json`), written by hand.

Hand-written so it says what users need (and matches reality: a test validates real
responses from every route against these schemas; schemathesis fuzzes the API from it).
Schemas are JSON Schema 2020-12, as OpenAPI 3.1 uses; nullable is `type: [..., "null"]`.
"""

from __future__ import annotations

from typing import Any

from alesco import __version__
from alesco.domain.lifecycle import Kind, Rule, Stage
from alesco.read.meeting_queries import MeetingSort
from alesco.read.queries import MAX_LIMIT, KindFilter, SortOrder, StateFilter
from alesco.upstream.github_records import MAX_PULL_NUMBER
from api.formats.openapi_service import SERVICE_SCHEMAS, service_paths
from api.params import BOOLEAN_WORDS

JSON = "application/json"
PROBLEM = "application/problem+json"
CACHE_NOTE = (
    "Every GET and HEAD answer carries a strong ETag (304 on If-None-Match), Last-Modified "
    "(the last successful sync), Cache-Control: public, max-age=60, "
    "stale-while-revalidate=600, stale-if-error=86400, Vary: Accept, Accept-Encoding, "
    "CORS (Access-Control-Allow-Origin: *), and gzip or brotli for bodies over 1 KB."
)


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(kind: str, **extra: Any) -> dict[str, Any]:
    return {"type": [kind, "null"], **extra}


def _obj(properties: dict[str, Any], description: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
    }
    if description:
        schema["description"] = description
    return schema


TIME = {"type": "string", "format": "date-time"}
TIME_OR_NULL = _nullable("string", format="date-time")
DATE = {"type": "string", "format": "date"}
DATE_OR_NULL = _nullable("string", format="date")
STRING_OR_NULL = _nullable("string")
STRINGS = {"type": "array", "items": {"type": "string"}}
STAGES = [stage.value for stage in Stage]

SCHEMAS: dict[str, Any] = {
    "Problem": {
        "type": "object",
        "description": "An RFC 9457 problem detail.",
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "instance": {"type": "string"},
            "invalid-params": {
                "type": "array",
                "items": _obj({"name": {"type": "string"}, "reason": {"type": "string"}}),
            },
        },
        "required": ["type", "title", "status", "detail"],
    },
    "Author": _obj({"login": {"type": "string"}, "avatar_url": STRING_OR_NULL}),
    "Label": _obj(
        {"name": {"type": "string"}, "color": STRING_OR_NULL, "description": STRING_OR_NULL}
    ),
    "StageEntry": _obj({"stage": {"enum": STAGES}, "entered_at": TIME_OR_NULL}),
    "StageReason": _obj(
        {
            "rule": {"enum": [rule.value for rule in Rule]},
            "evidence": STRING_OR_NULL,
            "at": TIME_OR_NULL,
        },
        "Why the proposal has its stage: the rule, what decided it, and when.",
    ),
    "Rfc": _obj(
        {
            "path": {"type": "string"},
            "title": STRING_OR_NULL,
            "number": STRING_OR_NULL,
            "authors": STRINGS,
            "status": STRING_OR_NULL,
            "created_at": TIME_OR_NULL,
            "updated_at": TIME_OR_NULL,
        },
        "The RFC file the pull request adds, as its header states.",
    ),
    "MeetingRef": _obj({"meeting_id": {"type": "string"}, "date": DATE, "url": STRING_OR_NULL}),
    "NextVote": _obj(
        {
            "meeting_id": {"type": "string"},
            "date": DATE,
            "starts_at": TIME_OR_NULL,
            "url": STRING_OR_NULL,
        }
    ),
    "Proposal": _obj(
        {
            "repo": {"type": "string"},
            "number": {"type": "integer"},
            "title": {"type": "string"},
            "url": STRING_OR_NULL,
            "kind": {"enum": [kind.value for kind in Kind]},
            "state": {"enum": ["open", "closed"]},
            "stage": {"enum": [*STAGES, None]},
            "outcome": {"enum": ["accepted", "rejected", "withdrawn", "superseded", None]},
            "draft": {"type": "boolean"},
            "author": {"oneOf": [_ref("Author"), {"type": "null"}]},
            "labels": {"type": "array", "items": _ref("Label")},
            "rfc_number": STRING_OR_NULL,
            "abstract": STRING_OR_NULL,
            "rfc": {"oneOf": [_ref("Rfc"), {"type": "null"}]},
            "created_at": TIME,
            "updated_at": TIME,
            "closed_at": TIME_OR_NULL,
            "merged_at": TIME_OR_NULL,
            "stage_since": TIME_OR_NULL,
            "stage_history": {"type": "array", "items": _ref("StageEntry")},
            "stage_reason": {"oneOf": [_ref("StageReason"), {"type": "null"}]},
            "supersedes": {"type": "array", "items": {"type": "integer"}},
            "superseded_by": _nullable("integer"),
            "discussed_in": {"type": "array", "items": _ref("MeetingRef")},
            "next_vote": {"oneOf": [_ref("NextVote"), {"type": "null"}]},
        },
        "A pull request of a configured repository, with its RFC lifecycle.",
    ),
    "PullRef": _obj({"repo": {"type": "string"}, "number": {"type": "integer"}}),
    "Meeting": _obj(
        {
            "id": {"type": "string"},
            "date": DATE,
            "title": {"type": "string"},
            "starts_at": TIME_OR_NULL,
            "ends_at": TIME_OR_NULL,
            "timezone": STRING_OR_NULL,
            "url": STRING_OR_NULL,
            "location": STRING_OR_NULL,
            "status": {"enum": ["upcoming", "past", "cancelled"]},
            "cancel_reason": STRING_OR_NULL,
            "minutes_url": STRING_OR_NULL,
            "recorder": STRING_OR_NULL,
            "attendees": STRINGS,
            "absentees": STRINGS,
            "board_attendees": STRINGS,
            "community_attendees": STRINGS,
            "decisions": STRINGS,
            "proposals_discussed": {"type": "array", "items": {"type": "integer"}},
            "proposals": {"type": "array", "items": _ref("PullRef")},
        },
        "A committee meeting: its scheduled event and its minutes, joined by date.",
    ),
    "ChairTerm": _obj({"from": DATE, "to": DATE_OR_NULL}),
    "Member": _obj(
        {
            "name": {"type": "string"},
            "github": STRING_OR_NULL,
            "title": STRING_OR_NULL,
            "affiliation": STRING_OR_NULL,
            "avatar_url": STRING_OR_NULL,
            "joined": DATE_OR_NULL,
            "left": DATE_OR_NULL,
            "current": {"type": "boolean"},
            "chair": {"type": "boolean"},
            "chair_terms": {"type": "array", "items": _ref("ChairTerm")},
            "meetings_attended": {"type": "integer"},
            "last_attended": DATE_OR_NULL,
        }
    ),
    "Freshness": _obj(
        {
            "synced_at": TIME_OR_NULL,
            "stale": {"type": "boolean"},
            "origin": {"enum": ["upstream", "snapshot", "mixed", None]},
        },
        "How fresh the data behind a response is.",
    ),
    "ListMeta": {
        "allOf": [
            _ref("Freshness"),
            _obj(
                {
                    "count": {"type": "integer"},
                    "limit": {"type": "integer"},
                    "next_cursor": STRING_OR_NULL,
                }
            ),
        ]
    },
    "SourceStatus": _obj(
        {
            "origin": {"enum": ["upstream", "snapshot", None]},
            "stale": {"type": "boolean"},
            "stale_since": TIME_OR_NULL,
            "synced_at": TIME_OR_NULL,
            "snapshot_built_at": TIME_OR_NULL,
            "last_attempt_at": TIME_OR_NULL,
            "last_success_at": TIME_OR_NULL,
            "outcome": {"enum": ["running", "success", "failed", "interrupted", None]},
            "error": {
                "oneOf": [
                    _obj({"reason": STRING_OR_NULL, "message": {"type": "string"}}),
                    {"type": "null"},
                ]
            },
            "items": {"type": "integer"},
            "requests": {"type": "integer"},
            "not_modified": {"type": "integer"},
            "warnings": STRINGS,
            "rate_limit": {
                "oneOf": [
                    _obj({"remaining": {"type": "integer"}, "reset_at": TIME_OR_NULL}),
                    {"type": "null"},
                ]
            },
            "retry_at": {
                **TIME_OR_NULL,
                "description": "Rate-limited: the next attempt waits until then.",
            },
        }
    ),
    "Status": _obj(
        {
            "sources": {
                "type": "object",
                "additionalProperties": _ref("SourceStatus"),
                "required": ["github", "meetings", "minutes", "roster"],
            },
            "data_version": {"type": "integer"},
            "data_changed_at": TIME,
        }
    ),
}


def _envelope(data: dict[str, Any], meta: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"data": data, "meta": meta},
        "required": ["data", "meta"],
    }


SCHEMAS |= {
    "ProposalList": _envelope({"type": "array", "items": _ref("Proposal")}, _ref("ListMeta")),
    "ProposalItem": _envelope(_ref("Proposal"), _ref("Freshness")),
    "MeetingList": _envelope({"type": "array", "items": _ref("Meeting")}, _ref("ListMeta")),
    "MeetingItem": _envelope(_ref("Meeting"), _ref("Freshness")),
    "NextMeeting": _envelope({"oneOf": [_ref("Meeting"), {"type": "null"}]}, _ref("Freshness")),
    "MemberList": _envelope(
        {"type": "array", "items": _ref("Member")},
        {"allOf": [_ref("Freshness"), _obj({"count": {"type": "integer"}})]},
    ),
    "StatusItem": _envelope(_ref("Status"), {"type": "object"}),
    "Index": _envelope(
        _obj(
            {
                "name": {"type": "string"},
                "version": {"type": "string"},
                "description": {"type": "string"},
                "links": {"type": "object", "additionalProperties": {"type": "string"}},
            }
        ),
        {"type": "object"},
    ),
}


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
        content[JSON] = {"schema": _ref(schema)}
    for media, note in (alternatives or {}).items():
        content[media] = {"schema": {"type": "string", "description": note}}
    return {"description": description, "content": content}


def _errors(*statuses: int) -> dict[str, Any]:
    names = {400: "Bad parameter", 404: "Not found"}
    return {
        str(status): {
            "description": names[status],
            "content": {PROBLEM: {"schema": _ref("Problem")}},
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
        "/v1/status": _get(
            "Freshness of each source",
            ["pretty"],
            {"200": _ok("StatusItem", "Per source status"), **_errors(400)},
        ),
    }
    paths["/v1/proposals/{number}"]["get"]["parameters"].insert(
        0,
        _path_param(
            "number",
            {"type": "integer", "minimum": 1, "maximum": MAX_PULL_NUMBER},
            "Pull request number",
        ),
    )
    paths["/v1/meetings/{meeting_id}"]["get"]["parameters"].insert(
        0, _path_param("meeting_id", {"type": "string"}, "A date, e.g. 2025-04-16 (-2 …)")
    )
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
