"""Topic payloads <-> domain types. Every payload here has a schema in schemas/ (a test checks it).

Records on `ais.raw`, `ais.position` and `ais.static` carry a batch each: Faust spends tens of
microseconds per record, so one record per AIS message would cap a worker far below the feed rate.
"""

from __future__ import annotations

from typing import Any

import orjson

from streams.domain.alerts import iso_utc
from streams.domain.events import DeadLetter, PositionReport, StaticReport
from streams.domain.fast_events import new_position

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


def position_batch_payload(
    positions: list[PositionReport], statics_before: list[tuple[int, StaticReport]] | None = None
) -> dict[str, Any]:
    """Positions of one partition; `statics_before` holds (index of the next position, report) so
    the tracker can replay a vessel's positions and static reports in feed order."""
    payload: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "positions": [{name: getattr(p, name) for name in _POSITION_FIELDS} for p in positions],
    }
    if statics_before:
        payload["statics"] = [
            {"before": before, "report": {name: getattr(r, name) for name in _STATIC_FIELDS}}
            for before, r in statics_before
        ]
    return payload


def events_from_position_payload(payload: dict[str, Any]) -> list[PositionReport | StaticReport]:
    """Positions and their interleaved static reports, in feed order."""
    positions = [
        new_position(*item.values()) if tuple(item) == _POSITION_FIELDS else PositionReport(**item)
        for item in payload["positions"]
    ]
    statics = payload.get("statics")
    if not statics:
        return list(positions)
    events: list[PositionReport | StaticReport] = []
    taken = 0
    for item in statics:
        before = item["before"]
        events.extend(positions[taken:before])
        taken = max(taken, before)
        events.append(StaticReport(**item["report"]))
    events.extend(positions[taken:])
    return events


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
