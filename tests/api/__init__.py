"""The API through httpx against real SQLite and PostgreSQL; `edge/`, `formats/`, `graphql/`
mirror api's folders, route tests sit here."""
