"""Placeholder until the subcommand lands."""


def register(subparsers) -> None:
    subparsers.add_parser("worker", help="(not yet implemented)").set_defaults(run=lambda args, settings: 1)
