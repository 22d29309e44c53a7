"""Range class from the estimated full range (lofted shots included) and the satellite and sea kinds."""

from __future__ import annotations

import pytest

from streams.launch.classify import estimate_full_range, range_class
from tests.unit.launch_support import detection, one_alert

BOUNDS = (1000.0, 3000.0, 5500.0)


@pytest.mark.parametrize(
    ("full_range_km", "expected"),
    [(300.0, "SRBM"), (999.9, "SRBM"), (1000.0, "MRBM"), (2999.0, "MRBM"), (3000.0, "IRBM"), (5500.0, "IRBM"), (5500.1, "ICBM"), (13_000.0, "ICBM"), (None, None)],
)
def test_range_classes(full_range_km, expected) -> None:
    assert range_class(full_range_km, BOUNDS) == expected


def test_lofted_hwasong_15_is_an_icbm() -> None:
    estimate = estimate_full_range(950.0, 4475.0, 0.3)
    assert estimate.lofted and estimate.basis == "lofted_ellipse"
    assert estimate.apogee_range_ratio == pytest.approx(4.7105, abs=1e-4)
    assert estimate.full_range_km == pytest.approx(9983.0, abs=2.0)
    assert range_class(estimate.full_range_km, BOUNDS) == "ICBM"


def test_lofted_hwasong_12_of_may_2017_is_an_irbm() -> None:
    # 14 May 2017: 2,111.5 km apogee, 787 km range -> ~4,360 km on a standard trajectory.
    estimate = estimate_full_range(787.0, 2111.5, 0.3)
    assert estimate.lofted and 4200.0 < estimate.full_range_km < 4500.0  # type: ignore[operator]


def test_a_standard_or_depressed_shot_is_classed_by_its_range() -> None:
    assert estimate_full_range(600.0, 50.0, 0.3).basis == "reported_range"  # KN-23-like, depressed
    standard = estimate_full_range(1000.0, 240.0, 0.3)  # ratio 0.24: minimum energy, not lofted
    assert not standard.lofted and standard.full_range_km == 1000.0
    assert standard.fit is not None and standard.fit.max_range_km == pytest.approx(1000.0, rel=1e-3)


def test_just_above_the_lofted_ratio() -> None:
    estimate = estimate_full_range(1000.0, 310.0, 0.3)
    assert estimate.lofted and estimate.full_range_km > 1000.0  # type: ignore[operator]


def test_apogee_only_and_nothing() -> None:
    only = estimate_full_range(None, 240.0, 0.3)
    assert only.basis == "apogee_min_energy" and only.full_range_km == pytest.approx(1000.0, rel=1e-3)
    high = estimate_full_range(None, 2000.0, 0.3)  # above every minimum-energy apogee
    assert high.basis == "apogee_vertical_lower_bound" and high.full_range_km == pytest.approx(4000.0, rel=0.25)
    assert estimate_full_range(None, None, 0.3).basis == "none"
    assert estimate_full_range(0.0, 0.0, 0.3).full_range_km is None


def test_detector_evidence_for_a_lofted_icbm() -> None:
    alert = one_alert(detection(apogee_km=4475.0, range_km=950.0, azimuth_deg=76.0))
    e = alert.evidence
    assert (e["range_class"], e["kind"], e["lofted"], e["full_range_basis"]) == ("ICBM", "ballistic", True, "lofted_ellipse")
    assert e["estimated_full_range_km"] == pytest.approx(9983.3, abs=1.0)
    assert e["ellipse"]["burnout_speed_km_s"] == pytest.approx(7.195, abs=1e-3)
    assert e["inputs"]["apogee_km"] == 4475.0 and e["inputs"]["range_km"] == 950.0
    assert alert.severity == "critical" and "class:ICBM" in e["severity_reasons"]
    assert e["site"]["site_id"] == "pyongsong" and e["site"]["matched_by"] == "position"


@pytest.mark.parametrize(
    ("fields", "severity"),
    [({"range_km": 400.0, "apogee_km": 50.0}, "medium"), ({"range_km": 1200.0}, "high"), ({"range_km": 4000.0}, "high"), ({}, "medium")],
)
def test_severity_by_class(fields, severity) -> None:
    # Heading north-west over the DPRK's own territory, so no Japan geography is involved.
    assert one_alert(detection(azimuth_deg=330.0, **fields)).severity == severity


def test_satellite_from_sohae_heading_south() -> None:
    e = one_alert(detection(lat=39.6596, lon=124.7057, azimuth_deg=181.0, range_km=2600.0, apogee_km=581.0)).evidence
    assert e["kind"] == "satellite" and e["kind_basis"] == ["space_site_southward:sohae@181deg"]


def test_sohae_heading_east_is_not_a_satellite_launch() -> None:
    e = one_alert(detection(lat=39.6596, lon=124.7057, azimuth_deg=90.0, range_km=1000.0)).evidence
    assert e["kind"] == "ballistic"


def test_a_named_launch_vehicle_is_a_satellite_launch() -> None:
    # Taepodong-1, 31 Aug 1998, east from Tonghae over Japan.
    alert = one_alert(detection(lat=40.85, lon=129.6667, azimuth_deg=85.0, range_km=1380.0, missile_name="Taepodong-1"))
    assert alert.evidence["kind"] == "satellite"
    assert alert.evidence["kind_basis"] == ["launch_vehicle_name:Taepodong-1"]
    assert alert.evidence["overflies_japan"] and alert.severity == "critical"


def test_the_reported_type_is_never_used() -> None:
    e = one_alert(detection(range_km=300.0, reported_type="ICBM")).evidence
    assert e["range_class"] == "SRBM" and e["inputs"]["reported_type"] == "ICBM"


def test_sea_launch_from_a_known_slbm_site() -> None:
    alert = one_alert(detection(site="Sinpo Shipyard", lat=40.0368, lon=128.1839, range_km=500.0, apogee_km=500.0, azimuth_deg=0.0))
    assert alert.evidence["kind"] == "sea" and alert.evidence["kind_basis"] == ["slbm_site:sinpo"]
    assert alert.severity == "high"


def test_sea_launch_from_a_point_at_sea() -> None:
    e = one_alert(detection(lat=39.9, lon=128.7, range_km=600.0, azimuth_deg=45.0)).evidence  # ~35 km off Sinpo
    assert e["site"] is None and e["launch_at_sea"]
    assert e["kind"] == "sea" and e["kind_basis"][0].startswith("launch_point_at_sea:")


def test_a_launch_point_on_land_away_from_sites_is_ballistic() -> None:
    e = one_alert(detection(lat=40.3, lon=127.3, range_km=600.0, azimuth_deg=300.0)).evidence
    assert e["site"] is None and not e["launch_at_sea"] and e["kind"] == "ballistic"
