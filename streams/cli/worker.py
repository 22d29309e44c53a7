"""`picket worker`: the Faust worker on a Kafka cluster."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from streams.config import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("worker", help="run a stream-processing worker on Kafka")
    parser.add_argument("--broker", help="bootstrap servers host:port (default from config: 127.0.0.1:9092)")
    parser.add_argument("--metrics-port", type=int, help="Prometheus /metrics port (default 9108)")
    parser.add_argument("--web-port", type=int, help="Faust web port for health checks (default 6066)")
    parser.add_argument("--data-dir", default=".cache/worker", help="worker-local state folder")
    parser.add_argument("--areas", metavar="GEOJSON", help="areas of interest replacing the bundled ones")
    parser.add_argument(
        "--watchlist", nargs="+", default=[], metavar="FILE",
        help="sanctions lists loaded at start: OFAC sdn.csv (+ alt.csv), UN consolidated XML, or our JSON lines/CSV",
    )
    parser.add_argument("--loglevel", default="warning", choices=("debug", "info", "warning", "error"))
    parser.set_defaults(run=run)


def apply_overrides(settings: Settings, args: argparse.Namespace) -> Settings:
    kafka, worker = settings.kafka, settings.worker
    if args.broker:
        kafka = dataclasses.replace(kafka, bootstrap=args.broker)
    if args.metrics_port is not None:
        worker = dataclasses.replace(worker, metrics_port=args.metrics_port)
    if args.web_port is not None:
        worker = dataclasses.replace(worker, web_port=args.web_port)
    return dataclasses.replace(settings, kafka=kafka, worker=worker)


def run(args: argparse.Namespace, settings: Settings) -> int:
    # Faust is imported here, not at module level, so `picket replay` starts fast without it.
    import faust

    from streams.adapters.faust_app import build_app
    from streams.adapters.lag import ConsumerLagExporter
    from streams.adapters.local_kafka import wait_until_answers
    from streams.adapters.metrics import WorkerMetrics
    from streams.adapters.topics import ensure_topics
    from streams.launch import load_launch_reference
    from streams.refdata import load_reference_data
    from streams.watchlist import load_watchlist

    settings = apply_overrides(settings, args)
    wait_until_answers(settings.kafka.bootstrap, timeout_s=60)
    ensure_topics(settings.kafka.bootstrap, settings.topics.all())
    metrics = WorkerMetrics()
    metrics.serve(settings.worker.metrics_port)
    # Lag is what the broker holds beyond the group's committed offsets: exported per partition
    # so Prometheus can alert on lag that keeps growing.
    ConsumerLagExporter(
        settings.kafka.bootstrap, settings.worker.app_id,
        [settings.topics.raw.name, settings.topics.position.name], metrics.registry,
    ).start()
    watchlist = load_watchlist(args.watchlist) if args.watchlist else None
    worker_app = build_app(
        settings, load_reference_data(args.areas), load_launch_reference(), metrics, Path(args.data_dir), watchlist
    )
    worker = faust.Worker(worker_app.app, loglevel=args.loglevel.upper(), quiet=True)
    # Faust's terminal spinner sets the root logger to DEBUG whatever --loglevel says, and aiokafka
    # then builds a log record for every message it sends: 7 % of the worker's CPU in the bench.
    worker.spinner = None
    worker.execute_from_commandline()
    return 0
