"""Storing the committee sources (calendar events, minutes, roster) and reading them back.

Each `replace_*` runs inside its sync's transaction and bumps the data version only when
the content changed. A scheduled event that vanishes upstream is kept, marked cancelled
("no longer listed upstream"), never silently deleted. Occurrences of iCalendar series
stored under their old identity (`uid#<start in UTC>`) are replaced by the same occurrence
under its new one (`uid#<local date>`), not kept as cancelled copies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from alesco.database.data_version import bump_data_version
from alesco.database.models import CalendarEventRow, MemberRow, MinutesRow
from alesco.database.replacement import replace_rows
from alesco.domain.committee import Committee, MinutesDocument, build_committee
from alesco.storage.sync_runs import Origin
from alesco.upstream.calendar import CalendarEvent, occurrence_day, renamed_occurrence
from alesco.upstream.minutes.decisions import NamedVote, Tally, Verdict, Vote, WrittenDecision
from alesco.upstream.minutes.mentions import PullMention
from alesco.upstream.minutes.parse import Attendee, Minutes, PullLink, parse_minutes
from alesco.upstream.roster import ChairTerm, RosterMember

VANISHED = "no longer listed upstream"


@dataclass(frozen=True)
class MinutesFile:
    """One minutes file as fetched: where it lives, its text, and what it says."""

    path: str
    sha: str | None
    url: str | None
    text: str
    minutes: Minutes


def _event_columns(event: CalendarEvent, origin: Origin, removed: bool) -> dict[str, Any]:
    return {
        "uid": event.uid,
        "title": event.title,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "timezone": event.timezone,
        "url": event.url,
        "location": event.location,
        "cancelled": event.cancelled or removed,
        "cancel_reason": (event.cancel_reason or VANISHED) if removed else event.cancel_reason,
        "removed_upstream": removed,
        "origin": origin.value,
        "all_day": event.all_day,
    }


def _event(row: CalendarEventRow) -> CalendarEvent:
    return CalendarEvent(
        uid=row.uid,
        title=row.title,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        timezone=row.timezone,
        url=row.url,
        location=row.location,
        cancelled=row.cancelled,
        cancel_reason=row.cancel_reason,
        all_day=row.all_day,
    )


def replace_calendar(
    session: Session,
    events: Sequence[CalendarEvent],
    window: tuple[datetime, datetime],
    origin: Origin,
    now: datetime,
) -> bool:
    """Store `events`, the whole upstream listing for `window`; stored events inside the
    window that upstream no longer lists stay, marked cancelled."""
    rows = {event.uid: _event_columns(event, origin, removed=False) for event in events}
    listed_days = {occurrence_day(uid) for uid in rows}
    for row in session.exec(select(CalendarEventRow)):
        if row.uid in rows or renamed_occurrence(row.uid, row.timezone) in listed_days:
            continue  # listed, under the identity it has now
        inside = window[0] <= row.starts_at <= window[1]
        rows[row.uid] = _event_columns(_event(row), Origin(row.origin), removed=inside) | (
            {} if inside else {"removed_upstream": row.removed_upstream}
        )
    ordered = sorted(rows.values(), key=lambda row: row["uid"])
    changed = replace_rows(session, CalendarEventRow, ordered, (col(CalendarEventRow.uid),))
    if changed:
        bump_data_version(session, now)
    return changed


def _people(attendees: Sequence[Attendee]) -> list[dict[str, Any]]:
    # "github" only when linked, so that rows stored before it existed read as unchanged.
    return [
        {"name": person.name, "note": person.note}
        | ({"github": person.github} if person.github else {})
        for person in attendees
    ]


def _attendees(values: list[dict[str, Any]]) -> tuple[Attendee, ...]:
    return tuple(
        Attendee(value["name"], value.get("note"), value.get("github")) for value in values
    )


def _minutes_columns(file: MinutesFile, origin: Origin) -> dict[str, Any]:
    minutes = file.minutes
    return {
        "path": file.path,
        "sha": file.sha,
        "url": file.url,
        "text": file.text,
        "date": minutes.date.isoformat() if minutes.date else None,
        "title": minutes.title,
        "recorder": minutes.recorder,
        "editors": list(minutes.editors),
        "member_attendees": _people(minutes.member_attendees),
        "absentees": _people(minutes.absentees),
        "board_attendees": _people(minutes.board_attendees),
        "community_attendees": _people(minutes.community_attendees),
        "other_attendees": _people(minutes.other_attendees),
        "decisions": list(minutes.decisions),
        "pull_links": [{"repo": link.repo, "number": link.number} for link in minutes.pull_links],
        "warnings": list(minutes.warnings),
        "written_decisions": (
            None
            if minutes.written_decisions is None
            else [written_json(decision) for decision in minutes.written_decisions]
        ),
        "pull_mentions": (
            None
            if minutes.pull_mentions is None
            else [[m.pull.repo, m.pull.number, m.line, m.text] for m in minutes.pull_mentions]
        ),
        "origin": origin.value,
    }


def _minutes(row: MinutesRow) -> Minutes:
    return Minutes(
        path=row.path,
        date=date.fromisoformat(row.date) if row.date else None,
        title=row.title,
        recorder=row.recorder,
        editors=tuple(row.editors),
        member_attendees=_attendees(row.member_attendees),
        absentees=_attendees(row.absentees),
        board_attendees=_attendees(row.board_attendees),
        community_attendees=_attendees(row.community_attendees),
        other_attendees=_attendees(row.other_attendees),
        decisions=tuple(row.decisions),
        pull_links=tuple(PullLink(link["repo"], link["number"]) for link in row.pull_links),
        warnings=tuple(row.warnings),
        written_decisions=(
            None
            if row.written_decisions is None
            else tuple(written_decision(value) for value in row.written_decisions)
        ),
        pull_mentions=(
            None
            if row.pull_mentions is None
            else tuple(
                PullMention(PullLink(repo, number), line, text)
                for repo, number, line, text in row.pull_mentions
            )
        ),
    )


def written_json(decision: WrittenDecision) -> dict[str, Any]:
    """A written decision as the `minutes.written_decisions` column keeps it."""
    tally = decision.tally
    return {
        "line": decision.line,
        "text": decision.text,
        "details": list(decision.details),
        "verdict": decision.verdict.value,
        "tally": None
        if tally is None
        else [tally.votes_for, tally.against, tally.abstain, tally.unanimous, tally.note],
        "named_votes": [[vote.name, vote.vote.value] for vote in decision.named_votes],
        "everyone": decision.everyone.value if decision.everyone else None,
        "nullified": decision.nullified,
        "in_section": decision.in_section,
        "pulls_in_decision": [[p.repo, p.number] for p in decision.pulls_in_decision],
        "pulls_in_section": [[p.repo, p.number] for p in decision.pulls_in_section],
        "rfc_numbers": list(decision.rfc_numbers),
        "context": decision.context,
    }


def written_decision(value: dict[str, Any]) -> WrittenDecision:
    tally = value["tally"]
    return WrittenDecision(
        line=value["line"],
        text=value["text"],
        details=tuple(value["details"]),
        verdict=Verdict(value["verdict"]),
        tally=None if tally is None else Tally(*tally),
        named_votes=tuple(NamedVote(name, Vote(vote)) for name, vote in value["named_votes"]),
        everyone=Vote(value["everyone"]) if value["everyone"] else None,
        nullified=value["nullified"],
        in_section=value["in_section"],
        pulls_in_decision=tuple(PullLink(r, n) for r, n in value["pulls_in_decision"]),
        pulls_in_section=tuple(PullLink(r, n) for r, n in value["pulls_in_section"]),
        rfc_numbers=tuple(value["rfc_numbers"]),
        context=value["context"],
    )


def replace_minutes(
    session: Session, files: Sequence[MinutesFile], origin: Origin, now: datetime
) -> bool:
    rows = [_minutes_columns(file, origin) for file in sorted(files, key=lambda f: f.path)]
    changed = replace_rows(session, MinutesRow, rows, (col(MinutesRow.path),))
    if changed:
        bump_data_version(session, now)
    return changed


def load_minutes_texts(session: Session) -> dict[str, tuple[str | None, str]]:
    """Stored (sha, text) per path, so unchanged files are not fetched again."""
    return {row.path: (row.sha, row.text) for row in session.exec(select(MinutesRow))}


def _member_columns(position: int, member: RosterMember, origin: Origin) -> dict[str, Any]:
    return {
        "position": position,
        "name": member.name,
        "github": member.github,
        "title": member.title,
        "affiliation": member.affiliation,
        "avatar": member.avatar,
        "joined": member.joined.isoformat() if member.joined else None,
        "left": member.left.isoformat() if member.left else None,
        "aliases": list(member.aliases),
        "chair_terms": [
            {
                "from": term.starts_on.isoformat(),
                "to": term.ends_on.isoformat() if term.ends_on else None,
            }
            for term in member.chair_terms
        ],
        "origin": origin.value,
    }


def _member(row: MemberRow) -> RosterMember:
    return RosterMember(
        name=row.name,
        github=row.github,
        title=row.title,
        affiliation=row.affiliation,
        avatar=row.avatar,
        joined=date.fromisoformat(row.joined) if row.joined else None,
        left=date.fromisoformat(row.left) if row.left else None,
        aliases=tuple(row.aliases),
        chair_terms=tuple(ChairTerm.model_validate(term) for term in row.chair_terms),
    )


def replace_roster(
    session: Session, members: Sequence[RosterMember], origin: Origin, now: datetime
) -> bool:
    rows = [_member_columns(position, member, origin) for position, member in enumerate(members)]
    changed = replace_rows(session, MemberRow, rows, (col(MemberRow.position),))
    if changed:
        bump_data_version(session, now)
    return changed


def _with_decisions_read(
    session: Session, documents: list[MinutesDocument]
) -> list[MinutesDocument]:
    """Rows stored before decisions were kept as data are read again from their text (once
    per load, until the next sync stores the column)."""
    unread = [
        d.minutes.path
        for d in documents
        if d.minutes.written_decisions is None or d.minutes.pull_mentions is None
    ]
    if not unread:
        return documents
    query = select(MinutesRow.path, MinutesRow.text).where(col(MinutesRow.path).in_(unread))
    texts = dict(session.exec(query).all())
    read_again = []
    for document in documents:
        text = texts.get(document.minutes.path)
        if text is not None:
            parsed = parse_minutes(text, document.minutes.path)
            minutes = replace(
                document.minutes,
                written_decisions=parsed.written_decisions,
                pull_mentions=parsed.pull_mentions,
            )
            document = MinutesDocument(minutes, document.url)
        read_again.append(document)
    return read_again


def load_committee(session: Session, repos: Sequence[str], today: date) -> Committee:
    """Everything the committee sources hold, joined (three queries)."""
    events = [_event(row) for row in session.exec(select(CalendarEventRow))]
    documents = [
        MinutesDocument(_minutes(row), row.url)
        for row in session.exec(select(MinutesRow).options(defer(MinutesRow.text)))  # type: ignore[arg-type]
    ]
    documents = _with_decisions_read(session, documents)
    members = [
        _member(row) for row in session.exec(select(MemberRow).order_by(col(MemberRow.position)))
    ]
    return build_committee(events, documents, members, repos, today)
