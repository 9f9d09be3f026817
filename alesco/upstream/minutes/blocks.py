"""Minutes Markdown read into blocks, each with the role its headings give it (pure).

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
`- Regrets: A, B` reads as a labelled line. A decisions table gives its Decision (or
Outcome) column; an attendance table its Name column, with a Role or Present column.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from html import unescape

from markdown_it import MarkdownIt
from markdown_it.token import Token

MARKDOWN = MarkdownIt("commonmark").enable("table")
LABELLED_LINE = re.compile(r"^(?P<label>[A-Za-z][A-Za-z /-]{2,40}?)\s*:\s*(?P<value>.+)$")
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
# "#agreed X" from the log.
DECISION_PREFIX = re.compile(r"^(?:#agreed\b|(?:decision|decided|resolved|agreed)\s*:)\s*", re.I)


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


@dataclass
class Block:
    """A top-level list item or a paragraph line, with the headings it sits under; a block
    with no text marks a heading, so that an empty section still counts as present."""

    text: str
    headings: tuple[str, ...]
    in_list: bool
    aside: bool = False  # a paragraph line such as "Related: #4" (see _is_aside)
    nested: bool = False  # a sub-item, kept only as "AGREED: X" under a meetbot topic


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


def plain_text(token: Token, *, soft: str = "\n") -> str:
    """The visible text of an inline token (see `_plain`), links' text kept."""
    return _plain(token, soft=soft)


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
    labelled = LABELLED_LINE.match(line)
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
) -> Iterator[Block]:
    lowered = [cell.lower() for cell in header]
    name_column = next((i for i, cell in enumerate(lowered) if "name" in cell), 0)
    if role_of(path) == Role.DECISIONS:
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
        yield Block(cells[name_column], (*path, role) if role else path, in_list=True)


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


def read_blocks(
    tokens: list[Token], headings: list[tuple[int, str]] | None = None
) -> Iterator[Block]:
    """The blocks of a token stream, under `headings` from an enclosing stream."""
    headings = list(headings or [])
    list_depth = 0
    item_text_taken: list[bool] = []
    # In an attendance section, "- Guests" with sub-items heads them; without, it is
    # dropped, unless it could be a person ("- Cat Board").
    group: Block | None = None
    group_label: str | None = None
    item: Block | None = None  # a top-level item, yielded when it closes
    index = 0
    while index < len(tokens):
        token = tokens[index]
        path = tuple(text for _, text in headings)
        if token.type == "heading_open":
            level = int(token.tag[1])
            headings = [h for h in headings if h[0] < level]
            headings.append((level, _plain(tokens[index + 1]).strip()))
            yield Block("", tuple(text for _, text in headings), in_list=False)
        elif token.type == "table_open":
            header, rows, index = _table_rows(tokens, index)
            yield from _table_blocks(header, rows, path)
        elif token.type == "html_block" and list_depth == 0:
            for level, text, inside in _html_headings(token.content):
                headings = [h for h in headings if h[0] < level] + [(level, text)]
                yield Block("", tuple(text for _, text in headings), in_list=False)
                # "<details><summary>Apologies</summary> - A </details>" on one line.
                yield from read_blocks(MARKDOWN.parse(_HTML_TAG.sub(" ", inside)), headings)
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
                yield Block("", tuple(text for _, text in headings), in_list=False)
            elif list_depth == 0 and text.strip().endswith(":"):
                # A lead-in sentence ("Discussed policy for ...:") starts new prose.
                headings = [h for h in headings if h[0] < PSEUDO_HEADING_LEVEL]
            elif list_depth == 0:
                for line, rest in _paragraph_lines(token):
                    yield Block(line, path, in_list=False, aside=_is_aside(line, rest))
            elif list_depth == 1 and not item_text_taken[-1]:
                item_text_taken[-1] = True
                attendance = role_of(path) in ATTENDANCE_ROLES
                block = Block(_item_text(token, attendance), path, in_list=True)
                if attendance and _group_label(block.text):
                    group = block
                else:
                    item = block
            elif list_depth == 1 and item is not None and role_of(path) not in ATTENDANCE_ROLES:
                # A decision's second paragraph is part of it; under attendance, an aside.
                item.text = f"{item.text} {_item_text(token, attendance=False)}"
            elif list_depth == 2 and group_label is not None and not item_text_taken[-1]:
                item_text_taken[-1] = True
                yield Block(_item_text(token, attendance=True), (*path, group_label), in_list=True)
            elif list_depth >= 2 and not item_text_taken[-1]:
                item_text_taken[-1] = True
                text = _item_text(token, attendance=False)
                if DECISION_PREFIX.match(text):
                    yield Block(text, path, in_list=True, nested=True)
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


def role_of(headings: tuple[str, ...]) -> Role | None:
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


def label_role(headings: tuple[str, ...], label: str) -> Role | None:
    """The role a labelled line names, read as a heading would be ("Present:" under
    "Members" means members)."""
    return role_of((*headings, label)) if _classify(label) is not None else None


def heading_texts(tokens: list[Token]) -> list[tuple[int, str]]:
    return [
        (int(token.tag[1]), _plain(tokens[index + 1]).strip())
        for index, token in enumerate(tokens)
        if token.type == "heading_open"
    ]
