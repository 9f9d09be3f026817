"""Decisions as served: the minutes' decisions tied to proposals and members (pure).

A written decision (`alesco.upstream.minutes.decisions`) concerns the pull requests of the
configured repositories that it links (`in_decision`), that the part of the minutes it sits
in links (`in_section`), that its RFC numbers name ("RFC #0002" is the PR that added
`rfcs/0002-….md`, not PR #2), or, when none of these says, the one RFC whose title shares
the most words with it (`by_title`: two words at least, no tie, and opened no later than
the meeting). A body decision about a proposal a section decision already concerns is
folded into it: one decision per matter and meeting.

Votes: named ones ("Andrew voted -1") are matched to the members present; "unanimous" or
"all attending members voted …" gives every member present the same vote, `inferred`.
A decision's id is its meeting's id and its place in the meeting (`2025-05-28.1`), stable
as long as the minutes keep their order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from enum import StrEnum

from alesco.domain.lifecycle import Kind, Rule, Stage, StageEntry, StageReason
from alesco.domain.proposal import Proposal
from alesco.upstream.minutes.decisions import (
    Tally,
    Verdict,
    Vote,
    WrittenDecision,
    fold,
    words,
)
from alesco.upstream.minutes.links import PullLink


class ProposalLink(StrEnum):
    """How a decision was tied to a proposal, strongest first."""

    IN_DECISION = "in_decision"
    IN_SECTION = "in_section"
    BY_TITLE = "by_title"


@dataclass(frozen=True, slots=True)
class ConcernedProposal:
    repo: str
    number: int
    link: ProposalLink


@dataclass(frozen=True, slots=True)
class MemberVote:
    member: str
    github: str | None
    vote: Vote
    inferred: bool


@dataclass(frozen=True, slots=True)
class Decision:
    id: str
    meeting_id: str
    date: date
    text: str
    details: tuple[str, ...]
    verdict: Verdict
    tally: Tally | None
    proposals: tuple[ConcernedProposal, ...]
    votes: tuple[MemberVote, ...]
    nullified: bool
    minutes_url: str | None
    line: int


@dataclass(frozen=True, slots=True)
class Candidate:
    """What tying decisions to a proposal needs of it."""

    repo: str
    number: int
    title: str
    opened_on: date
    rfc_number: int | None
    is_rfc: bool


@dataclass(frozen=True, slots=True)
class Present:
    """A member present at the meeting, as the roster names them."""

    name: str
    github: str | None


_STRENGTH = {link: rank for rank, link in enumerate(ProposalLink)}


def _canonical(link: PullLink, repos: dict[str, str]) -> tuple[str, int] | None:
    repo = repos.get(link.repo.lower())
    return (repo, link.number) if repo else None


class Candidates:
    """The proposals decisions may concern, indexed once per model load: by the words of
    their titles (matching a decision against 5,000 titles one by one cost 30 ms a
    decision) and by RFC number."""

    def __init__(self, candidates: Sequence[Candidate]) -> None:
        self.by_word: dict[str, list[Candidate]] = {}
        self.by_rfc_number: dict[int, list[Candidate]] = {}
        for candidate in candidates:
            if candidate.rfc_number is not None:
                self.by_rfc_number.setdefault(candidate.rfc_number, []).append(candidate)
            if candidate.is_rfc:
                for word in words(candidate.title):
                    self.by_word.setdefault(word, []).append(candidate)
        # A word in more than one title in twenty (past the first dozen) tells none apart.
        common = max(12, len(candidates) // 20)
        self.by_word = {word: found for word, found in self.by_word.items() if len(found) <= common}

    def carrying(self, number: int, day: date) -> list[Candidate]:
        return [c for c in self.by_rfc_number.get(number, ()) if c.opened_on <= day]

    def by_title(self, text: str, day: date) -> Candidate | None:
        """The one RFC opened by `day` sharing the most words (two at least) with `text`."""
        shared: Counter[tuple[str, int]] = Counter()
        found: dict[tuple[str, int], Candidate] = {}
        for word in words(text):
            for candidate in self.by_word.get(word, ()):
                if candidate.opened_on <= day:
                    key = (candidate.repo, candidate.number)
                    shared[key] += 1
                    found[key] = candidate
        ranked = shared.most_common(2)
        if not ranked or ranked[0][1] < 2:
            return None
        if len(ranked) > 1 and ranked[1][1] == ranked[0][1]:
            return None  # a tie: the title does not say which
        return found[ranked[0][0]]


def concerned(
    written: WrittenDecision, day: date, candidates: Candidates, repos: Sequence[str]
) -> tuple[ConcernedProposal, ...]:
    """The proposals a written decision concerns, each with the strongest tie found."""
    canonical = {repo.lower(): repo for repo in repos}
    found: dict[tuple[str, int], ProposalLink] = {}

    def keep(key: tuple[str, int] | None, link: ProposalLink) -> None:
        current = found.get(key) if key else None
        if key is not None and (current is None or _STRENGTH[link] < _STRENGTH[current]):
            found[key] = link

    for pull in written.pulls_in_decision:
        keep(_canonical(pull, canonical), ProposalLink.IN_DECISION)
    for pull in written.pulls_in_section:
        keep(_canonical(pull, canonical), ProposalLink.IN_SECTION)
    # An RFC number speaks only where no link does, and only when one proposal carries it:
    # numbers were reused in the real repository (#3 and #4 both added an RFC 0002).
    numbered = ProposalLink.IN_DECISION if written.in_section else ProposalLink.IN_SECTION
    for number in written.rfc_numbers if not found else ():
        carriers = candidates.carrying(number, day)
        if len(carriers) == 1:
            keep((carriers[0].repo, carriers[0].number), numbered)
    if not found and (match := candidates.by_title(written.text, day)):
        found[(match.repo, match.number)] = ProposalLink.BY_TITLE
    return tuple(
        ConcernedProposal(repo, number, link) for (repo, number), link in sorted(found.items())
    )


def _member_named(name: str, people: Sequence[Present]) -> Present | None:
    """The one person `name` is: the full name, else a first name only one person has."""
    wanted = name.lower()
    exact = [person for person in people if person.name.lower() == wanted]
    first = [person for person in people if person.name.lower().split()[:1] == [wanted]]
    found = exact or first
    return found[0] if len(found) == 1 else None


def _votes(
    written: WrittenDecision, present: Sequence[Present], roster: Sequence[Present]
) -> tuple[MemberVote, ...]:
    """Named votes, matched to the members present, else to the roster (a vote may be cast
    asynchronously by a member who was not there); then everyone present, inferred."""
    votes: dict[str, MemberVote] = {}
    for named in written.named_votes:
        member = _member_named(named.name, present) or _member_named(named.name, roster)
        name, github = (member.name, member.github) if member else (named.name, None)
        votes[name] = MemberVote(name, github, named.vote, inferred=False)
    if written.everyone is not None and not written.nullified:
        for person in present:
            votes.setdefault(
                person.name, MemberVote(person.name, person.github, written.everyone, True)
            )
    return tuple(votes.values())


def decide(
    meeting_id: str,
    day: date,
    written: Sequence[tuple[str | None, WrittenDecision]],
    candidates: Candidates,
    repos: Sequence[str],
    present: Sequence[Present],
    roster: Sequence[Present] = (),
) -> tuple[Decision, ...]:
    """A meeting's decisions, tied to proposals and members, in the order stated.

    `written` are the decisions of the meeting's minutes files, each with its file's URL,
    main file first and each file's in line order."""
    merged: list[tuple[str | None, WrittenDecision, tuple[ConcernedProposal, ...]]] = []
    for url, decision in written:
        tied = concerned(decision, day, candidates, repos)
        numbers = {(proposal.repo, proposal.number) for proposal in tied}
        target = next(
            (
                index
                for index, (_, kept, kept_tied) in enumerate(merged)
                if kept.in_section
                and not decision.in_section
                and numbers & {(proposal.repo, proposal.number) for proposal in kept_tied}
            ),
            None,
        )
        if target is None:
            merged.append((url, decision, tied))
        else:
            # The folded decision links what both did: tie it again, strongest links first.
            kept_url, kept, _ = merged[target]
            folded = fold(kept, decision)
            merged[target] = (kept_url, folded, concerned(folded, day, candidates, repos))
    return tuple(
        Decision(
            id=f"{meeting_id}.{ordinal}",
            meeting_id=meeting_id,
            date=day,
            text=decision.text,
            details=decision.details,
            verdict=decision.verdict,
            tally=decision.tally,
            proposals=tied,
            votes=_votes(decision, present, roster),
            nullified=decision.nullified,
            minutes_url=url,
            line=decision.line,
        )
        for ordinal, (url, decision, tied) in enumerate(merged, start=1)
    )


# Outcomes GitHub does not state: the minutes may. Labels, merges and supersession do.
_OPEN_TO_MINUTES = frozenset({Rule.UNKNOWN, Rule.CLOSED_BY_AUTHOR})
_OUTCOME_OF = {Verdict.REJECTED: Stage.REJECTED, Verdict.WITHDRAWN: Stage.WITHDRAWN}


def with_minutes_outcomes(
    proposals: Sequence[Proposal], decisions: Sequence[Decision]
) -> list[Proposal]:
    """Proposals whose outcome GitHub leaves unknown (closed, unmerged, no outcome label)
    take it from their latest decision when that rejected or withdrew them: rule
    `minutes_decision`, the meeting and the decision as evidence, entered on its date."""
    latest: dict[tuple[str, int], Decision] = {}
    for decision in sorted(decisions, key=lambda d: d.date):
        if decision.nullified:
            continue
        for concerned_proposal in decision.proposals:
            latest[(concerned_proposal.repo.lower(), concerned_proposal.number)] = decision
    return [_with_outcome(p, latest.get((p.repo.lower(), p.number))) for p in proposals]


def _with_outcome(proposal: Proposal, decision: Decision | None) -> Proposal:
    reason = proposal.stage_reason
    if (
        decision is None
        or decision.verdict not in _OUTCOME_OF
        or proposal.kind != Kind.RFC
        or proposal.state != "closed"
        or proposal.merged_at is not None
        or reason is None
        or reason.rule not in _OPEN_TO_MINUTES
    ):
        return proposal
    stage = _OUTCOME_OF[decision.verdict]
    at = datetime.combine(decision.date, time.min, UTC)
    # The entry the closing made (closed, or withdrawn by its author) gives way to this one.
    history = [entry for entry in proposal.stage_history if entry.stage != proposal.stage]
    history.append(StageEntry(stage, at))
    history.sort(key=lambda entry: entry.entered_at or at)
    return replace(
        proposal,
        stage=stage,
        outcome=stage,
        stage_since=at,
        stage_history=tuple(history),
        stage_reason=StageReason(Rule.MINUTES_DECISION, f"{decision.id}: {decision.text}", at),
    )


def candidates_of(proposals: Sequence[Proposal]) -> list[Candidate]:
    """What tying decisions needs of each proposal."""
    return [
        Candidate(
            repo=proposal.repo,
            number=proposal.number,
            title=proposal.title,
            opened_on=proposal.created_at.date(),
            rfc_number=int(proposal.rfc_number)
            if proposal.rfc_number and proposal.rfc_number.isdigit()
            else None,
            is_rfc=proposal.kind == Kind.RFC,
        )
        for proposal in proposals
    ]
