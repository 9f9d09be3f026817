"""The JSON shapes of `/v1` (DESIGN.md): they only ever gain fields."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from alesco.domain.committee import Committee, Meeting, Member
from alesco.domain.decisions import Decision
from alesco.domain.member_record import MemberRecord
from alesco.domain.proposal import Proposal
from alesco.domain.timeline import TimelineEntry
from alesco.read.status import ServiceStatus, SourceStatus
from alesco.storage.sync_runs import Source
from alesco.timestamps import format_timestamp as ts
from api.formats.rendering import Cell


def meeting_ref_json(meeting: Meeting) -> dict[str, Any]:
    """How a proposal points at a meeting that discussed it."""
    return {
        "meeting_id": meeting.id,
        "date": meeting.date.isoformat(),
        "url": meeting.minutes_url or meeting.url,
    }


def next_vote_json(meeting: Meeting | None) -> dict[str, Any] | None:
    if meeting is None:
        return None
    return {
        "meeting_id": meeting.id,
        "date": meeting.date.isoformat(),  # all a date-only (all-day) meeting has
        "starts_at": ts(meeting.starts_at),
        "url": meeting.url,
    }


def decision_json(decision: Decision) -> dict[str, Any]:
    """A decision of the minutes: what, how decided, about which proposals, who voted."""
    tally = decision.tally
    return {
        "id": decision.id,
        "meeting_id": decision.meeting_id,
        "date": decision.date.isoformat(),
        "text": decision.text,
        "details": list(decision.details),
        "verdict": decision.verdict.value,
        "tally": None
        if tally is None
        else {
            "for": tally.votes_for,
            "against": tally.against,
            "abstain": tally.abstain,
            "unanimous": tally.unanimous,
            "note": tally.note,
        },
        "nullified": decision.nullified,
        "proposals": [
            {"repo": p.repo, "number": p.number, "link": p.link.value} for p in decision.proposals
        ],
        "votes": [
            {"member": v.member, "github": v.github, "vote": v.vote.value, "inferred": v.inferred}
            for v in decision.votes
        ],
        "evidence": {"minutes_url": decision.minutes_url, "line": decision.line},
    }


def proposal_json(proposal: Proposal, committee: Committee, now: datetime) -> dict[str, Any]:
    rfc = proposal.rfc
    return {
        "repo": proposal.repo,
        "number": proposal.number,
        "title": proposal.title,
        "url": proposal.url,
        "kind": proposal.kind.value,
        "state": proposal.state,
        "stage": proposal.stage.value if proposal.stage else None,
        "outcome": proposal.outcome.value if proposal.outcome else None,
        "draft": proposal.draft,
        "author": {"login": proposal.author_login, "avatar_url": proposal.author_avatar_url}
        if proposal.author_login
        else None,
        "labels": [label.to_json() for label in proposal.labels],
        "rfc_number": proposal.rfc_number,
        "abstract": proposal.abstract,
        "rfc": {
            "path": rfc.path,
            "title": rfc.title,
            "number": rfc.rfc_number,
            "authors": list(rfc.authors),
            "status": rfc.status,
            "created_at": ts(rfc.created_at),
            "updated_at": ts(rfc.updated_at),
        }
        if rfc
        else None,
        "created_at": ts(proposal.created_at),
        "updated_at": ts(proposal.updated_at),
        "closed_at": ts(proposal.closed_at),
        "merged_at": ts(proposal.merged_at),
        "stage_since": ts(proposal.stage_since),
        "stage_history": [entry.to_json() for entry in proposal.stage_history],
        "stage_reason": proposal.stage_reason.to_json() if proposal.stage_reason else None,
        "supersedes": list(proposal.supersedes),
        "superseded_by": proposal.superseded_by,
        "discussed_in": [
            meeting_ref_json(meeting)
            for meeting in committee.meetings_discussing(proposal.repo, proposal.number)
        ],
        "next_vote": next_vote_json(committee.next_vote(proposal.stage, now)),
        "decisions": [
            decision_json(decision)
            for decision in committee.decisions_about(proposal.repo, proposal.number)
        ],
    }


def meeting_json(meeting: Meeting, now: datetime) -> dict[str, Any]:
    return {
        "id": meeting.id,
        "date": meeting.date.isoformat(),
        "title": meeting.title,
        "starts_at": ts(meeting.starts_at),
        "ends_at": ts(meeting.ends_at),
        "timezone": meeting.timezone,
        "url": meeting.url,
        "location": meeting.location,
        "status": meeting.status(now),
        "cancel_reason": meeting.cancel_reason,
        "minutes_url": meeting.minutes_url,
        "recorder": meeting.recorder,
        "attendees": list(meeting.attendees),
        "absentees": list(meeting.absentees),
        "board_attendees": list(meeting.board_attendees),
        "community_attendees": list(meeting.community_attendees),
        "decisions": list(meeting.decisions),
        "proposals_discussed": [link.number for link in meeting.proposals],
        "proposals": [{"repo": link.repo, "number": link.number} for link in meeting.proposals],
        "decision_records": [decision_json(decision) for decision in meeting.decision_records],
    }


def member_json(member: Member) -> dict[str, Any]:
    return {
        "name": member.name,
        "github": member.github,
        "title": member.title,
        "affiliation": member.affiliation,
        "avatar_url": member.avatar_url,
        "joined": member.joined.isoformat() if member.joined else None,
        "left": member.left.isoformat() if member.left else None,
        "current": member.current,
        "chair": member.chair,
        "chair_terms": [
            {
                "from": term.starts_on.isoformat(),
                "to": term.ends_on.isoformat() if term.ends_on else None,
            }
            for term in member.chair_terms
        ],
        "meetings_attended": member.meetings_attended,
        "last_attended": member.last_attended.isoformat() if member.last_attended else None,
    }


def timeline_entry_json(entry: TimelineEntry) -> dict[str, Any]:
    """One thing that happened to a proposal; every field present, null where it does not
    apply, so that each entry has one shape."""
    return {
        "at": ts(entry.at),
        "kind": entry.kind.value,
        "source": entry.source.value,
        "url": entry.url,
        "text": entry.text,
        "actor": entry.actor,
        "label": entry.label,
        "stage": entry.stage.value if entry.stage else None,
        "rule": entry.rule.value if entry.rule else None,
        "event_id": entry.event_id,
        "meeting_id": entry.meeting_id,
        "decision_id": entry.decision_id,
        "verdict": entry.verdict.value if entry.verdict else None,
        "line": entry.line,
        "lines": [{"line": said.line, "text": said.text} for said in entry.lines],
    }


def member_record_json(record: MemberRecord) -> dict[str, Any]:
    """A member with their attendance (of the meetings held while a member) and votes."""
    attended = {meeting.id for meeting in record.meetings_attended}
    return {
        **member_json(record.member),
        "attendance": {
            "meetings_held": len(record.meetings_held),
            "meetings_attended": len(record.meetings_attended),
            "meetings": [
                {
                    "meeting_id": meeting.id,
                    "date": meeting.date.isoformat(),
                    "attended": meeting.id in attended,
                }
                for meeting in record.meetings_held
            ],
        },
        "votes": [
            {
                "decision_id": cast.decision.id,
                "meeting_id": cast.decision.meeting_id,
                "date": cast.decision.date.isoformat(),
                "text": cast.decision.text,
                "verdict": cast.decision.verdict.value,
                "vote": cast.vote.vote.value,
                "inferred": cast.vote.inferred,
            }
            for cast in record.votes
        ],
    }


def source_status_json(status: SourceStatus) -> dict[str, Any]:
    return {
        "origin": status.origin.value if status.origin else None,
        "stale": status.stale,
        "stale_since": ts(status.stale_since),
        "synced_at": ts(status.synced_at),
        "snapshot_built_at": ts(status.snapshot_built_at),
        "last_attempt_at": ts(status.last_attempt_at),
        "last_success_at": ts(status.last_success_at),
        "outcome": status.outcome.value if status.outcome else None,
        "error": {"reason": status.error_reason, "message": status.error} if status.error else None,
        "items": status.items,
        "requests": status.requests,
        "not_modified": status.not_modified,
        "warnings": list(status.warnings),
        "rate_limit": {
            "remaining": status.rate_limit_remaining,
            "reset_at": ts(status.rate_limit_reset_at),
        }
        if status.rate_limit_remaining is not None
        else None,
        "retry_at": ts(status.retry_at),
    }


def status_json(status: ServiceStatus) -> dict[str, Any]:
    return {
        "sources": {item.source.value: source_status_json(item) for item in status.sources},
        "data_version": status.data_version,
        "data_changed_at": ts(status.data_changed_at),
    }


def freshness_meta(status: ServiceStatus, *sources: Source) -> dict[str, Any]:
    """`meta.synced_at` / `stale` / `origin` of a response built from `sources` (GitHub by
    default): the oldest sync, stale if any is, and "mixed" when origins differ."""
    items = [status.source(source) for source in sources or (Source.GITHUB,)]
    synced = [item.synced_at for item in items]
    origins = {item.origin.value if item.origin else None for item in items}
    return {
        "synced_at": None if None in synced else ts(min(s for s in synced if s is not None)),
        "stale": any(item.stale for item in items),
        "origin": origins.pop() if len(origins) == 1 else "mixed",
    }


PROPOSAL_COLUMNS: dict[str, Cell | None] = {
    "repo": None,
    "number": None,
    "title": None,
    "url": None,
    "kind": None,
    "state": None,
    "stage": None,
    "outcome": None,
    "draft": None,
    "author": None,
    "labels": None,
    "rfc_number": None,
    "created_at": None,
    "updated_at": None,
    "closed_at": None,
    "merged_at": None,
    "stage_since": None,
    "stage_rule": lambda row: (row["stage_reason"] or {}).get("rule"),
    "supersedes": None,
    "superseded_by": None,
    "discussed_in": lambda row: [entry["date"] for entry in row["discussed_in"]],
    "next_vote_at": lambda row: (row["next_vote"] or {}).get("starts_at"),
}

MEETING_COLUMNS: dict[str, Cell | None] = dict.fromkeys(
    (
        "id",
        "date",
        "title",
        "starts_at",
        "ends_at",
        "timezone",
        "url",
        "location",
        "status",
        "cancel_reason",
        "minutes_url",
        "recorder",
        "attendees",
        "absentees",
        "board_attendees",
        "community_attendees",
        "decisions",
        "proposals_discussed",
    )
)

DECISION_COLUMNS: dict[str, Cell | None] = {
    "id": None,
    "meeting_id": None,
    "date": None,
    "verdict": None,
    "text": None,
    "proposals": lambda row: [p["number"] for p in row["proposals"]],
    "for": lambda row: (row["tally"] or {}).get("for"),
    "against": lambda row: (row["tally"] or {}).get("against"),
    "abstain": lambda row: (row["tally"] or {}).get("abstain"),
    "unanimous": lambda row: (row["tally"] or {}).get("unanimous"),
    "nullified": None,
    "minutes_url": lambda row: row["evidence"]["minutes_url"],
    "line": lambda row: row["evidence"]["line"],
}

MEMBER_COLUMNS: dict[str, Cell | None] = dict.fromkeys(
    (
        "name",
        "github",
        "title",
        "affiliation",
        "avatar_url",
        "joined",
        "left",
        "current",
        "chair",
        "meetings_attended",
        "last_attended",
    )
)
