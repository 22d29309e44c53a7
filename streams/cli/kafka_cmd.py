"""`picket kafka up|down|status|topics`: the local Kafka broker and the configured topics."""

from __future__ import annotations

import argparse

from streams.config import Settings

EXIT_STOPPED = 3


def register(subparsers) -> None:
    kafka = subparsers.add_parser(
        "kafka",
        help="run a local Kafka broker (Java 17+ and Maven, no Docker) and create the topics",
        description=__doc__,
    )
    commands = kafka.add_subparsers(dest="kafka_command", required=True, metavar="ACTION")

    up = commands.add_parser("up", help="start the broker in the background and wait until it answers")
    _add_data_dir(up)
    up.add_argument("--port", type=int, help="client port; the controller uses port + 1 (default: [kafka] port)")
    up.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for the broker (default: 60)")
    up.set_defaults(run=run_up)

    down = commands.add_parser("down", help="stop the broker")
    _add_data_dir(down)
    down.add_argument("--wipe", action="store_true", help="also delete its topics, data and logs (not the jars)")
    down.set_defaults(run=run_down)

    status = commands.add_parser("status", help="running or stopped (exit code 0 or 3)")
    _add_data_dir(status)
    status.set_defaults(run=run_status)

    topics = commands.add_parser("topics", help="create the configured topics that do not exist yet")
    topics.add_argument("--bootstrap", help="broker address (default: [kafka] bootstrap)")
    topics.set_defaults(run=run_topics)


def _add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir", help="jars, data and logs of the broker, relative to the project root (default: [kafka] data_dir)"
    )


def _local_kafka(args: argparse.Namespace, settings: Settings):
    from streams.adapters.local_kafka import LocalKafka, find_project_root

    port = getattr(args, "port", None) or settings.kafka.port
    return LocalKafka(find_project_root(), args.data_dir or settings.kafka.data_dir, port=port)


def run_up(args: argparse.Namespace, settings: Settings) -> int:
    kafka = _local_kafka(args, settings)
    if not kafka.up(timeout_s=args.timeout, progress=print):
        status = kafka.status()
        print(f"Kafka is already running (pid {status.pid}) at {status.bootstrap}, data in {status.data_dir}")
        return 0
    print(f"Kafka is up at {kafka.bootstrap}; stop it with `picket kafka down`")
    if kafka.bootstrap != settings.kafka.bootstrap:
        print(f"note: the configuration points at {settings.kafka.bootstrap}; set [kafka] bootstrap = \"{kafka.bootstrap}\"")
    return 0


def run_down(args: argparse.Namespace, settings: Settings) -> int:
    kafka = _local_kafka(args, settings)
    stopped = kafka.down(wipe=args.wipe)
    print("Kafka stopped" if stopped else f"no Kafka broker running from {kafka.data_dir}")
    if args.wipe:
        print(f"deleted the broker's data and logs in {kafka.data_dir} (kept the jars)")
    return 0


def run_status(args: argparse.Namespace, settings: Settings) -> int:
    status = _local_kafka(args, settings).status()
    print(f"kafka:     {'running' if status.running else 'stopped'}")
    if status.running:
        print(f"pid:       {status.pid}")
    print(f"bootstrap: {status.bootstrap}")
    print(f"data dir:  {status.data_dir}")
    return 0 if status.running else EXIT_STOPPED


def run_topics(args: argparse.Namespace, settings: Settings) -> int:
    from streams.adapters.topics import ensure_topics

    bootstrap = args.bootstrap or settings.kafka.bootstrap
    specs = settings.topics.all()
    created = ensure_topics(bootstrap, specs)
    for spec in specs:
        state = "created" if spec.name in created else "exists "
        partitions = f"{spec.partitions} partition{'s' if spec.partitions != 1 else ''}"
        print(f"{state} {spec.name} ({partitions}{', compacted' if spec.compacted else ''})")
    return 0
