"""GraphQL types of the committee's members: roster facts, chair terms, attendance, votes."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry
from strawberry.types import Info

from alesco.domain.committee import Member as MemberModel
from alesco.domain.member_record import MemberRecord, member_record
from api.graphql.decision_types import VerdictEnum, VoteEnum


@strawberry.type(description="Whether a member attended a meeting held while they were one.")
class MeetingAttendance:
    meeting_id: str
    date: date
    attended: bool


@strawberry.type(description="Meetings held (with minutes) while a member, and those attended.")
class Attendance:
    meetings_held: int
    meetings_attended: int
    meetings: list[MeetingAttendance]


@strawberry.type(description="A vote the minutes record for a member (inferred: from 'unanimous').")
class CastVote:
    decision_id: str
    meeting_id: str
    date: date
    text: str
    verdict: VerdictEnum  # type: ignore[valid-type]
    vote: VoteEnum  # type: ignore[valid-type]
    inferred: bool


@strawberry.type(description="A term as chair of the committee (endsOn null: still chair).")
class ChairTerm:
    starts_on: date
    ends_on: date | None


@strawberry.type(description="A member of the committee, current or former.")
class Member:
    name: str
    github: str | None
    title: str | None
    affiliation: str | None
    avatar_url: str | None
    joined: date | None
    left: date | None
    current: bool
    chair: bool = strawberry.field(description="Chairs the committee today.")
    chair_terms: list[ChairTerm]
    meetings_attended: int = strawberry.field(description="Meetings whose minutes list them.")
    last_attended: date | None

    @strawberry.field(
        description="Meetings held (with minutes) while a member, and which they attended."
    )
    def attendance(self, info: Info[Any, None]) -> Attendance:
        record = self._record(info)
        attended = {meeting.id for meeting in record.meetings_attended}
        return Attendance(
            meetings_held=len(record.meetings_held),
            meetings_attended=len(record.meetings_attended),
            meetings=[
                MeetingAttendance(meeting_id=m.id, date=m.date, attended=m.id in attended)
                for m in record.meetings_held
            ],
        )

    @strawberry.field(description="The votes the minutes record for this member, oldest first.")
    def votes(self, info: Info[Any, None]) -> list[CastVote]:
        return [
            CastVote(
                decision_id=cast.decision.id,
                meeting_id=cast.decision.meeting_id,
                date=cast.decision.date,
                text=cast.decision.text,
                verdict=cast.decision.verdict,
                vote=cast.vote.vote,
                inferred=cast.vote.inferred,
            )
            for cast in self._record(info).votes
        ]

    def _record(self, info: Info[Any, None]) -> MemberRecord:
        committee = info.context["alesco"].committee
        member = committee.member_named(self.name)
        if member is None:  # a Member is only ever made from a roster member
            raise LookupError(self.name)
        return member_record(committee, member)

    @classmethod
    def from_model(cls, model: MemberModel) -> Member:
        return cls(
            name=model.name,
            github=model.github,
            title=model.title,
            affiliation=model.affiliation,
            avatar_url=model.avatar_url,
            joined=model.joined,
            left=model.left,
            current=model.current,
            chair=model.chair,
            chair_terms=[
                ChairTerm(starts_on=t.starts_on, ends_on=t.ends_on) for t in model.chair_terms
            ],
            meetings_attended=model.meetings_attended,
            last_attended=model.last_attended,
        )
