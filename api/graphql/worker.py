"""GraphQL executions run off the event loop, a few at a time, within their time budget.

The resolvers are synchronous and CPU-bound (they read the in-memory read model), so an
execution run on the event loop holds it, and `/healthz` and every cache hit with it, for
as long as it runs. Each runs instead in one of `THREADS` worker threads shared by the
process. Few, because the event loop's thread must win the GIL back from them: CPython
makes a busy thread hand it over every switch interval (5 ms), and each more busy thread
is one more contender for it. Executions beyond that wait in the executor's queue, and
the wait counts against their time budget.

The loop awaits an execution until its deadline: then the client is answered at once
(`TimeBudgetExceeded`), an execution still queued never starts, and a running one, whose
result nobody will read, stops at its next field (`api.graphql.budgets.DeadlineCheck`).
Context variables, such as the request id that log lines carry, are copied into the thread.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from api.graphql.budgets import Deadline, TimeBudgetExceeded

THREADS = 2
T = TypeVar("T")

# One per process, as the GIL is; threads start on first use.
_executor = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="graphql")


async def run_in_worker(job: Callable[[], T], deadline: Deadline) -> T:
    """`job()`, computed in a worker thread; `TimeBudgetExceeded` once `deadline` passes."""
    loop = asyncio.get_running_loop()
    call = functools.partial(contextvars.copy_context().run, job)
    future = loop.run_in_executor(_executor, call)
    try:
        return await asyncio.wait_for(future, max(deadline.remaining(), 0.0))
    except TimeoutError:
        raise TimeBudgetExceeded(deadline.seconds) from None
