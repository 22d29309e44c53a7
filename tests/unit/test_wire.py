from __future__ import annotations

from streams.domain.events import StaticReport
from streams.schemas import validate
from streams.wire import dumps, events_from_position_payload, loads, position_batch_payload

from .conftest import position

T0 = 1_700_000_000.0


def static(mmsi: int, epoch_s: float, name: str) -> StaticReport:
    return StaticReport(mmsi=mmsi, epoch_s=epoch_s, msg_type=5, ais_class="A", source="test", name=name)


def test_position_batch_keeps_feed_order_of_positions_and_static_reports():
    feed = [
        static(445_112_000, T0, "CHON MA SAN"),
        position(445_112_000, T0 + 1, 38.7, 125.3),
        position(352_001_234, T0 + 2, 30.0, 124.0),
        static(352_001_234, T0 + 3, "OCEAN GRACE"),
        position(352_001_234, T0 + 4, 30.0, 124.1),
        static(445_112_000, T0 + 5, "CHON MA SAN 2"),
    ]
    positions = [e for e in feed if not isinstance(e, StaticReport)]
    statics_before, seen = [], 0
    for event in feed:
        if isinstance(event, StaticReport):
            statics_before.append((seen, event))
        else:
            seen += 1
    payload = loads(dumps(position_batch_payload(positions, statics_before)))
    validate("ais.position", payload)
    assert events_from_position_payload(payload) == feed


def test_position_batch_of_static_reports_only_is_valid():
    payload = loads(dumps(position_batch_payload([], [(0, static(445_112_000, T0, "CHON MA SAN"))])))
    validate("ais.position", payload)
    assert events_from_position_payload(payload) == [static(445_112_000, T0, "CHON MA SAN")]
