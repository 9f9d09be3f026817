"""Which PRs replace which: "supersedes #N" / "replaces #N" in a later PR's body (pure).

Accepted forms, any case, optional colon and a "PR"/"RFC"/"pull request" word:
`Supersedes #15`, `replaces: #3, #4 and #5`, `Replaces AlmaLinux/ALESCo#15`,
`supersedes https://github.com/AlmaLinux/ALESCo/pull/15`. Only references to the same
repository count, and only from a PR opened after the one it names (by creation time, then
by number: GitHub numbers pulls in the order they are opened).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from alesco.domain.lifecycle import Supersession
from alesco.upstream.github_records import MAX_PULL_NUMBER, PULL_NUMBER_TEXT, PullRequest

_VERB = re.compile(
    r"\b(?:supersedes|replaces)\b\s*:?\s*(?:(?:the\s+)?(?:pr|rfc|pull\s+request)\s*)?",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(r"\s*(?:,|&|\band\b)?\s*(?:(?:pr|rfc|pull\s+request)\s*)?", re.I)


def _reference(repo: str) -> re.Pattern[str]:
    name = re.escape(repo)
    return re.compile(
        rf"(?:#|{name}#|https?://[^\s/]+/{name}/pulls?/){PULL_NUMBER_TEXT}\b",
        re.IGNORECASE,
    )


def find_replaced_numbers(body: str | None, repo: str) -> list[int]:
    """PR numbers that `body` says it supersedes or replaces, in order of mention."""
    if not body:
        return []
    reference = _reference(repo)
    numbers: list[int] = []
    for verb in _VERB.finditer(body):
        position = verb.end()
        while match := reference.match(body, position):
            if (number := int(match.group(1))) <= MAX_PULL_NUMBER:
                numbers.append(number)
            separator = _SEPARATOR.match(body, match.end())
            position = separator.end() if separator else match.end()
    return list(dict.fromkeys(numbers))


def resolve_supersessions(
    pulls: Sequence[PullRequest], repo: str
) -> tuple[dict[int, list[Supersession]], dict[int, list[int]]]:
    """Map each PR to the later PRs replacing it, and each PR to those it replaces."""
    by_number = {pull.number: pull for pull in pulls}
    replaced_by: dict[int, list[Supersession]] = {}
    replaces: dict[int, list[int]] = {}
    for later in sorted(pulls, key=lambda pull: (pull.created_at, pull.number)):
        for number in find_replaced_numbers(later.body, repo):
            target = by_number.get(number)
            if target is None or number == later.number:
                continue
            if (later.created_at, later.number) <= (target.created_at, target.number):
                continue
            replaced_by.setdefault(number, []).append(Supersession(later.number, later.created_at))
            replaces.setdefault(later.number, []).append(number)
    return replaced_by, replaces
