"""Expensive requests: what a stranger can make the server compute.

GraphQL fan-out: documents within the depth, alias and token limits whose answers multiply
into millions of values. Each is refused before it runs, quickly, with a GraphQL error
`QUERY_COST_EXCEEDED` (HTTP 200, `data: null`), however many come at once; and each is
made distinct (its aliases are numbered) so that no cache answers it instead.

Cache-busting: distinct query strings at full speed, each a computed answer, from a few
connections. The server may shed load (503 problem with Retry-After: an acceptable
refusal), but cache hits of everyone else stay fast and nobody else gets a 5xx.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import orjson

from tests.attacks.harness import Attack, Server
from tests.attacks.wire import (
    Answer,
    Closed,
    close_quietly,
    open_async,
    read_answer,
    request,
    stranger,
)

ALIASES = 30
FAN_OUT_CONNECTIONS = 6
FAN_OUT_SECONDS = 2.5
MAX_PER_CONNECTION = 150
SHED_MS = 3000.0  # the GraphQL time budget (2 s), and slack
BUSTING_CONNECTIONS = 8
BUSTING_SECONDS = 2.5
MAX_BUSTING_REQUESTS = 20_000
BUSTING_KINDS = ("rest", "rest", "atom", "graphql")


def aliased(salt: str, field: str) -> str:
    return "{ " + " ".join(f"{salt}a{i}: {field}" for i in range(ALIASES)) + " }"


def meetings_ping_pong(salt: str) -> str:
    return aliased(
        salt,
        "meetings(first: 100) { proposalsDiscussed { discussedIn "
        "{ proposalsDiscussed { discussedIn { id } } } } }",
    )


def through_fragments(salt: str) -> str:
    fragment = (
        "fragment P on Proposal { discussedIn { proposalsDiscussed "
        "{ discussedIn { proposalsDiscussed { number } } } } } "
    )
    return fragment + aliased(salt, "meetings(first: 100) { proposalsDiscussed { ...P } }")


def inline_fragments(salt: str) -> str:
    return aliased(
        salt,
        "meetings(first: 100) { ... on Meeting { proposalsDiscussed { ... on Proposal "
        "{ discussedIn { proposalsDiscussed { discussedIn { attendees { name } } } } } } } }",
    )


def attendees_of_every_proposal(salt: str) -> str:
    return aliased(
        salt,
        "proposals(first: 100, state: ALL) { edges { node { discussedIn "
        "{ attendees { name } proposalsDiscussed { stageHistory { stage } } } } } }",
    )


def introspection(salt: str) -> str:
    return aliased(
        salt,
        "__schema { types { name fields { name args { name type { name ofType { name } } } "
        "type { name ofType { name ofType { name } } } } } }",
    )


DOCUMENTS: dict[str, Callable[[str], str]] = {
    "meetings ping-pong": meetings_ping_pong,
    "fragments": through_fragments,
    "inline fragments": inline_fragments,
    "proposals x attendees": attendees_of_every_proposal,
    "30 x __schema": introspection,
}


def post(document: str) -> bytes:
    body = orjson.dumps({"query": document})
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    return request("POST", "/graphql", headers, body)


def get(document: str) -> bytes:
    return request("GET", "/graphql?query=" + quote(document), [("Accept", "application/json")])


def error_codes(answer: Answer) -> list[str]:
    try:
        document: Any = answer.json()
    except orjson.JSONDecodeError:
        return []
    if not isinstance(document, dict) or document.get("data") is not None:
        return []
    return [error.get("extensions", {}).get("code") for error in document.get("errors", [])]


def refused(answer: Answer, request_line: int) -> bool:
    """Refused as the contract allows: for its cost (unrun); shed because the GraphQL
    worker is busy (503, `TIME_BUDGET_EXCEEDED`, `Retry-After`); or, for a GET whose
    request line is over the server's 8 KiB, a 414 problem."""
    if answer.status == 200:
        return "QUERY_COST_EXCEEDED" in error_codes(answer)
    if answer.status == 503:
        shed = "TIME_BUDGET_EXCEEDED" in error_codes(answer)
        return shed and answer.header("retry-after") is not None
    return answer.status == 414 and request_line > 8192 and answer.is_problem


async def keep_asking(port: int, index: int, run: Attack, stop_at: float) -> None:
    reader, writer = await open_async(port, stranger(index))
    try:
        for number in range(MAX_PER_CONNECTION):
            if time.monotonic() > stop_at:
                break
            name = list(DOCUMENTS)[(index + number) % len(DOCUMENTS)]
            document = DOCUMENTS[name](f"c{index}n{number}")
            as_get = number % 2 == 1 and name != "30 x __schema"  # GET: the request line
            sent = get(document) if as_get else post(document)
            writer.write(sent)
            started = time.perf_counter()
            try:
                answer = await asyncio.wait_for(read_answer(reader), timeout=5)
            except (Closed, TimeoutError, OSError) as error:
                run.sent += 1
                run.wrong.append(f"{name}: no answer within 5 s ({error!r})")
                await close_quietly(writer)
                reader, writer = await open_async(port, stranger(index))
                continue
            elapsed = (time.perf_counter() - started) * 1000
            slowest = run.notes.setdefault("slowest answer ms", {})
            slowest[name] = round(max(slowest.get(name, 0.0), elapsed), 1)
            run.answered(answer.status)
            method = "GET" if as_get else "POST"
            request_line = len(sent.partition(b"\r\n")[0])
            run.expect(
                refused(answer, request_line),
                f"{name} ({method}): {answer.describe()} (want QUERY_COST_EXCEEDED)",
            )
            # A refusal is computed in milliseconds, but waits its turn behind other
            # strangers' (GraphQL work is paced): at the time budget (2 s) it is shed.
            run.expect(elapsed < SHED_MS, f"{name} ({method}): answered in {elapsed:.0f} ms")
            if (answer.header("connection") or "").lower() == "close":
                await close_quietly(writer)
                reader, writer = await open_async(port, stranger(index))
    finally:
        await close_quietly(writer)


async def test_fan_out_queries_are_refused_unrun(server: Server, attack: Any) -> None:
    with attack(f"GraphQL fan-out ({FAN_OUT_CONNECTIONS} conns, {FAN_OUT_SECONDS} s)") as run:
        stop_at = time.monotonic() + FAN_OUT_SECONDS
        await asyncio.gather(
            *(keep_asking(server.port, index, run, stop_at) for index in range(FAN_OUT_CONNECTIONS))
        )
    run.assert_harmless()


def busting_target(kind: str) -> str:
    """A request nobody asked before: a random word, on a REST list, the feed or GraphQL."""
    word = secrets.token_hex(6)
    if kind == "graphql":
        return "/graphql?query=" + quote(f'{{ proposals(search: "{word}") {{ totalCount }} }}')
    if kind == "atom":
        return f"/v1/proposals.atom?q={word}"
    return f"/v1/proposals?q={word}&state=all"


async def bust(
    port: int, index: int, run: Attack, stop_at: float, slowest: dict[str, float]
) -> None:
    reader, writer = await open_async(port, stranger(index))
    try:
        number = index
        while time.monotonic() < stop_at and run.sent < MAX_BUSTING_REQUESTS:
            kind = BUSTING_KINDS[number % len(BUSTING_KINDS)]
            number += 1
            writer.write(request("GET", busting_target(kind), [("Accept", "application/json")]))
            started = time.perf_counter()
            try:
                answer = await asyncio.wait_for(read_answer(reader), timeout=5)
                elapsed = (time.perf_counter() - started) * 1000
                slowest[kind] = round(max(slowest.get(kind, 0.0), elapsed), 1)
            except (Closed, TimeoutError, OSError) as error:
                run.wrong.append(f"connection {index}: {error!r}")
                await close_quietly(writer)
                reader, writer = await open_async(port, stranger(index))
                continue
            run.answered(answer.status)
            if answer.status == 503:
                run.expect(
                    answer.is_problem and answer.header("retry-after") is not None,
                    f"503 without problem or Retry-After: {answer.describe()}",
                )
            else:
                run.expect(answer.status == 200, f"busting request: {answer.describe()}")
            if (answer.header("connection") or "").lower() == "close":
                await close_quietly(writer)
                reader, writer = await open_async(port, stranger(index))
    finally:
        await close_quietly(writer)


async def test_cache_busting_flood_leaves_cache_hits_fast(server: Server, attack: Any) -> None:
    with attack(
        f"cache-busting flood ({BUSTING_CONNECTIONS} conns, {BUSTING_SECONDS} s)",
        refusals=frozenset({503}),
    ) as run:
        stop_at = time.monotonic() + BUSTING_SECONDS
        slowest: dict[str, float] = {}
        await asyncio.gather(
            *(bust(server.port, i, run, stop_at, slowest) for i in range(BUSTING_CONNECTIONS))
        )
        run.notes["attacker_slowest_ms"] = slowest
    run.assert_harmless()
