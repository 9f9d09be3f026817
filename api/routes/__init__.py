"""The `/v1` resources (and GitHub's webhook): one module per resource; each parses
parameters (`api.params`), calls one query of `alesco.read` and renders with `api.formats`.
The routes around the data are in `api.service`.

May import `alesco`, `api.formats` and the modules at `api`'s top level; never `api.edge`
or `api.graphql`.
"""
