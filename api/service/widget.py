"""`/widget.js`: the drop-in list of open proposals for the ALESCo web page, and
`/widget`, a page that shows it. Both are files shipped in the package; the edge gives
them ETags and caching like every other GET."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from starlette.requests import Request
from starlette.responses import Response

from api.params import reject_unknown


@cache
def _static(name: str) -> bytes:
    return (files("api") / "static" / name).read_bytes()


async def widget_js(request: Request) -> Response:
    """Any query is accepted: pages version their scripts (`widget.js?v=3`) to bust caches."""
    return Response(_static("widget.js"), media_type="text/javascript; charset=utf-8")


async def widget_page(request: Request) -> Response:
    reject_unknown(request.query_params, (), formats=("html",))
    return Response(_static("widget.html"), media_type="text/html; charset=utf-8")
