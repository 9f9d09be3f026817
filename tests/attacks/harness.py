"""The measuring side of the attack suite: the served process, a probe that keeps asking it
as an ordinary client would while an attack runs, its memory sampled meanwhile, and the
figures (and verdict) each attack leaves.

What every attack must leave intact: the probe's p99 under `P99_LIMIT_MS`, no 5xx to
anyone, the server's RSS under `RSS_LIMIT_MB`, the probe's answers right (the same ETag as
before the attack), the server answering normally afterwards, and no traceback or ERROR
line in its log.
"""

from __future__ import annotations

import http.client
import math
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson

from tests.attacks.probe import PATHS, get, judge
from tests.attacks.probe import TIMEOUT as PROBE_TIMEOUT
from tests.processes import Served

P99_LIMIT_MS = 50.0
RSS_LIMIT_MB = 300.0
ROOT = Path(__file__).parent.parent.parent
ERROR_LINE = re.compile(r'"level"\s*:\s*"(error|critical)"', re.IGNORECASE)
SHOWN = 12  # problems of each kind shown in a failure message


@dataclass
class Server:
    """The `alesco serve` under attack."""

    served: Served
    port: int
    baseline: dict[str, str]  # ETag of each probe path (the uncached one: "")

    @classmethod
    def started(cls, served: Served) -> Server:
        port = urlsplit(served.base).port
        assert port is not None
        baseline = {}
        for kind, path in PATHS.items():
            status, etag, body = get(port, path)
            assert status == 200, (path, status, body[:200])
            baseline[kind] = etag
        return cls(served, port, baseline)

    @property
    def pid(self) -> int:
        return self.served.process.pid

    @property
    def log(self) -> Path:
        return self.served.log

    def log_size(self) -> int:
        return self.log.stat().st_size

    def log_problems(self, offset: int) -> list[str]:
        """Tracebacks and ERROR lines logged since `offset`."""
        with self.log.open("rb") as log:
            log.seek(offset)
            lines = log.read().decode(errors="replace").splitlines()
        return [shorten(line) for line in lines if "Traceback" in line or ERROR_LINE.search(line)]

    def rss_mb(self) -> float | None:
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
        except OSError:
            return None
        found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        return int(found.group(1)) / 1024 if found else None

    def settle(self, most: float = 10.0) -> float:
        """Wait (at most `most` seconds) until the server answers at once, as it does when
        idle: an earlier attack that left it busy is not blamed on the next. How long."""
        started = time.monotonic()
        while time.monotonic() - started < most and self.served.process.poll() is None:
            asked = time.monotonic()
            try:
                if (
                    get(self.port, "/healthz", timeout=1)[0] == 200
                    and time.monotonic() - asked < 0.05
                ):
                    break
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.05)
        return time.monotonic() - started

    def answers_normally(self) -> list[str]:
        """What is wrong when an ordinary client comes along after the attack."""
        if self.served.process.poll() is not None:
            return [f"the server exited with {self.served.process.returncode}"]
        problems = []
        for kind, path in {**PATHS, "ready": "/readyz"}.items():
            try:
                status, etag, body = get(self.port, path, timeout=3)
            except (OSError, http.client.HTTPException) as error:
                problems.append(f"after the attack, {path}: {error!r}")
                break  # one unanswered is enough: no need to wait for each
            if kind == "ready":
                if status != 200:
                    problems.append(f"after the attack, /readyz: HTTP {status}")
            elif wrong := judge(kind, status, etag, body, self.baseline):
                problems.append(f"after the attack, {wrong}")
        return problems


def shorten(line: str) -> str:
    """A log line, short: its event, and the end of its traceback (where it failed)."""
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError:
        return line[:400]
    if not isinstance(record, dict):
        return line[:400]
    exception = str(record.get("exception", ""))
    return f"{record.get('level')} {record.get('event')!r}: ...{exception[-600:]!r}"


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


class Probe:
    """`tests.attacks.probe` in a process of its own while the block runs: an ordinary
    client's latency, status and answers, every ~15 ms (its docstring says why a process)."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.samples: list[tuple[str, float, int | None, float, bool]] = []
        self.wrong: list[str] = []
        self._process: subprocess.Popen[str] | None = None

    def __enter__(self) -> Probe:
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.attacks.probe",
                str(self.server.port),
                orjson.dumps(self.server.baseline).decode(),
            ],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        ready = self._process.stdout.readline()  # the probe bounds its own time
        if ready.strip() != "ready":
            self._finish()
            raise AssertionError(f"the probe did not start: {ready!r}")
        return self

    def __exit__(self, *_: object) -> None:
        self._finish()

    def _finish(self) -> None:
        process = self._process
        if process is None:
            return
        self._process = None
        try:
            output, _ = process.communicate("stop\n", timeout=PROBE_TIMEOUT + 10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            self.wrong.append("the probe did not stop when told")
            return
        lines = output.strip().splitlines()
        if process.returncode != 0 or not lines:
            self.wrong.append(f"the probe failed ({process.returncode}): {output[-300:]!r}")
            return
        result = orjson.loads(lines[-1])
        self.samples = [tuple(sample) for sample in result["samples"]]
        self.wrong = result["wrong"]

    def summary(self) -> dict[str, Any]:
        latencies = [sample[1] for sample in self.samples]
        slowest = sorted(self.samples, key=lambda sample: -sample[1])[:3]
        return {
            "count": len(latencies),
            "p50_ms": round(percentile(latencies, 0.50), 2),
            "p99_ms": round(percentile(latencies, 0.99), 2),
            "max_ms": round(max(latencies, default=0.0), 2),
            "errors_5xx": sum(1 for s in self.samples if s[2] is not None and s[2] >= 500),
            "connection_errors": sum(1 for s in self.samples if s[2] is None),
            "p99_ms_by_kind": {
                kind: round(percentile([s[1] for s in self.samples if s[0] == kind], 0.99), 2)
                for kind in PATHS
            },
            "slowest": [
                f"{kind} {ms:.0f} ms at {at:.2f} s" + (" (new connection)" if fresh else "")
                for kind, ms, _, at, fresh in slowest
            ],
        }


class RssSampler:
    """The server's resident memory every `interval` while the block runs: its peak."""

    def __init__(self, server: Server, interval: float = 0.05, max_seconds: float = 60):
        self.server = server
        self.interval = interval
        self.max_seconds = max_seconds
        self.before = server.rss_mb() or 0.0
        self.peak = self.before
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss", daemon=True)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._sample()

    def _sample(self) -> None:
        rss = self.server.rss_mb()
        if rss is not None:
            self.peak = max(self.peak, rss)

    def _run(self) -> None:
        stop_at = time.monotonic() + self.max_seconds
        while not self._stop.wait(self.interval) and time.monotonic() < stop_at:
            self._sample()


@dataclass
class Attack:
    """What one attack did and saw: the attacker's side (filled by the test) and, once it
    is over, the probe's, the server's memory and anything else it broke."""

    name: str
    refusals: frozenset[int] = frozenset()  # statuses the attacker may get (503: load shed)
    sent: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    wrong: list[str] = field(default_factory=list)  # the contract, broken: described
    notes: dict[str, Any] = field(default_factory=dict)
    probe: dict[str, Any] = field(default_factory=dict)
    probe_wrong: list[str] = field(default_factory=list)
    rss_before_mb: float = 0.0
    peak_rss_mb: float = 0.0
    after: list[str] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    log_path: Path | None = None
    seconds: float = 0.0

    def answered(self, status: int) -> None:
        self.sent += 1
        self.statuses[status] += 1

    def expect(self, holds: bool, description: str) -> None:
        if not holds:
            self.wrong.append(description)

    @property
    def attacker_5xx(self) -> int:
        return sum(n for s, n in self.statuses.items() if s >= 500 and s not in self.refusals)

    @property
    def refused(self) -> int:
        return sum(n for s, n in self.statuses.items() if s in self.refusals)

    def figure(self) -> dict[str, Any]:
        return {
            "attack": self.name,
            "probe_requests": self.probe.get("count", 0),
            "probe_p50_ms": self.probe.get("p50_ms"),
            "probe_p99_ms": self.probe.get("p99_ms"),
            "probe_max_ms": self.probe.get("max_ms"),
            "probe_p99_ms_by_kind": self.probe.get("p99_ms_by_kind"),
            "probe_slowest": self.probe.get("slowest"),
            "probe_5xx": self.probe.get("errors_5xx", 0),
            "probe_connection_errors": self.probe.get("connection_errors", 0),
            "attacker_requests": self.sent,
            "attacker_refused": self.refused,
            "attacker_5xx": self.attacker_5xx,
            "attacker_statuses": {str(s): n for s, n in sorted(self.statuses.items())},
            "rss_before_mb": round(self.rss_before_mb, 1),
            "peak_rss_mb": round(self.peak_rss_mb, 1),
            "contract_violations": len(self.wrong),
            "log_problems": len(self.log),
            "seconds": round(self.seconds, 2),
            **self.notes,
        }

    def problems(self) -> list[str]:
        """Everything this attack broke, or that broke under it."""
        found: list[str] = []

        def some(title: str, items: list[str]) -> None:
            if items:
                more = f" (and {len(items) - SHOWN} more)" if len(items) > SHOWN else ""
                found.append(f"{title}: {len(items)}{more}")
                found.extend(f"    {item}" for item in items[:SHOWN])

        some("contract broken", self.wrong)
        p99 = self.probe.get("p99_ms", 0.0)
        if p99 >= P99_LIMIT_MS:
            found.append(
                f"probe p99 {p99} ms >= {P99_LIMIT_MS} ms "
                f"(by kind {self.probe.get('p99_ms_by_kind')}; slowest {self.probe.get('slowest')})"
            )
        if self.probe.get("errors_5xx"):
            found.append(f"probe got {self.probe['errors_5xx']} 5xx")
        if self.attacker_5xx:
            found.append(f"attacker got {self.attacker_5xx} 5xx: {dict(self.statuses)}")
        some("probe answered wrongly", self.probe_wrong)
        if self.peak_rss_mb >= RSS_LIMIT_MB:
            found.append(f"server RSS peaked at {self.peak_rss_mb:.0f} MB >= {RSS_LIMIT_MB} MB")
        some("afterwards", self.after)
        some(f"server log ({self.log_path})", self.log)
        return found

    def assert_harmless(self) -> None:
        """The contract held and nothing was harmed (one message listing all that was not)."""
        problems = self.problems()
        assert not problems, f"{self.name}:\n" + "\n".join(problems)


@contextmanager
def measuring(server: Server, figures: list[dict[str, Any]], attack: Attack) -> Iterator[Attack]:
    """Probe and sample the server while the block attacks it; then ask it as an ordinary
    client, read its log, and record the attack's figures."""
    if (waited := server.settle()) > 0.5:
        attack.notes["waited for the server to settle (s)"] = round(waited, 1)
    offset = server.log_size()
    started = time.monotonic()
    rss, probe = RssSampler(server), Probe(server)
    attack.rss_before_mb = rss.before
    try:
        with rss, probe:
            yield attack
    finally:
        attack.seconds = time.monotonic() - started
        attack.probe = probe.summary()
        attack.probe_wrong = probe.wrong
        attack.peak_rss_mb = rss.peak
        attack.after = server.answers_normally()
        attack.log = server.log_problems(offset)
        attack.log_path = server.log
        figures.append(attack.figure())


COLUMNS = (
    ("attack", "attack", 44),
    ("probe_requests", "probe n", 7),
    ("probe_p50_ms", "p50 ms", 7),
    ("probe_p99_ms", "p99 ms", 8),
    ("probe_max_ms", "max ms", 8),
    ("probe_5xx", "p 5xx", 5),
    ("probe_connection_errors", "p conn", 6),
    ("attacker_requests", "atk n", 7),
    ("attacker_refused", "503s", 5),
    ("attacker_5xx", "a 5xx", 5),
    ("peak_rss_mb", "RSS MB", 7),
    ("contract_violations", "broken", 6),
    ("log_problems", "log", 4),
    ("seconds", "s", 5),
)


def table(figures: list[dict[str, Any]]) -> list[str]:
    """The figures as a plain text table, one attack a line."""
    header = " ".join(
        title.rjust(width) if i else title.ljust(width)
        for i, (_, title, width) in enumerate(COLUMNS)
    )
    lines = [header, "-" * len(header)]
    for figure in figures:
        cells = []
        for i, (key, _, width) in enumerate(COLUMNS):
            value = figure.get(key)
            text = "-" if value is None else str(value)
            cells.append(text[:width].ljust(width) if i == 0 else text.rjust(width))
        lines.append(" ".join(cells))
    return lines
