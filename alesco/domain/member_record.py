"""A member's record: the meetings held while they sat on the committee, those they
attended, and the votes the minutes record for them (pure).

A meeting counts as held when its minutes are known (attendance is only known from them),
from the day the member joined to the day before they left (either open when the roster
does not say).
"""

from __future__ import annotations

from dataclasses import dataclass

from alesco.domain.committee import Committee, Meeting, Member
from alesco.domain.decisions import Decision, MemberVote
from alesco.upstream.person_names import name_key


@dataclass(frozen=True, slots=True)
class CastVote:
    decision: Decision
    vote: MemberVote


@dataclass(frozen=True, slots=True)
class MemberRecord:
    member: Member
    meetings_held: tuple[Meeting, ...]  # with minutes, while a member
    meetings_attended: tuple[Meeting, ...]  # of those, the ones whose minutes list them
    votes: tuple[CastVote, ...]


def member_by_login(committee: Committee, login: str) -> Member | None:
    """The member with this GitHub login (GitHub logins ignore case)."""
    wanted = login.lower()
    return next(
        (m for m in committee.members if m.github is not None and m.github.lower() == wanted),
        None,
    )


def member_record(committee: Committee, member: Member) -> MemberRecord:
    key = name_key(member.name)
    held = tuple(
        meeting
        for meeting in committee.meetings
        if (meeting.minutes_url is not None or meeting.attendees or meeting.decisions)
        and (member.joined is None or meeting.date >= member.joined)
        and (member.left is None or meeting.date < member.left)
    )
    attended = tuple(
        meeting for meeting in held if any(name_key(name) == key for name in meeting.attendees)
    )
    votes = tuple(
        CastVote(decision, vote)
        for decision in committee.decisions
        for vote in decision.votes
        if name_key(vote.member) == key
        or (vote.github is not None and vote.github.lower() == (member.github or "").lower())
    )
    return MemberRecord(member, held, attended, votes)
