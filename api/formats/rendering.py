"""Response bodies: JSON (orjson; indented for people: curl-like clients and `?pretty=1`)
and CSV for every list (`?format=csv` or `Accept: text/csv`).

CSV cells holding lists are joined with "; "; cells that a spreadsheet would run as a
formula (starting with = + - @) are prefixed with an apostrophe (OWASP's CSV-injection
advice: titles come from the public).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from api.formats.negotiation import BOOLEAN_WORDS, is_human_agent, requested_format
from api.formats.problems import BadParameter, shown

Cell = Callable[[Mapping[str, Any]], Any]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def wants_pretty(request: Request) -> bool:
    pretty = request.query_params.get("pretty")
    if pretty is not None:
        return BOOLEAN_WORDS.get(pretty, False)
    return is_human_agent(request.headers.get("user-agent", "").encode("latin-1"))


def json_response(
    request: Request, payload: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    if wants_pretty(request):
        body = orjson.dumps(payload, option=orjson.OPT_INDENT_2) + b"\n"
    else:
        body = orjson.dumps(payload)
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def list_format(request: Request) -> str:
    """`json` or `csv` for a list route; anything else asked for by `?format=` is a 400."""
    chosen = requested_format(request.query_params, request.headers.get("accept", ""))
    if chosen not in ("json", "csv"):
        if request.query_params.get("format") is not None:
            raise BadParameter("format", f"must be json or csv (got {shown(chosen)})")
        return "json"
    return chosen


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(_cell(item) for item in value)
    if isinstance(value, dict):
        return _cell(value.get("name") or value.get("login") or value.get("number"))
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_body(rows: Sequence[Mapping[str, Any]], columns: Mapping[str, Cell | None]) -> bytes:
    """One header row, then one row per item; a column's cell is `row[name]` unless given."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(
            _cell(cell(row) if cell is not None else row.get(name))
            for name, cell in columns.items()
        )
    return buffer.getvalue().encode()


def list_response(
    request: Request,
    data: list[dict[str, Any]],
    meta: dict[str, Any],
    columns: Mapping[str, Cell | None],
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The `{"data", "meta"}` envelope as JSON, or the rows as CSV; both say the count of
    the whole list in `X-Total-Count`."""
    counted = {**(headers or {}), "X-Total-Count": str(meta.get("count", len(data)))}
    if list_format(request) == "csv":
        return Response(
            csv_body(data, columns), media_type="text/csv; charset=utf-8", headers=counted
        )
    return json_response(request, {"data": data, "meta": meta}, headers=counted)
