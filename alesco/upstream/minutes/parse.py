"""Meeting minutes (Markdown, from the AlmaLinux wiki): who attended, what was decided,
which pull requests were discussed (pure).

Markdown becomes blocks with roles in `minutes_blocks`; this module reads them into
`Minutes`: attendees (placeholders such as "N/A" and non-people dropped, see
`person_names`), decisions, recorder and editors, the date and linked pull requests.

The real files vary (tests/data/minutes): numbered or bulleted decisions with sub-bullets
(only the top-level item is the decision), `- N/A` placeholders, bare lines instead of
bullets, annotations such as `benny Vasquez (not present for full meeting)`, headings at
level 2 or 3. What cannot be read becomes a warning; a file never fails a sync.

The meeting date comes from the file name, else the title (or front matter `date:`), else
the first heading that carries one (`# SC minutes` then `## 2026-12-03`); see _date_in for
the forms read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import yaml
from markdown_it.token import Token

from alesco.upstream.minutes.blocks import (
    ATTENDANCE_ROLES,
    DECISION_PREFIX,
    LABELLED_LINE,
    MARKDOWN,
    Block,
    Role,
    heading_texts,
    label_role,
    read_blocks,
    role_of,
)
from alesco.upstream.minutes.decisions import Verdict, WrittenDecision, read_decisions
from alesco.upstream.minutes.items import read_items
from alesco.upstream.minutes.links import PullLink, pull_links_in
from alesco.upstream.minutes.mentions import PullMention, read_mentions
from alesco.upstream.person_names import is_a_person

# Role and ATTENDANCE_ROLES moved to alesco/upstream/minutes/blocks.py; still importable from here.
__all__ = [
    "ATTENDANCE_ROLES",
    "Attendee",
    "Minutes",
    "PullLink",
    "Role",
    "is_minutes_file",
    "parse_minutes",
]

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<body>.*?\n)---[ \t]*(?:\n|\Z)", re.DOTALL)
_PROFILE_URL = re.compile(
    r"^(?:https?://)?(?:www\.)?github\.com/([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/?$", re.I
)
# Dates in file names and titles: ISO-like year first (`2026-10-07`, `2026/10/07`), day
# first with dots (`19.11.2026`, as written in much of Europe), and month names, full or
# abbreviated (`Nov 12th, 2026`, `3 Sept. 2026`). With slashes or dashes and the year last,
# `03/04/2026` is April 3rd in Europe and March 4th in the US: only a day above 12 decides.
_YEAR_FIRST = re.compile(r"(?<![\d.vV])(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?![\d])")
_YEAR_LAST = re.compile(r"(?<![\d.vV])(\d{1,2})([-/.])(\d{1,2})\2(\d{4})(?![\d])")
_MONTH_NAME = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_MONTH_ABBREVIATIONS = "janfebmaraprmayjunjulaugsepoctnovdec"
_ORDINAL = r"(?:st|nd|rd|th)?"
_MONTH_FIRST = re.compile(rf"\b({_MONTH_NAME})\.?\s+(\d{{1,2}}){_ORDINAL},?\s+(\d{{4}})\b", re.I)
_DAY_FIRST = re.compile(
    rf"\b(\d{{1,2}}){_ORDINAL}\.?\s+(?:of\s+)?({_MONTH_NAME})\.?,?\s+(\d{{4}})\b", re.I
)
_RECORDER = re.compile(
    r"^(?:(?:minutes|notes)\s+(?:(?:recorded|taken|written|kept)\s+)?"
    r"|(?:recorded|taken|written|kept)\s+)by:?\s+(?P<name>.+?)\.?$",
    re.I,
)
_RECORDER_LABEL = re.compile(
    r"^(?:scribe|recorder|note[- ]?taker|minute[- ]?taker)\s*:\s*(?P<name>.+?)\.?$", re.I
)
# "Minutes: X" names the recorder only when X looks like a name (up to four words, or a
# login), not "Minutes: approved" or a link.
_RECORDER_SHORT = re.compile(
    r"^minutes\s*:\s*(?P<name>@[\w-]+|[^\W\d_][\w.'-]*(?:\s+[^\W\d_][\w.'-]*){0,3})$", re.I
)
_EDITORS = re.compile(r"^edited\s+by:?\s+(?P<names>.+?)(?:\s+for\s+publishing)?\.?$", re.I)
_NOTE = re.compile(r"^(?P<name>.*?)\s*\((?P<note>[^()]*)\)\s*$")
_PLACEHOLDER = re.compile(
    r"^\(?(?:n/?a|none|nobody|no ?one|-+|—|tbd|no\b.*\battendees?|none present|nil"
    r"|none (?:received|given|noted|recorded|reported|sent|today|this (?:week|time))"
    r"|no (?:apologies|regrets|absences|decisions?)(?: \w+)?)\)?\.?$",
    re.I,
)
# "ACTION:", "#action" and "AI(neal):" are action items, never decisions.
_ACTION_ITEM = re.compile(
    r"^(?:(?i:#action\b|action(?:\s+items?)?\s*:)|AIs?\b(?:\s*\([^)]*\))?\s*[:\-\u2013])"
)
_MEETBOT_STAMP = re.compile(r"\s*\(\s*[\w.|-]+,\s*\d{1,2}:\d{2}(?::\d{2})?\s*\)\s*$")
_IGNORED_FILES = frozenset({"index.md", "readme.md", "_index.md", "template.md"})


@dataclass(frozen=True, slots=True)
class Attendee:
    name: str
    note: str | None = None
    github: str | None = None  # from a link to https://github.com/<login> on the name


@dataclass(frozen=True, slots=True)
class Minutes:
    path: str
    date: date | None
    title: str | None
    recorder: str | None
    editors: tuple[str, ...]
    member_attendees: tuple[Attendee, ...]
    absentees: tuple[Attendee, ...]
    board_attendees: tuple[Attendee, ...]
    community_attendees: tuple[Attendee, ...]
    other_attendees: tuple[Attendee, ...]
    decisions: tuple[str, ...]
    pull_links: tuple[PullLink, ...]
    warnings: tuple[str, ...]
    # Structured decisions (verdict, tally, votes, where); None when stored before they were read.
    written_decisions: tuple[WrittenDecision, ...] | None = None
    # The lines about each pull request (for timelines); None when stored before they were.
    pull_mentions: tuple[PullMention, ...] | None = None


@dataclass
class _Collected:
    roles: dict[Role, list[str]] = field(default_factory=lambda: {role: [] for role in Role})
    seen: set[Role] = field(default_factory=set)
    recorder: str | None = None
    editors: tuple[str, ...] = ()
    fallback: list[str] = field(default_factory=list)  # "Decision: X" outside a section


def is_minutes_file(name: str) -> bool:
    """Markdown files other than index pages and templates."""
    return name.lower().endswith(".md") and name.lower() not in _IGNORED_FILES


def _attendee(text: str) -> Attendee | None:
    text = text.strip().strip("*_").strip()
    if not text or _PLACEHOLDER.match(text):
        return None
    match = _NOTE.match(text)
    if match and match.group("name"):
        person = Attendee(match.group("name").strip(), match.group("note").strip() or None)
    else:
        person = Attendee(text)
    return person if is_a_person(person.name, person.note) else None


def _recorder(line: str) -> str | None:
    """Who took the minutes: "Minutes recorded by X.", "Notes by @x", "Scribe: X"."""
    match = _RECORDER.match(line) or _RECORDER_LABEL.match(line) or _RECORDER_SHORT.match(line)
    return match.group("name").strip().removesuffix(".").removeprefix("@") if match else None


def _split_names(value: str) -> list[str]:
    return [part.strip() for part in re.split(r",|;|\band\b|&", value) if part.strip()]


def _collect(blocks: list[Block]) -> _Collected:
    collected = _Collected()
    # Under a list of decisions, "Related: #4" or a bare link after it is no decision.
    listed = {block.headings for block in blocks if block.in_list}
    for block in blocks:
        role = role_of(block.headings)
        if role is not None:
            collected.seen.add(role)
        if not block.text:
            continue
        if not block.in_list:
            if recorder := _recorder(block.text):
                collected.recorder = recorder
                continue
            if match := _EDITORS.match(block.text):
                collected.editors = tuple(_split_names(match.group("names")))
                continue
        if not block.in_list or role in ATTENDANCE_ROLES:
            labelled = LABELLED_LINE.match(block.text)
            named = label_role(block.headings, labelled.group("label")) if labelled else None
            if labelled and named is not None:
                collected.seen.add(named)
                values = (
                    [labelled.group("value")]
                    if named == Role.DECISIONS
                    else _split_names(labelled.group("value"))
                )
                collected.roles[named].extend(values)
                continue
        if role == Role.DECISIONS and block.aside and block.headings in listed:
            continue
        if role is None or block.nested:
            if DECISION_PREFIX.match(block.text):
                collected.fallback.append(block.text)
            continue
        collected.roles[role].append(block.text)
    return collected


def _decision(text: str) -> str:
    """A decision as stated: without "Decision:" or "AGREED:" and meetbot's "(nick, time)"."""
    return " ".join(_MEETBOT_STAMP.sub("", DECISION_PREFIX.sub("", text.strip())).split())


def _day_month(first: int, second: int, separator: str) -> tuple[int, int] | None:
    """Day and month of a year-last numeric date, or None when the order is a guess."""
    if separator == "." or first > 12 or first == second:
        return first, second
    return (second, first) if second > 12 else None


def _dates_in(text: str) -> Iterator[tuple[int, int, int, int]]:
    """(position, year, month, day) of every date-like run in `text`, valid or not."""
    for match in _YEAR_FIRST.finditer(text):
        year, month, day = match.group(1, 3, 4)
        yield match.start(), int(year), int(month), int(day)
    for match in _YEAR_LAST.finditer(text):
        ordered = _day_month(int(match.group(1)), int(match.group(3)), match.group(2))
        if ordered is not None:
            yield match.start(), int(match.group(4)), ordered[1], ordered[0]
    for pattern, (month_at, day_at) in ((_MONTH_FIRST, (1, 2)), (_DAY_FIRST, (2, 1))):
        for match in pattern.finditer(text):
            month = _MONTH_ABBREVIATIONS.index(match.group(month_at)[:3].lower()) // 3 + 1
            yield match.start(), int(match.group(3)), month, int(match.group(day_at))


def _date_in(text: str | None) -> date | None:
    """The first valid date written in `text`, in any of the forms above."""
    for _, year, month, day in sorted(_dates_in(text or "")):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    return None


def _pull_links(tokens: list[Token], references: dict[str, dict[str, str]]) -> tuple[PullLink, ...]:
    """Every GitHub pull request (or issue: same numbers) the text links, bare or as a
    Markdown link (the raw inline source holds both), and `owner/repo#N` references;
    reference-style links (`[PR][mr]` with `[mr]: URL` below) by their definitions, which
    markdown-it takes out of the text."""
    texts = [token.content for token in tokens if token.type in ("inline", "html_block")]
    texts += [str(reference.get("href", "")) for reference in references.values()]
    found: set[PullLink] = set()
    for text in texts:
        found |= pull_links_in(text)
    return tuple(sorted(found))


def _profile_links(tokens: list[Token]) -> dict[str, str]:
    """The GitHub login of every link to a profile, by link text:
    `[Carl George](https://github.com/carlwgeorge)` gives {"Carl George": "carlwgeorge"}."""
    found: dict[str, str] = {}
    login: str | None = None
    text: list[str] = []
    for child in (c for token in tokens if token.type == "inline" for c in token.children or []):
        if child.type == "link_open":
            match = _PROFILE_URL.match(str(child.attrs.get("href", "")))
            login, text = (match.group(1) if match else None), []
        elif child.type == "link_close" and login and "".join(text).strip():
            found.setdefault("".join(text).strip(), login)
        elif child.type in ("text", "code_inline"):
            text.append(child.content)
    return found


def _attendees(values: list[str], profiles: dict[str, str]) -> tuple[Attendee, ...]:
    people = []
    for value in values:
        person = _attendee(value)
        if person is not None:
            login = next((login for text, login in profiles.items() if text in value), None)
            people.append(replace(person, github=login) if login else person)
    return tuple(dict.fromkeys(people))


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    """YAML front matter (`title:`, `date:`) as plain strings, and the Markdown after it."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        data = yaml.safe_load(match.group("body"))
    except yaml.YAMLError:
        data = None
    fields = {str(k).lower(): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
    return fields, text[match.end() :]


def _normalised(text: str) -> str:
    """Without a byte-order mark (Windows editors write one) and with LF line ends only."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _unrecognised(decisions: tuple[WrittenDecision, ...]) -> list[str]:
    """A decision line in the body whose verdict no rule reads is kept as written, verdict
    `other`, and said in the sync's warnings: the sign of a phrasing not seen before."""
    return [
        f"line {d.line}: decision kept with verdict other (not recognised): {d.text[:60]}"
        for d in decisions
        if not d.in_section and d.verdict == Verdict.OTHER
    ]


def parse_minutes(text: str, path: str) -> Minutes:
    """Read one minutes file; missing parts are empty and explained in `warnings`."""
    front, body = _front_matter(_normalised(text))
    env: dict[str, Any] = {}
    tokens = MARKDOWN.parse(body, env)
    headings = heading_texts(tokens)
    title = next((heading for level, heading in headings if level == 1), front.get("title"))
    warnings: list[str] = []
    name = path.rsplit("/", 1)[-1]
    file_date = _date_in(name)
    # A title without a date ("# Probe SC minutes") may leave it to a heading ("## 2026-12-03").
    title_date = (
        _date_in(title)
        or _date_in(front.get("date"))
        or next(filter(None, (_date_in(heading) for _, heading in headings)), None)
    )
    if file_date and title_date and file_date != title_date:
        warnings.append(f"title says {title_date}, file name says {file_date}; using the name")
    meeting_date = file_date or title_date
    if meeting_date is None:
        warnings.append("no meeting date in the file name or title")
    collected = _collect(list(read_blocks(tokens)))
    items = read_items(tokens)
    roles = collected.roles
    profiles = _profile_links(tokens)
    if not collected.seen & {Role.MEMBERS, Role.ATTENDEES}:
        warnings.append("no attendance section found")
    # "- **Decision:** X" under "Decisions" says X, as "Decision: X" anywhere does.
    written = roles[Role.DECISIONS] if Role.DECISIONS in collected.seen else collected.fallback
    stated = (_decision(value) for value in written if not _ACTION_ITEM.match(value.strip()))
    decisions = [text for text in stated if text and not _PLACEHOLDER.match(text)]
    written_decisions = read_decisions(items, decisions)
    return Minutes(
        path=path,
        date=meeting_date,
        title=title,
        recorder=collected.recorder,
        editors=collected.editors,
        member_attendees=_attendees(roles[Role.MEMBERS], profiles),
        absentees=_attendees(roles[Role.ABSENT], profiles),
        board_attendees=_attendees(roles[Role.BOARD], profiles),
        community_attendees=_attendees(roles[Role.COMMUNITY], profiles),
        other_attendees=_attendees(roles[Role.ATTENDEES], profiles),
        decisions=tuple(decisions),
        pull_links=_pull_links(tokens, env.get("references", {})),
        warnings=(*warnings, *_unrecognised(written_decisions)),
        written_decisions=written_decisions,
        pull_mentions=read_mentions(items),
    )
