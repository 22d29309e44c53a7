"""Errors whose message is meant for the user: the CLI prints them without a traceback."""


class UserError(Exception):
    """Bad input or a missing prerequisite, with a message that says what to do."""
