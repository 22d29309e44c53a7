"""`picket demo`: a local broker, a worker, the bundled sample feed; prints the alerts, then cleans up."""

from __future__ import annotations

import argparse
import dataclasses
import signal
import subprocess
import sys
import time
import urllib.request
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

    root = find_project_root()
    feed = Path(args.feed) if args.feed else root / "examples" / "sample_feed.nmea"
    if not feed.is_file():
        raise UserError(f"feed not found: {feed}")
    broker = LocalKafka(root, root / ".cache" / "demo" / "kafka", port=args.port, libs_dir=root / settings.kafka.data_dir / "libs")
    broker.down(wipe=True)  # a previous demo's topics would mix old alerts into this run
    print(f"[1/5] starting Kafka on 127.0.0.1:{args.port} (jars are fetched with Maven on the first run)")
    broker.up(progress=lambda message: print(f"      {message}"))
    worker: subprocess.Popen | None = None
    try:
        settings = dataclasses.replace(settings, kafka=dataclasses.replace(settings.kafka, bootstrap=broker.bootstrap))
        print("[2/5] creating topics: " + ", ".join(t.name for t in settings.topics.all()))
        ensure_topics(broker.bootstrap, settings.topics.all())
        print(f"[3/5] starting a worker (metrics on http://127.0.0.1:{DEMO_METRICS_PORT}/metrics)")
        worker = _start_worker(root, broker.bootstrap, args.config)
        _wait_for_metrics(worker)
        print(f"[4/5] publishing {feed.name}")
        with open(feed, encoding="utf-8", errors="replace") as lines:
            published = publish_ais_lines(
                broker.bootstrap, settings.topics.raw.name, lines, feed.name, "auto", settings.ingest
            )
        print(f"      {published.lines} lines in {published.records} records")
        metrics = _wait_until_consumed(worker, published.lines, settings)
        # Still-dark vessels are raised by the worker's timer after the last batch.
        time.sleep(2 * settings.worker.open_check_wall_interval_s + 1)
        print("[5/5] reading the alerts and dead-letter topics")
        alerts = read_topic(broker.bootstrap, settings.topics.alerts.name, idle_timeout_s=3)
        dead = read_topic(broker.bootstrap, settings.topics.deadletter.name, idle_timeout_s=3)
        _print_report(alerts, dead, _scrape())
    finally:
        if worker is not None:
            _stop(worker)
        broker.down()
        print("stopped the worker and the broker")
    return 0


def _start_worker(root: Path, bootstrap: str, config: str | None) -> subprocess.Popen:
    command = [sys.executable, "-m", "streams"]
    if config:
        command += ["--config", config]
    command += [
        "worker", "--broker", bootstrap, "--metrics-port", str(DEMO_METRICS_PORT),
        "--web-port", str(DEMO_WEB_PORT), "--data-dir", str(root / ".cache" / "demo" / "worker"),
    ]
    (root / ".cache" / "demo").mkdir(parents=True, exist_ok=True)
    log = open(root / ".cache" / "demo" / "worker.log", "wb")
    return subprocess.Popen(command, cwd=root, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def _scrape() -> dict[str, float]:
    """Metric samples by `name{labels}` from the worker's /metrics."""
    from prometheus_client.parser import text_string_to_metric_families

    with urllib.request.urlopen(f"http://127.0.0.1:{DEMO_METRICS_PORT}/metrics", timeout=5) as response:
        text = response.read().decode()
    samples: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            samples[f"{sample.name}{{{labels}}}"] = sample.value
    return samples


def _wait_for_metrics(worker: subprocess.Popen) -> None:
    deadline = time.monotonic() + WORKER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise UserError("the worker exited while starting: see .cache/demo/worker.log")
        try:
            _scrape()
            return
        except OSError:
            time.sleep(0.5)
    raise UserError("the worker did not start in time: see .cache/demo/worker.log")


def _wait_until_consumed(worker: subprocess.Popen, lines: int, settings: Settings) -> dict[str, float]:
    key = f"picket_messages_consumed_total{{topic={settings.topics.raw.name}}}"
    deadline = time.monotonic() + PROCESSING_TIMEOUT_S
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise UserError("the worker exited: see .cache/demo/worker.log")
        metrics = _scrape()
        if metrics.get(key, 0) >= lines:
            return metrics
        time.sleep(0.5)
    raise UserError(f"the worker did not consume the feed within {PROCESSING_TIMEOUT_S:g} s: see .cache/demo/worker.log")


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


def _stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
