"""`launch.detection` payloads and `launch` alerts against their schemas, built by the real code."""

from __future__ import annotations

import json

import pytest

from streams.domain.alerts import alert_payload
from streams.launch import LaunchDetection, LaunchState, detection_from_payload, detection_payload
from streams.launch.wire import KIND, LaunchRecordError
from streams.schemas import SchemaError, load_schema, validate
from tests.unit.launch_support import T0, cns_records, cns_replay, detection, detector


def _travel(payload: dict) -> dict:
    """As it travels on a topic: strict JSON (no NaN or infinity)."""
    return json.loads(json.dumps(payload, allow_nan=False))


def test_schema_lists_exactly_the_domain_fields() -> None:
    schema = load_schema(KIND)
    expected = {"schema_version", "detected_at"} | (set(LaunchDetection.__slots__) - {"detected_s"})
    assert set(schema["properties"]) == expected
    assert schema["properties"]["outcome"]["enum"][:3] == ["success", "failure", "unknown"]


def test_every_cns_detection_round_trips_and_validates() -> None:
    detections = [r for r in cns_records() if isinstance(r, LaunchDetection)]
    for d in detections:
        payload = _travel(detection_payload(d))
        validate(KIND, payload)
        assert detection_from_payload(payload) == d


def test_a_full_detection_round_trips() -> None:
    d = detection(site="Sunan", azimuth_deg=76.5, apogee_km=4475.0, range_km=950.0, flight_time_s=3180.0, impact_lat=40.75,
                  impact_lon=137.0, missiles=2, confidence=0.9, missile_name="Hwasong-15", reported_type="ICBM", outcome="success")
    payload = _travel(detection_payload(d))
    validate(KIND, payload)
    assert detection_from_payload(payload) == d


def test_schema_examples_read_back() -> None:
    for example in load_schema(KIND)["examples"]:
        d = detection_from_payload(example)
        validate(KIND, detection_payload(d))


def test_schema_rejects_what_the_reader_rejects() -> None:
    good = _travel(detection_payload(detection()))
    for change in ({"launch_lat": None, "launch_lon": None}, {"missiles": 0}, {"apogee_km": -1}, {"time_precision": "hour"}, {"extra": 1}):
        broken = good | change
        with pytest.raises(SchemaError):
            validate(KIND, broken)
        with pytest.raises(LaunchRecordError):
            detection_from_payload(broken)
    site_only = {k: v for k, v in good.items() if not k.startswith("launch_")} | {"site": "sunan"}
    validate(KIND, site_only)
    assert detection_from_payload(site_only).site == "sunan"


def test_every_replay_alert_validates() -> None:
    alerts, _ = cns_replay()
    for alert in alerts:
        payload = _travel(alert_payload(alert, alert.start_s + 60.0))
        validate("alerts", payload)
        assert payload["type"] == "launch" and payload["vessels"] == []


def test_fused_alert_validates() -> None:
    run, state = detector(), LaunchState()
    run.on_detection(state, detection("a", T0, "JP-MoD", impact_lat=40.75, impact_lon=137.0))
    (alert,) = run.on_detection(state, detection("b", T0 + 60.0, "ROK-JCS", apogee_km=4475.0, range_km=950.0, flight_time_s=3200.0))
    payload = _travel(alert_payload(alert, T0 + 120.0))
    validate("alerts", payload)
    assert payload["evidence"]["fused_sources"] == ["JP-MoD", "ROK-JCS"]
    assert payload["position"] == {"lat": 39.282, "lon": 125.869}
