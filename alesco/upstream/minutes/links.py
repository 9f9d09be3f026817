"""Links to GitHub pull requests as people write them in minutes, and RFC numbers (pure).

Issues and pull requests share a number space on GitHub, and /issues/N redirects to /pull/N
for a pull request, so minutes link either; the caller keeps the configured repos. `www.`
and a missing scheme (`github.com/o/r/pull/4`) are links too, as GitHub renders them, and
so is `owner/repo#N`. "RFC #0002" names an RFC document, not pull request #2: its number
is read apart, to be resolved through the RFC documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from alesco.upstream.github_records import MAX_PULL_NUMBER, PULL_NUMBER_TEXT

_PULL_URL = re.compile(
    r"(?<![\w.-])(?:https?://)?(?:www\.)?github\.com/"
    rf"([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)/(?:pulls?|issues)/{PULL_NUMBER_TEXT}",
    re.IGNORECASE,
)
_PULL_SHORT = re.compile(rf"(?<![\w/])([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)#{PULL_NUMBER_TEXT}\b")
# "RFC #0002", "RFC [#0004](…)", "RFC-0006", "RFC 0003": the zero-padded number RFC files
# carry (`rfcs/0002-….md`). A bare "#4" stays ambiguous and is not read as either.
_RFC_NUMBER = re.compile(r"\bRFC\s*[-\s]?\[?#?(\d{4})\b", re.IGNORECASE)


@dataclass(frozen=True, order=True, slots=True)
class PullLink:
    repo: str
    number: int


def pull_links_in(text: str) -> set[PullLink]:
    """Every pull request `text` links, as a URL (Markdown link targets included, since
    this reads the raw source) or as `owner/repo#N`."""
    found: set[PullLink] = set()
    for pattern in (_PULL_URL, _PULL_SHORT):
        for owner, name, number in pattern.findall(text):
            if int(number) <= MAX_PULL_NUMBER:
                found.add(PullLink(f"{owner}/{name}", int(number)))
    return found


def rfc_numbers_in(text: str) -> tuple[int, ...]:
    """The RFC numbers `text` names ("RFC #0002" is 2), in order, each once."""
    return tuple(dict.fromkeys(int(number) for number in _RFC_NUMBER.findall(text)))
