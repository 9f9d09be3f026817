"""Upstream clients: HTTP with our User-Agent and timeouts, conditional GETs, `Link`
pagination, upstream errors mapped to `alesco.errors`.

May import `alesco` (its foundations, `upstream` and the HTTP cache store) and this folder;
never `ingest.syncs`.
"""
