"""Rebuild the bundled snapshot `alesco/data/snapshot.json` (a developer tool).

    uv run python scripts/build_snapshot.py [--shared ../shared]

Reads the RFC texts from the shared research data and the per-PR record in
`snapshot_sources.py`, plays each pull request's life (open, merge, close) through the
test suite's fake GitHub repository so every record has GitHub's exact wire shape, then
writes the repository dump and a provenance README beside it. Actors and closers that no
public record shows are blanked afterwards: the lifecycle must show them as unknown.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from snapshot_sources import DATA_AS_OF, PULLS, REPO, PullSource  # noqa: E402

from alesco.timestamps import parse_timestamp  # noqa: E402
from tests.fakes.github_records import git_blob_sha  # noqa: E402
from tests.fakes.github_repository import FakeRepository  # noqa: E402

OUTPUT = ROOT / "alesco" / "data"
BUILT_AT = "2026-11-21T00:00:00Z"


def rebuilt_rfc_text(header: dict[str, str]) -> str:
    """An RFC file's header as the template lays it out, from recorded header values."""
    return (
        f"# {header['title']}\n\n"
        f"* **RFC Number:** `{header['number']}`\n"
        f"* **Author(s):** {header['authors']}\n"
        f"* **Status:** {header['status']}\n"
        f"* **Created:** [{header['created']}]\n"
        f"* **Updated:** [{header['updated']}]\n"
    )


def file_changes(source: PullSource, rfcs: Path) -> list[tuple[str, str, str | None]]:
    changes: list[tuple[str, str, str | None]] = []
    for path in source.added:
        text: str | None = None
        if source.rfc_file:
            text = (rfcs / source.rfc_file).read_text()
        elif source.rfc_header and path.startswith("rfcs/"):
            text = rebuilt_rfc_text(source.rfc_header)
        changes.append((path, "added", text or ""))
    changes += [(path, "modified", None) for path in source.modified]
    return changes


def at(value: str) -> datetime:
    return parse_timestamp(value)


def play(repository: FakeRepository, source: PullSource, rfcs: Path) -> None:
    repository.add_pull(
        source.number,
        source.title,
        source.author,
        body=source.body or None,
        created_at=at(source.created_at),
        files=file_changes(source, rfcs),
    )
    if source.state == "merged" and source.closed_at:
        repository.merge(source.number, actor=source.author, at=at(source.closed_at))
    elif source.state == "closed" and source.closed_at:
        repository.close(
            source.number, actor=source.closed_by or source.author, at=at(source.closed_at)
        )
    if source.updated_at:
        repository.pull(source.number)["updated_at"] = source.updated_at


def use_public_avatars(value: object) -> None:
    """Avatar URLs by login (`github.com/{login}.png`), which resolve without knowing ids."""
    if isinstance(value, dict):
        if isinstance(value.get("login"), str) and "avatar_url" in value:
            value["avatar_url"] = f"https://github.com/{value['login']}.png"
        for item in value.values():
            use_public_avatars(item)
    elif isinstance(value, list):
        for item in value:
            use_public_avatars(item)


def blank_unknown_actors(dump: dict, sources: list[PullSource]) -> None:
    """Nobody recorded who merged or closed these PRs (except #15's author): say so."""
    for source in sources:
        key = str(source.number)
        for event in dump["events"].get(key, []):
            if event["event"] in ("merged", "closed") and source.closed_by is None:
                event["actor"] = None
        if source.state == "closed":
            dump["issues"][key] = {"closed_by": dump["issues"].get(key, {}).get("closed_by")}
            if source.closed_by is None:
                dump["issues"][key]["closed_by"] = None


MINUTES_PATH = "docs/alesco/meeting-minutes"
MINUTES_WEB = "https://github.com/AlmaLinux/wiki/blob/master"


def minutes_files(folder: Path) -> list[dict[str, str]]:
    """The wiki's minutes files as the contents API would list them (blob sha, web URL)."""
    return [
        {
            "path": f"{MINUTES_PATH}/{path.name}",
            "sha": git_blob_sha(path.read_bytes()),
            "url": f"{MINUTES_WEB}/{MINUTES_PATH}/{path.name}",
            "text": path.read_text(),
        }
        for path in sorted(folder.glob("*.md"))
    ]


def provenance(sources: list[PullSource]) -> str:
    lines = [
        "# The bundled snapshot",
        "",
        f"`snapshot.json` holds the pull requests of `{REPO}` as public records showed them "
        f"on {DATA_AS_OF[:10]}, in GitHub's REST wire format (pulls list items, issue events, "
        "PR files, RFC file texts, closers). `alesco serve` loads it into an empty database "
        "so the service answers with real-looking data offline; the first successful GitHub "
        "sync replaces it whole. Rebuild it with `uv run python scripts/build_snapshot.py`.",
        "",
        "Sources: the ALESCo repository's git history and RFC files (CC-BY-SA-4.0), the "
        "AlmaLinux wiki's meeting minutes, and the GitHub issue index, as gathered in the "
        "project's research data. #1 and #7 are not pull requests (no trace / an issue), and "
        "are absent. No record shows which labels any PR carried, so none has a stage label: "
        "open RFCs show as `submitted`. Who merged or closed a PR is blank (null) where no "
        "record names them. Ids and SHAs are synthetic; avatars are GitHub's by-login URLs.",
        "",
        "The meeting minutes are the 17 files of `AlmaLinux/wiki` "
        f"`{MINUTES_PATH}` from 2024-07-24 to 2025-11-13, verbatim. No Indico export is on "
        "record, so no meetings are scheduled: meetings come from the minutes, with dates but "
        "no times. The roster is the package's `roster.yaml`.",
        "",
        "| # | title | what is reconstructed |",
        "|---|---|---|",
    ]
    for source in sources:
        lines.append(f"| {source.number} | {source.title} | {source.note or '-'} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    arguments = parser.parse_args()
    rfcs = arguments.shared / "data" / "alesco" / "repo" / "rfcs"
    repository = FakeRepository({"repo": REPO}, repository_id=912_345_678)
    for source in PULLS:
        play(repository, source, rfcs)
    dump = repository.as_dump()
    dump["pulls"].sort(key=lambda pull: pull["number"], reverse=True)  # GitHub: newest first
    blank_unknown_actors(dump, PULLS)
    use_public_avatars(dump)
    minutes_folder = arguments.shared / "data" / "alesco" / "minutes"
    snapshot = {
        "built_at": BUILT_AT,
        "data_as_of": DATA_AS_OF,
        "repositories": [dump],
        "minutes": minutes_files(minutes_folder),
        # No Indico export is on record, so the snapshot schedules no meetings: meetings
        # come from the minutes alone, with their dates but no times.
        "meetings": {"indico_url": "https://events.almalinux.org", "export": {"results": []}},
    }
    OUTPUT.mkdir(exist_ok=True)
    (OUTPUT / "snapshot.json").write_text(json.dumps(snapshot, indent=1, ensure_ascii=False) + "\n")
    (OUTPUT / "README.md").write_text(provenance(PULLS))
    print(f"wrote {OUTPUT / 'snapshot.json'}: {len(dump['pulls'])} pull requests")
    return 0


if __name__ == "__main__":
    sys.exit(main())
