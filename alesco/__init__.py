"""Shared layer of alesco-api, used by both `api` and `ingest`; imports neither of them.

Read the folders in the order data flows through them:

- `upstream/`: parsers of what the upstreams send (GitHub records, RFC files, minutes,
  calendars, the roster), pure.
- `domain/`: derivations from parsed records (lifecycle, supersession, the committee), pure.
- `database/`: the schema, engine, migrations, data version and locks.
- `storage/`: what each source stores and how it is loaded back; the bundled snapshot.
- `read/`: the in-memory read model and the queries both surfaces answer from.

The modules at this level are the foundations every folder may import (`settings`,
`errors`, `logs`, `timestamps`, `safe_json`); they import no folder. `cli.py` is the
composition root: the one module that imports `api` and `ingest`.
"""

__version__ = "0.1.0"
