"""Change notifications between processes: PostgreSQL NOTIFY on commit, LISTEN in readers.

A sync calls `notify_change` inside its transaction; PostgreSQL delivers the notification
only if and when that transaction commits, so readers never hear of data that was rolled
back. SQLite has no such channel; readers poll the model version instead.
"""

from __future__ import annotations

from sqlalchemy import Engine, text
from sqlmodel import Session

CHANNEL = "alesco_changed"


def notify_change(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})


def listen_url(engine: Engine) -> str | None:
    """A libpq URL for a LISTEN connection to the same database, or None without one."""
    if engine.dialect.name != "postgresql":
        return None
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
