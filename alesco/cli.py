"""`alesco`: the command line, and the composition root (the one place that wires
settings, database, API and ingest together).

    alesco serve [--host H] [--port P] [--no-ingest]   API (+ ingest loop unless told not to)
    alesco ingest [--once] [--source github]           run syncs
    alesco db upgrade                                  apply migrations
    alesco schema                                      print the GraphQL SDL
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from pydantic import ValidationError
from sqlalchemy import Engine

from alesco.database.db import create_db_engine, describe_database
from alesco.database.migrate import upgrade
from alesco.logs import configure_logging
from alesco.settings import Settings
from alesco.storage.sync_runs import Outcome, Source
from alesco.timestamps import utc_now

logger = logging.getLogger("alesco")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="alesco", description=__doc__.split("\n\n")[0])
    parser.add_argument("--log-level", default="info", choices=["debug", "info", "warning"])
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the API (and the ingest loop)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--no-ingest", action="store_true", help="serve only; never sync")

    ingest = commands.add_parser("ingest", help="sync the upstreams into the database")
    ingest.add_argument("--once", action="store_true", help="one round, then exit")
    ingest.add_argument(
        "--source",
        action="append",
        choices=[source.value for source in Source],
        help="only this source (repeatable); default all",
    )

    database = commands.add_parser("db", help="database maintenance")
    database.add_argument("action", choices=["upgrade"])

    commands.add_parser("schema", help="print the GraphQL schema (SDL)")
    return parser


def _prepare_database(settings: Settings) -> Engine:
    engine = create_db_engine(settings.database_url)
    upgrade(engine)
    logger.info("db.ready", extra={"database": describe_database(settings.database_url)})
    return engine


def _serve(settings: Settings, host: str, port: int, ingest: bool) -> int:
    import uvicorn

    from alesco.storage.snapshot import install_snapshot
    from api.app import create_app
    from api.edge.connection_guard import ServerLimits
    from api.edge.fast_protocol import cache_hit_protocol
    from ingest.worker import run_forever

    engine = _prepare_database(settings)
    if installed := install_snapshot(engine, utc_now()):
        logger.info("snapshot.serving", extra={"sources": [source.value for source in installed]})
    # Long-lived objects are kept out of the collector's full passes (`ModelHolder`).
    app = create_app(settings, engine, freeze_gc=True)
    # No access log (it halves throughput), no Server header (nothing to advertise), cache
    # hits answered in the protocol (api.edge.fast_protocol) under the server's limits
    # (api.edge.connection_guard), no WebSocket (an Upgrade is answered as plain HTTP), and
    # uvicorn's own choice of loop (uvloop when present).
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        http=cache_hit_protocol(app, ServerLimits.from_settings(settings)),
        ws="none",
        timeout_keep_alive=settings.keepalive_timeout,
        access_log=False,
        log_config=None,
        proxy_headers=True,
        server_header=False,
    )
    server = uvicorn.Server(config)
    # GraphQL executes in worker threads (api.graphql.worker): a thread holds the GIL, and
    # so the event loop, for up to the switch interval; 0.5 ms instead of 5 keeps others'
    # latency low while a heavy query runs, and costs nothing when no thread is busy.
    sys.setswitchinterval(0.0005)

    async def main() -> None:
        worker = asyncio.create_task(run_forever(settings, engine)) if ingest else None
        try:
            await server.serve()
        finally:
            if worker is not None:
                worker.cancel()

    with asyncio.Runner(loop_factory=config.get_loop_factory()) as runner:
        runner.run(main())
    return 0


def _ingest(settings: Settings, once: bool, sources: list[str] | None) -> int:
    from ingest.worker import run_forever, run_once

    engine = _prepare_database(settings)
    selected = [Source(source) for source in sources] if sources else list(Source)
    if not once:
        asyncio.run(run_forever(settings, engine, selected))
        return 0
    results = asyncio.run(run_once(settings, engine, selected))
    if results is None:
        print("another ingest holds the lock; nothing synced")
        return 1
    for result in results:
        report = result.report
        if report is None:
            until = result.deferred_until.isoformat() if result.deferred_until else "?"
            print(f"{result.source.value}: deferred (rate limited) until {until}")
            continue
        print(
            f"{report.source.value}: {report.outcome.value if report.outcome else '?'}"
            f" items={report.items} changed={report.changed} requests={report.requests}"
            f" not_modified={report.not_modified}"
            + (f" error={report.error}" if report.error else "")
        )
    succeeded = [r.report is not None and r.report.outcome == Outcome.SUCCESS for r in results]
    return 0 if all(succeeded) else 1


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    configure_logging(arguments.log_level)
    if arguments.command == "schema":
        from api.graphql.schema import schema

        print(schema.as_str())
        return 0
    try:
        settings = Settings()
    except ValidationError as error:
        print(f"alesco: invalid configuration:\n{error}", file=sys.stderr)
        return 2
    if arguments.command == "db":
        _prepare_database(settings)
        return 0
    if arguments.command == "serve":
        return _serve(settings, arguments.host, arguments.port, not arguments.no_ingest)
    return _ingest(settings, arguments.once, arguments.source)


if __name__ == "__main__":
    sys.exit(main())
