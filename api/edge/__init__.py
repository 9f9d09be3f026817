"""The edge: HTTP machinery in front of the routes (server limits, the quick path for cache
hits, header reading, the edge cache, request ids and metrics, refusals).

May import `alesco`, `api.formats` and the modules at `api`'s top level; never `api.routes`
or `api.graphql`: what it serves, it serves as bytes.
"""
