"""api/graphql: queries, the committee types, the endpoint and its cost and time limits."""
