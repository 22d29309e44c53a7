from __future__ import annotations

import pickle

import pytest

from streams.config import load_settings
from streams.core import DetectionConfig, DetectionCore
from streams.detectors.identity_change import (
    IdentityConfig,
    IdentityIndex,
    ImoRecord,
    ImoSighting,
    imo_check_digit_ok,
)
from streams.domain.alerts import alert_payload
from streams.domain.vessel_state import VesselState, VesselStates
from streams.processing import EventTimeProcessor
from streams.schemas import validate

from .conftest import by_type, position, regular_track, static

T0 = 1_700_000_000.0
HOUR = 3600.0
DAY = 86_400.0
PANAMA = 352_001_234
DPRK = 445_112_000
TOGO = 671_000_111
SIERRA_LEONE = 667_001_555
VALID_IMO = 9074729  # 9*7 + 0*6 + 7*5 + 4*4 + 7*3 + 2*2 = 139 -> check digit 9
OTHER_VALID_IMO = 8660313


def identity(alerts):
    return by_type(alerts, "identity_change")


def kinds(alerts):
    return [a.evidence["kind"] for a in identity(alerts)]


def valid(alert):
    validate("alerts", alert_payload(alert, 0.0))
    return alert


@pytest.mark.parametrize(("imo", "ok"), [(9074729, True), (9074728, False), (8660313, True), (9036060, False), (123456, False)])
def test_imo_check_digit(imo, ok):
    assert imo_check_digit_ok(imo) is ok


def test_name_and_callsign_change_is_one_alert_with_before_after_and_first_seen(run_pipeline):
    track = regular_track(PANAMA, T0, 6, 30.0, 124.0)
    events = [
        static(PANAMA, T0 + 1, name="OCEAN GRACE", callsign="3FZA9", imo=VALID_IMO, ship_type=70),
        *track,
        static(PANAMA, T0 + 2 * HOUR, name="OCEAN GRACE", callsign="3FZA9", imo=VALID_IMO, ship_type=70),
        static(PANAMA, T0 + 3 * HOUR, name="GRACE 7", callsign="3EXX1", imo=VALID_IMO, ship_type=70),
        static(PANAMA, T0 + 3.1 * HOUR, name="GRACE 7", callsign="3EXX1", imo=VALID_IMO, ship_type=70),
    ]
    [alert] = identity(run_pipeline(events))
    valid(alert)
    assert alert.evidence["kind"] == "static_change"
    assert alert.evidence["fields_changed"] == ["callsign", "name"]
    assert alert.evidence["changes"]["name"] == {
        "before": "OCEAN GRACE", "before_first_seen": "2023-11-14T22:13:21.000Z",
        "after": "GRACE 7", "after_first_seen": "2023-11-15T01:13:20.000Z",
    }
    assert alert.evidence["changes"]["callsign"]["before"] == "3FZA9"
    assert alert.start_s == alert.end_s == T0 + 3 * HOUR
    assert alert.severity == "medium" and alert.score == pytest.approx(0.5)
    assert alert.position == (30.0, track[-1].lon)
    assert alert.vessels[0].name == "OCEAN GRACE"  # the identity known before the change


def test_imo_change_on_one_transponder_weighs_most(run_pipeline):
    events = [static(PANAMA, T0, imo=VALID_IMO), static(PANAMA, T0 + HOUR, imo=OTHER_VALID_IMO)]
    [alert] = identity(run_pipeline(events))
    assert alert.evidence["fields_changed"] == ["imo"] and alert.severity == "medium"


def test_dprk_mmsi_raises_the_severity_of_a_change(run_pipeline):
    events = [static(DPRK, T0, name="CHON MA SAN"), static(DPRK, T0 + HOUR, name="BAEK MA")]
    [alert] = identity(run_pipeline(events))
    assert alert.severity == "medium" and alert.evidence["dprk_flag"] is True
    assert alert.score == pytest.approx(sum(alert.evidence["score_terms"].values()))
    [plain] = identity(run_pipeline([static(PANAMA, T0, name="A"), static(PANAMA, T0 + HOUR, name="B")]))
    assert plain.severity == "low" and plain.score < alert.score


def test_case_and_blanks_are_not_a_rename_and_partial_reports_change_nothing(run_pipeline):
    events = [
        static(PANAMA, T0, name="OCEAN  GRACE", callsign="3FZA9", ship_type=70),
        static(PANAMA, T0 + 600, name="Ocean Grace"),
        static(PANAMA, T0 + 1200, callsign="3FZA9"),  # a type 24 part B carries no name
        static(PANAMA, T0 + 1800),
    ]
    assert identity(run_pipeline(events)) == []


def test_two_transmitters_alternating_on_one_mmsi_raise_one_alert(run_pipeline):
    names = ["SEA STAR", "HAI XING 8"] * 20
    events = [static(TOGO, T0 + i * 360, name=name) for i, name in enumerate(names)]
    [alert] = identity(run_pipeline(events))
    assert alert.evidence["changes"]["name"]["after"] == "HAI XING 8"


def test_return_to_an_old_name_after_the_revert_window_is_a_change(run_pipeline):
    events = [
        static(TOGO, T0, name="SEA STAR"),
        static(TOGO, T0 + HOUR, name="HAI XING 8"),
        static(TOGO, T0 + 3 * DAY, name="SEA STAR"),
    ]
    assert len(identity(run_pipeline(events))) == 2


@pytest.mark.parametrize("mmsi", [123_456_789, 111_111_111, 999_999_999])
def test_placeholder_mmsi_is_raised_once(run_pipeline, mmsi):
    track = regular_track(mmsi, T0, 30, 35.0, 124.0)
    [alert] = identity(run_pipeline(track))
    valid(alert)
    assert alert.evidence["kind"] == "placeholder_mmsi"
    assert alert.start_s == T0 and alert.position == (35.0, 124.0)


def test_unallocated_mid_is_raised_and_allocated_ones_are_not(run_pipeline):
    alerts = run_pipeline([position(200_123_456, T0, 35.0, 124.0), position(PANAMA, T0, 30.0, 124.0),
                           static(PANAMA, T0 + 1, name="OCEAN GRACE"), position(990_000_001, T0, 35.0, 124.0)])
    [alert] = identity(alerts)
    assert alert.evidence == {"kind": "unallocated_mid", "mmsi": 200_123_456, "mid": 200,
                              "first_seen": "2023-11-14T22:13:20.000Z", "score_terms": {"base": 0.5}}
    config = DetectionConfig(identity=IdentityConfig(check_mid=False))
    assert identity(run_pipeline([position(200_123_456, T0, 35.0, 124.0)], config)) == []


def test_invalid_imo_check_digit_is_raised_once_per_value(run_pipeline):
    events = [static(SIERRA_LEONE, T0 + i * 360, name="SEA BRAVE", imo=9036060) for i in range(10)]
    [alert] = identity(run_pipeline(events))
    valid(alert)
    assert alert.evidence["kind"] == "invalid_imo" and alert.evidence["imo_reported"] == 9036060
    assert alert.severity == "low" and alert.vessels[0].imo == 9036060
    assert identity(run_pipeline([static(SIERRA_LEONE, T0, imo=VALID_IMO)])) == []


def test_renamed_vessel_with_a_new_mmsi_at_a_registry_change_is_silent(run_pipeline):
    """A sale: the Panama MMSI stops, a week later the same hull reports a Togo MMSI and a new name."""
    old = [static(PANAMA, T0 + i * HOUR, name="OCEAN GRACE", imo=VALID_IMO) for i in range(5)]
    new = [static(TOGO, T0 + 7 * DAY + i * HOUR, name="TOGO STAR", imo=VALID_IMO) for i in range(5)]
    assert identity(run_pipeline([*old, *new])) == []
    config = DetectionConfig(identity=IdentityConfig(alert_on_clean_reflag=True))
    [info] = identity(run_pipeline([*old, *new], config))
    assert info.severity == "info" and info.evidence["kind"] == "imo_new_mmsi"


def test_imo_leaving_a_dprk_mmsi_is_high_with_both_identities(run_pipeline):
    old = [static(DPRK, T0 + i * HOUR, name="CHON MA SAN", imo=VALID_IMO) for i in range(3)]
    new = static(TOGO, T0 + 30 * DAY, name="SEA BREEZE", imo=VALID_IMO)
    [alert] = identity(run_pipeline([*old, new]))
    valid(alert)
    assert alert.severity == "high" and alert.evidence["kind"] == "imo_new_mmsi"
    assert [v.mmsi for v in alert.vessels] == [TOGO, DPRK]
    assert alert.evidence["before"]["mmsi"] == DPRK and alert.evidence["before"]["name"] == "CHON MA SAN"
    assert alert.evidence["before"]["last_seen"] == "2023-11-15T00:13:20.000Z"
    assert alert.evidence["after"] == {"mmsi": TOGO, "flag": "Togo", "name": "SEA BREEZE", "first_seen": "2023-12-14T22:13:20.000Z"}
    assert alert.evidence["dprk_mmsis_within_recent"] == [DPRK]
    assert alert.evidence["silence_between_s"] == pytest.approx(30 * DAY - 2 * HOUR)


def test_third_mmsi_of_one_imo_within_a_year_is_flag_hopping(run_pipeline):
    events = [
        static(PANAMA, T0, imo=VALID_IMO),
        static(TOGO, T0 + 60 * DAY, imo=VALID_IMO),
        static(SIERRA_LEONE, T0 + 120 * DAY, imo=VALID_IMO),
    ]
    [alert] = identity(run_pipeline(events))
    assert alert.severity == "medium" and alert.evidence["flag_hopping"] and alert.evidence["mmsis_in_window"] == 3


def test_old_mmsi_reporting_again_after_the_new_one_is_a_shared_identity(run_pipeline):
    events = [
        static(PANAMA, T0, name="OCEAN GRACE", imo=VALID_IMO),
        static(TOGO, T0 + 2 * DAY, name="TOGO STAR", imo=VALID_IMO),
        static(PANAMA, T0 + 2 * DAY + 3 * HOUR, name="OCEAN GRACE", imo=VALID_IMO),
        static(TOGO, T0 + 2 * DAY + 5 * HOUR, name="TOGO STAR", imo=VALID_IMO),
        static(PANAMA, T0 + 2 * DAY + 7 * HOUR, name="OCEAN GRACE", imo=VALID_IMO),
    ]
    [alert] = identity(run_pipeline(events))
    valid(alert)
    assert alert.evidence["kind"] == "imo_shared" and alert.severity == "high"
    assert {v.mmsi for v in alert.vessels} == {PANAMA, TOGO}
    assert alert.start_s == T0 + 2 * DAY + 3 * HOUR


def test_index_and_vessel_state_round_trip_through_dict_and_pickle(reference):
    core = DetectionCore(DetectionConfig(), reference)
    states = VesselStates()
    processor = EventTimeProcessor(core, states)
    processor.process([static(PANAMA, T0, name="A", imo=VALID_IMO), static(TOGO, T0 + DAY, name="B", imo=VALID_IMO),
                       static(PANAMA, T0 + 2 * DAY, name="C", imo=VALID_IMO)])
    index = core.identity_index
    assert isinstance(index, IdentityIndex)
    assert IdentityIndex.from_dict(index.to_dict()).to_dict() == index.to_dict()
    assert pickle.loads(pickle.dumps(index)).to_dict() == index.to_dict()
    record = index.get(VALID_IMO)
    assert record is not None and ImoRecord.from_dict(record.to_dict()) == record
    sighting = ImoSighting(VALID_IMO, PANAMA, T0, "A", None, None)
    assert ImoSighting.from_dict(sighting.to_dict()) == sighting
    state = states.get(PANAMA)
    assert state.prev_name == "A" and state.name == "C"
    assert VesselState.from_dict(state.to_dict()) == state
    assert pickle.loads(pickle.dumps(state)) == state


def test_replay_gives_the_same_ids_and_kinds_differ_in_id(run_pipeline):
    events = [static(DPRK, T0, name="A", imo=9036060), static(DPRK, T0 + HOUR, name="B", imo=9036060),
              position(123_456_789, T0, 1.0, 1.0)]
    first, second = identity(run_pipeline(events)), identity(run_pipeline(events))
    assert [a.alert_id for a in first] == [a.alert_id for a in second]
    assert len({a.alert_id for a in first}) == len(first) == 3


def test_identity_is_configured_from_toml(tmp_path):
    path = tmp_path / "picket.toml"
    path.write_text("[detection.identity]\nhop_min_mmsis = 2\nplaceholder_mmsis = [123456789]\nrevert_window_s = 60\n")
    config = load_settings(path).detection.identity
    assert config.hop_min_mmsis == 2 and config.placeholder_mmsis == (123456789,) and config.revert_window_s == 60.0


@pytest.mark.parametrize("bad", [dict(hop_min_mmsis=1), dict(hop_min_mmsis=99), dict(revert_window_s=-1), dict(hop_window_s=0)])
def test_invalid_identity_config_is_rejected(bad):
    with pytest.raises(ValueError):
        IdentityConfig(**bad)
