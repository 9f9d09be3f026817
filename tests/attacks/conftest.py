"""One `alesco serve --no-ingest` per module (temp SQLite file, bundled snapshot, short
timeouts so that waiting them out is quick), attacked over loopback while a probe measures
an ordinary client's latency; the figures of every attack are printed at the end of the
session, and written as JSON to `$ALESCO_ATTACK_FIGURES` when it is set."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.attacks.harness import Attack, Server, measuring, table
from tests.processes import base_env, serving_process

FIGURES = pytest.StashKey[list[dict[str, Any]]]()
# Seconds: a head must arrive whole in HEADER_TIMEOUT, a body in BODY_TIMEOUT.
HEADER_TIMEOUT = 2.0
BODY_TIMEOUT = 2.0
KEEPALIVE_TIMEOUT = 5.0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    cwd = tmp_path_factory.mktemp("attacks")
    env = base_env(
        DATABASE_URL=f"sqlite:///{cwd / 'alesco.db'}",
        ALESCO_GITHUB_API_URL="http://127.0.0.1:9",  # never asked (--no-ingest); nothing there
        ALESCO_WEBHOOK_SECRET=secrets.token_hex(16),  # so that /webhooks/github exists
        ALESCO_HEADER_TIMEOUT=str(HEADER_TIMEOUT),
        ALESCO_BODY_TIMEOUT=str(BODY_TIMEOUT),
        ALESCO_KEEPALIVE_TIMEOUT=str(KEEPALIVE_TIMEOUT),
    )
    pid = None
    try:
        with serving_process("--no-ingest", env=env, cwd=cwd) as served:
            pid = served.process.pid
            yield Server.started(served)
    except subprocess.TimeoutExpired:
        # A server that does not stop within 10 s of SIGTERM is not left behind.
        if pid is not None:
            os.kill(pid, signal.SIGKILL)
        raise


@pytest.fixture(scope="session")
def figures(request: pytest.FixtureRequest) -> list[dict[str, Any]]:
    return request.config.stash.setdefault(FIGURES, [])


@pytest.fixture
def attack(server: Server, figures: list[dict[str, Any]]) -> Callable[..., Any]:
    """`with attack("name") as run:` measures the block and records its figures."""

    def start(name: str, refusals: frozenset[int] = frozenset()) -> Any:
        return measuring(server, figures, Attack(name, refusals))

    return start


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    found = config.stash.get(FIGURES, [])
    if not found:
        return
    terminalreporter.write_sep("=", "attack figures (probe latency while each attack ran)")
    for line in table(found):
        terminalreporter.write_line(line)
    if target := os.environ.get("ALESCO_ATTACK_FIGURES"):
        Path(target).write_bytes(orjson.dumps(found, option=orjson.OPT_INDENT_2))
        terminalreporter.write_line(f"figures written to {target}")
