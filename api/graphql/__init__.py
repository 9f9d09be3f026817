"""GraphQL at `/graphql` (Strawberry): the same query functions as REST, typed."""
