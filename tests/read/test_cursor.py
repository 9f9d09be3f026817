"""Tests of alesco/read/cursor.py: cursors round-trip and foreign strings are refused."""

from __future__ import annotations

import pytest

from alesco.read.cursor import Cursor, InvalidCursor


@pytest.mark.parametrize("key", ["2025-05-14T20:31:34Z", 42])
def test_round_trip(key):
    cursor = Cursor("-updated", (key, "AlmaLinux/ALESCo", 8))
    assert Cursor.decode(cursor.encode(), 3) == cursor


@pytest.mark.parametrize(
    "text",
    ["", "not-base64!", "bnVsbA", "WzEsMiwzXQ", "WyJhIix0cnVlLDIsM10"],
)
def test_foreign_strings_are_invalid(text):
    with pytest.raises(InvalidCursor):
        Cursor.decode(text, 3)


def test_a_cursor_of_another_size_is_invalid():
    with pytest.raises(InvalidCursor):
        Cursor.decode(Cursor("-date", ("2025-04-16",)).encode(), 3)
