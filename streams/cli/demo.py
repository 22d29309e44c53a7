"""`picket demo`: a local broker, a worker, the bundled sample feed; prints the alerts, then cleans up."""

from __future__ import annotations

import argparse
import dataclasses
import time
from collections import Counter
from pathlib import Path

from streams.config import Settings
from streams.errors import UserError

DEMO_PORT = 19092
DEMO_METRICS_PORT = 19108
DEMO_WEB_PORT = 16066
WORKER_START_TIMEOUT_S = 120.0
PROCESSING_TIMEOUT_S = 180.0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("demo", help="run the whole pipeline on the bundled sample feed")
    parser.add_argument("--feed", help="AIS file to publish (default: examples/sample_feed.nmea)")
    parser.add_argument("--port", type=int, default=DEMO_PORT, help=f"port of the demo broker (default {DEMO_PORT})")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from streams.adapters.kafka_io import publish_ais_lines, read_topic
    from streams.adapters.local_kafka import LocalKafka, find_project_root
    from streams.adapters.topics import ensure_topics
    from streams.adapters.worker_process import WorkerProcess, sample_key

    root = find_project_root()
    feed = Path(args.feed) if args.feed else root / "examples" / "sample_feed.nmea"
    if not feed.is_file():
        raise UserError(f"feed not found: {feed}")
    broker = LocalKafka(root, root / ".cache" / "demo" / "kafka", port=args.port, libs_dir=root / settings.kafka.data_dir / "libs")
    broker.down(wipe=True)  # a previous demo's topics would mix old alerts into this run
    print(f"[1/5] starting Kafka on 127.0.0.1:{args.port} (jars are fetched with Maven on the first run)")
    broker.up(progress=lambda message: print(f"      {message}"))
    worker: WorkerProcess | None = None
    try:
        settings = dataclasses.replace(settings, kafka=dataclasses.replace(settings.kafka, bootstrap=broker.bootstrap))
        print("[2/5] creating topics: " + ", ".join(t.name for t in settings.topics.all()))
        ensure_topics(broker.bootstrap, settings.topics.all())
        print(f"[3/5] starting a worker (metrics on http://127.0.0.1:{DEMO_METRICS_PORT}/metrics)")
        demo_dir = root / ".cache" / "demo"
        worker = WorkerProcess(
            root, broker.bootstrap, DEMO_METRICS_PORT, DEMO_WEB_PORT, demo_dir / "worker", demo_dir / "worker.log",
            Path(args.config) if args.config else None,
        )
        worker.start(WORKER_START_TIMEOUT_S)
        worker.wait_ready(WORKER_START_TIMEOUT_S)
        print(f"[4/5] publishing {feed.name}")
        with open(feed, encoding="utf-8", errors="replace") as lines:
            published = publish_ais_lines(
                broker.bootstrap, settings.topics.raw.name, lines, feed.name, "auto", settings.ingest
            )
        print(f"      {published.lines} lines in {published.records} records")
        consumed = sample_key("picket_messages_consumed_total", topic=settings.topics.raw.name)
        worker.wait_until(lambda samples: samples.get(consumed, 0) >= published.lines, PROCESSING_TIMEOUT_S, "consume the feed")
        # Still-dark vessels are raised by the worker's timer after the last batch.
        time.sleep(2 * settings.worker.open_check_wall_interval_s + 1)
        print("[5/5] reading the alerts and dead-letter topics")
        alerts = read_topic(broker.bootstrap, settings.topics.alerts.name, idle_timeout_s=3)
        dead = read_topic(broker.bootstrap, settings.topics.deadletter.name, idle_timeout_s=3)
        _print_report(alerts, dead, worker.scrape())
    finally:
        if worker is not None:
            worker.stop()
        broker.down()
        print("stopped the worker and the broker")
    return 0


def _print_report(alerts: list[dict], dead: list[dict], metrics: dict[str, float]) -> None:
    latest: dict[str, dict] = {}
    for record in alerts:
        latest[record["value"]["alert_id"]] = record["value"]  # the topic is compacted: the last version wins
    print(f"\n{len(latest)} alerts ({len(alerts)} messages incl. updates):")
    for alert in sorted(latest.values(), key=lambda a: a["start"]):
        end = alert["end"] or "ongoing"
        print(f"  {alert['severity']:<8} {alert['type']:<8} {alert['start']} -> {end}  {alert['summary']}")
    print(f"\n{len(dead)} dead letters:")
    for record in dead:
        letter = record["value"]
        print(f"  {letter['reason']:<20} {letter['detail'][:60]:<60} {letter['raw'][:60]}")
    by_type = Counter(a["type"] for a in latest.values())
    by_severity = Counter(a["severity"] for a in latest.values())
    consumed = {k: v for k, v in metrics.items() if k.startswith("picket_messages_consumed_total")}
    print("\nsummary:")
    for key, value in sorted(consumed.items()):
        print(f"  {key} = {value:g}")
    print(f"  vessels tracked = {metrics.get('picket_vessels_tracked{}', 0):g}")
    print(f"  alerts by type = {dict(by_type)}; by severity = {dict(by_severity)}")
