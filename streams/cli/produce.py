"""Placeholder until the subcommand lands."""


def register(subparsers) -> None:
    subparsers.add_parser("produce", help="(not yet implemented)").set_defaults(run=lambda args, settings: 1)
