"""The JSON shapes of `/v1` (DESIGN.md): they only ever gain fields."""

from __future__ import annotations

from typing import Any

from alesco.proposal import Proposal
from alesco.status import ServiceStatus, SourceStatus
from alesco.sync_runs import Source
from alesco.timestamps import format_timestamp as ts


def proposal_json(proposal: Proposal) -> dict[str, Any]:
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
    }


def status_json(status: ServiceStatus) -> dict[str, Any]:
    return {
        "sources": {item.source.value: source_status_json(item) for item in status.sources},
        "data_version": status.data_version,
        "data_changed_at": ts(status.data_changed_at),
    }


def freshness_meta(status: ServiceStatus, source: Source = Source.GITHUB) -> dict[str, Any]:
    """`meta.synced_at` / `meta.stale` of a response built from `source`'s data."""
    item = status.source(source)
    return {
        "synced_at": ts(item.synced_at),
        "stale": item.stale,
        "origin": item.origin.value if item.origin else None,
    }
