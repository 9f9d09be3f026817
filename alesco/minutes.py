"""Meeting minutes (Markdown, from the AlmaLinux wiki): who attended, what was decided,
which pull requests were discussed (pure).

The file is parsed with markdown-it into blocks (list items and paragraph lines), each under
the headings that contain it. A source line that wraps the one before (starting lower-case,
or after a comma or "and") is the same line; `<br>` or two trailing spaces end one. A list
item's later paragraphs belong to it; in an attendance list a line after `<br>` is a note.

A block's role comes from the innermost heading that says what it is: member attendees
("ALESCo Member Attendees", "Attendance" under "Members"), people unable to attend, board
attendees, community attendees, decisions ("Decisions", "Resolved", "Agreed", "Outcomes",
"Votes"). Attendee sections named only "Attendees" / "Present" go to `other_attendees`,
which the roster sorts into members and others later. A bold line such as `**Decisions:**`
alone acts as a heading, as do HTML `<hN>` and `<summary>` (until `</details>`); inline
forms such as `**Present:** A, B and C` count too. In an attendance section a top-level
item naming a group ("- Guests", "- Unable to attend:") heads its sub-items, and
`- Regrets: A, B` reads as a labelled line.

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
from enum import StrEnum
from html import unescape
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from alesco.person_names import is_a_person

_MARKDOWN = MarkdownIt("commonmark").enable("table")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<body>.*?\n)---[ \t]*(?:\n|\Z)", re.DOTALL)
# Issues and pull requests share a number space on GitHub, and /issues/N redirects to
# /pull/N for a pull request, so minutes link either; the caller keeps the configured repos.
# `www.` and a missing scheme (`github.com/o/r/pull/4`) are links too, as GitHub renders them.
_PULL_URL = re.compile(
    r"(?<![\w.-])(?:https?://)?(?:www\.)?github\.com/"
    r"([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)/(?:pulls?|issues)/(\d+)",
    re.IGNORECASE,
)
_PROFILE_URL = re.compile(
    r"^(?:https?://)?(?:www\.)?github\.com/([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/?$", re.I
)
_PULL_SHORT = re.compile(r"(?<![\w/])([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)#(\d+)\b")
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
_LABELLED_LINE = re.compile(r"^(?P<label>[A-Za-z][A-Za-z /-]{2,40}?)\s*:\s*(?P<value>.+)$")
_NOTE = re.compile(r"^(?P<name>.*?)\s*\((?P<note>[^()]*)\)\s*$")
_PLACEHOLDER = re.compile(
    r"^\(?(?:n/?a|none|nobody|no ?one|-+|—|tbd|no\b.*\battendees?|none present|nil"
    r"|none (?:received|given|noted|recorded|reported|sent|today|this (?:week|time))"
    r"|no (?:apologies|regrets|absences|decisions?)(?: \w+)?)\)?\.?$",
    re.I,
)
_DECISION_WORDS = re.compile(
    r"decision|resolution|\b(?:resolved|agreed|agreements?|outcomes?|votes|vot(?:e|ing) results?)\b"
)
# Whole words that name a group of people: "Ann Member" or "Bob Guest" is a person.
_GROUP_WORDS = re.compile(
    r"\b(?:members|board|guests|community|visitors|observers|apologies|absent(?:ees)?|regrets"
    r"|excused|present|attendees|attendance|participants|unable)\b",
    re.I,
)
# Cells of a yes/no "Present" or "Attended" column that mean the person was not there;
# "yes", "x", "✓", a blank and anything else leave the row an attendee.
_ABSENT_MARKS = frozenset(
    {"no", "n", "false", "[ ]", "✗", "✘", "❌", "absent", "apologies", "regrets", "excused"}
)
_DECISION_COLUMN = re.compile(r"decision|decided|outcome|resolution|resolved|agreed|result")
_ASIDE_LEAD = re.compile(r"^(?:see(?:\s+also)?|cf\.?|related|references?)\b", re.I)
_REFERENCE = re.compile(r"https?://\S+|(?:[\w.-]+/[\w.-]+)?#\d+")
# "Decision: X" anywhere, and meetbot's "AGREED: X" (its summary of "#agreed X") or a raw
# "#agreed X" from the log; "ACTION:", "#action" and "AI(neal):" are action items instead.
_DECISION_PREFIX = re.compile(r"^(?:#agreed\b|(?:decision|decided|resolved|agreed)\s*:)\s*", re.I)
_ACTION_ITEM = re.compile(
    r"^(?:(?i:#action\b|action(?:\s+items?)?\s*:)|AIs?\b(?:\s*\([^)]*\))?\s*[:\-\u2013])"
)
_MEETBOT_STAMP = re.compile(r"\s*\(\s*[\w.|-]+,\s*\d{1,2}:\d{2}(?::\d{2})?\s*\)\s*$")
_IGNORED_FILES = frozenset({"index.md", "readme.md", "_index.md", "template.md"})


class Role(StrEnum):
    MEMBERS = "members"
    ABSENT = "absent"
    BOARD = "board"
    COMMUNITY = "community"
    ATTENDEES = "attendees"  # attendees of no stated kind
    DECISIONS = "decisions"


ATTENDANCE_ROLES = frozenset(
    {Role.MEMBERS, Role.ABSENT, Role.BOARD, Role.COMMUNITY, Role.ATTENDEES}
)


@dataclass(frozen=True, slots=True)
class Attendee:
    name: str
    note: str | None = None
    github: str | None = None  # from a link to https://github.com/<login> on the name


@dataclass(frozen=True, order=True, slots=True)
class PullLink:
    repo: str
    number: int


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


@dataclass
class _Block:
    """A top-level list item or a paragraph line, with the headings it sits under; a block
    with no text marks a heading, so that an empty section still counts as present."""

    text: str
    headings: tuple[str, ...]
    in_list: bool
    aside: bool = False  # a paragraph line such as "Related: #4" (see _is_aside)
    nested: bool = False  # a sub-item, kept only as "AGREED: X" under a meetbot topic


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


_BR = re.compile(r"<br\s*/?>", re.I)
_SOFT_BREAK = "\x1f"  # stands for a line wrapped in the source while lines are rejoined
_CONTINUED = re.compile(
    r"(?:[,;&(\u2013\u2014]|\b(?:and|or|of|the|a|an|to|by|with|for|in|on|at|that|but))$", re.I
)


def _plain(token: Token, *, links: bool = True, soft: str = "\n") -> str:
    """The visible text of an inline token: markup dropped, explicit breaks (`<br>`, two
    trailing spaces) as \\n, lines wrapped in the source as `soft`, and link text kept
    unless `links` is false."""
    parts: list[str] = []
    in_link = 0
    for child in token.children or []:
        if child.type in ("link_open", "link_close"):
            in_link += 1 if child.type == "link_open" else -1
        elif child.type in ("text", "code_inline") and (links or not in_link):
            parts.append(child.content)
        elif child.type == "hardbreak" or (
            child.type == "html_inline" and _BR.fullmatch(child.content.strip())
        ):
            parts.append("\n")
        elif child.type == "softbreak":
            parts.append(soft)
    return "".join(parts)


def _continues(previous: str, line: str) -> bool:
    """Whether a wrapped source line carries on the sentence before it rather than starting
    a new one: it starts lower-case ("with the amendment..."), or the line before ends in a
    comma or a word such as "and"."""
    previous, line = previous.rstrip(), line.strip()
    if not previous or not line or previous[-1] in ".!?:":
        return False
    starts_lower = line[0].islower() and not _REFERENCE.match(line)
    return starts_lower or bool(_CONTINUED.search(previous))


def _paragraph_lines(token: Token) -> list[tuple[str, str]]:
    """A paragraph's lines as (text, text without link text), a wrapped line joined to the
    one it continues; an explicit break always ends a line."""
    lines: list[tuple[str, str]] = []
    explicit = zip(
        _plain(token, soft=_SOFT_BREAK).split("\n"),
        _plain(token, links=False, soft=_SOFT_BREAK).split("\n"),
        strict=True,
    )
    for text, unlinked in explicit:
        wrapped = zip(text.split(_SOFT_BREAK), unlinked.split(_SOFT_BREAK), strict=True)
        for position, (line, rest) in enumerate(wrapped):
            if position and lines and _continues(lines[-1][0], line):
                lines[-1] = (f"{lines[-1][0]} {line.strip()}", f"{lines[-1][1]} {rest}")
            else:
                lines.append((line.strip(), rest))
    return [(line, rest) for line, rest in lines if line]


def _item_text(token: Token, attendance: bool) -> str:
    """A list item's text on one line; in an attendance list a line after an explicit break
    (`Neal Gompa<br>Velocity Limitless`) is an affiliation, kept as the person's note."""
    lines = [" ".join(line.split()) for line in _plain(token, soft=" ").split("\n")]
    lines = [line for line in lines if line]
    if attendance and len(lines) > 1:
        return f"{lines[0]} ({', '.join(lines[1:])})"
    return " ".join(lines)


def _is_aside(line: str, unlinked: str) -> bool:
    """A line that labels or points elsewhere ("Related: ...", "See also ...", a bare link)
    rather than stating something; `unlinked` is the line without its links' text."""
    labelled = _LABELLED_LINE.match(line)
    if (labelled and _classify(labelled.group("label")) is None) or _ASIDE_LEAD.match(line):
        return True
    return not re.search(r"[^\W_]", _REFERENCE.sub(" ", unlinked))


PSEUDO_HEADING_LEVEL = 7  # below every real heading: "**Attendees:**" on its own line
PSEUDO_HEADING_WORDS = 4


def _pseudo_heading(token: Token) -> str | None:
    """`**Present:**` or `Regrets:` alone on a line acts as a heading for what follows."""
    text = _plain(token).strip()
    children = [child for child in token.children or [] if child.type != "text" or child.content]
    only_strong = (
        bool(children)
        and children[0].type == "strong_open"
        and (
            children[-1].type == "strong_close"
            or (children[-1].type == "text" and children[-1].content.strip() == ":")
        )
    )
    if "\n" in text or not (only_strong or text.endswith(":")):
        return None
    return _role_label(text)


def _role_label(text: str) -> str | None:
    """A short line that names a role ("Guests", "Unable to attend:"), without its colon."""
    label = text.strip().removesuffix(":").strip()
    if ":" in label or len(label.split()) > PSEUDO_HEADING_WORDS:
        return None  # a sentence such as "Discussed policy for adding members:" is prose
    return label if _classify(label) is not None else None


def _group_label(text: str) -> str | None:
    """A list item that names a group of attendees ("Guests", "Unable to attend:") rather
    than a person ("Bob Guest"), so that it can head its sub-items."""
    label = _role_label(text)
    return label if label is not None and _GROUP_WORDS.search(label) else None


def _table_rows(tokens: list[Token], start: int) -> tuple[list[str], list[list[str]], int]:
    """Header cells, body rows and the index after `table_close`."""
    header: list[str] = []
    rows: list[list[str]] = []
    index, in_head = start, False
    while tokens[index].type != "table_close":
        token = tokens[index]
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open" and not in_head:
            rows.append([])
        elif token.type == "inline":
            cell = " ".join(_plain(token).split())
            (header if in_head else rows[-1]).append(cell)
        index += 1
    return header, rows, index


def _table_blocks(
    header: list[str], rows: list[list[str]], path: tuple[str, ...]
) -> Iterator[_Block]:
    lowered = [cell.lower() for cell in header]
    name_column = next((i for i, cell in enumerate(lowered) if "name" in cell), 0)
    if _role_of(path) == Role.DECISIONS:
        # "| Topic | Decision | Vote |": the decision is what the table records, not the topic.
        name_column = next(
            (i for i, cell in enumerate(lowered) if _DECISION_COLUMN.search(cell)), name_column
        )
    role_column = next(
        (i for i, cell in enumerate(lowered) if re.search(r"role|type|group|status", cell)), None
    )
    presence_column = next(
        (
            i
            for i, cell in enumerate(lowered)
            if i not in (name_column, role_column) and re.search(r"present|attend|here", cell)
        ),
        None,
    )
    mark_column = role_column if presence_column is None else presence_column
    for row in rows:
        cells = dict(enumerate(row))
        if not cells.get(name_column):
            continue
        role = cells.get(role_column, "") if role_column is not None else ""
        mark = cells.get(mark_column, "") if mark_column is not None else ""
        if mark.strip(" *_").lower() in _ABSENT_MARKS:
            role = Role.ABSENT.value  # "| Tran Nguyen | no |" under "Present"
        yield _Block(cells[name_column], (*path, role) if role else path, in_list=True)


_HTML_HEADING = re.compile(r"<(summary|h([1-6]))\b[^>]*>(.*?)</\1\s*>", re.I | re.S)
_HTML_TAG = re.compile(r"<[^>]*>")
_DETAILS_CLOSE = re.compile(r"</details\s*>", re.I)


def _html_headings(html: str) -> Iterator[tuple[int, str, str]]:
    """(level, text, what follows up to `</details>`) for each `<hN>` or `<summary>` in an
    HTML block: `<details><summary>Apologies</summary>` heads what the details hold, as
    `**Apologies**` would, one level below every real heading."""
    for match in _HTML_HEADING.finditer(html):
        level = int(match.group(2)) if match.group(2) else PSEUDO_HEADING_LEVEL
        text = " ".join(unescape(_HTML_TAG.sub(" ", match.group(3))).split())
        rest = html[match.end() :]
        yield level, text, _DETAILS_CLOSE.split(rest, maxsplit=1)[0]


def _blocks(tokens: list[Token], headings: list[tuple[int, str]] | None = None) -> Iterator[_Block]:
    """The blocks of a token stream, under `headings` from an enclosing stream."""
    headings = list(headings or [])
    list_depth = 0
    item_text_taken: list[bool] = []
    # In an attendance section, "- Guests" with sub-items heads them; without, it is
    # dropped, unless it could be a person ("- Cat Board").
    group: _Block | None = None
    group_label: str | None = None
    item: _Block | None = None  # a top-level item, yielded when it closes
    index = 0
    while index < len(tokens):
        token = tokens[index]
        path = tuple(text for _, text in headings)
        if token.type == "heading_open":
            level = int(token.tag[1])
            headings = [h for h in headings if h[0] < level]
            headings.append((level, _plain(tokens[index + 1]).strip()))
            yield _Block("", tuple(text for _, text in headings), in_list=False)
        elif token.type == "table_open":
            header, rows, index = _table_rows(tokens, index)
            yield from _table_blocks(header, rows, path)
        elif token.type == "html_block" and list_depth == 0:
            for level, text, inside in _html_headings(token.content):
                headings = [h for h in headings if h[0] < level] + [(level, text)]
                yield _Block("", tuple(text for _, text in headings), in_list=False)
                # "<details><summary>Apologies</summary> - A </details>" on one line.
                yield from _blocks(_MARKDOWN.parse(_HTML_TAG.sub(" ", inside)), headings)
            if _DETAILS_CLOSE.search(token.content):
                headings = [h for h in headings if h[0] < PSEUDO_HEADING_LEVEL]
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
            if list_depth == 2 and group is not None:
                group_label, group = _group_label(group.text), None
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif token.type == "list_item_open":
            item_text_taken.append(False)
        elif token.type == "list_item_close":
            item_text_taken.pop()
            if list_depth == 1:
                if item is not None:
                    yield item
                if group is not None and _could_be_a_person(group.text):
                    yield group
                item, group, group_label = None, None, None
        elif token.type == "inline" and tokens[index - 1].type == "paragraph_open":
            text = _plain(token)
            if list_depth == 0 and (label := _pseudo_heading(token)) is not None:
                headings = [h for h in headings if h[0] < PSEUDO_HEADING_LEVEL]
                headings.append((PSEUDO_HEADING_LEVEL, label))
                yield _Block("", tuple(text for _, text in headings), in_list=False)
            elif list_depth == 0 and text.strip().endswith(":"):
                # A lead-in sentence ("Discussed policy for ...:") starts new prose.
                headings = [h for h in headings if h[0] < PSEUDO_HEADING_LEVEL]
            elif list_depth == 0:
                for line, rest in _paragraph_lines(token):
                    yield _Block(line, path, in_list=False, aside=_is_aside(line, rest))
            elif list_depth == 1 and not item_text_taken[-1]:
                item_text_taken[-1] = True
                attendance = _role_of(path) in ATTENDANCE_ROLES
                block = _Block(_item_text(token, attendance), path, in_list=True)
                if attendance and _group_label(block.text):
                    group = block
                else:
                    item = block
            elif list_depth == 1 and item is not None and _role_of(path) not in ATTENDANCE_ROLES:
                # A decision's second paragraph is part of it; under attendance, an aside.
                item.text = f"{item.text} {_item_text(token, attendance=False)}"
            elif list_depth == 2 and group_label is not None and not item_text_taken[-1]:
                item_text_taken[-1] = True
                yield _Block(_item_text(token, attendance=True), (*path, group_label), in_list=True)
            elif list_depth >= 2 and not item_text_taken[-1]:
                item_text_taken[-1] = True
                text = _item_text(token, attendance=False)
                if _DECISION_PREFIX.match(text):
                    yield _Block(text, path, in_list=True, nested=True)
        index += 1


def _could_be_a_person(label: str) -> bool:
    """Whether a group label standing alone may still be someone: "Board" is a surname too."""
    words = re.sub(r"\bboard\b", " ", label, flags=re.I)
    return not label.endswith(":") and not _GROUP_WORDS.search(words)


def _classify(heading: str) -> Role | None:
    text = re.sub(r"[^a-z ]+", " ", heading.lower())
    if re.search(r"unable|absent|regrets|apolog|not present|excused", text):
        return Role.ABSENT
    if _DECISION_WORDS.search(text):  # before board: "Board resolutions" are decisions
        return Role.DECISIONS
    if "board" in text:
        return Role.BOARD
    if re.search(r"community|guest|visitor|observer", text):
        return Role.COMMUNITY
    if "member" in text:
        return Role.MEMBERS
    attended = r"who (?:was|were) (?:there|here)|who attended|in the room"
    if re.search(rf"attendance|attendees|present|participants|roll call|{attended}", text):
        return Role.ATTENDEES
    return None


def _role_of(headings: tuple[str, ...]) -> Role | None:
    """The innermost heading that names a role; a generic "Attendance" under "Members"
    means members."""
    for depth in range(len(headings) - 1, -1, -1):
        role = _classify(headings[depth])
        if role is None:
            continue
        if role == Role.ATTENDEES and any(
            _classify(parent) == Role.MEMBERS for parent in headings[:depth]
        ):
            return Role.MEMBERS
        return role
    return None


def _label_role(headings: tuple[str, ...], label: str) -> Role | None:
    """The role a labelled line names, read as a heading would be ("Present:" under
    "Members" means members)."""
    return _role_of((*headings, label)) if _classify(label) is not None else None


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


def _collect(blocks: list[_Block]) -> _Collected:
    collected = _Collected()
    # Under a list of decisions, "Related: #4" or a bare link after it is no decision.
    listed = {block.headings for block in blocks if block.in_list}
    for block in blocks:
        role = _role_of(block.headings)
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
            labelled = _LABELLED_LINE.match(block.text)
            named = _label_role(block.headings, labelled.group("label")) if labelled else None
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
            if _DECISION_PREFIX.match(block.text):
                collected.fallback.append(block.text)
            continue
        collected.roles[role].append(block.text)
    return collected


def _decision(text: str) -> str:
    """A decision as stated: without "Decision:" or "AGREED:" and meetbot's "(nick, time)"."""
    return " ".join(_MEETBOT_STAMP.sub("", _DECISION_PREFIX.sub("", text.strip())).split())


def _headings(tokens: list[Token]) -> list[tuple[int, str]]:
    return [
        (int(token.tag[1]), _plain(tokens[index + 1]).strip())
        for index, token in enumerate(tokens)
        if token.type == "heading_open"
    ]


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
        for pattern in (_PULL_URL, _PULL_SHORT):
            for owner, name, number in pattern.findall(text):
                found.add(PullLink(f"{owner}/{name}", int(number)))
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


def parse_minutes(text: str, path: str) -> Minutes:
    """Read one minutes file; missing parts are empty and explained in `warnings`."""
    front, body = _front_matter(_normalised(text))
    env: dict[str, Any] = {}
    tokens = _MARKDOWN.parse(body, env)
    headings = _headings(tokens)
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
    collected = _collect(list(_blocks(tokens)))
    roles = collected.roles
    profiles = _profile_links(tokens)
    if not collected.seen & {Role.MEMBERS, Role.ATTENDEES}:
        warnings.append("no attendance section found")
    # "- **Decision:** X" under "Decisions" says X, as "Decision: X" anywhere does.
    written = roles[Role.DECISIONS] if Role.DECISIONS in collected.seen else collected.fallback
    stated = (_decision(value) for value in written if not _ACTION_ITEM.match(value.strip()))
    decisions = [text for text in stated if text and not _PLACEHOLDER.match(text)]
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
        warnings=tuple(warnings),
    )
