from __future__ import annotations

import pickle

import pytest

from streams.core import DetectionConfig
from streams.detectors.ais_gap import GapConfig
from streams.domain.vessel_state import VesselState

from .conftest import position, regular_track

T0 = 1_700_000_000.0
HOUR = 3600.0


def test_gap_of_seven_hours_after_regular_reporting_raises_one_closed_alert(run_pipeline):
    track = regular_track(352_001_234, T0, 20, 30.0, 124.0)
    back = position(352_001_234, track[-1].epoch_s + 7 * HOUR, 30.0, 124.9)
    alerts = run_pipeline([*track, back])
    assert len(alerts) == 1
    alert = alerts[0]
    assert alert.type == "ais_gap"
    assert alert.start_s == track[-1].epoch_s and alert.end_s == back.epoch_s
    assert alert.evidence["gap_s"] == pytest.approx(7 * HOUR)
    assert alert.evidence["off_position"] == {"lat": 30.0, "lon": track[-1].lon}
    assert alert.evidence["on_position"] == {"lat": 30.0, "lon": 124.9}
    assert alert.severity == "low"  # under 12 h, outside every area of interest
    assert alert.vessels[0].flag == "Panama"


def test_reception_dropout_below_threshold_is_not_an_alert(run_pipeline):
    track = regular_track(352_001_234, T0, 20, 30.0, 124.0)
    back = position(352_001_234, track[-1].epoch_s + 5.9 * HOUR, 30.0, 124.5)
    assert run_pipeline([*track, back]) == []


def test_vessel_not_reporting_regularly_is_not_an_alert(run_pipeline):
    sparse = regular_track(440_000_321, T0, 10, 35.0, 125.0, interval_s=3 * HOUR)
    back = position(440_000_321, sparse[-1].epoch_s + 8 * HOUR, 35.0, 126.0)
    assert run_pipeline([*sparse, back]) == []


def test_class_b_vessel_is_not_an_alert(run_pipeline):
    track = regular_track(412_000_808, T0, 20, 31.0, 123.0, ais_class="B")
    back = position(412_000_808, track[-1].epoch_s + 8 * HOUR, 31.0, 123.5, ais_class="B")
    assert run_pipeline([*track, back]) == []


def test_long_gap_in_area_of_interest_is_high_and_explains_its_score(run_pipeline):
    track = regular_track(445_112_000, T0, 20, 39.0, 123.0)
    back = position(445_112_000, track[-1].epoch_s + 14 * HOUR, 39.2, 123.6)
    [alert] = run_pipeline([*track, back])
    assert alert.severity == "high"
    assert alert.evidence["off_areas_of_interest"] == ["Korea Bay"]
    assert alert.score == pytest.approx(sum(alert.evidence["score_terms"].values()))
    assert alert.vessels[0].flag == "Korea (DPRK)"


def test_reappearance_beyond_usual_speed_is_marked_unreachable(run_pipeline):
    track = regular_track(352_001_234, T0, 20, 10.0, 100.0, sog_kn=2.0)
    far = position(352_001_234, track[-1].epoch_s + 6 * HOUR, 10.0, 103.0, sog_kn=2.0)  # ~180 nm in 6 h
    [alert] = run_pipeline([*track, far])
    assert alert.evidence["reachable_at_usual_speed"] is False
    assert alert.evidence["implied_speed_kn"] > 25


def test_vessel_still_dark_at_end_gives_open_alert_with_same_id_as_later_closing(run_pipeline):
    track = regular_track(667_001_555, T0, 20, 37.0, 123.5)
    open_alerts = run_pipeline([*track, position(999_000_001, track[-1].epoch_s + 7 * HOUR, 0.0, 0.0)])
    [open_alert] = [a for a in open_alerts if a.vessels[0].mmsi == 667_001_555]
    assert open_alert.end_s is None
    assert open_alert.evidence["dark_so_far_s"] == pytest.approx(7 * HOUR)
    back = position(667_001_555, track[-1].epoch_s + 9 * HOUR, 37.0, 124.0)
    [closed] = run_pipeline([*track, back], finish=False)
    assert closed.alert_id == open_alert.alert_id and closed.end_s == back.epoch_s


def test_open_alert_is_raised_once_per_gap(reference):
    from streams.core import DetectionCore
    from streams.domain.vessel_state import VesselStates
    from streams.processing import EventTimeProcessor

    processor = EventTimeProcessor(DetectionCore(DetectionConfig(), reference), VesselStates())
    track = regular_track(667_001_555, T0, 20, 37.0, 123.5)
    processor.process(track)
    processor.process([position(1, track[-1].epoch_s + 7 * HOUR, 0.0, 0.0)])
    first = [a for a in processor.check_open() if a.vessels[0].mmsi == 667_001_555]
    processor.process([position(1, track[-1].epoch_s + 8 * HOUR, 0.0, 0.0)])
    again = [a for a in processor.check_open() if a.vessels[0].mmsi == 667_001_555]
    assert len(first) == 1 and again == []


def test_late_duplicate_position_does_not_reopen_or_close_a_gap(run_pipeline):
    track = regular_track(352_001_234, T0, 20, 30.0, 124.0)
    late = position(352_001_234, track[5].epoch_s, 30.0, 124.0)
    assert run_pipeline([*track, late], finish=False) == []


def test_replaying_same_input_gives_same_alert_ids(run_pipeline):
    track = regular_track(352_001_234, T0, 20, 30.0, 124.0)
    events = [*track, position(352_001_234, track[-1].epoch_s + 8 * HOUR, 30.0, 125.0)]
    assert [a.alert_id for a in run_pipeline(events)] == [a.alert_id for a in run_pipeline(events)]


def test_thresholds_are_configuration(run_pipeline):
    track = regular_track(352_001_234, T0, 20, 30.0, 124.0)
    back = position(352_001_234, track[-1].epoch_s + 3 * HOUR, 30.0, 124.5)
    config = DetectionConfig(gap=GapConfig(min_gap_s=2 * HOUR))
    assert len(run_pipeline([*track, back], config)) == 1


@pytest.mark.parametrize(
    "bad",
    [dict(min_gap_s=0), dict(min_gap_s=13 * HOUR), dict(min_reports_before_gap=0), dict(min_reports_before_gap=500)],
)
def test_invalid_gap_config_is_rejected(bad):
    with pytest.raises(ValueError):
        GapConfig(**bad)


def test_vessel_state_survives_pickle_and_dict_round_trip():
    state = VesselState(445_112_000)
    for report in regular_track(445_112_000, T0, 3, 39.0, 123.0):
        state.apply_position(report)
    assert pickle.loads(pickle.dumps(state)) == state
    assert VesselState.from_dict(state.to_dict()) == state
