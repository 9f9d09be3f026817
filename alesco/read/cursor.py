"""Opaque pagination cursors: the sort order and the position of the last item seen.

Keyset pagination (not offsets): a page boundary stays put when items are added or change
while a client pages through. Clients must treat the string as opaque.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

import orjson


class InvalidCursor(ValueError):
    """The cursor was not made by us, or for another sort order."""


@dataclass(frozen=True)
class Cursor:
    sort: str
    position: tuple[str | int, ...]

    def encode(self) -> str:
        raw = orjson.dumps([self.sort, *self.position])
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str, size: int) -> Cursor:
        """Decode a cursor whose position has `size` parts."""
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            sort, *position = orjson.loads(raw)
        except (binascii.Error, ValueError, TypeError) as error:
            raise InvalidCursor("not a cursor this API issued") from error
        valid = (
            isinstance(sort, str)
            and len(position) == size
            and all(isinstance(part, str | int) and not isinstance(part, bool) for part in position)
        )
        if not valid:
            raise InvalidCursor("not a cursor this API issued")
        return cls(sort, tuple(position))
