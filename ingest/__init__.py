"""Ingest worker: one client per upstream, and the syncs that store what they return."""
