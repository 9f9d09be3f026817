"""GraphQL at `/graphql` (Strawberry): the same query functions as REST, typed.

May import `alesco`, `api.formats` and the modules at `api`'s top level; never
`api.routes` or `api.edge`.
"""
