"""Opaque pagination cursors: the sort order and the position of the last item seen.

Keyset pagination (not offsets): a page boundary stays put when proposals are added or
change while a client pages through. Clients must treat the string as opaque.
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
    key: str | int
    repo: str
    number: int

    def encode(self) -> str:
        raw = orjson.dumps([self.sort, self.key, self.repo, self.number])
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            sort, key, repo, number = orjson.loads(raw)
        except (binascii.Error, ValueError, TypeError) as error:
            raise InvalidCursor("not a cursor this API issued") from error
        if not (
            isinstance(sort, str)
            and isinstance(key, str | int)
            and isinstance(repo, str)
            and isinstance(number, int)
        ):
            raise InvalidCursor("not a cursor this API issued")
        return cls(sort, key, repo, number)
