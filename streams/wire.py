"""Topic payloads <-> domain types. Every payload here has a schema in schemas/ (a test checks it).

Records on `ais.raw`, `ais.position` and `ais.static` carry a batch each: Faust spends tens of
microseconds per record, so one record per AIS message would cap a worker far below the feed rate.
"""

from __future__ import annotations

from typing import Any

import orjson

from streams.domain.alerts import iso_utc
from streams.domain.events import DeadLetter, PositionReport, StaticReport

SCHEMA_VERSION = 1
AIS_FORMATS = ("nmea", "marinecadastre", "dma")

_POSITION_FIELDS = PositionReport.__slots__
_STATIC_FIELDS = StaticReport.__slots__


def raw_batch_payload(
    source: str, ais_format: str, received_at_s: float, lines: list[str], header: str | None = None
) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "source": source,
        "format": ais_format,
        "received_at": iso_utc(received_at_s),
        "header": header,
        "lines": lines,
    }


def position_batch_payload(positions: list[PositionReport]) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "positions": [{name: getattr(p, name) for name in _POSITION_FIELDS} for p in positions],
    }


def positions_from_payload(payload: dict[str, Any]) -> list[PositionReport]:
    return [PositionReport(**item) for item in payload["positions"]]


def static_batch_payload(statics: list[StaticReport]) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "statics": [{name: getattr(s, name) for name in _STATIC_FIELDS} for s in statics],
    }


def statics_from_payload(payload: dict[str, Any]) -> list[StaticReport]:
    return [StaticReport(**item) for item in payload["statics"]]


def dead_letter_payload(letter: DeadLetter, topic: str, dead_at_s: float) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "topic": topic,
        "reason": letter.reason,
        "detail": letter.detail,
        "raw": letter.raw,
        "source": letter.source,
        "event_time": None if letter.epoch_s is None else iso_utc(letter.epoch_s),
        "dead_at": iso_utc(dead_at_s),
    }


def dumps(payload: dict[str, Any]) -> bytes:
    return orjson.dumps(payload)


def loads(data: bytes) -> Any:
    return orjson.loads(data)
