"""`/openapi.json` and `/docs`: the REST description, for machines and for people.

The human page is rendered here from the same document, as plain HTML with no scripts or
external assets, so it works offline and behind strict proxies.
"""

from __future__ import annotations

import html
from functools import cache

import orjson
from starlette.requests import Request
from starlette.responses import Response

from api.openapi.document import openapi_document
from api.params import reject_unknown


@cache
def _document_bytes() -> bytes:
    return orjson.dumps(openapi_document(), option=orjson.OPT_INDENT_2)


async def openapi_json(request: Request) -> Response:
    reject_unknown(request.query_params, ())
    return Response(_document_bytes(), media_type="application/json")


def _parameter_rows(parameters: list[dict[str, object]], named: dict[str, object]) -> str:
    rows = []
    for parameter in parameters:
        if "$ref" in parameter:
            parameter = named[str(parameter["$ref"]).rsplit("/", 1)[-1]]  # type: ignore[assignment]
        schema = parameter.get("schema", {})
        values = schema.get("enum") if isinstance(schema, dict) else None
        allowed = ", ".join(str(v) for v in values) if values else ""
        rows.append(
            f"<tr><td><code>{html.escape(str(parameter['name']))}</code></td>"
            f"<td>{html.escape(str(parameter.get('description', '')))}</td>"
            f"<td>{html.escape(allowed)}</td></tr>"
        )
    return "".join(rows)


@cache
def _docs_page() -> bytes:
    document = openapi_document()
    named = document["components"]["parameters"]
    sections = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"].values()
            media = sorted({m for r in responses for m in r.get("content", {})})
            sections.append(
                f"<section><h2><code>{method.upper()} {html.escape(path)}</code></h2>"
                f"<p>{html.escape(operation['summary'])}. "
                f"Formats: {html.escape(', '.join(media))}.</p>"
                "<table><tr><th>parameter</th><th>meaning</th><th>values</th></tr>"
                f"{_parameter_rows(operation['parameters'], named)}</table></section>"
            )
    info = document["info"]
    page = (
        "<!doctype html><html lang=en><meta charset=utf-8>"
        f"<title>{html.escape(info['title'])} — API</title>"
        "<style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;"
        "padding:0 1rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
        "padding:.2rem .5rem;text-align:left;vertical-align:top}code{font-size:.95em}</style>"
        f"<h1>{html.escape(info['title'])} {html.escape(info['version'])}</h1>"
        f"<p>{html.escape(info['summary'])}.</p><p>{html.escape(info['description'])}</p>"
        "<p>Machine-readable: <a href=/openapi.json>/openapi.json</a> (OpenAPI 3.1). "
        "GraphQL: <a href=/graphql>/graphql</a>.</p>" + "".join(sections) + "</html>"
    )
    return page.encode()


async def docs(request: Request) -> Response:
    reject_unknown(request.query_params, (), formats=("html",))
    return Response(_docs_page(), media_type="text/html; charset=utf-8")
