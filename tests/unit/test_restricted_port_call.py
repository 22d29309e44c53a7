from __future__ import annotations

import pickle

import pytest

from streams.config import load_settings
from streams.core import DetectionConfig, DetectionCore
from streams.detectors.restricted_port_call import PortCallConfig, RestrictedPortDetector
from streams.domain.alerts import alert_payload
from streams.domain.reference import Area, AreaSet, ReferenceData
from streams.domain.vessel_state import VesselState, VesselStates
from streams.processing import EventTimeProcessor
from streams.refdata import load_reference_data
from streams.schemas import validate

from .conftest import by_type, position, regular_track, static

T0 = 1_700_000_000.0
HOUR = 3600.0
NAMPO = (38.73, 125.40)  # the fixture's port
DALIAN = (38.93, 121.65)
FOREIGN_TANKER = 352_001_234
DPRK_CARGO = 445_112_000
TUG = 412_000_808


def near(port: tuple[float, float], north_m: float) -> tuple[float, float]:
    return port[0] + north_m / 111_195.0, port[1]


def stay(mmsi: int, start_s: float, hours: float, port=NAMPO, north_m: float = 1000.0, every_s: float = 600.0):
    lat, lon = near(port, north_m)
    return [position(mmsi, start_s + i * every_s, lat, lon, sog_kn=0.0) for i in range(int(hours * 3600 / every_s) + 1)]


def calls(alerts):
    return by_type(alerts, "restricted_port_call")


def test_foreign_tanker_calling_at_nampo_raises_on_dwell_and_updates_on_departure(run_pipeline):
    approach = [position(FOREIGN_TANKER, T0 + i * 600, *near(NAMPO, 20_000 - i * 3000), sog_kn=9.0) for i in range(6)]
    visit = stay(FOREIGN_TANKER, T0 + 3600, 5)
    leave = [position(FOREIGN_TANKER, visit[-1].epoch_s + 600, *near(NAMPO, 5000), sog_kn=9.0)]
    events = [static(FOREIGN_TANKER, T0, name="OCEAN GRACE", ship_type=80), *approach, *visit, *leave]
    opened, closed = calls(run_pipeline(events))
    for alert in (opened, closed):
        validate("alerts", alert_payload(alert, 0.0))
    arrival_s = visit[0].epoch_s  # the approach ends 5 km out: the first fix within 3 km is the visit's
    assert opened.alert_id == closed.alert_id
    assert opened.end_s is None and opened.start_s == arrival_s
    assert opened.evidence["dwell_s"] == pytest.approx(3 * HOUR, abs=600)
    assert opened.evidence["port"] == "NAMPO" and opened.evidence["departure"] is None
    assert closed.end_s == leave[0].epoch_s
    assert closed.evidence["departure_position"] == {"lat": leave[0].lat, "lon": leave[0].lon}
    assert closed.evidence["dwell_s"] == pytest.approx(leave[0].epoch_s - arrival_s)
    assert closed.evidence["last_position_in_port"] == "2023-11-15T04:13:20.000Z"
    assert closed.severity == opened.severity == "high" and closed.evidence["foreign_flag"] is True
    assert closed.evidence["preceding_gap"] is None
    assert closed.score == pytest.approx(sum(closed.evidence["score_terms"].values()))


def test_swinging_across_the_entry_radius_is_one_visit(run_pipeline):
    lats = [near(NAMPO, d)[0] for d in [2500, 3500, 3900, 3200, 2900, 3800] * 10]
    events = [position(DPRK_CARGO, T0 + i * 600, lat, NAMPO[1], sog_kn=0.0) for i, lat in enumerate(lats)]
    [alert] = calls(run_pipeline(events))
    assert alert.end_s is None and alert.severity == "medium"  # a DPRK cargo ship at home


def test_short_visit_and_passing_by_are_silent(run_pipeline):
    short = stay(FOREIGN_TANKER, T0, 2.5)
    out = position(FOREIGN_TANKER, short[-1].epoch_s + 600, *near(NAMPO, 6000))
    passing = [position(DPRK_CARGO, T0 + i * 600, *near(NAMPO, 5000)) for i in range(40)]
    assert calls(run_pipeline([*short, out, *passing])) == []


def test_anchored_ship_and_tug_in_an_unrestricted_port_are_silent(run_pipeline):
    anchored = stay(FOREIGN_TANKER, T0, 30, port=DALIAN)
    tug = stay(TUG, T0, 30, port=DALIAN, north_m=300)
    assert calls(run_pipeline([static(TUG, T0, ship_type=52), *anchored, *tug])) == []


def test_arrival_after_a_long_silence_reports_the_gap_and_is_critical(run_pipeline):
    sea = regular_track(FOREIGN_TANKER, T0, 20, 38.9, 124.0, sog_kn=8.0)
    visit = stay(FOREIGN_TANKER, sea[-1].epoch_s + 10 * HOUR, 4)
    alerts = run_pipeline([*sea, *visit])
    [alert] = calls(alerts)
    assert alert.evidence["preceding_gap"] == {
        "off_time": "2023-11-15T01:23:20.000Z", "on_time": "2023-11-15T11:23:20.000Z", "gap_s": 10 * HOUR,
        "source": "silence before arrival",
    }
    assert alert.severity == "critical"


def test_going_dark_in_port_is_raised_on_departure(run_pipeline):
    visit = stay(FOREIGN_TANKER, T0, 0.5)
    out = position(FOREIGN_TANKER, visit[-1].epoch_s + 20 * HOUR, *near(NAMPO, 10_000))
    [alert] = calls(run_pipeline([*visit, out]))
    assert alert.end_s == out.epoch_s and alert.evidence["silence_before_departure_s"] == pytest.approx(20 * HOUR)
    assert alert.evidence["dwell_s"] == pytest.approx(20.5 * HOUR) and alert.severity == "critical"


def test_configured_polygon_and_extra_port(reference, run_pipeline, tmp_path):
    box = Area("Nampo anchorage", ((125.0, 38.6), (125.2, 38.6), (125.2, 38.7), (125.0, 38.7), (125.0, 38.6)))
    ref = ReferenceData(reference.ports, AreaSet([*reference.areas_of_interest.areas, box]), reference.flags)
    config = DetectionConfig(port_call=PortCallConfig(area_names=("Nampo anchorage",), min_dwell_s=HOUR))
    processor = EventTimeProcessor(DetectionCore(config, ref), VesselStates())
    inside = [position(FOREIGN_TANKER, T0 + i * 600, 38.65, 125.1, sog_kn=0.0) for i in range(8)]
    alerts = processor.process([*inside, position(FOREIGN_TANKER, T0 + 8 * 600, 38.65, 125.3)])
    assert [a.evidence["port"] for a in calls(alerts)] == ["Nampo anchorage"] * 2
    assert calls(alerts)[0].evidence["port_area"] is True
    path = tmp_path / "picket.toml"
    path.write_text('[detection.port_call]\nextra_ports = [["Test Harbour", 10.0, 100.0]]\nmin_dwell_s = 7200\n')
    config = load_settings(path).detection.port_call
    assert config.extra_ports == (("Test Harbour", 10.0, 100.0),) and config.min_dwell_s == 7200.0
    visit = stay(FOREIGN_TANKER, T0, 3, port=(10.0, 100.0))
    assert len(calls(run_pipeline(visit, DetectionConfig(port_call=config)))) == 1


def test_packaged_reference_has_the_dprk_ports_songnim_included():
    detector = RestrictedPortDetector(PortCallConfig(), load_reference_data())
    assert sorted(detector.ports) == sorted(
        ["Ch'aho", "Ch'ongjin", "Haeju Hang", "Hungnam", "Kimch'aek", "Kyomip'o", "Najin", "Nampo", "Senbong", "Wonsan"]
    )
    state = VesselState(FOREIGN_TANKER)
    alerts = []
    for report in stay(FOREIGN_TANKER, T0, 4, port=(38.733333, 125.616667)):
        alerts += detector.on_position(state, report)
        state.apply_position(report)
    [alert] = alerts
    assert alert.evidence["port"] == "Kyomip'o" and alert.evidence["port_alternate_name"] == "Songnim"
    assert "Kyomip'o (Songnim)" in alert.summary


@pytest.mark.parametrize(
    "bad",
    [dict(entry_radius_m=5000), dict(entry_radius_m=0), dict(min_dwell_s=-1), dict(extra_ports=(("X", 95.0, 0.0),)),
     dict(extra_ports=(["X", 1.0],))],
)
def test_invalid_port_call_config_is_rejected(bad):
    with pytest.raises(ValueError):
        PortCallConfig(**bad)


def test_visit_in_progress_survives_state_round_trips_and_ids_repeat(reference, run_pipeline):
    detector = RestrictedPortDetector(PortCallConfig(), reference)
    visit = stay(FOREIGN_TANKER, T0, 4)
    state = VesselState(FOREIGN_TANKER)
    for report in visit[:5]:
        detector.on_position(state, report)
        state.apply_position(report)
    assert state.port_call_port == "NAMPO"
    assert VesselState.from_dict(state.to_dict()) == state and pickle.loads(pickle.dumps(state)) == state
    resumed = VesselState.from_dict(state.to_dict())
    alerts = []
    for report in visit[5:]:
        alerts += detector.on_position(resumed, report)
        resumed.apply_position(report)
    [alert] = alerts
    assert alert.alert_id == calls(run_pipeline(visit))[0].alert_id
