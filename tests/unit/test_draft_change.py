from __future__ import annotations

import pickle

import pytest

from streams.config import load_settings
from streams.core import DetectionConfig
from streams.detectors.draft_change import DraftConfig
from streams.domain.alerts import alert_payload
from streams.domain.vessel_state import VesselState
from streams.schemas import validate

from .conftest import by_type, position, regular_track, static

T0 = 1_700_000_000.0
HOUR = 3600.0
TANKER = 352_001_234
DPRK = 445_112_000


def drafts(alerts):
    return by_type(alerts, "draft_change")


def test_draught_change_at_sea_is_raised_with_before_after_where_and_when(run_pipeline):
    track = regular_track(TANKER, T0, 12, 30.0, 124.0)
    events = [static(TANKER, T0 + 1, draught_m=8.5), *track, static(TANKER, T0 + 2 * HOUR + 1, draught_m=12.0)]
    [alert] = drafts(run_pipeline(events))
    validate("alerts", alert_payload(alert, 0.0))
    e = alert.evidence
    assert (e["before_draught_m"], e["after_draught_m"], e["change_m"]) == (8.5, 12.0, 3.5)
    assert e["direction"] == "deeper (loaded)"
    assert e["before_reported_at"] == "2023-11-14T22:13:21.000Z" and e["after_reported_at"] == "2023-11-15T00:13:21.000Z"
    assert e["position"] == {"lat": 30.0, "lon": track[-1].lon} and e["nearest_port"] in ("NAMPO", "DALIAN")
    assert e["nearest_port_distance_m"] > 10_000 and e["gap"] is None
    assert alert.start_s == T0 + 1 and alert.end_s == T0 + 2 * HOUR + 1
    assert alert.severity == "medium"  # 0.3 base + 0.117 for 3.5 m of 6: no gap, no area, not DPRK
    assert alert.score == pytest.approx(sum(e["score_terms"].values()))


def test_draught_change_across_an_ais_gap_in_an_area_of_interest_is_high(run_pipeline):
    track = regular_track(TANKER, T0, 20, 39.0, 123.0, sog_kn=1.0)  # Korea Bay, far from Nampo and Dalian
    back = position(TANKER, track[-1].epoch_s + 9 * HOUR, 39.0, 123.05, sog_kn=1.0)
    events = [static(TANKER, T0 + 1, draught_m=6.0), *track, back, static(TANKER, back.epoch_s + 60, draught_m=11.2)]
    alerts = run_pipeline(events)
    [gap] = by_type(alerts, "ais_gap")
    [alert] = drafts(alerts)
    assert alert.evidence["gap"] == {"off_time": "2023-11-15T01:23:20.000Z", "on_time": "2023-11-15T10:23:20.000Z", "gap_s": 9 * HOUR}
    assert gap.start_s == track[-1].epoch_s
    assert alert.evidence["areas_of_interest"] == ["Korea Bay"]
    assert alert.severity == "high"


def test_draught_change_in_port_is_silent(run_pipeline):
    at_dalian = [position(TANKER, T0 + i * 600, 38.95, 121.68, sog_kn=0.0) for i in range(10)]  # ~3 km from Dalian
    events = [static(TANKER, T0 + 1, draught_m=5.0), *at_dalian, static(TANKER, T0 + 2 * HOUR, draught_m=11.0)]
    assert drafts(run_pipeline(events)) == []


@pytest.mark.parametrize("new_draught", [9.9, 7.1, 8.5])
def test_small_changes_are_silent(run_pipeline, new_draught):
    track = regular_track(TANKER, T0, 6, 30.0, 124.0)
    assert drafts(run_pipeline([static(TANKER, T0, draught_m=8.5), *track, static(TANKER, T0 + HOUR, draught_m=new_draught)])) == []


def test_first_draught_and_a_vessel_without_position_are_silent(run_pipeline):
    assert drafts(run_pipeline([*regular_track(TANKER, T0, 6, 30.0, 124.0), static(TANKER, T0 + HOUR, draught_m=12.0)])) == []
    assert drafts(run_pipeline([static(TANKER, T0, draught_m=5.0), static(TANKER, T0 + HOUR, draught_m=12.0)])) == []


def test_alternating_draughts_of_two_transmitters_raise_one_alert(run_pipeline):
    track = regular_track(TANKER, T0, 40, 30.0, 124.0)
    statics = [static(TANKER, T0 + i * 360 + 1, draught_m=(5.0, 12.0)[i % 2]) for i in range(20)]
    events = sorted([*track, *statics], key=lambda e: e.epoch_s)
    assert len(drafts(run_pipeline(events))) == 1


def test_discharge_by_dprk_tanker_and_deterministic_ids(run_pipeline):
    track = regular_track(DPRK, T0, 6, 30.0, 124.0)
    events = [static(DPRK, T0, draught_m=10.0), *track, static(DPRK, T0 + HOUR, draught_m=4.0)]
    [alert] = drafts(run_pipeline(events))
    assert alert.evidence["direction"] == "shallower (discharged)" and alert.evidence["score_terms"]["dprk_flag"] == 0.2
    assert alert.alert_id == drafts(run_pipeline(events))[0].alert_id


def test_thresholds_are_configuration(run_pipeline, tmp_path):
    track = regular_track(TANKER, T0, 6, 30.0, 124.0)
    events = [static(TANKER, T0, draught_m=8.5), *track, static(TANKER, T0 + HOUR, draught_m=9.5)]
    assert len(drafts(run_pipeline(events, DetectionConfig(draft=DraftConfig(min_change_m=1.0))))) == 1
    path = tmp_path / "picket.toml"
    path.write_text("[detection.draft]\nmin_change_m = 2\naway_from_port_m = 5556\n")
    assert load_settings(path).detection.draft == DraftConfig(min_change_m=2.0, away_from_port_m=5556.0)


@pytest.mark.parametrize("bad", [dict(min_change_m=0), dict(away_from_port_m=-1), dict(gap_lookback_s=-1)])
def test_invalid_draft_config_is_rejected(bad):
    with pytest.raises(ValueError):
        DraftConfig(**bad)


def test_state_round_trips_with_draught_history_and_last_gap():
    state = VesselState(TANKER)
    state.apply_static(static(TANKER, T0, draught_m=8.5))
    state.apply_static(static(TANKER, T0 + HOUR, draught_m=12.0))
    state.last_gap_start_s, state.last_gap_end_s = T0, T0 + 7 * HOUR
    assert (state.prev_draught_m, state.draught_since_s, state.draught_epoch_s) == (8.5, T0 + HOUR, T0 + HOUR)
    assert VesselState.from_dict(state.to_dict()) == state
    assert pickle.loads(pickle.dumps(state)) == state
