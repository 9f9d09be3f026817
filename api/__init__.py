"""HTTP surface of alesco-api: REST under /v1 and GraphQL at /graphql, read-only.

- `edge/`: the HTTP machinery in front of the routes: server limits, the quick path for
  cache hits, the edge cache, request ids and metrics, refusals.
- `formats/`: the bodies the API writes: JSON shapes, CSV, Atom, iCalendar, problem
  details, the OpenAPI document, content negotiation.
- `routes/`: one module per REST resource; `graphql/`: the schema and its execution.
- Here: `app` (the factory: every route in one table), `context` (what a request reads),
  `params` (query strings to typed queries), `links`, `metrics`, `model_holder`.

May import `alesco`, never `ingest`.
"""
