"""Tests of alesco/cursor.py: cursors round-trip and foreign strings are refused."""

from __future__ import annotations

import pytest

from alesco.cursor import Cursor, InvalidCursor


@pytest.mark.parametrize("key", ["2025-05-14T20:31:34Z", 42])
def test_round_trip(key):
    cursor = Cursor("-updated", key, "AlmaLinux/ALESCo", 8)
    assert Cursor.decode(cursor.encode()) == cursor


@pytest.mark.parametrize("text", ["", "not-base64!", "bnVsbA", "WzEsMiwzXQ", "WyJhIiwxLDIsM10"])
def test_foreign_strings_are_invalid(text):
    with pytest.raises(InvalidCursor):
        Cursor.decode(text)
