"""One fake repository: a repository dump plus mutations that change it the way GitHub does.

The dump format is the bundled snapshot's (`alesco/storage/snapshot.py`): `{"repo", "pulls",
"events", "files", "issues", "contents"}`, with per-pull maps keyed by the number as a
string. Every mutation moves the pull's `updated_at` and appends the issue event GitHub
would record, so list bodies, and therefore ETags, change with it. Mutate between requests:
the fake serves from these dicts directly.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from tests.fakes.github_records import (
    format_time,
    make_event_record,
    make_file_record,
    make_issue_record,
    make_label,
    make_pull_record,
)

FIRST_EVENT_ID = 19_000_000_000  # the order of magnitude of real issue-event ids in 2026

# A file a pull adds or changes: (path, status, text); text None for removals.
FileChange = tuple[str, str, str | None]


class FakeRepository:
    """The pulls, issue events, PR files and file texts of one repository."""

    def __init__(self, dump: Mapping[str, Any], repository_id: int) -> None:
        self.full_name: str = dump["repo"]
        self.repository_id = repository_id
        self.pulls: dict[int, dict[str, Any]] = {
            pull["number"]: copy.deepcopy(pull) for pull in dump.get("pulls", [])
        }
        self.events = _by_number(dump.get("events", {}))
        self.files = _by_number(dump.get("files", {}))
        self.issues = _by_number(dump.get("issues", {}))
        self.contents: dict[str, str] = dict(dump.get("contents", {}))
        known_ids = [event.get("id") or 0 for events in self.events.values() for event in events]
        self._last_event_id = max([FIRST_EVENT_ID, *known_ids])

    def as_dump(self) -> dict[str, Any]:
        """The current state in the dump format it was seeded from."""
        return copy.deepcopy(
            {
                "repo": self.full_name,
                "pulls": list(self.pulls.values()),
                "events": {str(number): events for number, events in self.events.items()},
                "files": {str(number): files for number, files in self.files.items()},
                "issues": {str(number): issue for number, issue in self.issues.items()},
                "contents": self.contents,
            }
        )

    def pull(self, number: int) -> dict[str, Any]:
        """The live pull record (mutating it changes what the fake serves)."""
        try:
            return self.pulls[number]
        except KeyError:
            raise KeyError(f"{self.full_name} has no pull #{number}") from None

    def issue(self, number: int) -> dict[str, Any]:
        """The issue view of pull `number`, with `closed_by` and any dumped issue fields.

        `closed_by` is the dump's value until the fake records a close, then the actor of
        the last `closed` event (a dump may carry a closer without the events behind it).
        """
        extra = self.issues.get(number, {})
        closed_by = extra["closed_by"] if "closed_by" in extra else self._last_closer(number)
        record = make_issue_record(self.full_name, self.pull(number), closed_by)
        record.update({key: value for key, value in extra.items() if key != "closed_by"})
        return record

    def add_pull(
        self,
        number: int,
        title: str,
        user_login: str,
        *,
        body: str | None = None,
        created_at: datetime | None = None,
        draft: bool = False,
        labels: Sequence[str | dict[str, Any]] = (),
        files: Sequence[FileChange] = (),
        author_association: str = "MEMBER",
    ) -> dict[str, Any]:
        """Open a pull; its labels are applied by the author at creation, like GitHub's UI."""
        if number in self.pulls:
            raise ValueError(f"{self.full_name} already has pull #{number}")
        created_at = _moment(created_at)
        label_records = [
            make_label(self.full_name, label) if isinstance(label, str) else label
            for label in labels
        ]
        pull = make_pull_record(
            self.full_name,
            number,
            title,
            user_login,
            created_at=created_at,
            body=body,
            draft=draft,
            labels=label_records,
            author_association=author_association,
            repository_id=self.repository_id,
        )
        self.pulls[number] = pull
        self.events[number] = []
        for label in label_records:
            self._record(number, "labeled", user_login, created_at, label=label)
        self.files[number] = [
            make_file_record(self.full_name, path, status, text, pull["head"]["sha"])
            for path, status, text in files
        ]
        for path, status, text in files:
            if text is not None and status != "removed":
                self.contents[path] = text
        return pull

    def add_label(
        self,
        number: int,
        name: str,
        *,
        actor: str,
        at: datetime | None = None,
        color: str = "ededed",
        description: str | None = None,
    ) -> None:
        """Label a pull; like GitHub, re-adding a label it has is a no-op without an event."""
        pull = self.pull(number)
        if any(label["name"] == name for label in pull["labels"]):
            return
        label = make_label(self.full_name, name, color, description)
        pull["labels"].append(label)
        self._record(number, "labeled", actor, at, label=label)

    def remove_label(
        self, number: int, name: str, *, actor: str, at: datetime | None = None
    ) -> None:
        """Unlabel a pull; a label it lacks is an error, as GitHub answers 404."""
        pull = self.pull(number)
        label = next((label for label in pull["labels"] if label["name"] == name), None)
        if label is None:
            raise ValueError(f"#{number} has no label {name!r}")
        pull["labels"].remove(label)
        self._record(number, "unlabeled", actor, at, label=label)

    def close(self, number: int, *, actor: str, at: datetime | None = None) -> None:
        """Close without merging; `actor` becomes the issue's `closed_by`."""
        pull = self._open_pull(number)
        moment = _moment(at)
        pull.update(state="closed", closed_at=format_time(moment))
        self._forget_dumped_closer(number)
        self._record(number, "closed", actor, moment)

    def merge(self, number: int, *, actor: str, at: datetime | None = None) -> None:
        """Merge: `merged` then `closed` in the same second, as GitHub records them."""
        pull = self._open_pull(number)
        if pull.get("draft"):
            raise ValueError(f"#{number} is a draft; GitHub refuses to merge drafts")
        moment = _moment(at)
        pull.update(state="closed", closed_at=format_time(moment), merged_at=format_time(moment))
        self._forget_dumped_closer(number)
        head_sha = (pull.get("head") or {}).get("sha")
        self._record(number, "merged", actor, moment, commit_id=head_sha)
        self._record(number, "closed", actor, moment)

    def reopen(self, number: int, *, actor: str, at: datetime | None = None) -> None:
        """Reopen a closed, unmerged pull (merged pulls cannot be reopened)."""
        pull = self.pull(number)
        if pull["state"] != "closed" or pull.get("merged_at"):
            raise ValueError(f"#{number} is not closed-unmerged; it cannot be reopened")
        pull.update(state="open", closed_at=None)
        self._record(number, "reopened", actor, at)

    def set_draft(
        self, number: int, draft: bool, *, actor: str | None = None, at: datetime | None = None
    ) -> None:
        """Convert to draft or mark ready for review; `actor` defaults to the author."""
        pull = self.pull(number)
        if bool(pull.get("draft")) == draft:
            return
        pull["draft"] = draft
        event = "convert_to_draft" if draft else "ready_for_review"
        self._record(number, event, actor or pull["user"]["login"], at)

    def edit_body(self, number: int, body: str | None, *, at: datetime | None = None) -> None:
        """Edit the description: GitHub bumps `updated_at` but records no issue event."""
        pull = self.pull(number)
        pull["body"] = body
        pull["updated_at"] = format_time(_moment(at))

    def _open_pull(self, number: int) -> dict[str, Any]:
        pull = self.pull(number)
        if pull["state"] != "open":
            raise ValueError(f"#{number} is already closed")
        return pull

    def _forget_dumped_closer(self, number: int) -> None:
        self.issues.get(number, {}).pop("closed_by", None)

    def _last_closer(self, number: int) -> dict[str, Any] | None:
        closes = [event for event in self.events.get(number, []) if event["event"] == "closed"]
        return closes[-1].get("actor") if closes else None

    def _record(
        self,
        number: int,
        event: str,
        actor: str,
        at: datetime | None,
        *,
        label: dict[str, Any] | None = None,
        commit_id: str | None = None,
    ) -> dict[str, Any]:
        moment = _moment(at)
        self._last_event_id += 1
        record = make_event_record(
            self.full_name,
            self._last_event_id,
            event,
            actor,
            moment,
            label=label,
            commit_id=commit_id,
        )
        self.events.setdefault(number, []).append(record)
        self.pull(number)["updated_at"] = format_time(moment)
        return record


def _by_number(mapping: Mapping[str, Any]) -> dict[int, Any]:
    return {int(number): copy.deepcopy(value) for number, value in mapping.items()}


def _moment(at: datetime | None) -> datetime:
    """`at` (which must be aware), or now; whole seconds, as GitHub's timestamps have."""
    moment = at if at is not None else datetime.now(UTC)
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: pass an aware UTC datetime")
    return moment.astimezone(UTC).replace(microsecond=0)
