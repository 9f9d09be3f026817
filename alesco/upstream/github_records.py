"""GitHub REST records, parsed at the boundary into frozen dataclasses.

Wire contract (REST API version 2022-11-28, see README "Upstreams"):
- `GET /repos/{o}/{r}/pulls` items are `pull-request-simple`: list items carry `merged_at`
  but no `merged` boolean, so merged means `merged_at is not None` (a `merged: true`, as
  single pulls and webhooks carry, also counts, even when its time is missing).
- `GET /repos/{o}/{r}/issues/{n}/events` items carry `event`, `actor` (nullable: deleted
  users become null), `created_at`, and `label: {name, color}` for (un)labeled events.
- `GET /repos/{o}/{r}/pulls/{n}/files` items carry `filename`, `status` (`added`,
  `modified`, `renamed`, ...) and `contents_url`.
- `GET /repos/{o}/{r}/contents/{path}` answers `{type: "file", encoding: "base64", content}`.

A record missing a required field, or with the wrong type, raises `MalformedUpstream`
naming the field: we never guess values upstream did not send.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar, cast

from alesco.errors import MalformedUpstream
from alesco.timestamps import parse_timestamp

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class GithubUser:
    login: str
    avatar_url: str | None


@dataclass(frozen=True, slots=True)
class Label:
    name: str
    color: str | None
    description: str | None

    def to_json(self) -> dict[str, str | None]:
        """The shape stored in the database and served by `/v1`."""
        return {"name": self.name, "color": self.color, "description": self.description}


# GitHub numbers a repository's issues and pull requests from 1; its GraphQL API types
# them `Int`, a signed 32-bit integer, as are our INTEGER columns on PostgreSQL. A larger
# number, from a client or from text someone wrote, is no pull request of any repository.
MAX_PULL_NUMBER = 2**31 - 1
# A PR number in text: ASCII digits only (`\d` and int() also take `١٢`), few enough that
# int() cannot refuse them (it raises past 4,300 digits) and never the start of a longer run.
PULL_NUMBER_TEXT = r"([0-9]{1,10})(?![0-9])"


@dataclass(frozen=True, slots=True)
class PullRequest:
    number: int
    title: str
    url: str | None
    state: str
    draft: bool
    author: GithubUser | None
    body: str | None
    labels: tuple[Label, ...]
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    merged_at: datetime | None
    head_sha: str | None
    merged: bool


@dataclass(frozen=True, slots=True)
class IssueEvent:
    event_id: int | None
    event: str
    actor: str | None
    created_at: datetime
    label: str | None


@dataclass(frozen=True, slots=True)
class PullFile:
    filename: str
    status: str
    contents_url: str | None


@dataclass(frozen=True, slots=True)
class ContentEntry:
    """One entry of a contents-API directory listing."""

    name: str
    path: str
    sha: str | None
    type: str
    html_url: str | None


@dataclass(frozen=True, slots=True)
class IssueRecord:
    number: int
    closed_by: str | None


def _without_nul(value: T) -> T:
    """Text without NUL characters: anyone may put `\\u0000` in a PR title or body, and
    PostgreSQL text cannot hold it (the whole sync would fail on one hostile PR)."""
    if isinstance(value, str) and "\x00" in value:
        return cast(T, value.replace("\x00", ""))
    return value


def _field(record: Mapping[str, Any], key: str, kind: type[T], what: str) -> T:
    value = record.get(key)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise MalformedUpstream(f"{what}: field {key!r} missing or not {kind.__name__}")
    return _without_nul(value)


def _optional(record: Mapping[str, Any], key: str, kind: type[T], what: str) -> T | None:
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, kind):
        raise MalformedUpstream(f"{what}: field {key!r} is not {kind.__name__}")
    return _without_nul(value)


def _time(record: Mapping[str, Any], key: str, what: str) -> datetime:
    try:
        return parse_timestamp(_field(record, key, str, what))
    except (ValueError, OverflowError) as error:  # OverflowError: no such instant in UTC
        raise MalformedUpstream(f"{what}: field {key!r}: {error}") from error


def _optional_time(record: Mapping[str, Any], key: str, what: str) -> datetime | None:
    return None if record.get(key) is None else _time(record, key, what)


def _mapping(value: object, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise MalformedUpstream(f"{what}: expected a JSON object, got {type(value).__name__}")
    return value


def _list(value: object, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise MalformedUpstream(f"{what}: expected a JSON array, got {type(value).__name__}")
    return value


def parse_user(value: object, what: str) -> GithubUser | None:
    """A `simple-user`, or None for a deleted ("ghost") account."""
    if value is None:
        return None
    record = _mapping(value, what)
    return GithubUser(
        login=_field(record, "login", str, what),
        avatar_url=_optional(record, "avatar_url", str, what),
    )


def parse_label(value: object, what: str) -> Label:
    record = _mapping(value, what)
    return Label(
        name=_field(record, "name", str, what),
        color=_optional(record, "color", str, what),
        description=_optional(record, "description", str, what),
    )


def parse_pull(value: object) -> PullRequest:
    """One item of the pulls list (or a single pull, or a webhook's `pull_request`)."""
    record = _mapping(value, "pull request")
    number = _field(record, "number", int, "pull request")
    what = f"pull request #{number}"
    state = _field(record, "state", str, what)
    if state not in ("open", "closed"):
        raise MalformedUpstream(f"{what}: unknown state {state!r}")
    head = record.get("head")
    head_sha = head.get("sha") if isinstance(head, Mapping) else None
    merged_at = _optional_time(record, "merged_at", what)
    return PullRequest(
        number=number,
        title=_field(record, "title", str, what),
        url=_optional(record, "html_url", str, what),
        state=state,
        draft=bool(record.get("draft") or False),
        author=parse_user(record.get("user"), f"{what} user"),
        body=_optional(record, "body", str, what),
        labels=tuple(
            parse_label(item, f"{what} label")
            for item in _list(record.get("labels") or [], f"{what} labels")
        ),
        created_at=_time(record, "created_at", what),
        updated_at=_time(record, "updated_at", what),
        closed_at=_optional_time(record, "closed_at", what),
        merged_at=merged_at,
        head_sha=head_sha if isinstance(head_sha, str) else None,
        merged=merged_at is not None or record.get("merged") is True,
    )


def parse_pulls(value: object) -> list[PullRequest]:
    return [parse_pull(item) for item in _list(value, "pulls list")]


def parse_event(value: object, number: int) -> IssueEvent:
    what = f"event of #{number}"
    record = _mapping(value, what)
    actor = parse_user(record.get("actor"), f"{what} actor")
    label = record.get("label")
    return IssueEvent(
        event_id=_optional(record, "id", int, what),
        event=_field(record, "event", str, what),
        actor=actor.login if actor else None,
        created_at=_time(record, "created_at", what),
        label=parse_label(label, f"{what} label").name if label is not None else None,
    )


def parse_events(value: object, number: int) -> list[IssueEvent]:
    return [parse_event(item, number) for item in _list(value, f"events of #{number}")]


def parse_files(value: object, number: int) -> list[PullFile]:
    files = []
    for item in _list(value, f"files of #{number}"):
        record = _mapping(item, f"file of #{number}")
        files.append(
            PullFile(
                filename=_field(record, "filename", str, f"file of #{number}"),
                status=_field(record, "status", str, f"file of #{number}"),
                contents_url=_optional(record, "contents_url", str, f"file of #{number}"),
            )
        )
    return files


def parse_issue(value: object) -> IssueRecord:
    record = _mapping(value, "issue")
    number = _field(record, "number", int, "issue")
    closed_by = parse_user(record.get("closed_by"), f"issue #{number} closed_by")
    return IssueRecord(number=number, closed_by=closed_by.login if closed_by else None)


def parse_directory(value: object, path: str) -> list[ContentEntry]:
    """A `GET /repos/{o}/{r}/contents/{dir}` listing (a file there answers an object)."""
    what = f"contents of {path}"
    entries = []
    for item in _list(value, f"{what} (expected a directory)"):
        record = _mapping(item, what)
        entries.append(
            ContentEntry(
                name=_field(record, "name", str, what),
                path=_field(record, "path", str, what),
                sha=_optional(record, "sha", str, what),
                type=_field(record, "type", str, what),
                html_url=_optional(record, "html_url", str, what),
            )
        )
    return entries


def parse_content_text(value: object, path: str) -> str:
    """Decode a contents-API file object to text (see `decode_text`)."""
    what = f"contents of {path}"
    record = _mapping(value, what)
    if record.get("type", "file") != "file":
        raise MalformedUpstream(f"{what}: not a file (type {record.get('type')!r})")
    encoding = record.get("encoding")
    content = _field(record, "content", str, what)
    if encoding != "base64":
        raise MalformedUpstream(f"{what}: unsupported encoding {encoding!r}")
    try:
        raw = base64.b64decode(content, validate=False)
    except (binascii.Error, ValueError) as error:
        raise MalformedUpstream(f"{what}: bad base64: {error}") from error
    return decode_text(raw, what)


def decode_text(raw: bytes, what: str) -> str:
    """A text file's bytes as text: UTF-8 (a byte-order mark dropped), else Windows-1252,
    which reads Latin-1 files too; a file with NUL bytes is binary, not text."""
    if b"\x00" in raw:
        raise MalformedUpstream(f"{what}: a binary file, not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")
