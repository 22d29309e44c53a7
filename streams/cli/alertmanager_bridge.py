"""`picket alertmanager-bridge`: post the `alerts` topic to Prometheus Alertmanager.

Open alerts fire in Alertmanager and are refreshed while open; a closed alert resolves there.
Offsets are committed only after Alertmanager accepted the alerts; malformed alerts go to the
dead-letter topic. SIGTERM or SIGINT stops it cleanly (nothing unposted is committed).
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading

from streams.config import Settings
from streams.errors import UserError

DEFAULT_ALERTMANAGER = "http://127.0.0.1:9093"
DEFAULT_GROUP_ID = "picket-alertmanager-bridge"
DEFAULT_METRICS_PORT = 9109


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "alertmanager-bridge", help="post enforcement alerts from Kafka to Prometheus Alertmanager", description=__doc__
    )
    parser.add_argument("--broker", help="bootstrap servers host:port (default from config: 127.0.0.1:9092)")
    parser.add_argument("--alerts-topic", help="topic to read (default from config: alerts)")
    parser.add_argument("--deadletter-topic", help="where rejected alerts go (default from config: deadletter)")
    parser.add_argument("--alertmanager", default=DEFAULT_ALERTMANAGER, help=f"Alertmanager base URL (default {DEFAULT_ALERTMANAGER})")
    parser.add_argument("--group-id", default=DEFAULT_GROUP_ID, help=f"consumer group (default {DEFAULT_GROUP_ID})")
    parser.add_argument(
        "--evidence-url-template",
        help="link to an alert's evidence, e.g. https://picket.example/alerts/{alert_id} "
        "(fields: alert_id, type, severity, subject, start)",
    )
    parser.add_argument("--repost-interval", type=float, default=60.0, metavar="S", help="re-post open alerts every S seconds (default 60)")
    parser.add_argument("--retry-max", type=float, default=30.0, metavar="S", help="longest wait between retries (default 30)")
    parser.add_argument("--metrics-port", type=int, default=DEFAULT_METRICS_PORT, help=f"Prometheus /metrics port, 0 for none (default {DEFAULT_METRICS_PORT})")
    parser.add_argument("--metrics-address", default="127.0.0.1", help="address /metrics listens on (default 127.0.0.1)")
    parser.add_argument("--loglevel", default="warning", choices=("debug", "info", "warning", "error"))
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from streams.adapters.alertmanager import AlertmanagerBridge, BridgeConfig, BridgeMetrics
    from streams.adapters.local_kafka import wait_until_answers

    logging.basicConfig(level=args.loglevel.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not args.alertmanager.startswith(("http://", "https://")):
        raise UserError(f"--alertmanager must be an http(s) URL, not {args.alertmanager!r}")
    try:
        config = BridgeConfig(
            alertmanager_url=args.alertmanager,
            alerts_topic=args.alerts_topic or settings.topics.alerts.name,
            deadletter_topic=args.deadletter_topic or settings.topics.deadletter.name,
            group_id=args.group_id,
            evidence_url_template=args.evidence_url_template,
            repost_interval_s=args.repost_interval,
            retry_max_s=args.retry_max,
        )
    except ValueError as error:
        raise UserError(str(error)) from error
    bootstrap = args.broker or settings.kafka.bootstrap
    wait_until_answers(bootstrap, timeout_s=60)
    metrics = BridgeMetrics()
    if args.metrics_port:
        from prometheus_client import disable_created_metrics, start_http_server

        disable_created_metrics()
        start_http_server(args.metrics_port, addr=args.metrics_address, registry=metrics.registry)

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    AlertmanagerBridge(bootstrap, config, metrics).run(stop)
    return 0
