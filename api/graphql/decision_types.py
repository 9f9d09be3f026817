"""GraphQL types of the minutes' decisions, converted from `alesco.domain.decisions`.

The same fields as REST's Decision, in camelCase: `meetingId`, `nullified`, `evidence
{minutesUrl line}`; a tally's `for` keeps its name (a GraphQL field may be called `for`).
"""

from __future__ import annotations

from datetime import date

import strawberry

from alesco.domain.decisions import Decision as DecisionModel
from alesco.domain.decisions import ProposalLink
from alesco.upstream.minutes.decisions import Verdict, Vote

VerdictEnum = strawberry.enum(Verdict, name="Verdict", description="What a decision resolved.")
VoteEnum = strawberry.enum(Vote, name="Vote", description="How a member voted.")
ProposalLinkEnum = strawberry.enum(
    ProposalLink, name="DecisionLink", description="How a decision was tied to a proposal."
)


@strawberry.type(description="A vote's count as the minutes give it; null where they do not.")
class Tally:
    for_: int | None = strawberry.field(name="for")
    against: int | None
    abstain: int | None
    unanimous: bool | None
    note: str | None = strawberry.field(description="The line the count was read from.")


@strawberry.type(description="A pull request a decision concerns, and how that was established.")
class DecisionProposal:
    repo: str
    number: int
    link: ProposalLinkEnum  # type: ignore[valid-type]


@strawberry.type(description="A member's vote; inferred from 'unanimous' or 'all attending'.")
class MemberVote:
    member: str
    github: str | None
    vote: VoteEnum  # type: ignore[valid-type]
    inferred: bool


@strawberry.type(description="Where the minutes state a decision.")
class Evidence:
    minutes_url: str | None
    line: int


@strawberry.type(description="A decision recorded in the minutes of a meeting.")
class Decision:
    id: str = strawberry.field(
        description="The meeting's id and the decision's place: 2025-04-16.1"
    )
    meeting_id: str
    date: date
    text: str = strawberry.field(description="As the minutes write it.")
    details: list[str]
    verdict: VerdictEnum  # type: ignore[valid-type]
    tally: Tally | None
    nullified: bool
    proposals: list[DecisionProposal]
    votes: list[MemberVote]
    evidence: Evidence

    @classmethod
    def from_model(cls, model: DecisionModel) -> Decision:
        tally = model.tally
        return cls(
            id=model.id,
            meeting_id=model.meeting_id,
            date=model.date,
            text=model.text,
            details=list(model.details),
            verdict=model.verdict,
            tally=None
            if tally is None
            else Tally(
                for_=tally.votes_for,
                against=tally.against,
                abstain=tally.abstain,
                unanimous=tally.unanimous,
                note=tally.note,
            ),
            nullified=model.nullified,
            proposals=[
                DecisionProposal(repo=p.repo, number=p.number, link=p.link) for p in model.proposals
            ],
            votes=[
                MemberVote(member=v.member, github=v.github, vote=v.vote, inferred=v.inferred)
                for v in model.votes
            ],
            evidence=Evidence(minutes_url=model.minutes_url, line=model.line),
        )


@strawberry.type
class DecisionEdge:
    cursor: str
    node: Decision
