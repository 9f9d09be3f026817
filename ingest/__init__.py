"""Ingest worker: one client per upstream, and the syncs that store what they return.

- `clients/`: conditional GETs, pagination and each upstream's requests; they return parsed
  records and never touch the stored data.
- `syncs/`: one sync per source: fetch with a client, derive, store, record the run.
- `worker.py`: the loop that runs the syncs and serves webhook-queued resyncs.

May import `alesco`, never `api`.
"""
