"""GraphQL executions run off the event loop, one at a time, small documents first, within
their time budget.

The resolvers are synchronous and CPU-bound (they read the in-memory read model), so an
execution run on the event loop holds it, and `/healthz` and every cache hit with it, for
as long as it runs. Each runs instead in the one worker thread of the process: one,
because the event loop's thread must win the GIL back from it (a busy thread hands it over
every switch interval), and each more busy thread is one more contender. Measured with six
clients sending 30-alias documents back to back, another client's cache hits kept p99
5-13 ms (they took 160-650 ms with two threads and Strawberry's parser cache, whose
cached syntax trees the collector kept walking).

Jobs wait in two lanes: documents up to `SMALL_DOCUMENT` characters (the widget's is 300)
run before larger ones, where fan-out attacks live, so ordinary clients do not queue
behind a stream of them. The wait counts against the time budget.

The loop awaits an execution until its deadline: then the client is answered at once
(`TimeBudgetExceeded`), a job still queued never starts, and a running one, whose result
nobody will read, stops at its next field (`api.graphql.budgets.DeadlineCheck`). Context
variables, such as the request id that log lines carry, are copied into the thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import heapq
import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from api.graphql.budgets import Deadline, TimeBudgetExceeded

SMALL_DOCUMENT = 1024  # characters of query text: the small lane's
T = TypeVar("T")


@dataclass(order=True)
class Job:
    lane: int  # 0 small, 1 large: the heap serves small first, then by arrival
    sequence: int
    run: Callable[[], None] = field(compare=False)
    wanted: Callable[[], bool] = field(compare=False)  # False once nobody awaits it


class Worker:
    """One thread running jobs, small documents' first, then in order of arrival."""

    def __init__(self) -> None:
        self._jobs: list[Job] = []
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
        with self._changed:
            while True:
                while self._jobs:
                    job = heapq.heappop(self._jobs)
                    if job.wanted():
                        return job
                self._changed.wait()

    def _work(self) -> None:
        while True:
            self._next().run()


_worker = Worker()  # one per process, as the GIL is


async def run_in_worker(job: Callable[[], T], deadline: Deadline, small: bool = True) -> T:
    """`job()`, computed by the worker in the lane for `small` documents or large ones;
    `TimeBudgetExceeded` once `deadline` passes."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()
    context = contextvars.copy_context()

    def run() -> None:
        try:
            outcome: tuple[Any, BaseException | None] = (context.run(job), None)
        except Exception as error:  # handed to the awaiting request, whatever it is
            outcome = (None, error)
        # The loop may be gone (a server stopped, a test's loop closed): nobody awaits.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(_settle, future, *outcome)

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
