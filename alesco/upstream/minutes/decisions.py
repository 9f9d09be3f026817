"""What a meeting decided, as its minutes write it: decisions with verdict, tally and votes,
and where each sits (pure).

Decisions are found wherever the minutes record them:

- every top-level item of a decisions section ("Decisions Adopted", "Resolved"...), its
  sub-items kept as `details` (tallies, "this vote was later nullified");
- decision lines in the body: "Decision: …", "Outcome: …", "Decided to …", "Voted to …",
  "ALESCo decided …", "Agreed to …", "Vote postponed …", "Vote punted …", "Tabling for vote
  at next meeting", "ALESCo will defer …", "All: Will revisit …", "RFC was put to a vote"
  (with the results under it), and "vote: unanimous" under a nomination of a chair (the
  decision is the item it qualifies). Action items are never decisions.

A body decision about the same matter as a section decision (the words of its heading or
topic match) is folded into it as details: the section states the decision, the body how
it was reached. What cannot be classified keeps its text with verdict `other`.

Each decision keeps what ties it to pull requests: links in its own text (`in_decision`),
links of the part of the minutes it sits in (`in_section`: the heading, the topic paragraph
and the items above it), and RFC numbers ("RFC #0002"), resolved later against the RFC
documents; matching by title needs the proposals and happens in the domain.

Why this module is long: the words that make a line a decision, a verdict, a tally or a
vote are one vocabulary; split across modules, a reader could not see which pattern wins.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from alesco.upstream.minutes.blocks import ATTENDANCE_ROLES, Role, role_of
from alesco.upstream.minutes.items import Item
from alesco.upstream.minutes.links import PullLink, pull_links_in, rfc_numbers_in


class Verdict(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"
    POSTPONED = "postponed"
    TABLED = "tabled"
    ELECTED = "elected"
    WITHDRAWN = "withdrawn"
    OTHER = "other"


class Vote(StrEnum):
    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"


@dataclass(frozen=True, slots=True)
class Tally:
    """A vote's count as written; None where the minutes say nothing (never invented)."""

    votes_for: int | None = None
    against: int | None = None
    abstain: int | None = None
    unanimous: bool | None = None
    note: str | None = None  # the line the count was read from


@dataclass(frozen=True, slots=True)
class NamedVote:
    name: str  # as written ("Andrew")
    vote: Vote


@dataclass(frozen=True, slots=True)
class WrittenDecision:
    """One decision as the minutes write it, before it is tied to proposals and members."""

    line: int  # 1-based line of the file where it is stated
    text: str
    details: tuple[str, ...]
    verdict: Verdict
    tally: Tally | None
    named_votes: tuple[NamedVote, ...]
    everyone: Vote | None  # "unanimous", "all attending members voted to …": how all voted
    nullified: bool
    in_section: bool  # stated in a decisions section, not in the body
    pulls_in_decision: tuple[PullLink, ...]
    pulls_in_section: tuple[PullLink, ...]
    rfc_numbers: tuple[int, ...]
    context: str  # the heading and topic it sits under, for matching by title


_SPEAKER = re.compile(r"^(?P<who>[\w .&/'-]{1,40}?)\s*:\s+(?=\S)")
_COLLECTIVE = re.compile(r"^(?:all|everyone|everybody|alesco|the committee|committee|we)\b", re.I)
_ACTION = re.compile(r"^(?:#action\b|actions?(?:\s+items?)?\s*:|AIs?\b\s*[:(])", re.I)
_PLACEHOLDER = re.compile(r"^\(?(?:n/?a|none|-+|—|tbd|no decisions?(?: \w+)?)\)?\.?$", re.I)
# Lines that state a decision in the body, whoever says them (the speaker, "Jonathan: ",
# is read apart): a label, a vote's fate, tabling, an RFC's outcome.
_STATED = re.compile(
    r"^(?:#agreed\b|(?:decision|decided|resolved|agreed|outcome|resolution)\s*:"
    r"|vote\s+(?:was\s+)?(?:postponed|punted|deferred|delayed)"
    r"|tabl(?:ing|ed)\b|will\s+table\b"
    r"|(?:the\s+)?(?:rfc|proposal|motion)\s+(?:was\s+)?(?:approved|accepted|rejected|declined"
    r"|withdrawn|tabled|postponed)\b)",
    re.I,
)
# "Decided to …" is the committee's act when nobody or everybody says it ("All: Decided
# to …"); "Cody: Agreed to incorporate the feedback" is one person taking on work.
_ACTED = re.compile(r"^(?:decided|agreed|voted|resolved)\s+(?:to|that|on|not)\b", re.I)
_COLLECTIVE_DECISION = re.compile(
    r"\b(?:alesco|the committee|committee|the team|we|all)\s+(?:(?:has|have)\s+)?"
    r"(?:decided|agreed|voted|resolved)\b|\b(?:alesco|the committee|we)\s+will\s+defer\b",
    re.I,
)
_COLLECTIVE_LATER = re.compile(r"^will\s+(?:revisit|defer)\b", re.I)
_PUT_TO_VOTE = re.compile(r"\bput\s+(?:up\s+)?to\s+(?:a\s+)?vote\b", re.I)
# "vote: unanimous" under a nomination, "All: agreed on this point" under a statement: the
# decision is the item above.
_VOTE_QUALIFIER = re.compile(
    r"^(?:(?:vote|votes|voting)\s*:|(?:(?:all|everyone)\s*:?\s*)?agreed(?:\s+on\s+(?:this|that)"
    r"(?:\s+point)?)?\.?$)",
    re.I,
)
_NULLIFIED = re.compile(r"\b(?:nullified|annulled|revoked|rescinded|void(?:ed)?)\b", re.I)

_WITHDRAWN = re.compile(r"\bwithdr[ae]wn?\b", re.I)
_TABLED = re.compile(r"\btabl(?:ed|ing|e\s+the\s+motion)\b|\bwill\s+table\b", re.I)
_POSTPONED = re.compile(
    r"\b(?:postpone[ds]?|deferred|defer|punted|delayed|revisit|back\s+burner|next\s+meeting)\b",
    re.I,
)
_REJECTED = re.compile(
    r"\b(?:rejected|declined?|voted\s+(?:down|against)|not\s+approved|decided\s+(?:not\b|that\s+"
    r"(?:we|alesco)\s+(?:should|will)\s+not\b|(?:we|alesco)\s+(?:should|will)\s+not\b))",
    re.I,
)
_ELECTED = re.compile(
    r"\b(?:elected|new\s+(?:\w+\s+)?chair|chair\b.*\b(?:nominat|vote)|nominat\w*\b.*\bchair)",
    re.I,
)
_APPROVED = re.compile(
    r"\b(?:approved?|accepted|adopted|merged|passed|(?:decided|agreed|voted)\s+to\b"
    r"|voted\s+(?:for|in\s+favou?r)|unanimous(?:ly)?|agreed(?!\s+with))\b",
    re.I,
)
_UNANIMOUS = re.compile(r"\bunanimous(?:ly)?\b", re.I)
_EVERYONE = re.compile(
    r"\b(?:all|every)\s+(?:\d+\s+)?(?:attending\s+|present\s+)?(?:alesco\s+)?members?\s+"
    r"(?:present\s+)?vot(?:ed|ing)\s+(?P<how>to\s+(?P<verb>\w+)|for|against|in\s+favou?r)",
    re.I,
)
_ALL_COUNT = re.compile(r"\ball\s+(\d+)\s+members?\s+vot(?:ed|ing)\s+for\b", re.I)
_RESULTS = re.compile(r"(?<![\w.])([+-]?\d{1,2})\s*[,/]\s*([+-]?\d{1,2})\s*[,/]\s*([+-]?\d{1,2})\b")
_IN_FAVOUR = re.compile(r"(\d+)\s+(?:in\s+favou?r|for|yes|ayes?)\b", re.I)
_AGAINST = re.compile(r"(\d+)\s+(?:not\s+in\s+favou?r|against|opposed|no|nays?)\b", re.I)
_ABSTAINED = re.compile(r"(\d+)\s+abstain(?:ed|ing|s)?\b", re.I)
_NAMED_VOTE = re.compile(
    r"^(?P<name>[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?)\s+(?i:voted\s+)?"
    r"(?P<vote>(?i:[+-]1|\+0|-0|yes|no|abstain(?:ed)?|aye|nay))(?!\w)"
)
_STOPWORDS = frozenset(
    re.findall(
        r"\S+",
        "a an and are as at be by for from has have in is it its of on or the this to was were "
        "will with via rfc rfcs almalinux alesco proposal discussed written about into than "
        "that which until after before up new",
    )
)
_WORD = re.compile(r"[a-z0-9_+.]+")


def _speech(text: str) -> str:
    """The words said, without "Jonathan: " (a speaker prefix)."""
    match = _SPEAKER.match(text)
    if match and not _STATED.match(text):
        return text[match.end() :]
    return text


def _is_collective(text: str) -> bool:
    match = _SPEAKER.match(text)
    who = match.group("who") if match else ""
    return bool(_COLLECTIVE.match(who) or _COLLECTIVE.match(_speech(text)))


def words(text: str) -> frozenset[str]:
    """Content words of a title or a line, for matching one against the other."""
    found = set()
    text = re.sub(r"https?://\S+", " ", text)
    for token in _WORD.findall(text.lower().replace("-", " ")):
        token = token.strip(".+")
        if len(token) < 2 or token in _STOPWORDS or token.isdigit():
            continue
        found.add(token.removesuffix("s") if len(token) > 4 else token)
    return frozenset(found)


def is_decision_line(text: str) -> bool:
    """A body line that states a decision (see the module docstring)."""
    said = _speech(text)
    if _ACTION.match(said) or _ACTION.match(text):
        return False
    if _VOTE_QUALIFIER.match(text.strip()) or _PUT_TO_VOTE.search(said):
        return True
    if _STATED.match(said) or _COLLECTIVE_DECISION.search(said):
        return True
    spoken_by_one = said != text and not _is_collective(text)
    if _ACTED.match(said) and not spoken_by_one:
        return True
    return bool(_COLLECTIVE_LATER.match(said) and _is_collective(text))


def verdict_of(lines: Sequence[str]) -> Verdict:
    """The verdict the first line states, else the one its details state; `other` when
    none says."""
    joined = "\n".join(lines)
    if re.search(r"\bchair", lines[0], re.I) and re.search(r"nominat|elect|\bvot", joined, re.I):
        return Verdict.ELECTED
    for line in lines:
        if _NULLIFIED.search(line):
            continue
        said = _speech(line)
        # "will revisit" and "defer" are a decision only when the committee says it.
        # A motion is put to the committee, whoever moves it.
        by_one = not _is_collective(line) and not re.match(r"motion\b", said, re.I)
        postponed_by_one = by_one and re.search(r"revisit|^defer", said, re.I)
        for pattern, verdict in (
            (_WITHDRAWN, Verdict.WITHDRAWN),
            (_TABLED, Verdict.TABLED),
            (_REJECTED, Verdict.REJECTED),
            (_ELECTED, Verdict.ELECTED),
            (_POSTPONED, Verdict.POSTPONED),
            (_APPROVED, Verdict.APPROVED),
        ):
            if pattern is _POSTPONED and postponed_by_one:
                continue
            if pattern.search(said):
                return verdict
    return Verdict.OTHER


def _tally(lines: Sequence[str]) -> Tally | None:
    for line in lines:
        if _NULLIFIED.search(line):
            continue
        results = _RESULTS.search(line) if re.search(r"\bvot", line, re.I) else None
        favour, against, abstained = (
            _IN_FAVOUR.search(line),
            _AGAINST.search(line),
            _ABSTAINED.search(line),
        )
        if results or favour or against or abstained:
            counts: dict[str, int | None] = {"for": None, "against": None, "abstain": None}
            if results:
                for value in results.groups():
                    number = int(value)
                    key = (
                        "for"
                        if value.startswith("+")
                        else "against"
                        if value.startswith("-")
                        else "abstain"
                    )
                    counts[key] = abs(number)
            for key, match in (("for", favour), ("against", against), ("abstain", abstained)):
                if match:
                    counts[key] = int(match.group(1))
            return Tally(counts["for"], counts["against"], counts["abstain"], None, line)
        if count := _ALL_COUNT.search(line):
            return Tally(int(count.group(1)), None, None, True, line)
        if _UNANIMOUS.search(line) or _EVERYONE.search(line):
            return Tally(None, None, None, True, line)
    return None


def _everyone(lines: Sequence[str], verdict: Verdict) -> Vote | None:
    """How every member present voted, where the minutes say all did the same."""
    for line in lines:
        if _NULLIFIED.search(line):
            continue
        match = _EVERYONE.search(line)
        if match:
            how = (match.group("verb") or match.group("how")).lower()
            negative = how in ("against", "decline", "reject", "oppose", "deny")
            return Vote.AGAINST if negative else Vote.FOR
        if _UNANIMOUS.search(line):
            return Vote.AGAINST if verdict == Verdict.REJECTED else Vote.FOR
    return None


def _named_votes(lines: Sequence[str]) -> tuple[NamedVote, ...]:
    found = []
    for line in lines:
        match = _NAMED_VOTE.match(line.strip())
        if not match:
            continue
        value = match.group("vote").lower()
        vote = (
            Vote.FOR
            if value in ("+1", "yes", "aye")
            else Vote.AGAINST
            if value in ("-1", "no", "nay")
            else Vote.ABSTAIN
        )
        found.append(NamedVote(match.group("name"), vote))
    return tuple(found)


def _details(item: Item) -> tuple[str, ...]:
    return tuple(child.text for child in item.descendants())


def _decision(item: Item, in_section: bool) -> WrittenDecision:
    details = _details(item)
    lines = (item.text, *details)
    verdict = verdict_of(lines)
    own_raw = "\n".join([item.raw, *(child.raw for child in item.descendants())])
    around = item.surroundings_raw()
    context = " ".join([*item.headings[-1:], *(a.text for a in item.ancestors())])
    return WrittenDecision(
        line=item.line,
        text=item.text,
        details=details,
        verdict=verdict,
        tally=_tally(lines),
        named_votes=_named_votes(details),
        everyone=_everyone(lines, verdict),
        nullified=any(_NULLIFIED.search(line) for line in details),
        in_section=in_section,
        pulls_in_decision=tuple(sorted(pull_links_in(own_raw))),
        pulls_in_section=() if in_section else tuple(sorted(pull_links_in(around))),
        rfc_numbers=rfc_numbers_in(own_raw + ("" if in_section else "\n" + around)),
        context=context,
    )


def _anchor(item: Item) -> Item:
    """The item a decision line states the decision of: "vote: unanimous" qualifies the
    item above it (a nomination of a chair); anything else is its own decision."""
    if _VOTE_QUALIFIER.match(item.text.strip()) and item.parent is not None:
        return item.parent
    return item


def _same_matter(section: WrittenDecision, body: WrittenDecision) -> bool:
    """Whether a body decision is about what a section decision states: two words or more
    in common, at least half of the shorter."""
    mine, theirs = words(section.text), words(body.context)
    shared = mine & theirs
    return len(shared) >= 2 and 2 * len(shared) >= min(len(mine), len(theirs))


def fold(section: WrittenDecision, body: WrittenDecision) -> WrittenDecision:
    """A section decision with a body decision about the same matter folded in."""
    lines = (body.text, *body.details)
    verdict = section.verdict if section.verdict != Verdict.OTHER else body.verdict
    return WrittenDecision(
        line=section.line,
        text=section.text,
        details=(*section.details, *lines),
        verdict=verdict,
        tally=section.tally or body.tally,
        named_votes=(*section.named_votes, *body.named_votes),
        everyone=section.everyone or body.everyone,
        nullified=section.nullified or body.nullified,
        in_section=True,
        pulls_in_decision=tuple(sorted({*section.pulls_in_decision, *body.pulls_in_decision})),
        pulls_in_section=tuple(sorted({*section.pulls_in_section, *body.pulls_in_section})),
        rfc_numbers=tuple(dict.fromkeys((*section.rfc_numbers, *body.rfc_numbers))),
        context=section.context,
    )


def read_decisions(items: list[Item], listed: Sequence[str] = ()) -> tuple[WrittenDecision, ...]:
    """Every decision the minutes record, in the order they are stated.

    `listed` are the decision texts the minutes parser found by layout (tables, labelled
    lines, meetbot summaries); any of them not found here as an item is kept too."""
    section: list[WrittenDecision] = []
    body: list[WrittenDecision] = []
    for item in items:
        role = role_of(item.headings)
        if role in ATTENDANCE_ROLES:
            continue
        if role == Role.DECISIONS:
            stated = not _PLACEHOLDER.match(item.text) and not _ACTION.match(item.text)
            if item.parent is None and stated:
                section.append(_decision(item, in_section=True))
            continue
        if item.used or not is_decision_line(item.text):
            continue
        anchor = _anchor(item)
        if anchor.used:
            continue
        for taken in (anchor, *anchor.descendants()):
            taken.used = True
        body.append(_decision(anchor, in_section=False))
    for text in listed:
        if not any(_clean(decision.text) == _clean(text) for decision in (*section, *body)):
            section.append(_listed(text, items))
    kept: list[WrittenDecision] = []
    for decision in body:
        target = next((i for i, s in enumerate(section) if _same_matter(s, decision)), None)
        if target is None:
            kept.append(decision)
        else:
            section[target] = fold(section[target], decision)
    return tuple(sorted((*section, *kept), key=lambda decision: decision.line))


def _clean(text: str) -> str:
    return " ".join(
        re.sub(r"^(?:#agreed\b|\w+\s*:)\s*", "", text.strip(), flags=re.I).split()
    ).lower()


def _listed(text: str, items: list[Item]) -> WrittenDecision:
    """A decision the layout gave (a table row, a labelled line) with no item of its own."""
    line = next((item.line for item in items if _clean(text)[:40] in _clean(item.text)), 0)
    verdict = verdict_of((text,))
    return WrittenDecision(
        line=line,
        text=text,
        details=(),
        verdict=verdict,
        tally=_tally((text,)),
        named_votes=(),
        everyone=_everyone((text,), verdict),
        nullified=False,
        in_section=True,
        pulls_in_decision=tuple(sorted(pull_links_in(text))),
        pulls_in_section=(),
        rfc_numbers=rfc_numbers_in(text),
        context="",
    )
