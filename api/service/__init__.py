"""The routes around the data: `/` (what this API is), `/docs` and `/openapi.json`, the
widget (`/widget.js`, `/widget`), liveness and readiness (`/healthz`, `/readyz`) and
`/metrics`.

May import `alesco`, `api.formats`, `api.openapi` and the modules at `api`'s top level;
never `api.routes`, `api.edge` or `api.graphql`.
"""
