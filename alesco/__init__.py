"""Shared domain and storage layer of alesco-api: used by both `api` and `ingest`."""

__version__ = "0.1.0"
