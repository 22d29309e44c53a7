"""`picket produce ais|launches FILE|-`: publish a feed to its topic."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from streams.config import Settings
from streams.errors import UserError
from streams.launch import FORMATS as LAUNCH_FORMATS
from streams.wire import AIS_FORMATS


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("produce", help="publish a feed to Kafka")
    feeds = parser.add_subparsers(dest="feed", required=True, metavar="FEED")
    ais = feeds.add_parser("ais", help="publish AIS lines (NMEA or CSV) to ais.raw")
    ais.add_argument("file", metavar="FILE", help="a file (plain or .gz), or - for standard input")
    ais.add_argument("--broker", help="bootstrap servers host:port (default from config)")
    ais.add_argument("--format", default="auto", choices=("auto", *AIS_FORMATS))
    ais.add_argument("--source", help="source name, the record key (default: the file name)")
    ais.add_argument("--speed", type=float, help="pace at SPEED x real time on the feed's event time")
    ais.set_defaults(run=run_ais)
    launches = feeds.add_parser("launches", help="publish launch detections to launch.detection")
    launches.add_argument("file", metavar="FILE", help="launch.detection JSON lines or the CNS missile-test CSV, or -")
    launches.add_argument("--broker", help="bootstrap servers host:port (default from config)")
    launches.add_argument("--format", default="auto", choices=("auto", *LAUNCH_FORMATS))
    launches.add_argument("--source", help="source name, the record key (default: the file name)")
    launches.set_defaults(run=run_launches)


def run_launches(args: argparse.Namespace, settings: Settings) -> int:
    from streams.adapters.kafka_io import publish_launch_records
    from streams.adapters.local_kafka import wait_until_answers
    from streams.adapters.topics import ensure_topics
    from streams.launch import load_launch_reference, parse_launch_lines
    from streams.replay import open_text, require_file

    if args.file != "-":
        require_file(Path(args.file))
    bootstrap = args.broker or settings.kafka.bootstrap
    wait_until_answers(bootstrap, timeout_s=30)
    ensure_topics(bootstrap, settings.topics.all())
    sites = load_launch_reference().sites
    topics = settings.topics
    if args.file == "-":
        source = args.source or "stdin"
        records = parse_launch_lines(sys.stdin, source, args.format, sites)
        summary = publish_launch_records(bootstrap, topics.launch.name, topics.deadletter.name, records, source)
    else:
        path = Path(args.file)
        source = args.source or path.name
        handle, raw = open_text(path)
        with raw, handle:
            records = parse_launch_lines(handle, source, args.format, sites)
            summary = publish_launch_records(bootstrap, topics.launch.name, topics.deadletter.name, records, source)
    print(
        f"published {summary.records} launch detections to {topics.launch.name} and "
        f"{summary.dead_letters} dead letters to {topics.deadletter.name} at {bootstrap}"
    )
    return 0


def run_ais(args: argparse.Namespace, settings: Settings) -> int:
    from streams.adapters.kafka_io import publish_ais_lines
    from streams.adapters.local_kafka import wait_until_answers
    from streams.adapters.topics import ensure_topics
    from streams.replay import open_text, require_file

    if args.speed is not None and args.speed <= 0:
        raise UserError("--speed must be positive")
    if args.file != "-":
        require_file(Path(args.file))
    bootstrap = args.broker or settings.kafka.bootstrap
    wait_until_answers(bootstrap, timeout_s=30)
    ensure_topics(bootstrap, settings.topics.all())
    if args.file == "-":
        source = args.source or "stdin"
        summary = publish_ais_lines(
            bootstrap, settings.topics.raw.name, sys.stdin, source, args.format, settings.ingest, args.speed
        )
    else:
        path = Path(args.file)
        handle, raw = open_text(path)
        with raw, handle:
            summary = publish_ais_lines(
                bootstrap, settings.topics.raw.name, handle, args.source or path.name, args.format,
                settings.ingest, args.speed,
            )
    print(f"published {summary.lines} lines in {summary.records} records to {settings.topics.raw.name} at {bootstrap}")
    return 0
