"""`/v1/proposals.atom`: proposals as an Atom 1.0 feed (RFC 4287), newest activity first.

One entry per proposal: its id is the pull request's URL (stable), `updated` its GitHub
`updated_at`, so a feed reader shows a proposal again when it moves (a new stage bumps
`updated_at`). The stage is both in the title and a category, for readers that filter.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from xml.etree import ElementTree

from alesco.domain.proposal import Proposal
from alesco.timestamps import format_timestamp

ATOM = "http://www.w3.org/2005/Atom"
COMMITTEE = "AlmaLinux Engineering Steering Committee"


def _add(parent: ElementTree.Element, tag: str, text: str | None = None, **attributes: str) -> None:
    element = ElementTree.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text


def _entry(feed: ElementTree.Element, proposal: Proposal) -> None:
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
    if proposal.abstract:
        parts.append(proposal.abstract)
    _add(entry, "summary", "\n\n".join(parts), type="text")


def proposals_feed(
    proposals: Sequence[Proposal], self_url: str, feed_id: str, changed_at: datetime
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
        _entry(feed, proposal)
    document: bytes = ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)
    return document
