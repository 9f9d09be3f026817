"""HTTP surface of alesco-api: REST under /v1 and GraphQL at /graphql, read-only."""
