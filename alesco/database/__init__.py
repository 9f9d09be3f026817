"""The database: tables (SQLModel), the engine, Alembic migrations, the data version that
tells API processes to reload, change notifications and the ingest lock.

May import the foundations and this folder only: it knows rows, not records.
"""
