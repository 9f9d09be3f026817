"""Whole-table replacement that writes only when the content really changed.

Each source replaces its tables whole inside its sync transaction. Comparing first keeps
an unchanged sync from rewriting rows and, more importantly, from moving the data version
that every cache and ETag is keyed on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, SQLModel, select


def replace_rows(
    session: Session,
    model: type[SQLModel],
    rows: Sequence[dict[str, Any]],
    order_by: Iterable[Any],
    exclude: frozenset[str] = frozenset(),
) -> bool:
    """Make `model`'s table hold exactly `rows` (already in `order_by` order).

    Returns whether anything changed. `exclude` names columns the comparison ignores,
    such as surrogate ids.
    """
    stored = [
        row.model_dump(exclude=set(exclude))
        for row in session.exec(select(model).order_by(*order_by))
    ]
    if stored == list(rows):
        return False
    session.execute(delete(model))
    session.add_all(model(**row) for row in rows)
    return True
