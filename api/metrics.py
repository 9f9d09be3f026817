"""Prometheus metrics for `/metrics`.

Two kinds. This process's HTTP traffic: requests by route template, method and status,
and their latency. And the service's sync history, read from the shared database at each
scrape, so every replica reports the same: sync runs by source and outcome, the upstream
requests they made and how many were answered 304, the age of each source's data, the
data version; and this process's edge cache hits and misses.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator
from datetime import datetime
from itertools import accumulate

from prometheus_client import CollectorRegistry
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from alesco.read.read_model import ReadModel
from alesco.storage.sync_runs import RunTotals

# Most answers come from the edge cache in well under a millisecond; syncs never block one.
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class SyncCollector(Collector):
    """What the database says about syncs, as of the totals the scrape just read."""

    def __init__(
        self,
        model: Callable[[], ReadModel],
        clock: Callable[[], datetime],
        cache_counts: Callable[[], tuple[int, int]],
    ) -> None:
        self._model = model
        self._clock = clock
        self._cache_counts = cache_counts
        self.totals: list[RunTotals] = []

    def collect(self) -> Iterator[Metric]:
        runs = CounterMetricFamily(
            "alesco_sync_runs", "Sync runs, by source and outcome.", labels=["source", "outcome"]
        )
        requests = CounterMetricFamily(
            "alesco_upstream_requests", "Requests to upstreams made by syncs.", labels=["source"]
        )
        not_modified = CounterMetricFamily(
            "alesco_upstream_not_modified",
            "Upstream requests answered 304 Not Modified.",
            labels=["source"],
        )
        per_source: dict[str, tuple[int, int]] = {}
        for total in self.totals:
            runs.add_metric([total.source, total.outcome], total.runs)
            made, unchanged = per_source.get(total.source, (0, 0))
            per_source[total.source] = (made + total.requests, unchanged + total.not_modified)
        for source, (made, unchanged) in sorted(per_source.items()):
            requests.add_metric([source], made)
            not_modified.add_metric([source], unchanged)
        yield from (runs, requests, not_modified)

        model, now = self._model(), self._clock()
        age = GaugeMetricFamily(
            "alesco_data_age_seconds",
            "Seconds since the data served for each source was last synced successfully.",
            labels=["source"],
        )
        for source, (_, success) in sorted(model.runs.latest.items()):
            if success is not None:
                age.add_metric([source.value], (now - success.finished_at).total_seconds())
        yield age
        yield GaugeMetricFamily(
            "alesco_data_version",
            "The version of the data this process serves.",
            model.version.data_version,
        )
        hits, misses = self._cache_counts()
        cache = CounterMetricFamily(
            "alesco_edge_cache", "Answers from this process's edge cache.", labels=["result"]
        )
        cache.add_metric(["hit"], hits)
        cache.add_metric(["miss"], misses)
        yield cache


class HttpCollector(Collector):
    """This process's HTTP answers, counted in plain numbers on the event loop's thread and
    exported at each scrape: a cache hit costs microseconds, and prometheus_client's own
    counters and histograms (a lock and a label lookup per change) cost several of them."""

    def __init__(self) -> None:
        self.requests: dict[tuple[str, str, int], int] = {}
        # Per route: the count per latency bucket (the last is +Inf), and their sum.
        self.buckets: dict[str, list[int]] = {}
        self.seconds: dict[str, float] = {}

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        key = (route, method, status)
        self.requests[key] = self.requests.get(key, 0) + 1
        counts = self.buckets.get(route)
        if counts is None:
            counts = self.buckets[route] = [0] * (len(LATENCY_BUCKETS) + 1)
            self.seconds[route] = 0.0
        counts[bisect_left(LATENCY_BUCKETS, seconds)] += 1
        self.seconds[route] += seconds

    def collect(self) -> Iterator[Metric]:
        requests = CounterMetricFamily(
            "alesco_http_requests",
            "HTTP requests answered, by route template, method and status.",
            labels=["route", "method", "status"],
        )
        for (route, method, status), count in sorted(self.requests.items()):
            requests.add_metric([route, method, str(status)], count)
        yield requests
        latency = HistogramMetricFamily(
            "alesco_http_request_duration_seconds",
            "Time to answer HTTP requests, by route template.",
            labels=["route"],
        )
        for route, counts in sorted(self.buckets.items()):
            cumulative = list(accumulate(counts))
            bounds = [str(bound) for bound in LATENCY_BUCKETS] + ["+Inf"]
            latency.add_metric(
                [route], list(zip(bounds, cumulative, strict=True)), self.seconds[route]
            )
        yield latency


class ApiMetrics:
    """One registry per app (tests build many apps in one process)."""

    def __init__(self, syncs: SyncCollector) -> None:
        self.registry = CollectorRegistry()
        self.http = HttpCollector()
        self.registry.register(self.http)
        self.syncs = syncs
        self.registry.register(syncs)

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        self.http.observe(route, method, status, seconds)
