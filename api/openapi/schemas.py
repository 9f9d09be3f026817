"""The component schemas of `/openapi.json`: the JSON shapes every `/v1` route answers with.

JSON Schema 2020-12, as OpenAPI 3.1 uses; nullable is `type: [..., "null"]`. A test
validates real responses from every route against them.
"""

from __future__ import annotations

from typing import Any

from alesco.domain.decisions import ProposalLink
from alesco.domain.lifecycle import Kind, Rule, Stage
from alesco.domain.timeline import EntryKind
from alesco.domain.timeline import Source as TimelineSource
from alesco.upstream.minutes.decisions import Verdict, Vote


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(kind: str, **extra: Any) -> dict[str, Any]:
    return {"type": [kind, "null"], **extra}


def obj(properties: dict[str, Any], description: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
    }
    if description:
        schema["description"] = description
    return schema


TIME = {"type": "string", "format": "date-time"}
TIME_OR_NULL = nullable("string", format="date-time")
DATE = {"type": "string", "format": "date"}
DATE_OR_NULL = nullable("string", format="date")
STRING_OR_NULL = nullable("string")
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
                "items": obj({"name": {"type": "string"}, "reason": {"type": "string"}}),
            },
        },
        "required": ["type", "title", "status", "detail"],
    },
    "Author": obj({"login": {"type": "string"}, "avatar_url": STRING_OR_NULL}),
    "Label": obj(
        {"name": {"type": "string"}, "color": STRING_OR_NULL, "description": STRING_OR_NULL}
    ),
    "StageEntry": obj({"stage": {"enum": STAGES}, "entered_at": TIME_OR_NULL}),
    "StageReason": obj(
        {
            "rule": {"enum": [rule.value for rule in Rule]},
            "evidence": STRING_OR_NULL,
            "at": TIME_OR_NULL,
        },
        "Why the proposal has its stage: the rule, what decided it, and when.",
    ),
    "Rfc": obj(
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
    "MeetingRef": obj({"meeting_id": {"type": "string"}, "date": DATE, "url": STRING_OR_NULL}),
    "NextVote": obj(
        {
            "meeting_id": {"type": "string"},
            "date": DATE,
            "starts_at": TIME_OR_NULL,
            "url": STRING_OR_NULL,
        }
    ),
    "Proposal": obj(
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
            "author": {"oneOf": [ref("Author"), {"type": "null"}]},
            "labels": {"type": "array", "items": ref("Label")},
            "rfc_number": STRING_OR_NULL,
            "abstract": STRING_OR_NULL,
            "rfc": {"oneOf": [ref("Rfc"), {"type": "null"}]},
            "created_at": TIME,
            "updated_at": TIME,
            "closed_at": TIME_OR_NULL,
            "merged_at": TIME_OR_NULL,
            "stage_since": TIME_OR_NULL,
            "stage_history": {"type": "array", "items": ref("StageEntry")},
            "stage_reason": {"oneOf": [ref("StageReason"), {"type": "null"}]},
            "supersedes": {"type": "array", "items": {"type": "integer"}},
            "superseded_by": nullable("integer"),
            "discussed_in": {"type": "array", "items": ref("MeetingRef")},
            "next_vote": {"oneOf": [ref("NextVote"), {"type": "null"}]},
            "decisions": {"type": "array", "items": ref("Decision")},
        },
        "A pull request of a configured repository, with its RFC lifecycle.",
    ),
    "Decision": obj(
        {
            "id": {"type": "string", "description": "Meeting id and place: 2025-04-16.1"},
            "meeting_id": {"type": "string"},
            "date": DATE,
            "text": {"type": "string", "description": "As the minutes write it"},
            "details": STRINGS,
            "verdict": {"enum": [verdict.value for verdict in Verdict]},
            "tally": {"oneOf": [ref("Tally"), {"type": "null"}]},
            "nullified": {"type": "boolean"},
            "proposals": {"type": "array", "items": ref("DecisionProposal")},
            "votes": {"type": "array", "items": ref("MemberVote")},
            "evidence": obj({"minutes_url": STRING_OR_NULL, "line": {"type": "integer"}}),
        },
        "A decision recorded in the minutes; null where the minutes say nothing.",
    ),
    "TimelineEntry": obj(
        {
            "at": TIME,
            "kind": {"enum": [kind.value for kind in EntryKind]},
            "source": {"enum": [source.value for source in TimelineSource]},
            "url": STRING_OR_NULL,
            "text": STRING_OR_NULL,
            "actor": STRING_OR_NULL,
            "label": STRING_OR_NULL,
            "stage": {"enum": [*STAGES, None]},
            "rule": {"enum": [*(rule.value for rule in Rule), None]},
            "event_id": nullable("integer"),
            "meeting_id": STRING_OR_NULL,
            "decision_id": STRING_OR_NULL,
            "verdict": {"enum": [*(verdict.value for verdict in Verdict), None]},
            "line": nullable("integer"),
            "lines": {
                "type": "array",
                "items": obj({"line": {"type": "integer"}, "text": {"type": "string"}}),
            },
        },
        "One thing that happened to a proposal, with where it is recorded.",
    ),
    "Tally": obj(
        {
            "for": nullable("integer"),
            "against": nullable("integer"),
            "abstain": nullable("integer"),
            "unanimous": nullable("boolean"),
            "note": STRING_OR_NULL,
        },
        "A vote's count as the minutes give it; never invented.",
    ),
    "DecisionProposal": obj(
        {
            "repo": {"type": "string"},
            "number": {"type": "integer"},
            "link": {"enum": [link.value for link in ProposalLink]},
        },
        "A pull request a decision concerns, and how that was established.",
    ),
    "MemberVote": obj(
        {
            "member": {"type": "string"},
            "github": STRING_OR_NULL,
            "vote": {"enum": [vote.value for vote in Vote]},
            "inferred": {"type": "boolean"},
        },
        "A member's vote; inferred from 'unanimous' or 'all attending voted'.",
    ),
    "PullRef": obj({"repo": {"type": "string"}, "number": {"type": "integer"}}),
    "Meeting": obj(
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
            "proposals": {"type": "array", "items": ref("PullRef")},
            "decision_records": {"type": "array", "items": ref("Decision")},
        },
        "A committee meeting: its scheduled event and its minutes, joined by date.",
    ),
    "ChairTerm": obj({"from": DATE, "to": DATE_OR_NULL}),
    "Member": obj(
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
            "chair_terms": {"type": "array", "items": ref("ChairTerm")},
            "meetings_attended": {"type": "integer"},
            "last_attended": DATE_OR_NULL,
        }
    ),
    "MemberRecord": {
        "allOf": [
            ref("Member"),
            obj(
                {
                    "attendance": obj(
                        {
                            "meetings_held": {"type": "integer"},
                            "meetings_attended": {"type": "integer"},
                            "meetings": {"type": "array", "items": ref("Attendance")},
                        },
                        "Meetings held (with minutes) while a member, and which they attended.",
                    ),
                    "votes": {"type": "array", "items": ref("CastVote")},
                }
            ),
        ],
        "description": "A member with their attendance and the votes the minutes record.",
    },
    "Attendance": obj(
        {"meeting_id": {"type": "string"}, "date": DATE, "attended": {"type": "boolean"}}
    ),
    "CastVote": obj(
        {
            "decision_id": {"type": "string"},
            "meeting_id": {"type": "string"},
            "date": DATE,
            "text": {"type": "string"},
            "verdict": {"enum": [verdict.value for verdict in Verdict]},
            "vote": {"enum": [vote.value for vote in Vote]},
            "inferred": {"type": "boolean"},
        },
        "A vote the minutes record for a member (inferred: from 'unanimous').",
    ),
    "Freshness": obj(
        {
            "synced_at": TIME_OR_NULL,
            "stale": {"type": "boolean"},
            "origin": {"enum": ["upstream", "snapshot", "mixed", None]},
        },
        "How fresh the data behind a response is.",
    ),
    "ListMeta": {
        "allOf": [
            ref("Freshness"),
            obj(
                {
                    "count": {"type": "integer"},
                    "limit": {"type": "integer"},
                    "next_cursor": STRING_OR_NULL,
                }
            ),
        ]
    },
    "SourceStatus": obj(
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
                    obj({"reason": STRING_OR_NULL, "message": {"type": "string"}}),
                    {"type": "null"},
                ]
            },
            "items": {"type": "integer"},
            "requests": {"type": "integer"},
            "not_modified": {"type": "integer"},
            "warnings": STRINGS,
            "rate_limit": {
                "oneOf": [
                    obj({"remaining": {"type": "integer"}, "reset_at": TIME_OR_NULL}),
                    {"type": "null"},
                ]
            },
            "retry_at": {
                **TIME_OR_NULL,
                "description": "Rate-limited: the next attempt waits until then.",
            },
        }
    ),
    "Status": obj(
        {
            "sources": {
                "type": "object",
                "additionalProperties": ref("SourceStatus"),
                "required": ["github", "meetings", "minutes", "roster"],
            },
            "data_version": {"type": "integer"},
            "data_changed_at": TIME,
        }
    ),
}


def envelope(data: dict[str, Any], meta: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"data": data, "meta": meta},
        "required": ["data", "meta"],
    }


SCHEMAS |= {
    "ProposalList": envelope({"type": "array", "items": ref("Proposal")}, ref("ListMeta")),
    "ProposalItem": envelope(ref("Proposal"), ref("Freshness")),
    "MeetingList": envelope({"type": "array", "items": ref("Meeting")}, ref("ListMeta")),
    "MeetingItem": envelope(ref("Meeting"), ref("Freshness")),
    "Timeline": envelope({"type": "array", "items": ref("TimelineEntry")}, ref("Freshness")),
    "MemberItem": envelope(ref("MemberRecord"), ref("Freshness")),
    "DecisionList": envelope({"type": "array", "items": ref("Decision")}, ref("ListMeta")),
    "DecisionItem": envelope(ref("Decision"), ref("Freshness")),
    "NextMeeting": envelope({"oneOf": [ref("Meeting"), {"type": "null"}]}, ref("Freshness")),
    "MemberList": envelope(
        {"type": "array", "items": ref("Member")},
        {"allOf": [ref("Freshness"), obj({"count": {"type": "integer"}})]},
    ),
    "StatusItem": envelope(ref("Status"), {"type": "object"}),
    "Index": envelope(
        obj(
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
