"""`DateTime` as RFC 3339 UTC with a `Z`, exactly as REST serves timestamps."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types.scalar import ScalarDefinition

from alesco.timestamps import format_timestamp, parse_timestamp

SCALAR_MAP: dict[object, ScalarDefinition] = {
    datetime: strawberry.scalar(
        name="DateTime",
        description="An RFC 3339 timestamp in UTC, e.g. 2025-05-14T20:31:34Z.",
        serialize=format_timestamp,
        parse_value=parse_timestamp,
    )
}
