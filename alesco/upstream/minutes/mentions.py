"""What the minutes say about each pull request: the lines that link it, and the lines of
the part of the minutes that discusses it (under a heading, a topic paragraph or an item
that links it), each with its line number (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from alesco.upstream.minutes.blocks import ATTENDANCE_ROLES, role_of
from alesco.upstream.minutes.items import Item
from alesco.upstream.minutes.links import PullLink, pull_links_in


@dataclass(frozen=True, order=True, slots=True)
class PullMention:
    pull: PullLink
    line: int
    text: str


def read_mentions(items: list[Item]) -> tuple[PullMention, ...]:
    """Every line about a pull request, in line order (a line about two is listed twice)."""
    found: set[PullMention] = set()
    for item in items:
        if role_of(item.headings) in ATTENDANCE_ROLES:
            continue
        for pull in pull_links_in(item.raw) | pull_links_in(item.surroundings_raw()):
            found.add(PullMention(pull, item.line, item.text))
    return tuple(sorted(found, key=lambda mention: (mention.line, mention.pull)))
