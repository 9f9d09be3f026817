"""What the bundled snapshot says about each pull request of AlmaLinux/ALESCo, and why.

Every value comes from the public record gathered in the project's research data
(`shared/data/alesco_facts.json`, the RFC files, the meeting minutes), as of 2026-09.
Where GitHub would hold a value that no public record shows, the nearest recorded evidence
is used and the `note` says so; values nobody recorded (labels, most closers) are left out
rather than guessed, so the lifecycle shows them as unknown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

REPO = "AlmaLinux/ALESCo"
DATA_AS_OF = "2026-09-01T00:00:00Z"


@dataclass(frozen=True)
class PullSource:
    number: int
    title: str
    author: str
    created_at: str
    state: str  # "open", "merged" or "closed"
    closed_at: str | None = None
    closed_by: str | None = None  # None: not on record
    body: str = ""
    added: tuple[str, ...] = ()  # files the PR adds
    modified: tuple[str, ...] = ()  # files it changes
    rfc_file: str | None = None  # which shared RFC file holds the added file's text
    rfc_header: dict[str, str] | None = None  # header rebuilt from the record when no file
    updated_at: str | None = None
    note: str = ""
    extra: dict[str, str] = field(default_factory=dict)


PULLS = [
    PullSource(
        2,
        "RFC: Build Fedora EPEL for AlmaLinux and AlmaLinux Kitten x86_64_v2",
        "jonathanspw",
        "2025-01-29T16:25:47Z",
        "merged",
        "2025-03-05T21:00:33Z",
        added=("rfcs/0001-build-fedora-epel-for-almalinux-and-almalinux-kitten-x86_64_v2.md",),
        rfc_file="0001-build-fedora-epel-for-almalinux-and-almalinux-kitten-x86_64_v2.md",
        note="created_at: time of the PR's first commit (beed2d1); merge time from git.",
    ),
    PullSource(
        3,
        "RFC: Enable KVM on AlmaLinux 9 on ppc64le",
        "ramereth",
        "2025-02-14T17:25:00Z",
        "merged",
        "2025-05-20T19:49:18Z",
        added=("rfcs/0002-enable-kvm-on-almaLinux-9-on-ppc64le.md",),
        rfc_file="0002-enable-kvm-on-almaLinux-9-on-ppc64le.md",
        note="created_at: the PR's date (2025-02-14) at the RFC header's time.",
    ),
    PullSource(
        4,
        "RFC: Introduce x86_64-v1 compatibility for AlmaLinux 10",
        "bkhomuts",
        "2025-03-21T16:50:00Z",
        "closed",
        "2025-04-16T00:00:00Z",
        added=("rfcs/0002-introduce-x86_64-v1-compatibility-for-almalinux10.md",),
        rfc_header={
            "title": "RFC: Introduce x86_64-v1 compatibility for AlmaLinux 10",
            "number": "0002",
            "authors": "Bohdan Khomutskyi",
            "status": "Draft",
            "created": "2025-03-21 16:50 UTC",
            "updated": "2025-03-21 16:50 UTC",
        },
        note="Rejected at the 2025-04-16 meeting; the close date and closer are not on "
        "record: closed_at is that meeting's date, the closer is left unknown, so "
        "the outcome shows as unknown. The RFC file's header is rebuilt from the "
        "record (its text is not in the shared data).",
    ),
    PullSource(
        5,
        "Add process updates",
        "bennyvasquez",
        "2025-04-01T00:00:00Z",
        "merged",
        "2025-04-18T14:42:12Z",
        modified=("README.md",),
        note="created_at: the PR's date; merge time from git.",
    ),
    PullSource(
        6,
        "RFC: Use dynamic workspace indicator on GNOME",
        "lkhn",
        "2025-04-18T00:00:00Z",
        "merged",
        "2025-05-30T01:03:30Z",
        added=("rfcs/0003-use-dynamic-workspace-indicator-on-gnome.md",),
        rfc_file="0003-use-dynamic-workspace-indicator-on-gnome.md",
        note="created_at: the PR's date; merge time from git.",
    ),
    PullSource(
        8,
        "RFC: Build NVIDIA Open Source Drivers and Ship Repo Config for AlmaLinux",
        "jonathanspw",
        "2025-05-07T15:00:00Z",
        "merged",
        "2025-05-14T20:31:34Z",
        added=("rfcs/0004-build-and-ship-nvidia-drivers.md",),
        rfc_file="0004-build-and-ship-nvidia-drivers.md",
        note="created_at: the PR's date at the RFC header's time.",
    ),
    PullSource(
        9,
        "RFC: Enable Btrfs as a tech preview",
        "michel-slm",
        "2025-05-08T20:36:00Z",
        "merged",
        "2025-06-02T21:25:13Z",
        added=("rfcs/0005-enable-btrfs-as-tech-preview.md",),
        rfc_file="0005-enable-btrfs-as-tech-preview.md",
        note="created_at: the PR's date at the RFC header's time.",
    ),
    PullSource(
        10,
        "RFC: Enable CRB by default for AlmaLinux 10+",
        "Conan-Kudo",
        "2025-05-13T13:45:00Z",
        "merged",
        "2025-05-29T23:04:17Z",
        added=("rfcs/0006-enable-crb-on-almalinux-10.md",),
        rfc_file="0006-enable-crb-on-almalinux-10.md",
        note="created_at: not on record; the RFC header's Created time.",
    ),
    PullSource(
        11,
        "Mark as accepted",
        "jonathanspw",
        "2025-05-20T19:56:03Z",
        "merged",
        "2025-05-20T20:08:26Z",
        modified=("rfcs/0002-enable-kvm-on-almaLinux-9-on-ppc64le.md",),
        note="Known from git only; created_at is its only commit's time.",
    ),
    PullSource(
        12,
        "This was approved",
        "jonathanspw",
        "2025-05-22T16:35:00Z",
        "merged",
        "2025-05-22T16:35:51Z",
        modified=("rfcs/0004-build-and-ship-nvidia-drivers.md",),
        note="created_at: its only commit's time.",
    ),
    PullSource(
        13,
        "rfcs/0004-build-and-ship-nvidia-drivers.md: Fix release package name per alesco meeting",
        "jonathanspw",
        "2025-05-26T14:24:52Z",
        "merged",
        "2025-05-26T14:28:06Z",
        modified=("rfcs/0004-build-and-ship-nvidia-drivers.md",),
        note="Known from git only; created_at is its only commit's time.",
    ),
    PullSource(
        14,
        "Voting procedure PoC",
        "codyro",
        "2025-07-22T00:00:00Z",
        "merged",
        "2025-07-22T00:00:00Z",
        added=("voting-procedures.md",),
        note="Merged, but the merge date is not on record: merged_at is the PR's "
        "creation date, the earliest it can be.",
    ),
    PullSource(
        15,
        "RFC: Add alternative signed newer kernels",
        "hanthor",
        "2025-10-15T00:00:00Z",
        "closed",
        "2026-07-16T00:00:00Z",
        closed_by="hanthor",
        added=("rfcs/007-build-sign-alternative-kernels.md",),
        rfc_header={
            "title": "RFC: Provide Secure Boot-Signed Alternative Kernels",
            "number": "0007",
            "authors": "James Reilly",
            "status": "Draft",
            "created": "2025-10-16 04:00 UTC",
            "updated": "2025-10-16 04:00 UTC",
        },
        note="Closed by its author (minutes of 2026-07-16, which is used as closed_at: "
        "the exact time is not on record). The RFC header is rebuilt from the "
        "record.",
    ),
    PullSource(
        16,
        "Adding proposal for github org management",
        "bennyvasquez",
        "2026-04-16T00:00:00Z",
        "open",
        updated_at="2026-07-30T00:00:00Z",
        added=("rfcs/0008-declarative-github-org-management.md",),
        rfc_header={
            "title": "RFC: Declarative GitHub Organization Management with Peribolos",
            "number": "0008",
            "authors": "benny Vasquez",
            "status": "Draft",
            "created": "2026-04-16",
            "updated": "2026-04-16",
        },
        note="Open; 'no change' through the minutes of 2026-07-30 (used as updated_at). "
        "The RFC header is rebuilt from the record.",
    ),
    PullSource(
        17,
        "Add new member procedure document",
        "jonathanspw",
        "2026-05-21T00:00:00Z",
        "open",
        added=("new-member-procedures.md",),
        updated_at="2026-07-02T00:00:00Z",
        note="Open in the latest record; updated_at: last comment on record (2026-07-02).",
    ),
    PullSource(
        18,
        "RFC: Build and Secure Boot-sign a mainline-based alternative kernel",
        "ramereth",
        "2026-08-02T18:00:00Z",
        "open",
        updated_at="2026-08-16T19:00:00Z",
        body="Supersedes #15.\n\nBuild the `kernel` package from mainline and Secure "
        "Boot-sign it (decided 2026-08-13: no suffix on the package name).",
        added=("rfcs/0000-build-sign-alternative-kernels.md",),
        rfc_header={
            "title": "RFC: Build and Secure Boot-Sign a Mainline-Based Alternative Kernel",
            "number": "XXXX",
            "authors": "Lance Albertson",
            "status": "Draft",
            "created": "2026-08-02 18:00 UTC",
            "updated": "2026-08-16 19:00 UTC",
        },
        note="Title from the minutes of 2026-08-13; author and times from its RFC file "
        "(which says it supersedes #15; the minutes of 2026-07-30 and 2026-08-13 say "
        "it replaces #15). The PR body is not on record: it is rebuilt from those "
        "two statements.",
    ),
]
