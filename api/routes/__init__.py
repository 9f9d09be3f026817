"""REST routes: one module per resource; each parses parameters (`api.params`), calls one
query of `alesco.read` and renders with `api.formats`.

May import `alesco`, `api.formats`, `api.openapi` (for `/docs`) and the modules at `api`'s
top level; never `api.edge` or `api.graphql`.
"""
