"""Hostile requests: what a stranger can put in one request to poison the cache for
everyone else or to crash the server.

Duplicate headers: a request carrying a deciding header twice is a 400 problem naming it.
Why it matters: the quick path (api/edge/fast_protocol.py) keeps the last of two headers and
Starlette reads the first, so a request with `Accept: text/csv` then `Accept:
application/json` could be rendered as one and cached as the other, and every later
client asking for JSON would get CSV. Each route is attacked with each duplicated header
(both orders), on a fresh connection (the quick parser reads it), on a connection that
already made a request, and split in two writes (the quick parser holds the first part);
then ordinary clients must get what they asked for (JSON for JSON, compact unless curl,
links to their own Host, their own encoding).

Inputs that used to crash: oversized integers, deep nesting, lone surrogates, floods of
distinct long paths, upgrade requests, bytes HTTP does not allow. Every answer is a 4xx
problem (`application/problem+json`) or an ordinary answer; never a 5xx, never a
connection closed without an answer, never a traceback in the log.
"""

from __future__ import annotations

import gzip
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import quote

import brotli

from tests.attacks.harness import Attack, Server
from tests.attacks.probe import PATHS
from tests.attacks.wire import Answer, Closed, Raw, request, stranger

ROUTES = (
    "/",
    "/v1/proposals",
    "/v1/proposals/15",
    "/v1/proposals.atom",
    "/v1/meetings",
    "/v1/meetings/2025-04-16",
    "/v1/meetings.ics",
    "/v1/meetings/next",
    "/v1/members",
    "/v1/status",
    "/openapi.json",
    "/docs",
    "/widget.js",
    PATHS["graphql"],
)
EVIL = "evil.example"
MODES = ("fresh connection", "second request", "split in two writes")
DUPLICATES_SECONDS = 25.0  # the whole attack's bound (it takes a few seconds)


def victims(port: int) -> dict[str, list[tuple[str, str]]]:
    """Ordinary clients, each with its own Host: a dashboard asking for JSON, a browser,
    curl (which gets indented JSON)."""
    host = ("Host", f"127.0.0.1:{port}")
    return {
        "json": [
            host,
            ("Accept", "application/json"),
            ("Accept-Encoding", "identity"),
            ("User-Agent", "dashboard/1.0"),
        ],
        "browser": [
            host,
            ("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
            ("Accept-Encoding", "gzip, deflate, br"),
            (
                "User-Agent",
                "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0",
            ),
        ],
        "curl": [host, ("Accept", "*/*"), ("User-Agent", "curl/8.5.0")],
    }


def duplicates(port: int) -> list[tuple[str, str, str]]:
    """(header, first value, second value): one value is the dashboard's own (or harmless),
    the other what would poison it; both orders unless the two are the same."""
    pairs = [
        ("Host", EVIL, f"127.0.0.1:{port}"),
        ("Accept", "text/csv", "application/json"),
        ("Accept-Encoding", "br", "identity"),
        ("User-Agent", "curl/8.5.0", "dashboard/1.0"),
        ("If-None-Match", "*", '"nothing"'),
        ("If-Modified-Since", "Fri, 01 Jan 2100 00:00:00 GMT", "Sat, 01 Jan 2000 00:00:00 GMT"),
        ("Origin", f"https://{EVIL}", "https://almalinux.org"),
        ("Content-Type", "text/csv", "application/json"),
        ("Content-Length", "0", "0"),
        ("Transfer-Encoding", "chunked", "chunked"),
        ("X-Forwarded-Proto", "https", "http"),
        ("X-Request-ID", "attack-first", "attack-second"),
        ("Expect", "100-continue", "100-continue"),
    ]
    both = [(name, b, a) for name, a, b in pairs if a != b]
    return pairs + both


def attack_request(port: int, route: str, name: str, first: str, second: str) -> bytes:
    """The dashboard's request, with `name` sent twice."""
    headers = [(h, v) for h, v in victims(port)["json"] if h.lower() != name.lower()]
    headers += [(name, first), (name, second)]
    body = b"0\r\n\r\n" if name == "Transfer-Encoding" else b""
    return request("GET", route, headers, body, host=None)


def decoded(answer: Answer) -> bytes:
    encoding = (answer.header("content-encoding") or "").lower()
    if encoding == "gzip":
        return gzip.decompress(answer.body)
    if encoding == "br":
        return bytes(brotli.decompress(answer.body))
    return answer.body


# What each route is, for every ordinary client; the rest is JSON.
TYPES = {
    "/v1/proposals.atom": "application/atom+xml",
    "/v1/meetings.ics": "text/calendar",
    "/docs": "text/html",
    "/widget.js": "text/javascript",
}
FORGED = (EVIL.encode(), b"https://127.0.0.1", b"attack-first", b"attack-second")


def poisoned(port: int, route: str, client: str, answer: Answer) -> list[str]:
    """What is wrong in an ordinary client's answer: what a poisoned cache would change.

    Judged by what the answer must be, not by comparing with an answer from before the
    attack: asking before would fill the cache, and the attack could poison nothing."""
    wrong = []
    if answer.status != 200:
        return [f"HTTP {answer.status}"]
    encoding = answer.header("content-encoding")
    if client != "browser" and encoding is not None:
        wrong.append(f"content-encoding {encoding} (it accepts none)")
    body = decoded(answer)
    expected = TYPES.get(route, "application/json")
    if answer.content_type != expected and not (
        route.startswith("/graphql") and client == "browser"
    ):
        wrong.append(f"content-type {answer.content_type} (want {expected})")
    if answer.content_type == "application/json" and route not in ("/openapi.json", ROUTES[-1]):
        indented = body.startswith(b"{\n")
        if indented != (client == "curl"):
            wrong.append("indented JSON" if indented else "compact JSON for curl")
    seen = body + repr(answer.headers).encode()
    wrong.extend(f"says {forged.decode()!r}" for forged in FORGED if forged in seen)
    if route == "/" and f"http://127.0.0.1:{port}/v1/proposals".encode() not in body:
        wrong.append("its links do not point at its own Host")
    return wrong


def check_victims(port: int, routes: tuple[str, ...]) -> list[str]:
    found = []
    for route in routes:
        for client, headers in victims(port).items():
            with Raw(port, "127.0.0.1") as connection:
                answer = connection.exchange(request("GET", route, headers, host=None))
            if wrong := poisoned(port, route, client, answer):
                found.append(f"POISONED: {client} client on {route[:40]}: {', '.join(wrong)}")
    return found


def send_attack(port: int, mode: str, number: int, route: str, data: bytes, name: str) -> Answer:
    with Raw(port, stranger(number), timeout=3) as connection:
        if mode == "second request":  # after a request that fills no cache entry
            connection.exchange(request("GET", "/healthz"))
            connection.send(data)
        elif mode == "split in two writes":
            # Cut inside the second of the two header lines.
            second = data.index(f"\r\n{name}:".encode(), data.index(f"\r\n{name}:".encode()) + 2)
            connection.send_in_parts(data, second + 4)
        else:
            connection.send(data)
        return connection.answer()


def check_refusal(answer: Answer, name: str) -> bool:
    if answer.status != 400 or not answer.is_problem:
        return False
    problem = answer.json()
    detail = str(problem.get("detail", "")) if isinstance(problem, dict) else ""
    return name.lower() in detail.lower()


def test_duplicate_headers_are_refused_and_poison_nobody(server: Server, attack: Any) -> None:
    port = server.port
    with attack("duplicate headers, 14 routes x 3 ways") as run:
        stop_at = time.monotonic() + DUPLICATES_SECONDS
        for route in ROUTES:
            cases = [(mode, *pair) for mode in MODES for pair in duplicates(port)]
            for mode, name, first, second in cases:
                if time.monotonic() > stop_at:
                    break
                data = attack_request(port, route, name, first, second)
                where = f"{mode}, {route[:30]}, {name}: {first!r} then {second!r}"
                try:
                    answer = send_attack(port, mode, run.sent, route, data, name)
                except (Closed, OSError) as error:
                    run.sent += 1
                    run.wrong.append(f"{where}: no answer ({error!r})")
                    continue
                run.answered(answer.status)
                run.expect(
                    check_refusal(answer, name),
                    f"{where}: {answer.describe()} (want a 400 problem naming {name})",
                )
            run.wrong.extend(check_victims(port, (route,)))
        run.expect(time.monotonic() <= stop_at, f"stopped at {DUPLICATES_SECONDS} s, unfinished")
        run.wrong.extend(check_victims(port, ROUTES))
        poisoned = [problem for problem in run.wrong if problem.startswith("POISONED")]
        run.notes["poisoned"] = len(poisoned)
        run.wrong = poisoned + [problem for problem in run.wrong if problem not in poisoned]
    run.assert_harmless()


GRAPHQL_JSON = [("Content-Type", "application/json"), ("Accept", "application/json")]
STATUS_QUERY = "query A { status { dataVersion } }"
HUGE = "9" * 5000


def post_json(path: str, text: bytes) -> bytes:
    """A POST of `text`, sent as is (JSON libraries would refuse to write some of it)."""
    headers = [*GRAPHQL_JSON, ("Content-Length", str(len(text)))]
    return request("POST", path, headers, text)


def graphql_get(**parameters: str) -> bytes:
    query = "&".join(f"{name}={quote(value)}" for name, value in parameters.items())
    return request("GET", f"/graphql?{query}", [("Accept", "application/json")])


def acceptable(answer: Answer) -> str | None:
    """What is wrong with an answer to a hostile request, if anything."""
    if answer.status >= 500:
        return f"5xx: {answer.describe()}"
    if answer.status >= 400 and not answer.is_problem:
        return f"4xx that is no problem: {answer.describe()}"
    if answer.status in (101, 426) or answer.header("upgrade"):
        return f"an upgrade answer: {answer.describe()}"
    return None


def send_all(server: Server, run: Attack, cases: dict[str, bytes], seconds: float = 0.8) -> None:
    """Each case on a connection of its own, a few at a time (a case the server holds
    until a timeout costs one worker, not the whole run); all cases again and again for
    `seconds` (the probe needs the time to measure), at least once, at most 500 times."""

    def one(item: tuple[int, str, bytes]) -> tuple[str, Answer | str, float]:
        number, name, data = item
        started = time.perf_counter()
        try:
            with Raw(server.port, stranger(number), timeout=5) as connection:
                answer: Answer | str = connection.exchange(data)
        except (Closed, OSError) as error:
            answer = f"no answer ({error!r})"
        return name, answer, (time.perf_counter() - started) * 1000

    work = [(number, name, data) for number, (name, data) in enumerate(cases.items())]
    answers: dict[str, list[int]] = run.notes.setdefault("answers", {})
    slowest: dict[str, float] = run.notes.setdefault("slowest answer ms", {})
    stop_at = time.monotonic() + seconds
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(500):
            for name, answer, milliseconds in pool.map(one, work):
                slowest[name] = round(max(slowest.get(name, 0.0), milliseconds), 1)
                if isinstance(answer, str):
                    run.sent += 1
                    run.wrong.append(f"{name}: {answer}")
                    continue
                run.answered(answer.status)
                if problem := acceptable(answer):
                    run.wrong.append(f"{name}: {problem}")
                if answer.status not in answers.setdefault(name, []):
                    answers[name].append(answer.status)
            if time.monotonic() > stop_at:
                return


def test_huge_integers_in_variables(server: Server, attack: Any) -> None:
    query = "query($n: Int) { proposals(first: $n) { totalCount } }"

    def with_n(number: bytes) -> bytes:
        return b'{"query": "%s", "variables": {"n": %s}}' % (query.encode(), number)

    cases = {
        "POST, 5,000 digits": post_json("/graphql", with_n(HUGE.encode())),
        "POST, -5,000 digits": post_json("/graphql", with_n(b"-" + HUGE.encode())),
        "POST, 5,000 digits after the point": post_json("/graphql", with_n(b"1." + HUGE.encode())),
        "POST, 1e400": post_json("/graphql", with_n(b"1e400")),
        "POST, digits in the query": post_json(
            "/graphql", b'{"query": "{ proposals(first: %s) { totalCount } }"}' % HUGE.encode()
        ),
        "GET, 5,000 digits": graphql_get(query=query, variables='{"n": ' + HUGE + "}"),
        "GET, in an Int literal": graphql_get(query="{ proposal(number: " + HUGE + ") { title } }"),
        "REST limit": request("GET", "/v1/proposals?limit=" + HUGE),
        "REST number": request("GET", "/v1/proposals/" + HUGE),
    }
    with attack("5,000-digit integers") as run:
        send_all(server, run, cases)
    run.assert_harmless()


def test_deeply_nested_json(server: Server, attack: Any) -> None:
    deep_list = b"[" * 3000 + b"]" * 3000
    deep_object = b'{"a":' * 3000 + b"1" + b"}" * 3000
    status = STATUS_QUERY.encode()
    cases = {
        "variables, lists": post_json(
            "/graphql", b'{"query": "%s", "variables": {"v": %s}}' % (status, deep_list)
        ),
        "extensions, objects": post_json(
            "/graphql", b'{"query": "%s", "extensions": %s}' % (status, deep_object)
        ),
        "the whole body": post_json("/graphql", deep_list),
        # Brackets unescaped: escaped, 3,000 deep is over the request line limit (a 414).
        "GET variables": request(
            "GET",
            "/graphql?query=" + quote(STATUS_QUERY) + "&variables=" + deep_list.decode(),
            [("Accept", "application/json")],
        ),
        "query nested 3,000 deep": post_json(
            "/graphql", b'{"query": "%s"}' % (b"{ a " * 3000 + b"}" * 3000)
        ),
        "webhook body": post_json("/webhooks/github", deep_object),
    }
    with attack("JSON nested 3,000 deep") as run:
        send_all(server, run, cases)
    run.assert_harmless()


def test_lone_surrogates(server: Server, attack: Any) -> None:
    status = STATUS_QUERY.encode()
    cases = {
        "operationName": post_json(
            "/graphql", b'{"query": "%s", "operationName": "\\ud800"}' % status
        ),
        "operationName, low half": post_json(
            "/graphql", b'{"query": "%s", "operationName": "\\udfff"}' % status
        ),
        "a variable's name": post_json(
            "/graphql", b'{"query": "%s", "variables": {"\\ud800": 1}}' % status
        ),
        "inside the query": post_json(
            "/graphql", b'{"query": "{ proposals(search: \\"\\ud800\\") { totalCount } }"}'
        ),
        "as a field name": post_json("/graphql", b'{"query": "{ \\ud800 }"}'),
        "GET operationName, UTF-8 of a surrogate": request(
            "GET", "/graphql?query=" + quote(STATUS_QUERY) + "&operationName=%ED%A0%80"
        ),
        "GET query, UTF-8 of a surrogate": request(
            "GET", "/graphql?query=%7B%20%ED%A0%80%20%7D", [("Accept", "application/json")]
        ),
        "REST q": request("GET", "/v1/proposals?q=%ED%A0%80"),
    }
    with attack("lone surrogates") as run:
        send_all(server, run, cases)
    run.assert_harmless()


def test_flood_of_long_distinct_paths(server: Server, attack: Any) -> None:
    """5,000 distinct 7 KB paths (under the request line limit: 404s) over keep-alive
    connections, and 60 KB ones (over it: 414s); memory must not keep them."""
    seconds, most, workers = 3.0, 5000, 4
    lock = threading.Lock()

    def flood(worker: int, run: Attack, stop_at: float, size: int, refused: int) -> None:
        connection: Raw | None = None
        try:
            while time.monotonic() < stop_at:
                with lock:
                    if run.sent >= most:
                        return
                    run.sent += 1
                if connection is None:
                    connection = Raw(server.port, stranger(worker), timeout=5)
                path = "/" + secrets.token_hex(size // 2)
                try:
                    answer = connection.exchange(request("GET", path))
                except (Closed, OSError) as error:
                    run.wrong.append(f"{size}-byte path: no answer ({error!r})")
                    connection.close()
                    connection = None
                    continue
                with lock:
                    run.statuses[answer.status] += 1
                if problem := acceptable(answer):
                    run.wrong.append(f"{size}-byte path: {problem}")
                elif answer.status not in (404, refused):
                    run.wrong.append(f"{size}-byte path: {answer.describe()}")
                if answer.status != 404 or answer.header("connection") == "close":
                    connection.close()
                    connection = None
        finally:
            if connection is not None:
                connection.close()

    with attack("404 flood, 5,000 distinct 7 KB paths") as run:
        stop_at = time.monotonic() + seconds
        threads = [
            threading.Thread(target=flood, args=(n, run, stop_at, 7000, 404))
            for n in range(workers)
        ]
        threads.append(threading.Thread(target=flood, args=(9, run, stop_at, 60_000, 414)))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=seconds + 10)
        run.notes["MB of paths sent"] = round(
            (run.statuses[404] * 7000 + run.statuses[414] * 60_000) / 1e6, 1
        )
    run.assert_harmless()


def test_upgrade_requests_get_ordinary_answers(server: Server, attack: Any) -> None:
    websocket = [
        ("Connection", "Upgrade"),
        ("Upgrade", "websocket"),
        ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
        ("Sec-WebSocket-Version", "13"),
    ]
    cases = {}
    for path in ("/", "/v1/proposals", "/healthz", "/graphql", "/no/such/route"):
        cases[f"websocket {path}"] = request("GET", path, websocket)
        cases[f"h2c {path}"] = request(
            "GET",
            path,
            [("Connection", "Upgrade, HTTP2-Settings"), ("Upgrade", "h2c"), ("HTTP2-Settings", "")],
        )
    for protocol in ("graphql-transport-ws", "graphql-ws"):
        cases[f"websocket /graphql {protocol}"] = request(
            "GET", "/graphql", [*websocket, ("Sec-WebSocket-Protocol", protocol)]
        )
    cases["websocket, version 8"] = request(
        "GET", "/graphql", [*websocket[:3], ("Sec-WebSocket-Version", "8")]
    )
    with attack("Upgrade: websocket / h2c") as run:
        send_all(server, run, cases)
        for name, statuses in run.notes.get("answers", {}).items():
            run.expect(101 not in statuses, f"{name}: switched protocols")
    run.assert_harmless()


def test_bytes_http_does_not_allow(server: Server, attack: Any) -> None:
    line = b"GET /v1/proposals HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    post = b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    cases = {
        "path \\xff": b"GET /v1/proposals/\xff HTTP/1.1\r\nHost: a\r\n\r\n",
        "path NUL": b"GET /v1/\x00 HTTP/1.1\r\nHost: a\r\n\r\n",
        "path %00": request("GET", "/v1/meetings/%00"),
        "path %ff": request("GET", "/v1/proposals/%ff"),
        "path overlong %c0%af": request("GET", "/v1/%c0%af%c0%af/proposals"),
        "path with a space": b"GET /v1/ proposals HTTP/1.1\r\nHost: a\r\n\r\n",
        "path ..": request("GET", "/v1/../../../etc/passwd"),
        "query %ff": request("GET", "/v1/proposals?q=%ff%fe"),
        "query \\xff": b"GET /v1/proposals?q=\xff HTTP/1.1\r\nHost: a\r\n\r\n",
        "query key %00": request("GET", "/v1/proposals?%00=1"),
        "header value NUL": line + b"X-A: a\x00b\r\n\r\n",
        "header value DEL": line + b"X-A: a\x7fb\r\n\r\n",
        "header value \\xff": line + b"User-Agent: \xff\xfe\r\n\r\n",
        "User-Agent bad UTF-8": line + b"User-Agent: \xc3\x28\r\n\r\n",
        "header name with a space": line + b"Bad Name: x\r\n\r\n",
        "header name (": line + b"X(: 1\r\n\r\n",
        "header without colon": line + b"NoColon\r\n\r\n",
        "obs-fold": line + b"X-A: 1\r\n  folded\r\n\r\n",
        "bare LF": b"GET /v1/proposals HTTP/1.1\nHost: a\n\n",
        "bare CR": b"GET /v1/proposals HTTP/1.1\rHost: a\r\r\n\r\n",
        "Host \\xff": b"GET / HTTP/1.1\r\nHost: \xff\xfe\r\n\r\n",
        "Host with a path": b"GET / HTTP/1.1\r\nHost: a/b?c#d\r\n\r\n",
        "X-Request-ID \\xff": line + b"X-Request-ID: \xff\x01\r\n\r\n",
        "If-None-Match junk": line + b'If-None-Match: "\xff, W/\r\n\r\n',
        "If-Modified-Since junk": line + b"If-Modified-Since: Mon, 99 Foo 99999 99:99\r\n\r\n",
        "Accept junk": line + b"Accept: ;;;q=abc, */*;q=nan\r\n\r\n",
        "Accept-Encoding junk": line + b"Accept-Encoding: br;q=1e999, gzip;q=-1\r\n\r\n",
        "Range junk": line + b"Range: bytes=abc-\r\n\r\n",
        "X-Forwarded-Proto junk": line + b"X-Forwarded-Proto: \xff://\r\n\r\n",
        "Content-Length junk": post + b"Content-Length: 1e3\r\n\r\n",
        "Content-Length negative": post + b"Content-Length: -1\r\n\r\n",
        "Transfer-Encoding junk": post + b"Transfer-Encoding: gzip, chunked, x\r\n\r\n0\r\n\r\n",
        "absolute-form target": b"GET http://evil.example/v1/proposals HTTP/1.1\r\nHost: a\r\n\r\n",
        "asterisk target": b"OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
        "CONNECT": b"CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n",
        "unknown method": b"BREW /v1/proposals HTTP/1.1\r\nHost: a\r\n\r\n",
        "lower-case method": b"get /v1/proposals HTTP/1.1\r\nHost: a\r\n\r\n",
        "HTTP/1.2": b"GET /v1/proposals HTTP/1.2\r\nHost: a\r\n\r\n",
        "HTTP/9.9": b"GET /v1/proposals HTTP/9.9\r\nHost: a\r\n\r\n",
        "HTTP/1.0, no Host": b"GET /v1/proposals HTTP/1.0\r\n\r\n",
        "no version": b"GET /v1/proposals\r\nHost: a\r\n\r\n",
        "TLS hello": b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 40,
        "binary junk": bytes(range(256)) * 4,
    }
    with attack("bytes HTTP does not allow (43 kinds)") as run:
        send_all(server, run, cases)
    run.assert_harmless()
