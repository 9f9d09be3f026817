"""Alembic migrations, applied by `alesco.database.migrate`; revision ids never change."""
