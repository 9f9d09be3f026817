"""alesco/read: queries, sort orders, keyset pages and cursors over the in-memory model."""
