"""Validate topic payloads against the versioned JSON Schemas in the repo's top-level `schemas/`.

    >>> from streams.schemas import validate
    >>> validate("deadletter", {"schema_version": 1})
    Traceback (most recent call last):
    ...
    streams.schemas.SchemaError: deadletter.v1: at $: 'topic' is a required property (and 6 more)

Meant for tests and tools (integration tests reading topics, `picket` checks); it needs
`jsonschema` from the `test` extra. `schemas/` is found next to the `streams` package, which
holds for a source checkout and the editable install.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import streams

try:
    from jsonschema import Draft202012Validator, FormatChecker
    from jsonschema.exceptions import best_match
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError("streams.schemas needs jsonschema: pip install -e '.[test]'") from error

SCHEMAS_DIR = Path(streams.__file__).resolve().parents[1] / "schemas"
KINDS = ("ais.raw", "ais.position", "ais.static", "alerts", "deadletter", "launch.detection")
"""Topic kinds with a schema; the file is `schemas/<kind>.v<version>.json`."""


class SchemaError(ValueError):
    """A payload does not match its topic's schema; the message gives the path and the reason."""


def _format_checker() -> FormatChecker:
    """jsonschema's checker, with `date-time` checked even without its optional rfc3339 package
    (without it, jsonschema silently accepts any string as a date-time)."""
    checker = FormatChecker()
    if "date-time" not in checker.checkers:

        @checker.checks("date-time", raises=ValueError)
        def _is_date_time(value: object) -> bool:
            if not isinstance(value, str):
                return True
            if "T" not in value.upper():
                raise ValueError("date-time needs a 'T' between date and time")
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
            if parsed.tzinfo is None:
                raise ValueError("date-time needs a UTC offset or Z")
            return True

    return checker


FORMAT_CHECKER = _format_checker()


def schema_path(kind: str, version: int = 1) -> Path:
    return SCHEMAS_DIR / f"{kind}.v{version}.json"


@cache
def load_schema(kind: str, version: int = 1) -> dict[str, Any]:
    """The schema of topic `kind` (e.g. "alerts") at `version`, as a dict."""
    path = schema_path(kind, version)
    if not path.is_file():
        known = ", ".join(KINDS)
        raise KeyError(f"no schema {path.name} in {SCHEMAS_DIR} (topic kinds: {known})")
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def validator(kind: str, version: int = 1) -> Draft202012Validator:
    """A compiled validator (cached) with format checking on."""
    schema = load_schema(kind, version)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FORMAT_CHECKER, registry=_registry())


@cache
def _registry() -> Registry:
    """Every schema by its `$id`, so one topic's schema can reuse another's definitions."""
    resources = []
    for path in sorted(SCHEMAS_DIR.glob("*.v*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((contents["$id"], Resource.from_contents(contents, default_specification=DRAFT202012)))
    return Registry().with_resources(resources)


def errors(kind: str, payload: Any, version: int = 1) -> list[str]:
    """Every violation, as "at <JSON path>: <message>", most relevant first."""
    found = list(validator(kind, version).iter_errors(payload))
    first = best_match(found)
    ordered = [first] + [e for e in found if e is not first] if first is not None else []
    return [f"at {error.json_path}: {error.message}" for error in ordered]


def validate(kind: str, payload: Any, version: int = 1) -> None:
    """Raise `SchemaError` unless `payload` matches the schema of topic `kind` at `version`.

    The message names the most relevant violation (inside an `anyOf`, the branch that came
    closest) with its JSON path, and how many more there are.
    """
    problems = errors(kind, payload, version)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise SchemaError(f"{kind}.v{version}: {problems[0]}{more}")
