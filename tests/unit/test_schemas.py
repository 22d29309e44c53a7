"""Contract test: every topic schema is valid, its examples pass, and the real payload builders
(`streams.wire`, `alert_payload` over real detector output) produce payloads that match it."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from streams import schemas
from streams.detectors.ais_gap import GapConfig, GapDetector
from streams.domain.alerts import ALERT_TYPES, SEVERITIES, Alert, Rule, VesselRef, alert_payload, make_alert_id
from streams.domain.events import DeadLetter, PositionReport, StaticReport
from streams.domain.reference import AreaSet, FlagRegistry, Port, PortIndex, ReferenceData
from streams.domain.vessel_state import VesselState
from streams.refdata import areas_from_geojson
from streams.schemas import SchemaError, load_schema, validate
from streams.wire import (
    AIS_FORMATS,
    dead_letter_payload,
    dumps,
    loads,
    position_batch_payload,
    raw_batch_payload,
    static_batch_payload,
)

SCHEMA_FILES = sorted(schemas.SCHEMAS_DIR.glob("*.json"))
T0 = 1_700_000_000.0  # 2023-11-14T22:13:20Z
DPRK_MMSI = 445012000  # MID 445: DPRK
DPRK = "Democratic People's Republic of Korea"


def test_every_kind_has_exactly_its_v1_file() -> None:
    assert sorted(p.name for p in SCHEMA_FILES) == sorted(f"{kind}.v1.json" for kind in schemas.KINDS)


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_schema_is_valid_draft_2020_12_and_documented(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    kind = path.name.removesuffix(".v1.json")
    assert schema["$id"] == f"urn:picket:schema:{kind}:v1"
    assert schema["title"] and len(schema["description"]) > 100
    assert schema["additionalProperties"] is False
    assert schema["properties"]["schema_version"] == {"const": 1, "description": schema["properties"]["schema_version"]["description"]}
    assert len(schema["examples"]) >= 2


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_examples_validate_with_stock_and_project_format_checkers(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    stock = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    kind = path.name.removesuffix(".v1.json")
    for example in schema["examples"]:
        stock.validate(example)
        validate(kind, example)


def test_enums_follow_the_code() -> None:
    alerts = load_schema("alerts")
    assert alerts["properties"]["type"]["enum"] == list(ALERT_TYPES)
    assert alerts["properties"]["severity"]["enum"] == list(SEVERITIES)
    assert load_schema("ais.raw")["properties"]["format"]["enum"] == list(AIS_FORMATS)


def test_event_schemas_list_exactly_the_domain_fields() -> None:
    position = load_schema("ais.position")["$defs"]["position"]
    static = load_schema("ais.static")["$defs"]["static"]
    assert set(position["properties"]) == set(position["required"]) == set(PositionReport.__slots__)
    assert set(static["properties"]) == set(static["required"]) == set(StaticReport.__slots__)


# ---------------------------------------------------------------- payloads from the real builders


def _position(mmsi: int, epoch_s: float, lat: float, lon: float, **kw: object) -> PositionReport:
    fields: dict = dict(sog_kn=7.2, cog_deg=194.0, heading_deg=195, nav_status=0, turn_rate_deg_min=0.0, msg_type=1, ais_class="A", source="sat-1")
    return PositionReport(mmsi, epoch_s, lat, lon, **(fields | kw))


def _reference() -> ReferenceData:
    """A small in-memory reference: the test stays independent of the packaged data files."""
    yellow_sea = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"name": "Yellow Sea"},
                      "geometry": {"type": "Polygon", "coordinates": [[[119, 32], [127, 32], [127, 39], [119, 39], [119, 32]]]}}],
    }
    return ReferenceData(
        ports=PortIndex([Port("Nampo", "North Korea", 38.716667, 125.4), Port("Dalian", "China", 38.916667, 121.65)]),
        areas_of_interest=AreaSet(areas_from_geojson(yellow_sea)),
        flags=FlagRegistry({445: DPRK, 440: "Korea (Republic of)"}),
    )


def _dark_vessel(detector: GapDetector) -> VesselState:
    """A class A DPRK-flagged ship reporting every 10 min for 3 h in the Yellow Sea."""
    state = VesselState(DPRK_MMSI, name="CHONG CHON GANG", imo=7937317)
    for i in range(19):
        report = _position(DPRK_MMSI, T0 + i * 600, round(37.6 - i * 0.02, 5), round(124.3 - i * 0.005, 5))
        assert detector.on_position(state, report) == []
        state.apply_position(report)
    return state


def _gap_alerts() -> tuple[Alert, Alert]:
    detector = GapDetector(GapConfig(), _reference())
    state = _dark_vessel(detector)
    assert state.last_epoch_s is not None
    (still_dark,) = detector.check_open(state, state.last_epoch_s + 13 * 3600)
    back = _position(DPRK_MMSI, state.last_epoch_s + 15 * 3600, 38.62, 125.05, sog_kn=None, cog_deg=None, heading_deg=None, turn_rate_deg_min=None)
    (reappeared,) = detector.on_position(state, back)
    return still_dark, reappeared


def test_real_ais_gap_alerts_open_and_closed_validate() -> None:
    still_dark, reappeared = _gap_alerts()
    assert still_dark.end_s is None and reappeared.end_s is not None
    assert still_dark.alert_id == reappeared.alert_id  # compaction: the closed version replaces the open one
    for alert in (still_dark, reappeared):
        payload = loads(dumps(alert_payload(alert, T0 + 20 * 3600 + 0.25)))  # as it travels on the topic
        validate("alerts", payload)
        assert payload["vessels"][0]["flag"] == DPRK
        assert payload["severity"] == "high"  # long gap in an area of interest, far from Nampo
    assert loads(dumps(alert_payload(still_dark, T0)))["end"] is None


def test_alert_without_vessels_or_position_validates() -> None:
    rule = Rule("launch", 1)
    launch = Alert(
        alert_id=make_alert_id("launch", ["Sohae"], T0, rule), type="launch", severity="critical", score=1.0,
        vessels=(), start_s=T0, end_s=T0 + 600.0, position=None, evidence={"apogee_m": 1_200_000.0}, rule=rule,
        summary="Launch reported",
    )
    validate("alerts", loads(dumps(alert_payload(launch, T0 + 900.0))))


def test_two_vessel_alert_with_unknown_identity_validates() -> None:
    rule = Rule("sts_encounter", 2)
    alert = Alert(
        alert_id=make_alert_id("sts_encounter", [str(DPRK_MMSI), "477995300"], T0, rule), type="sts_encounter",
        severity="medium", score=0.55, vessels=(VesselRef(DPRK_MMSI, 7937317, "CHONG CHON GANG", DPRK), VesselRef(477995300, None, None, None)),
        start_s=T0, end_s=None, position=(31.2, 123.9), evidence={"min_distance_m": 80.0, "duration_s": 9000.0}, rule=rule,
    )
    validate("alerts", loads(dumps(alert_payload(alert, T0))))


def test_wire_payloads_validate() -> None:
    validate("ais.raw", loads(dumps(raw_batch_payload("la-harbor", "nmea", T0, ["!ABVDM,1,1,,A,15N4T20P0FGRcsRCBNfU@gwD08IG,0*1A"]))))
    validate("ais.raw", loads(dumps(raw_batch_payload("noaa", "marinecadastre", T0 + 0.5, ["367752440,2023-01-11T00:00:00,43.07917,-70.75733"], header="MMSI,BaseDateTime,LAT,LON"))))
    positions = [
        _position(DPRK_MMSI, T0, 38.7, 125.3),
        _position(440123450, T0 + 1.5, -12.5, 179.99, sog_kn=None, cog_deg=None, heading_deg=None, nav_status=None, turn_rate_deg_min=None, msg_type=18, ais_class="B"),
    ]
    validate("ais.position", loads(dumps(position_batch_payload(positions))))
    statics = [
        StaticReport(DPRK_MMSI, T0, 5, "A", "sat-1", name="CHONG CHON GANG", imo=7937317, callsign="HMXX", ship_type=70, length_m=155.0, beam_m=21.0, draught_m=8.4, destination="NAMPO"),
        StaticReport(477995300, T0, 24, "B", "hk-shore", name="SEA BREEZE 8"),
    ]
    validate("ais.static", loads(dumps(static_batch_payload(statics))))
    validate("deadletter", loads(dumps(dead_letter_payload(DeadLetter("bad_checksum", "!AIVDM,1,1,,A,x,0*00", "la-harbor", "checksum"), "ais.raw", T0))))
    validate("deadletter", loads(dumps(dead_letter_payload(DeadLetter("no_timestamp", "!AIVDM,1,1,,A,x,0*00", "la-harbor", epoch_s=T0), "ais.raw", T0 + 1))))


# ---------------------------------------------------------------- what must fail


def _good_alert() -> dict:
    return loads(dumps(alert_payload(_gap_alerts()[1], T0 + 20 * 3600)))


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda p: p.update(severity="severe"), "$.severity"),
        (lambda p: p.pop("alert_id"), "'alert_id' is a required property"),
        (lambda p: p["position"].update(lat=91.0), "$.position.lat"),
        (lambda p: p.update(score=1.2), "$.score"),
        (lambda p: p.update(type="dark_activity"), "$.type"),
        (lambda p: p["vessels"][0].update(mmsi=1_000_000_000), "$.vessels[0].mmsi"),
        (lambda p: p["vessels"][0].pop("flag"), "$.vessels[0]"),
        (lambda p: p["rule"].update(version=0), "$.rule.version"),
        (lambda p: p.update(start="2023-11-15T01:23:20+09:00"), "$.start"),
        (lambda p: p.update(end="2023-02-30T01:23:20.000Z"), "$.end"),
        (lambda p: p.update(schema_version=2), "$.schema_version"),
        (lambda p: p.update(extra=True), "'extra' was unexpected"),
    ],
)
def test_broken_alerts_fail_with_path(change, where: str) -> None:
    payload = _good_alert()
    change(payload)
    with pytest.raises(SchemaError, match="alerts.v1") as caught:
        validate("alerts", payload)
    assert where in str(caught.value)


def test_broken_events_fail() -> None:
    batch = loads(dumps(position_batch_payload([_position(DPRK_MMSI, T0, 38.7, 125.3)])))
    for field, value in [("lat", 91.0), ("lon", 181.0), ("heading_deg", 511), ("sog_kn", 102.3), ("ais_class", "C"), ("mmsi", -1)]:
        broken = copy.deepcopy(batch)
        broken["positions"][0][field] = value
        with pytest.raises(SchemaError, match=rf"\$\.positions\[0\]\.{field}"):
            validate("ais.position", broken)
    with pytest.raises(SchemaError, match="should be non-empty"):
        validate("ais.position", {"schema_version": 1, "positions": []})
    with pytest.raises(SchemaError, match=r"\$\.format"):
        validate("ais.raw", raw_batch_payload("s", "nmea", T0, ["x"]) | {"format": "gpsd"})


def test_deadletter_reason_is_open_vocabulary() -> None:
    letter = dead_letter_payload(DeadLetter("some_future_reason", "raw", "src"), "ais.raw", T0)
    validate("deadletter", letter)
    with pytest.raises(SchemaError, match=r"\$\.reason"):
        validate("deadletter", letter | {"reason": ""})


def test_unknown_kind_is_reported() -> None:
    with pytest.raises(KeyError, match="topic kinds"):
        load_schema("ais.positions")
