"""Structured logs: one JSON object per line, on stderr, for log collectors to parse.

Each line holds `time` (RFC 3339 UTC), `level`, `logger`, `event` (the message, a dotted
name such as `sync.failed`), the `extra` fields the call passed, the `request_id` of the
HTTP request being answered when there is one, and `exception` with its traceback.
Lines carry client input (paths, parameters, payload fields), so they are written with
`alesco.safe_json`: a lone surrogate or a 5,000-digit integer cannot break a line.
"""

from __future__ import annotations

import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import IO, Any

from alesco.safe_json import dumps

# Set by the API for the duration of each request; read by every log line it causes.
REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)

# LogRecord's own attributes, plus uvicorn's ANSI-coloured duplicate of its message.
_RESERVED = frozenset(vars(logging.makeLogRecord({}))) | {"color_message", "message"}


class RequestIdFilter(logging.Filter):
    """Stamps the current request's id on each record as it is emitted (a handler that
    formats later, on another thread, would no longer see the context variable)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record; never raises for what the record's fields hold."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RESERVED and not key.startswith("_") and key not in line:
                line[key] = value
        if line.get("request_id", 0) is None:
            del line["request_id"]  # outside any request
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return dumps(line, default=repr).decode()


def json_handler(stream: IO[str]) -> logging.Handler:
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    return handler


def configure_logging(level: str) -> None:
    handler = json_handler(sys.stderr)
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    # httpx logs every request at INFO; the sync's own summary line is what operators need.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
