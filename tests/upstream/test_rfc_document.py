"""Tests of alesco/upstream/rfc_document.py against the real ALESCo RFC files and edge cases."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from alesco.upstream.rfc_document import (
    normalize_rfc_number,
    parse_authors,
    parse_rfc_document,
    pick_rfc_file,
)

RFCS = Path(__file__).parent.parent / "data" / "rfcs"

REAL_FILES = [
    pytest.param(
        "0001-build-fedora-epel-for-almalinux-and-almalinux-kitten-x86_64_v2.md",
        "0001",
        ("Jonathan Wright", "Neal Gompa", "Andrew Lukoshko"),
        "Accepted",
        datetime(2025, 1, 29, 16, 0, tzinfo=UTC),
        "Rebuild Fedora's EPEL",
        id="0001",
    ),
    pytest.param(
        "0002-enable-kvm-on-almaLinux-9-on-ppc64le.md",
        "0002",
        ("Lance Albertson",),
        "Accepted",
        datetime(2025, 2, 14, 17, 25, tzinfo=UTC),
        "This RFC proposes enabling Kernel-based Virtual Machine",
        id="0002-wrapped-abstract",
    ),
    pytest.param(
        "0003-use-dynamic-workspace-indicator-on-gnome.md",
        "0003",
        ("Elkhan Mammadli",),
        "Accepted",
        datetime(2025, 4, 2, 14, 0, tzinfo=UTC),
        "Do not replace the dynamic workspace indicator",
        id="0003-trailing-comma-author",
    ),
    pytest.param(
        "0004-build-and-ship-nvidia-drivers.md",
        "0004",
        ("Jonathan Wright", "Neal Gompa"),
        "Approved",
        datetime(2025, 5, 7, 15, 0, tzinfo=UTC),
        "Build and ship NVIDIA's open source graphics drivers.",
        id="0004-status-approved",
    ),
    pytest.param(
        "0005-enable-btrfs-as-tech-preview.md",
        "0005",
        ("Michel Lind",),
        "Accepted",
        datetime(2025, 5, 8, 20, 36, tzinfo=UTC),
        "Btrfs is enabled as a tech preview",
        id="0005-number-with-remark",
    ),
    pytest.param(
        "0006-enable-crb-on-almalinux-10.md",
        "0006",
        ("Neal Gompa",),
        "Accepted",
        datetime(2025, 5, 13, 13, 45, tzinfo=UTC),
        "Enable the CRB repository",
        id="0006",
    ),
]


@pytest.mark.parametrize(("name", "number", "authors", "status", "created", "abstract"), REAL_FILES)
def test_real_rfc_files(name, number, authors, status, created, abstract):
    document = parse_rfc_document((RFCS / name).read_text(), f"rfcs/{name}")
    assert document.rfc_number == number
    assert document.authors == authors
    assert document.status == status
    assert document.created_at == created
    assert document.abstract is not None
    assert document.abstract.startswith(abstract)
    assert "\n" not in document.abstract
    assert document.title is not None
    assert document.title.startswith("RFC: ")


def test_template_has_no_number_and_no_dates():
    document = parse_rfc_document((RFCS / "0000-template.md").read_text(), "rfcs/0000-template.md")
    assert document.rfc_number is None
    assert document.created_at is None
    assert document.status == "Draft"


def test_abstract_keeps_link_text_not_markup():
    name = "0001-build-fedora-epel-for-almalinux-and-almalinux-kitten-x86_64_v2.md"
    document = parse_rfc_document((RFCS / name).read_text(), f"rfcs/{name}")
    assert "first meeting." in (document.abstract or "")
    assert "](" not in (document.abstract or "")


def test_number_falls_back_to_the_file_name():
    text = "# RFC: Kernels\n\n* **Author(s):** James Reilly\n* **Status:** Draft\n"
    document = parse_rfc_document(text, "rfcs/007-build-sign-alternative-kernels.md")
    assert document.rfc_number == "0007"
    assert document.abstract is None


def test_placeholder_number_in_header_and_file_means_unassigned():
    text = "# RFC: X\n\n* **RFC Number:** `XXXX`\n"
    assert parse_rfc_document(text, "rfcs/0000-x.md").rfc_number is None


def test_unreadable_dates_are_none_not_guesses():
    text = "# RFC: X\n\n* **Created:** sometime in May\n* **Updated:** [2025-13-40 10:00 UTC]\n"
    document = parse_rfc_document(text, "rfcs/0009-x.md")
    assert document.created_at is None
    assert document.updated_at is None


def test_crlf_and_dash_bullets():
    text = (
        "# RFC: X\r\n\r\n- **RFC Number:** 12\r\n"
        "- **Authors:** A. Person <a@x.org> and B. Person\r\n"
    )
    document = parse_rfc_document(text, "rfcs/0012-x.md")
    assert document.rfc_number == "0012"
    assert document.authors == ("A. Person", "B. Person")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("`0004`", "0004"),
        ("7", "0007"),
        ("007", "0007"),
        ("`XXXX` (Assigned)", None),
        ("0000", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_rfc_number(raw, expected):
    assert normalize_rfc_number(raw) == expected


def test_parse_authors_handles_links_and_trailing_commas():
    assert parse_authors("[Elkhan Mammadli](elkhan@almalinux.org),") == ("Elkhan Mammadli",)


def test_pick_rfc_file_prefers_markdown_under_rfcs_and_skips_the_template():
    added = (
        "README.md",
        "rfcs/0000-template.md",
        "rfcs/img/diagram.png",
        "rfcs/0009-b.md",
        "rfcs/0008-a.md",
    )
    assert pick_rfc_file(added) == "rfcs/0008-a.md"
    assert pick_rfc_file(("docs/x.md",)) is None
