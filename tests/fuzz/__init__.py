"""Property-based requests (schemathesis) over the OpenAPI document and the GraphQL schema."""
