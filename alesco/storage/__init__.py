"""Storage: what each source's sync writes and how it is loaded back (proposals, the
committee, HTTP cache entries, sync runs, webhook deliveries), and the bundled snapshot.

May import the foundations, `alesco.upstream`, `alesco.domain` and `alesco.database`;
never the HTTP layer (`api`, `starlette`, `httpx`).
"""
