from __future__ import annotations

import pickle

import pytest

from streams.config import load_settings
from streams.core import DetectionConfig, DetectionCore
from streams.detectors.loitering import LoiteringConfig
from streams.domain.alerts import alert_payload
from streams.domain.vessel_state import VesselState, VesselStates
from streams.processing import EventTimeProcessor
from streams.schemas import validate

from .conftest import by_type, position, regular_track, static

T0 = 1_700_000_000.0
HOUR = 3600.0
TANKER = 352_001_234
DPRK_TANKER = 445_112_000
KOREA_BAY = (39.0, 123.0)  # ~140 km from Dalian, ~210 km from Nampo (the fixture's ports)


def drift(mmsi: int, start_s: float, hours: float, at=KOREA_BAY, speed_kn: float = 0.5, every_s: float = 600.0):
    """Positions drifting north at `speed_kn`."""
    count = int(hours * 3600 / every_s) + 1
    step_deg = speed_kn * every_s / 3600 / 60
    return [position(mmsi, start_s + i * every_s, at[0] + i * step_deg, at[1], sog_kn=speed_kn) for i in range(count)]


def loiters(alerts):
    return by_type(alerts, "loitering")


def test_tanker_idling_in_korea_bay_is_raised_at_six_hours_and_updated_when_it_moves_on(run_pipeline):
    slow = drift(TANKER, T0, 10)
    away = regular_track(TANKER, slow[-1].epoch_s + 600, 13, slow[-1].lat, slow[-1].lon, sog_kn=12.0)
    opened, closed = loiters(run_pipeline([static(TANKER, T0 - 1, ship_type=80), *slow, *away]))
    for alert in (opened, closed):
        validate("alerts", alert_payload(alert, 0.0))
    assert opened.alert_id == closed.alert_id and opened.end_s is None
    assert opened.start_s == T0 and opened.evidence["duration_s"] == pytest.approx(6 * HOUR)
    assert closed.end_s == slow[-1].epoch_s and closed.evidence["duration_s"] == pytest.approx(10 * HOUR)
    e = closed.evidence
    assert e["start_position"] == {"lat": KOREA_BAY[0], "lon": KOREA_BAY[1]}
    assert e["mean_speed_kn"] == pytest.approx(0.5, rel=0.01)
    assert e["nearest_port"] == "DALIAN" and e["nearest_port_distance_m"] > 20 * 1852
    assert e["areas_of_interest"] == ["Korea Bay"]
    assert closed.severity == "medium" and closed.score == pytest.approx(sum(e["score_terms"].values()))


def test_ship_at_anchor_off_a_port_tug_and_fishing_vessel_are_silent(run_pipeline):
    off_dalian = drift(TANKER, T0, 24, at=(38.95, 121.80), speed_kn=0.2)  # ~13 km out
    tug = drift(412_000_111, T0, 24, speed_kn=0.3)
    fishing = drift(412_000_222, T0, 24, speed_kn=1.5)
    statics = [static(TANKER, T0 - 1, ship_type=84), static(412_000_111, T0 - 1, ship_type=52), static(412_000_222, T0 - 1, ship_type=30)]
    assert loiters(run_pipeline([*statics, *off_dalian, *tug, *fishing])) == []


def test_unknown_type_short_stops_and_steaming_with_a_dropout_are_silent(run_pipeline):
    unknown = drift(413_000_001, T0, 24)
    short = drift(TANKER, T0, 5)
    steaming = regular_track(DPRK_TANKER, T0, 20, 39.0, 123.0, sog_kn=10.0)
    after = regular_track(DPRK_TANKER, steaming[-1].epoch_s + 3 * HOUR, 20, 39.0, steaming[-1].lon + 0.5, sog_kn=10.0)
    events = [static(TANKER, T0 - 1, ship_type=80), static(DPRK_TANKER, T0 - 1, ship_type=80), *unknown, *short, *steaming, *after]
    assert loiters(run_pipeline(sorted(events, key=lambda e: e.epoch_s))) == []


def test_drifting_dark_for_a_few_hours_keeps_the_episode_and_a_long_silence_ends_it(run_pipeline):
    first = drift(DPRK_TANKER, T0, 3)
    second = drift(DPRK_TANKER, first[-1].epoch_s + 4 * HOUR, 3, at=(first[-1].lat + 0.01, first[-1].lon))
    [alert] = loiters(run_pipeline([static(DPRK_TANKER, T0 - 1, ship_type=80), *first, *second]))
    # raised at the first window past 6 h: the one across the 4 h silence, 7 h after the start
    assert alert.end_s is None and alert.evidence["duration_s"] == pytest.approx(7 * HOUR)
    assert alert.severity == "high"  # a DPRK tanker in Korea Bay
    late = drift(DPRK_TANKER, first[-1].epoch_s + 13 * HOUR, 3, at=(first[-1].lat, first[-1].lon))
    assert loiters(run_pipeline([static(DPRK_TANKER, T0 - 1, ship_type=80), *first, *late])) == []


def test_episode_survives_state_round_trips_and_ids_repeat(reference):
    events = [static(TANKER, T0 - 1, ship_type=80), *drift(TANKER, T0, 8)]
    whole = EventTimeProcessor(DetectionCore(DetectionConfig(), reference), VesselStates()).process(events)
    core = DetectionCore(DetectionConfig(), reference)
    state = VesselState(TANKER)
    for event in events[:20]:
        core.on_event(state, event)
    assert state.loiter_start_s == T0
    assert VesselState.from_dict(state.to_dict()) == state and pickle.loads(pickle.dumps(state)) == state
    resumed = VesselState.from_dict(state.to_dict())
    alerts = [a for event in events[20:] for a in core.on_event(resumed, event)]
    assert [a.alert_id for a in loiters(alerts)] == [a.alert_id for a in loiters(whole)]
    assert len(loiters(whole)) == 1


def test_thresholds_are_configuration(run_pipeline, tmp_path):
    events = [static(TANKER, T0 - 1, ship_type=80), *drift(TANKER, T0, 4)]
    assert loiters(run_pipeline(events)) == []
    assert len(loiters(run_pipeline(events, DetectionConfig(loitering=LoiteringConfig(min_duration_s=3 * HOUR))))) == 1
    path = tmp_path / "picket.toml"
    path.write_text("[detection.loitering]\nmin_duration_s = 7200\nship_types = [80, 81]\nmax_speed_kn = 1\n")
    config = load_settings(path).detection.loitering
    assert config == LoiteringConfig(min_duration_s=7200.0, ship_types=(80, 81), max_speed_kn=1.0)


@pytest.mark.parametrize("bad", [dict(max_speed_kn=0), dict(min_duration_s=0), dict(window_s=0), dict(window_s=50_000)])
def test_invalid_loitering_config_is_rejected(bad):
    with pytest.raises(ValueError):
        LoiteringConfig(**bad)
