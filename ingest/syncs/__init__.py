"""Syncs: one per source (proposals, meetings, minutes, roster), each run by
`sync_runner`: fetch through `ingest.clients`, derive, store, record the run.

May import `alesco` and `ingest.clients`; never `ingest.worker`.
"""
