"""Builders of GitHub REST records (API version 2022-11-28), shaped like real responses.

Shapes follow GitHub's OpenAPI components `pull-request-simple`, `issue`,
`issue-event-for-issue`, `diff-entry` and `content-file`, and the examples in
research/github_ingest.md §1.2 and §1.5. URLs point at the public hosts; the fake rewrites
`https://api.github.com` to its own origin when it serves them. Ids and SHAs are derived from
names, so the same input builds the same record in every run.
"""

from __future__ import annotations

import base64
import hashlib
import zlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

API_ORIGIN = "https://api.github.com"
WEB_ORIGIN = "https://github.com"
DEFAULT_BRANCH = "main"
REACTIONS = ("+1", "-1", "laugh", "hooray", "confused", "heart", "rocket", "eyes")
CONTENT_LINE_LENGTH = 60  # GitHub wraps base64 `content` at 60 characters per line

# Prefixes of GitHub's opaque node ids, per issue-event type (as seen in real payloads).
EVENT_NODE_PREFIXES = {
    "labeled": "LE",
    "unlabeled": "UNLE",
    "closed": "CE",
    "reopened": "REE",
    "merged": "ME",
    "convert_to_draft": "CTDE",
    "ready_for_review": "RFRE",
}


def format_time(moment: datetime) -> str:
    """GitHub's timestamp form, `YYYY-MM-DDTHH:MM:SSZ` in UTC; naive datetimes are refused."""
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: GitHub timestamps are UTC")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def stable_id(*parts: str, base: int = 1_000_000_000) -> int:
    """A large integer id that depends only on `parts`, like GitHub's database ids."""
    return base + zlib.crc32("\x1f".join(parts).encode())


def opaque_node_id(prefix: str, number: int) -> str:
    """A new-style GraphQL node id (`PR_kwDO...`): a type prefix and an opaque payload."""
    payload = base64.urlsafe_b64encode(number.to_bytes(8, "big")).decode().rstrip("=")
    return f"{prefix}_kwDO{payload}"


def fake_sha(*parts: str) -> str:
    """A 40-hex commit SHA derived from `parts`."""
    return hashlib.sha1("\x1f".join(parts).encode(), usedforsecurity=False).hexdigest()


def git_blob_sha(data: bytes) -> str:
    """The SHA git gives a blob, which GitHub reports as a file's `sha`."""
    header = f"blob {len(data)}\0".encode()
    return hashlib.sha1(header + data, usedforsecurity=False).hexdigest()


def encode_content(data: bytes) -> str:
    """Base64 as the contents API sends it: a newline after every 60 characters."""
    encoded = base64.b64encode(data).decode()
    lines = [
        encoded[start : start + CONTENT_LINE_LENGTH]
        for start in range(0, len(encoded), CONTENT_LINE_LENGTH)
    ]
    return "".join(f"{line}\n" for line in lines)


def make_user(login: str, kind: str = "User") -> dict[str, Any]:
    """A `simple-user` (trimmed of the `*_url` templates nobody reads)."""
    user_id = stable_id("user", login, base=1_000_000)
    return {
        "login": login,
        "id": user_id,
        "node_id": base64.b64encode(f"04:{kind}{user_id}".encode()).decode(),
        "avatar_url": f"https://avatars.githubusercontent.com/u/{user_id}?v=4",
        "gravatar_id": "",
        "url": f"{API_ORIGIN}/users/{login}",
        "html_url": f"{WEB_ORIGIN}/{login}",
        "type": kind,
        "site_admin": False,
    }


def make_label(
    repo: str, name: str, color: str = "ededed", description: str | None = None
) -> dict[str, Any]:
    """A label as pulls and issues embed it."""
    label_id = stable_id("label", repo, name, base=8_000_000_000)
    return {
        "id": label_id,
        "node_id": opaque_node_id("LA", label_id),
        "url": f"{API_ORIGIN}/repos/{repo}/labels/{quote(name, safe='')}",
        "name": name,
        "color": color,
        "default": False,
        "description": description,
    }


def make_repository_record(repo: str, repository_id: int) -> dict[str, Any]:
    """The minimal repository object embedded in a pull's `head` and `base`."""
    owner, name = repo.split("/", 1)
    return {
        "id": repository_id,
        "node_id": opaque_node_id("R", repository_id),
        "name": name,
        "full_name": repo,
        "private": False,
        "owner": make_user(owner, kind="Organization"),
        "html_url": f"{WEB_ORIGIN}/{repo}",
        "url": f"{API_ORIGIN}/repos/{repo}",
        "default_branch": DEFAULT_BRANCH,
    }


def _branch(repo: str, repository_id: int, login: str, ref: str, sha: str) -> dict[str, Any]:
    return {
        "label": f"{login}:{ref}",
        "ref": ref,
        "sha": sha,
        "user": make_user(login),
        "repo": make_repository_record(repo, repository_id),
    }


def make_pull_record(
    repo: str,
    number: int,
    title: str,
    user_login: str,
    *,
    created_at: datetime,
    updated_at: datetime | None = None,
    body: str | None = None,
    state: str = "open",
    closed_at: datetime | None = None,
    merged_at: datetime | None = None,
    draft: bool = False,
    labels: Sequence[str | dict[str, Any]] = (),
    author_association: str = "MEMBER",
    repository_id: int | None = None,
) -> dict[str, Any]:
    """A `pull-request-simple`, as one item of `GET /repos/{o}/{r}/pulls`."""
    api = f"{API_ORIGIN}/repos/{repo}"
    html = f"{WEB_ORIGIN}/{repo}/pull/{number}"
    pull_id = stable_id("pull", repo, str(number), base=2_000_000_000)
    repository_id = repository_id if repository_id is not None else stable_id("repo", repo)
    head_sha = fake_sha("head", repo, str(number))
    owner = repo.split("/", 1)[0]
    return {
        "url": f"{api}/pulls/{number}",
        "id": pull_id,
        "node_id": opaque_node_id("PR", pull_id),
        "html_url": html,
        "diff_url": f"{html}.diff",
        "patch_url": f"{html}.patch",
        "issue_url": f"{api}/issues/{number}",
        "commits_url": f"{api}/pulls/{number}/commits",
        "review_comments_url": f"{api}/pulls/{number}/comments",
        "review_comment_url": f"{api}/pulls/comments{{/number}}",
        "comments_url": f"{api}/issues/{number}/comments",
        "statuses_url": f"{api}/statuses/{head_sha}",
        "number": number,
        "state": state,
        "locked": False,
        "title": title,
        "user": make_user(user_login),
        "body": body,
        "labels": [
            make_label(repo, label) if isinstance(label, str) else label for label in labels
        ],
        "milestone": None,
        "active_lock_reason": None,
        "created_at": format_time(created_at),
        "updated_at": format_time(updated_at or created_at),
        "closed_at": format_time(closed_at) if closed_at else None,
        "merged_at": format_time(merged_at) if merged_at else None,
        "merge_commit_sha": fake_sha("merge", repo, str(number)),
        "assignee": None,
        "assignees": [],
        "requested_reviewers": [],
        "requested_teams": [],
        "head": _branch(repo, repository_id, user_login, f"rfc-{number}", head_sha),
        "base": _branch(repo, repository_id, owner, DEFAULT_BRANCH, fake_sha("base", repo)),
        "_links": {
            "self": {"href": f"{api}/pulls/{number}"},
            "html": {"href": html},
            "issue": {"href": f"{api}/issues/{number}"},
            "comments": {"href": f"{api}/issues/{number}/comments"},
            "commits": {"href": f"{api}/pulls/{number}/commits"},
            "statuses": {"href": f"{api}/statuses/{head_sha}"},
        },
        "author_association": author_association,
        "auto_merge": None,
        "draft": draft,
    }


def make_event_record(
    repo: str,
    event_id: int,
    event: str,
    actor_login: str,
    created_at: datetime,
    *,
    label: dict[str, Any] | None = None,
    commit_id: str | None = None,
) -> dict[str, Any]:
    """An `issue-event-for-issue`; `label` is `{name, color}` for (un)labeled events."""
    record: dict[str, Any] = {
        "id": event_id,
        "node_id": opaque_node_id(EVENT_NODE_PREFIXES.get(event, "IE"), event_id),
        "url": f"{API_ORIGIN}/repos/{repo}/issues/events/{event_id}",
        "actor": make_user(actor_login),
        "event": event,
        "commit_id": commit_id,
        "commit_url": f"{API_ORIGIN}/repos/{repo}/commits/{commit_id}" if commit_id else None,
        "created_at": format_time(created_at),
        "performed_via_github_app": None,
    }
    if label is not None:
        record["label"] = {"name": label["name"], "color": label["color"]}
    if event in ("closed", "reopened"):
        record["state_reason"] = None
    return record


def make_file_record(
    repo: str, filename: str, status: str, text: str | None, head_sha: str
) -> dict[str, Any]:
    """A `diff-entry` of `GET /repos/{o}/{r}/pulls/{n}/files`, with a plausible patch."""
    lines = (text or "").splitlines()
    added = status in ("added", "modified", "renamed")
    additions = len(lines) if added else 0
    deletions = len(lines) if status == "removed" else 0
    sign, header = ("+", f"@@ -0,0 +1,{len(lines)} @@") if added else ("-", "@@ -1 +0,0 @@")
    path = quote(filename)
    return {
        "sha": git_blob_sha((text or "").encode()),
        "filename": filename,
        "status": status,
        "additions": additions,
        "deletions": deletions,
        "changes": additions + deletions,
        "blob_url": f"{WEB_ORIGIN}/{repo}/blob/{head_sha}/{path}",
        "raw_url": f"{WEB_ORIGIN}/{repo}/raw/{head_sha}/{path}",
        "contents_url": f"{API_ORIGIN}/repos/{repo}/contents/{path}?ref={head_sha}",
        "patch": "\n".join([header, *(sign + line for line in lines)]),
    }


def make_issue_record(
    repo: str, pull: dict[str, Any], closed_by: dict[str, Any] | None
) -> dict[str, Any]:
    """The `issue` view of a pull request, as `GET /repos/{o}/{r}/issues/{n}` answers."""
    number = pull["number"]
    api = f"{API_ORIGIN}/repos/{repo}"
    issue_id = stable_id("issue", repo, str(number), base=3_000_000_000)
    return {
        "url": f"{api}/issues/{number}",
        "repository_url": api,
        "labels_url": f"{api}/issues/{number}/labels{{/name}}",
        "comments_url": f"{api}/issues/{number}/comments",
        "events_url": f"{api}/issues/{number}/events",
        "html_url": pull["html_url"],
        "id": issue_id,
        "node_id": opaque_node_id("PR", pull["id"]),
        "number": number,
        "title": pull["title"],
        "user": pull["user"],
        "labels": pull["labels"],
        "state": pull["state"],
        "locked": pull["locked"],
        "assignee": None,
        "assignees": pull.get("assignees", []),
        "milestone": pull.get("milestone"),
        "comments": 0,
        "created_at": pull["created_at"],
        "updated_at": pull["updated_at"],
        "closed_at": pull["closed_at"],
        "author_association": pull.get("author_association", "NONE"),
        "active_lock_reason": None,
        "draft": pull.get("draft", False),
        "pull_request": {
            "url": f"{api}/pulls/{number}",
            "html_url": pull["html_url"],
            "diff_url": f"{pull['html_url']}.diff",
            "patch_url": f"{pull['html_url']}.patch",
            "merged_at": pull.get("merged_at"),
        },
        "body": pull.get("body"),
        "closed_by": closed_by,
        "reactions": {
            "url": f"{api}/issues/{number}/reactions",
            "total_count": 0,
            **dict.fromkeys(REACTIONS, 0),
        },
        "timeline_url": f"{api}/issues/{number}/timeline",
        "performed_via_github_app": None,
        "state_reason": None,
    }


def make_directory_entry(repo: str, path: str, text: str | None, ref: str | None) -> dict[str, Any]:
    """One item of a directory listing (`GET .../contents/{dir}`): a file (with `text`) or a
    folder (`text` None). Listings carry no `content` or `encoding`."""
    ref = ref or DEFAULT_BRANCH
    quoted = quote(path)
    url = f"{API_ORIGIN}/repos/{repo}/contents/{quoted}?ref={quote(ref, safe='')}"
    kind = "file" if text is not None else "dir"
    sha = git_blob_sha(text.encode()) if text is not None else fake_sha("tree", repo, path)
    git_url = f"{API_ORIGIN}/repos/{repo}/git/{'blobs' if text is not None else 'trees'}/{sha}"
    html_url = f"{WEB_ORIGIN}/{repo}/{'blob' if text is not None else 'tree'}/{ref}/{quoted}"
    return {
        "name": path.rsplit("/", 1)[-1],
        "path": path,
        "sha": sha,
        "size": len(text.encode()) if text is not None else 0,
        "url": url,
        "html_url": html_url,
        "git_url": git_url,
        "download_url": (
            f"https://raw.githubusercontent.com/{repo}/{ref}/{quoted}" if text is not None else None
        ),
        "type": kind,
        "_links": {"self": url, "git": git_url, "html": html_url},
    }


def make_content_record(repo: str, path: str, text: str, ref: str | None) -> dict[str, Any]:
    """A `content-file` of `GET /repos/{o}/{r}/contents/{path}`."""
    data = text.encode()
    sha = git_blob_sha(data)
    ref = ref or DEFAULT_BRANCH
    quoted = quote(path)
    url = f"{API_ORIGIN}/repos/{repo}/contents/{quoted}?ref={quote(ref, safe='')}"
    git_url = f"{API_ORIGIN}/repos/{repo}/git/blobs/{sha}"
    html_url = f"{WEB_ORIGIN}/{repo}/blob/{ref}/{quoted}"
    return {
        "type": "file",
        "encoding": "base64",
        "size": len(data),
        "name": path.rsplit("/", 1)[-1],
        "path": path,
        "content": encode_content(data),
        "sha": sha,
        "url": url,
        "git_url": git_url,
        "html_url": html_url,
        "download_url": f"https://raw.githubusercontent.com/{repo}/{ref}/{quoted}",
        "_links": {"self": url, "git": git_url, "html": html_url},
    }
