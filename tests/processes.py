"""Run `alesco` as users do, in subprocesses: one-shot commands, and `serve` on a free port
until a block ends (its output kept in a log file beside the test's files)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

# Start-up is a second or two; a loaded 2-core machine (CI beside other work) has been
# seen to take over 30 s just importing. Readiness is polled, so a long bound costs nothing.
READY_TIMEOUT_SECONDS = 120


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def alesco(*arguments: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "alesco.cli", *arguments],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@dataclass(frozen=True)
class Served:
    """A running `alesco serve`: where it answers, its process and its log file."""

    base: str
    process: subprocess.Popen[bytes]
    log: Path


@contextmanager
def serving(
    *arguments: str, env: dict[str, str], cwd: Path, log_level: str = "info"
) -> Iterator[str]:
    """`alesco serve` on a free port until the block ends; its output goes to a log file."""
    with serving_process(*arguments, env=env, cwd=cwd, log_level=log_level) as served:
        yield served.base


@contextmanager
def serving_process(
    *arguments: str, env: dict[str, str], cwd: Path, log_level: str = "info"
) -> Iterator[Served]:
    """`serving`, telling also the process (its PID, for memory) and the log file."""
    port = free_port()
    log = cwd / f"serve-{port}.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "alesco.cli",
                "--log-level",
                log_level,
                "serve",
                "--port",
                str(port),
                *arguments,
            ],
            env=env,
            cwd=cwd,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while True:
            if process.poll() is not None:
                raise AssertionError(f"serve exited: {log.read_text()}")
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"serve not ready within {READY_TIMEOUT_SECONDS} s: {log.read_text()}"
                )
            time.sleep(0.1)
        yield Served(base, process, log)
    finally:
        process.terminate()
        process.wait(timeout=10)


def base_env(**extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("ALESCO_") and k != "GITHUB_TOKEN"
    }
    env.update(extra)
    return env
