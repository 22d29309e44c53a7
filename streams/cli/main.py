"""`picket` command line: `build_parser()` plus `main(argv) -> int`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from streams.config import ConfigError, load_settings
from streams.errors import UserError

SUBCOMMAND_MODULES = ("replay", "worker", "produce", "kafka_cmd", "demo", "alertmanager_bridge")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="picket", description=__doc__)
    parser.add_argument("--config", help="TOML file overriding the defaults (see README, Configuration)")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module_name in SUBCOMMAND_MODULES:
        module = __import__(f"streams.cli.{module_name}", fromlist=["register"])
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.config)
        return int(args.run(args, settings) or 0)
    except (ConfigError, UserError) as error:
        print(f"picket: {error}", file=sys.stderr)
        return 2


def entry_point() -> None:
    sys.exit(main())
