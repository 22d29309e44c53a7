"""Several sensors reporting one launch make one alert, updated with the better estimate."""

from __future__ import annotations

import pytest

from streams.launch import LaunchState
from streams.launch.fusion import best_estimate
from streams.launch.geography import destination
from tests.unit.launch_support import T0, detection, detector

SUNAN = (39.20299, 125.70926)


def _jp(**fields):
    return detection("jp-1", T0, "JP-MoD", *SUNAN, confidence=0.7, apogee_km=4000.0, range_km=1000.0, azimuth_deg=76.0, **fields)


def test_two_sensors_three_minutes_and_20_km_apart_make_one_updated_alert() -> None:
    run, state = detector(), LaunchState()
    lat, lon = destination(*SUNAN, 45.0, 20.0)
    (first,) = run.on_detection(state, _jp())
    (second,) = run.on_detection(state, detection("rok-7", T0 + 180.0, "ROK-JCS", lat, lon, confidence=0.9, apogee_km=4475.0, range_km=950.0, flight_time_s=3180.0))
    assert second.alert_id == first.alert_id
    e = second.evidence
    assert e["fused_sources"] == ["JP-MoD", "ROK-JCS"] and e["report_count"] == 2
    # The more confident ROK report gives apogee, range and the launch point; only JP-MoD gives the azimuth.
    assert (e["inputs"]["apogee_km"], e["inputs"]["range_km"], e["inputs"]["azimuth_deg"]) == (4475.0, 950.0, 76.0)
    assert e["input_sources"]["apogee_km"] == "ROK-JCS:rok-7" and e["input_sources"]["azimuth_deg"] == "JP-MoD:jp-1"
    assert second.position == pytest.approx((lat, lon))
    assert e["inputs"]["confidence"] == pytest.approx(1 - 0.3 * 0.1)  # noisy-OR of the two sources
    assert second.end_s == second.start_s + 3180.0
    assert len(state.fusion.launches) == 1


def test_two_hours_apart_are_two_launches() -> None:
    run, state = detector(), LaunchState()
    (first,) = run.on_detection(state, _jp())
    (second,) = run.on_detection(state, detection("rok-7", T0 + 7200.0, "ROK-JCS", *SUNAN, range_km=950.0))
    assert first.alert_id != second.alert_id
    assert second.evidence["report_count"] == 1


def test_far_apart_are_two_launches() -> None:
    run, state = detector(), LaunchState()
    (first,) = run.on_detection(state, _jp())
    (second,) = run.on_detection(state, detection("rok-7", T0 + 60.0, "ROK-JCS", *destination(*SUNAN, 90.0, 120.0)))
    assert first.alert_id != second.alert_id


def test_a_salvo_reported_by_one_source_is_two_launches_and_a_second_source_pairs_up() -> None:
    run, state = detector(), LaunchState()
    a1 = run.on_detection(state, detection("jp-1", T0, "JP-MoD", *SUNAN, range_km=350.0))[0]
    a2 = run.on_detection(state, detection("jp-2", T0 + 120.0, "JP-MoD", *SUNAN, range_km=360.0))[0]
    b1 = run.on_detection(state, detection("rok-1", T0 + 30.0, "ROK-JCS", *SUNAN, range_km=340.0))[0]
    b2 = run.on_detection(state, detection("rok-2", T0 + 150.0, "ROK-JCS", *SUNAN, range_km=355.0))[0]
    assert a1.alert_id != a2.alert_id
    assert (b1.alert_id, b2.alert_id) == (a1.alert_id, a2.alert_id)


def test_a_revision_replaces_the_earlier_report() -> None:
    run, state = detector(), LaunchState()
    (first,) = run.on_detection(state, _jp())
    (revised,) = run.on_detection(state, detection("jp-1", T0 + 60.0, "JP-MoD", *SUNAN, confidence=0.8, apogee_km=4475.0, range_km=950.0, azimuth_deg=76.0))
    assert revised.alert_id == first.alert_id
    assert revised.evidence["report_count"] == 1 and revised.evidence["inputs"]["apogee_km"] == 4475.0


def test_a_date_only_record_fuses_with_a_timed_report_that_day() -> None:
    run, state = detector(), LaunchState()
    day = T0 - T0 % 86_400.0
    (first,) = run.on_detection(state, detection("cns-x", day, "CNS", *SUNAN, time_precision="day", range_km=950.0))
    (second,) = run.on_detection(state, detection("jp-1", T0, "JP-MoD", *SUNAN, apogee_km=4475.0))
    assert second.alert_id == first.alert_id
    assert second.evidence["inputs"]["time_precision"] == "second" and second.start_s == T0  # the precise time wins


def test_a_report_after_the_retention_starts_a_new_alert() -> None:
    run, state = detector(fusion_retention_s=3600.0), LaunchState()
    (first,) = run.on_detection(state, _jp())
    run.on_detection(state, detection("x", T0 + 7200.0, "KR-other", 41.0, 129.0))  # advances the watermark
    (late,) = run.on_detection(state, detection("rok-7", T0 + 60.0, "ROK-JCS", *SUNAN))
    assert late.alert_id != first.alert_id
    assert len(state.fusion.launches) == 2  # the first launch was closed


def test_same_input_gives_the_same_ids() -> None:
    reports = [_jp(), detection("rok-7", T0 + 180.0, "ROK-JCS", *SUNAN)]
    ids = []
    for _ in range(2):
        run, state = detector(), LaunchState()
        ids.append([a.alert_id for r in reports for a in run.on_detection(state, r)])
    assert ids[0] == ids[1] and len(set(ids[0])) == 1


def test_best_estimate_needs_reports() -> None:
    with pytest.raises(ValueError):
        best_estimate([], 0.5)
