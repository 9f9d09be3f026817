"""RFC files (`rfcs/NNNN-title.md`): the header list and the abstract (pure).

The header is a bullet list of `**Key:** value` lines under the title, as in the ALESCo
template. Real files vary (see tests): `Status: Approved` beside `Accepted`, a trailing comma
after the last author, `(Assigned by the repository maintainers)` after the number, dates in
brackets, three-digit file numbers (`007-...`). The placeholder number `0000`/`XXXX` means
"not assigned yet" and yields no number. Unreadable values become None, never guesses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

_HEADER_LINE = re.compile(r"^\s*[*+-]\s*\*\*(?P<key>[^*]+?)\s*:?\s*\*\*\s*:?\s*(?P<value>.*)$")
_TITLE = re.compile(r"^#\s+(?P<title>.+?)\s*#*\s*$")
_HEADING = re.compile(r"^#{1,6}\s+(?P<title>.+?)\s*#*\s*$")
_NUMBER = re.compile(r"\b(\d{1,6})\b")
_FILE_NUMBER = re.compile(r"(?:^|/)(\d{1,6})-[^/]*$")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_ANGLE_EMAIL = re.compile(r"<[^>]*@[^>]*>")
_TEMPLATE_FILE = re.compile(r"(?:\d+[-_])?template(?:\.\w+)?")
_DATE_FORMATS = (
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
)


@dataclass(frozen=True, slots=True)
class RfcDocument:
    path: str
    title: str | None
    rfc_number: str | None
    authors: tuple[str, ...]
    status: str | None
    created_at: datetime | None
    updated_at: datetime | None
    abstract: str | None


def normalize_rfc_number(raw: str | None) -> str | None:
    """`7`, `007`, `` `0007` `` -> `0007`; placeholders (`0000`, `XXXX`) -> None."""
    if not raw:
        return None
    match = _NUMBER.search(raw)
    if not match or int(match.group(1)) == 0:
        return None
    return match.group(1).zfill(4)


def _plain(value: str) -> str:
    value = _LINK.sub(r"\1", value)
    return value.replace("`", "").replace("**", "").replace("__", "").strip()


def parse_authors(value: str) -> tuple[str, ...]:
    """Names from `[Name](mailto), [Other](...),` or `Name <mail>, Other and Third`."""
    text = _ANGLE_EMAIL.sub("", _LINK.sub(r"\1", value))
    parts = re.split(r",|;|\band\b|&", text)
    names = (part.strip().strip("[]").strip() for part in parts)
    return tuple(name for name in names if name)


def parse_header_time(value: str | None) -> datetime | None:
    """`[2025-05-07 15:00 UTC]` -> 2025-05-07T15:00Z; anything unreadable -> None."""
    if not value:
        return None
    text = _plain(value).strip("[]() ").removesuffix("UTC").removesuffix("Z").strip()
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def _abstract(lines: list[str]) -> str | None:
    collecting = False
    paragraphs: list[str] = []
    for line in lines:
        heading = _HEADING.match(line)
        if heading:
            if collecting:
                break
            collecting = heading.group("title").strip().lower().rstrip(":") == "abstract"
            continue
        if collecting:
            paragraphs.append(line.strip())
    text = re.sub(r"\s+", " ", _LINK.sub(r"\1", " ".join(paragraphs))).strip()
    return text or None


def parse_rfc_document(text: str, path: str) -> RfcDocument:
    """Read an RFC Markdown file; missing parts are None rather than errors."""
    lines = text.replace("\r\n", "\n").split("\n")
    title = next((m.group("title") for line in lines if (m := _TITLE.match(line))), None)
    header: dict[str, str] = {}
    for line in lines:
        if _HEADING.match(line) and header:
            break
        match = _HEADER_LINE.match(line)
        if match:
            key = re.sub(r"\s+", " ", match.group("key").strip().lower().rstrip(":"))
            header.setdefault(key, match.group("value").strip())
    authors_raw = header.get("author(s)") or header.get("authors") or header.get("author") or ""
    number = normalize_rfc_number(header.get("rfc number"))
    if number is None:
        file_match = _FILE_NUMBER.search(path)
        number = normalize_rfc_number(file_match.group(1) if file_match else None)
    status = _plain(header["status"]) if header.get("status") else None
    return RfcDocument(
        path=path,
        title=_plain(title) if title else None,
        rfc_number=number,
        authors=parse_authors(authors_raw),
        status=status or None,
        created_at=parse_header_time(header.get("created")),
        updated_at=parse_header_time(header.get("updated")),
        abstract=_abstract(lines),
    )


def is_rfc_path(path: str) -> bool:
    """A file that makes its PR an RFC when added: under `rfcs/`, not the template itself
    (`0000-template.md`, `template.md`); `0011-template-engine.md` is an RFC like any other."""
    if not path.startswith("rfcs/"):
        return False
    name = path.rsplit("/", 1)[-1].lower()
    return _TEMPLATE_FILE.fullmatch(name) is None


def pick_rfc_file(added_paths: tuple[str, ...]) -> str | None:
    """The RFC document a PR adds: the first Markdown file under `rfcs/` (template aside)."""
    candidates = sorted(
        path for path in added_paths if is_rfc_path(path) and path.lower().endswith(".md")
    )
    return candidates[0] if candidates else None
