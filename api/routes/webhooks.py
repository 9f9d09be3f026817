"""`POST /webhooks/github`: GitHub tells us a pull request changed; the worker resyncs it.

Exists only when `ALESCO_WEBHOOK_SECRET` is set. The signature is checked before the body
is parsed, so an unsigned or forged request (401) reaches neither the JSON parser nor the
database. Answers come at once (GitHub gives up after 10 s): the resync itself is queued
for the ingest worker, which picks it up within a second or two.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qs

import orjson
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from alesco.storage.webhooks import record_delivery
from alesco.upstream.github_webhooks import (
    BadDelivery,
    Delivery,
    parse_delivery,
    signature_is_valid,
)
from api.context import engine_of, holder_of, settings_of
from api.formats.problems import problem_response
from api.formats.rendering import json_response

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 2 * 1024 * 1024  # pull_request payloads are tens of KB; GitHub's cap is 25 MB


def _declared_length(header: str) -> int | None:
    """Content-Length, if it is one: '²' passes str.isdigit() and int() refuses thousands
    of digits, and either raising would be a 500. Any length over 12 digits is too big."""
    if not (header.isascii() and header.isdigit()):
        return None
    return MAX_BODY_BYTES + 1 if len(header) > 12 else int(header)


async def _body(request: Request) -> bytes | None:
    """The raw body, or None once it passes `MAX_BODY_BYTES` (read no further)."""
    declared = _declared_length(request.headers.get("content-length", ""))
    if declared is not None and declared > MAX_BODY_BYTES:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _form_payload(body: bytes) -> bytes:
    """The `payload` field of a form-encoded delivery, which must be UTF-8 (as JSON is):
    decoding with replacement would turn bytes the sender signed into other text."""
    try:
        fields = parse_qs(body.decode(), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as error:
        message = "the form's `payload` field is not JSON (not UTF-8)"
        raise BadDelivery(message, "payload") from error
    values = fields.get("payload", [])
    if len(values) != 1:
        message = "a form-encoded delivery carries its JSON in one `payload` field"
        raise BadDelivery(message, "payload")
    return values[0].encode()


def _payload(request: Request, body: bytes) -> Any:
    """GitHub sends JSON, or a form with the JSON in `payload` (the hook's content type).

    orjson refuses invalid UTF-8, lone surrogates (`"\\ud800"`), nesting past 1,024 levels
    and numbers past a double's range: each a 400 here. It reads integers up to 2**64 - 1
    as ints (floats beyond), so `alesco.storage.webhooks` bounds the numbers it stores."""
    content_type = request.headers.get("content-type", "").lower()
    if content_type.startswith("application/x-www-form-urlencoded"):
        body = _form_payload(body)
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise BadDelivery(f"the body is not JSON ({error})") from error


def _record(request: Request, delivery: Delivery) -> bool:
    with Session(engine_of(request)) as session, session.begin():
        return record_delivery(session, delivery)


async def github_webhook(request: Request) -> Response:
    settings = settings_of(request)
    secret = settings.webhook_secret
    if secret is None:  # the route is not registered without a secret; belt and braces
        return problem_response(request, 404, "Webhooks are not enabled on this server.")
    body = await _body(request)
    if body is None:
        return problem_response(
            request, 413, f"Webhook bodies are limited to {MAX_BODY_BYTES} bytes."
        )
    signature = request.headers.get("x-hub-signature-256")
    if not signature_is_valid(secret.get_secret_value(), body, signature):
        # Never the signature or the secret: only that one was missing or wrong.
        logger.warning("webhook.unauthorized", extra={"signed": signature is not None})
        return problem_response(
            request,
            401,
            "Missing or invalid X-Hub-Signature-256: deliveries must be signed with the "
            "webhook secret (HMAC-SHA256 of the raw body).",
            headers={"WWW-Authenticate": 'HMAC-SHA256 realm="github-webhooks"'},
        )
    try:
        delivery = parse_delivery(
            request.headers,
            _payload(request, body),
            settings.github_repos,
            holder_of(request).clock(),
        )
    except BadDelivery as error:
        named = {"invalid-params": [{"name": error.field, "reason": str(error)}]}
        return problem_response(request, 400, str(error), named if error.field else None)
    if delivery.event == "ping":
        return json_response(request, {"status": "pong", "delivery": delivery.delivery_id})
    if not await run_in_threadpool(_record, request, delivery):
        return json_response(request, {"status": "duplicate", "delivery": delivery.delivery_id})
    if not delivery.wants_resync:
        return json_response(request, {"status": "ignored", "delivery": delivery.delivery_id})
    logger.info(
        "webhook.queued",
        extra={"delivery": delivery.delivery_id, "repo": delivery.repo, "number": delivery.number},
    )
    return json_response(
        request,
        {
            "status": "queued",
            "delivery": delivery.delivery_id,
            "proposal": {"repo": delivery.repo, "number": delivery.number},
        },
        status=202,
    )
