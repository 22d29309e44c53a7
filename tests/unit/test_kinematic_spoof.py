from __future__ import annotations

import pickle

import pytest

from streams.config import load_settings
from streams.core import DetectionConfig
from streams.detectors.kinematic_spoof import SpoofConfig
from streams.domain.alerts import alert_payload
from streams.domain.vessel_state import VesselState
from streams.schemas import validate

from .conftest import by_type, position, regular_track, static

T0 = 1_700_000_000.0
HOUR = 3600.0
CARGO = 352_001_234
DPRK = 445_112_000
FERRY = 477_001_777


def spoofs(alerts):
    return by_type(alerts, "kinematic_spoof")


def test_jump_of_a_merchant_ship_is_raised_once_with_both_positions(run_pipeline):
    track = regular_track(CARGO, T0, 10, 30.0, 124.0)
    jump = position(CARGO, track[-1].epoch_s + 600, 31.5, track[-1].lon)  # 90 nm north in 10 min
    back = position(CARGO, jump.epoch_s + 600, 30.0, track[-1].lon + 0.03)
    events = [static(CARGO, T0, ship_type=70), *track, jump, back, *regular_track(CARGO, back.epoch_s + 600, 10, 30.0, 124.2)]
    [alert] = spoofs(run_pipeline(events))
    validate("alerts", alert_payload(alert, 0.0))
    e = alert.evidence
    assert e["from_position"] == {"lat": 30.0, "lon": track[-1].lon} and e["to_position"] == {"lat": 31.5, "lon": track[-1].lon}
    assert e["distance_m"] == pytest.approx(166_793, rel=1e-3) and e["elapsed_s"] == 600
    assert e["implied_speed_kn"] == pytest.approx(540.4, abs=0.5) and e["limit_kn"] == 30.0
    assert (alert.start_s, alert.end_s) == (track[-1].epoch_s, jump.epoch_s)
    assert alert.severity == "medium" and alert.score == pytest.approx(sum(e["score_terms"].values()))


def test_steady_tracks_dropouts_and_gps_jitter_are_silent(run_pipeline):
    steady = regular_track(CARGO, T0, 30, 30.0, 124.0, sog_kn=18.0)
    dropout = position(CARGO, steady[-1].epoch_s + 3 * HOUR, 30.0, steady[-1].lon + 0.5)  # 30 nm in 3 h
    jitter = [position(DPRK, T0 + i, 39.0 + (i % 2) * 0.001, 124.0, sog_kn=0.0) for i in range(1, 60)]  # 111 m hops in 1 s
    assert spoofs(run_pipeline([*steady, dropout, *jitter])) == []


def test_fast_types_credible_speeds_and_class_b_small_craft_are_judged_by_their_own_limit(run_pipeline):
    hsc = [static(FERRY, T0, ship_type=40), *regular_track(FERRY, T0 + 1, 20, 22.3, 114.0, sog_kn=45.0)]
    mislabelled = [static(CARGO, T0, ship_type=70), *regular_track(CARGO, T0 + 1, 20, 30.0, 124.0, sog_kn=35.0)]
    speedboat = regular_track(412_000_808, T0, 20, 31.0, 123.0, sog_kn=40.0, ais_class="B")
    assert spoofs(run_pipeline([*hsc, *mislabelled, *speedboat])) == []
    unknown_class_a = regular_track(413_000_001, T0, 20, 31.0, 123.0, sog_kn=40.0)
    unknown_class_a = [position(p.mmsi, p.epoch_s, p.lat, p.lon, sog_kn=None) for p in unknown_class_a]
    assert len(spoofs(run_pipeline(unknown_class_a))) == 1


@pytest.mark.parametrize("sentinel", [51.2, 63.0, 102.3])
def test_sentinel_speeds_do_not_excuse_a_jump(run_pipeline, sentinel):
    a = position(CARGO, T0, 30.0, 124.0, sog_kn=sentinel)
    b = position(CARGO, T0 + 600, 30.0, 125.0, sog_kn=sentinel)  # 52 nm in 10 min
    [alert] = spoofs(run_pipeline([static(CARGO, T0 - 1, ship_type=70), a, b]))
    assert alert.evidence["reported_speed_from_kn"] is None and alert.evidence["limit_kn"] == 30.0


def test_antimeridian_crossing_is_not_a_jump(run_pipeline):
    events = [position(CARGO, T0, 0.0, 179.98), position(CARGO, T0 + 600, 0.0, -179.99)]  # 3.3 km in 10 min
    assert spoofs(run_pipeline(events)) == []


def test_two_transmitters_on_one_mmsi_raise_once_per_cooldown(run_pipeline):
    events = [position(DPRK, T0 + i * 30, (39.0, 36.0)[i % 2], 124.0) for i in range(2 * 12 * 120)]  # 24 h of ping-pong
    alerts = spoofs(run_pipeline(events))
    assert len(alerts) == 4 and alerts[0].evidence["score_terms"]["dprk_flag"] == 0.2
    assert [a.start_s for a in alerts] == [T0, T0 + 6 * HOUR, T0 + 12 * HOUR, T0 + 18 * HOUR]
    assert [a.alert_id for a in alerts] == [a.alert_id for a in spoofs(run_pipeline(events))]


def test_thresholds_are_configuration(run_pipeline, tmp_path):
    events = [static(CARGO, T0, ship_type=70), *regular_track(CARGO, T0 + 1, 20, 30.0, 124.0, sog_kn=22.0)]
    events = [e if not hasattr(e, "sog_kn") else position(e.mmsi, e.epoch_s, e.lat, e.lon, sog_kn=None) for e in events]
    assert spoofs(run_pipeline(events)) == []
    assert len(spoofs(run_pipeline(events, DetectionConfig(spoof=SpoofConfig(max_speed_kn=15.0))))) == 1  # 22 kn of longitude at 30 N: 19 kn
    path = tmp_path / "picket.toml"
    path.write_text("[detection.spoof]\nmax_speed_kn = 25\nfast_ship_types = [40, 41]\ncooldown_s = 0\n")
    config = load_settings(path).detection.spoof
    assert config.max_speed_kn == 25.0 and config.fast_ship_types == (40, 41) and config.cooldown_s == 0.0


@pytest.mark.parametrize("bad", [dict(max_speed_kn=0), dict(max_speed_kn=80), dict(min_distance_m=-1), dict(credible_sog_factor=0.5)])
def test_invalid_spoof_config_is_rejected(bad):
    with pytest.raises(ValueError):
        SpoofConfig(**bad)


def test_state_round_trips():
    state = VesselState(CARGO, spoof_alert_s=T0)
    state.apply_position(position(CARGO, T0, 30.0, 124.0))
    assert VesselState.from_dict(state.to_dict()) == state and pickle.loads(pickle.dumps(state)) == state


def test_jump_across_the_antimeridian_is_measured_the_short_way(run_pipeline):
    events = [position(CARGO, T0, 0.0, 179.5), position(CARGO, T0 + 600, 0.0, -179.5)]  # 60 nm in 10 min
    [alert] = spoofs(run_pipeline(events))
    assert alert.evidence["distance_m"] == pytest.approx(111_195, rel=1e-3)
