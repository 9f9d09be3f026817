"""`/v1/proposals.atom`: proposals as an Atom 1.0 feed (RFC 4287), newest activity first.

One entry per proposal: its id is the pull request's URL (stable), `updated` its GitHub
`updated_at`, so a feed reader shows a proposal again when it moves (a new stage bumps
`updated_at`). The stage is both in the title and a category, for readers that filter;
the summary says why it has it, and what the minutes last decided about it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from xml.etree import ElementTree

from alesco.domain.committee import Committee
from alesco.domain.decisions import Decision
from alesco.domain.proposal import Proposal
from alesco.timestamps import format_timestamp
from alesco.upstream.minutes.decisions import Tally

ATOM = "http://www.w3.org/2005/Atom"
COMMITTEE = "AlmaLinux Engineering Steering Committee"


def _add(parent: ElementTree.Element, tag: str, text: str | None = None, **attributes: str) -> None:
    element = ElementTree.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text


def tally_words(tally: Tally | None) -> str | None:
    """ "4 for, 1 against, 0 abstaining", "unanimous", or None: only what the minutes say."""
    if tally is None:
        return None
    counts = [
        f"{number} {what}"
        for number, what in (
            (tally.votes_for, "for"),
            (tally.against, "against"),
            (tally.abstain, "abstaining"),
        )
        if number is not None
    ]
    if counts:
        return ", ".join(counts)
    return "unanimous" if tally.unanimous else None


def decision_summary(decision: Decision) -> str:
    """A decision in a line: verdict, date, count where known, and the text as written."""
    counted = tally_words(decision.tally)
    how = f" ({counted})" if counted else ""
    nullified = ", later nullified" if decision.nullified else ""
    return f"{decision.verdict.value}{how}{nullified} on {decision.date}: {decision.text}"


def _entry(feed: ElementTree.Element, proposal: Proposal, decisions: Sequence[Decision]) -> None:
    entry = ElementTree.SubElement(feed, "entry")
    url = proposal.url or f"urn:alesco:{proposal.repo}:{proposal.number}"
    stage = proposal.stage.value if proposal.stage else proposal.kind.value
    _add(entry, "id", url)
    _add(entry, "title", f"#{proposal.number} {proposal.title} [{stage}]")
    _add(entry, "updated", format_timestamp(proposal.updated_at))
    _add(entry, "published", format_timestamp(proposal.created_at))
    if proposal.url:
        _add(entry, "link", rel="alternate", type="text/html", href=proposal.url)
    author = ElementTree.SubElement(entry, "author")
    _add(author, "name", proposal.author_login or "unknown")
    _add(entry, "category", term=stage, label=stage)
    parts = [f"Stage: {stage}"]
    if proposal.stage_reason and proposal.stage_reason.evidence:
        parts[0] += f" ({proposal.stage_reason.rule.value}: {proposal.stage_reason.evidence})"
    if decisions:
        parts.append("Latest decision: " + decision_summary(decisions[-1]))
    if proposal.abstract:
        parts.append(proposal.abstract)
    _add(entry, "summary", "\n\n".join(parts), type="text")


def proposals_feed(
    proposals: Sequence[Proposal],
    self_url: str,
    feed_id: str,
    changed_at: datetime,
    committee: Committee,
) -> bytes:
    """The feed document; `updated` is the newest entry's, or when the data last changed."""
    feed = ElementTree.Element("feed", {"xmlns": ATOM})
    _add(feed, "id", feed_id)
    _add(feed, "title", "ALESCo proposals")
    _add(feed, "subtitle", f"RFC proposals of the {COMMITTEE} and where they stand")
    newest = max((proposal.updated_at for proposal in proposals), default=changed_at)
    _add(feed, "updated", format_timestamp(newest))
    _add(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    author = ElementTree.SubElement(feed, "author")
    _add(author, "name", COMMITTEE)
    _add(feed, "generator", "alesco-api")
    for proposal in proposals:
        _entry(feed, proposal, committee.decisions_about(proposal.repo, proposal.number))
    document: bytes = ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)
    return document
