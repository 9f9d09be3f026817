"""GraphQL executions run off the event loop, one at a time, paced, within their time budget.

The resolvers are synchronous and CPU-bound (they read the in-memory read model), so an
execution run on the event loop holds it, and `/healthz` and every cache hit with it, for
as long as it runs. Each runs instead in the one worker thread of the process. One, and
paced, because the event loop's thread must win the GIL back from it: a busy thread hands
the GIL over only every switch interval (0.5 ms under `alesco serve`), and the event loop
needs it at every turn. Measured with six clients sending 30-alias queries back to back,
another client's cache hits took p99 88 ms with the worker busy half the time, 7 ms at a
quarter, 3 ms at a tenth. So each lane of work may take `BUSY_SHARE` of the time when
jobs come back to back, after a burst of `BURST_SECONDS` (a token bucket: a dashboard's
few queries run at once; a stream of expensive ones is paced, the GIL free meanwhile).

Two lanes, so that a stream of large documents (the costly ones to parse, where attacks
live) does not hold up the small queries of ordinary clients (the widget's is 300 bytes):
a job in the small lane runs first whenever that lane has credit.

The loop awaits an execution until its deadline: then the client is answered at once
(`TimeBudgetExceeded`), a job still queued never starts, and a running one, whose result
nobody will read, stops at its next field (`api.graphql.budgets.DeadlineCheck`). Context
variables, such as the request id that log lines carry, are copied into the thread.
"""

from __future__ import annotations

import asyncio
import contextvars
import heapq
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from api.graphql.budgets import Deadline, TimeBudgetExceeded

BUSY_SHARE = 0.15  # per lane: both together, 0.3
BURST_SECONDS = 0.05
SMALL_DOCUMENT = 2048  # characters of query text: the small lane's
T = TypeVar("T")


@dataclass
class Lane:
    """A token bucket of seconds of work (`BUSY_SHARE`, `BURST_SECONDS`)."""

    credit: float = BURST_SECONDS
    at: float = 0.0  # `time.monotonic()` when `credit` was last brought up to date

    def refill(self, now: float) -> None:
        self.credit = min(BURST_SECONDS, self.credit + (now - self.at) * BUSY_SHARE)
        self.at = now

    def ready_in(self) -> float:
        """Seconds until the lane may work again (0: now)."""
        return max(0.0, -self.credit / BUSY_SHARE)


@dataclass(order=True)
class Job:
    lane: int  # 0 small, 1 large: the heap serves small first, then by arrival
    sequence: int
    run: Callable[[], None] = field(compare=False)
    wanted: Callable[[], bool] = field(compare=False)  # False once nobody awaits it


class PacedWorker:
    """One thread running jobs from two lanes, each lane paced by its own `Lane`."""

    def __init__(self) -> None:
        self._jobs: list[Job] = []
        self._lanes = (Lane(), Lane())
        self._sequence = itertools.count()
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None

    def submit(self, lane: int, run: Callable[[], None], wanted: Callable[[], bool]) -> None:
        with self._changed:
            heapq.heappush(self._jobs, Job(lane, next(self._sequence), run, wanted))
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="graphql", daemon=True)
                self._thread.start()
            self._changed.notify()

    def _next(self) -> Job:
        """The first job of a lane with credit, waiting (the GIL free) until there is one."""
        with self._changed:
            while True:
                now = time.monotonic()
                for lane in self._lanes:
                    lane.refill(now)
                self._jobs = [job for job in self._jobs if job.wanted()]
                heapq.heapify(self._jobs)
                ready = [job for job in self._jobs if self._lanes[job.lane].ready_in() == 0]
                if ready:
                    job = min(ready)
                    self._jobs.remove(job)
                    heapq.heapify(self._jobs)
                    return job
                waits = [self._lanes[job.lane].ready_in() for job in self._jobs]
                self._changed.wait(min(waits, default=None))

    def _work(self) -> None:
        while True:
            job = self._next()
            started = time.thread_time()
            try:
                job.run()
            finally:
                self._lanes[job.lane].credit -= time.thread_time() - started


_worker = PacedWorker()  # one per process, as the GIL is


async def run_in_worker(job: Callable[[], T], deadline: Deadline, small: bool = True) -> T:
    """`job()`, computed by the worker in the lane for `small` documents or large ones;
    `TimeBudgetExceeded` once `deadline` passes."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()
    context = contextvars.copy_context()

    def run() -> None:
        try:
            result = context.run(job)
        except BaseException as error:  # handed to the awaiting request, whatever it is
            loop.call_soon_threadsafe(_settle, future, None, error)
        else:
            loop.call_soon_threadsafe(_settle, future, result, None)

    _worker.submit(0 if small else 1, run, lambda: not future.done())
    try:
        return await asyncio.wait_for(future, max(deadline.remaining(), 0.0))
    except TimeoutError:
        raise TimeBudgetExceeded(deadline.seconds) from None


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.done():  # the request gave up at its deadline
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)
