"""Ground tracks, overflight of Japan and impacts in its EEZ, on the packaged (approximate) outlines."""

from __future__ import annotations

import json

import pytest

from streams.domain.geo import initial_bearing_deg
from streams.launch.geography import assess, destination, distance_km, ground_track
from streams.launch.reference import load_launch_reference
from tests.unit.launch_support import ROOT, detection, one_alert

MUPYONG_NI = (40.611208, 126.425743)
HODO = (39.40167, 127.5369)


def test_destination_and_bearing_by_hand() -> None:
    # Due north 1 degree of arc (111.19 km on this sphere) from the equator.
    assert destination(0.0, 125.0, 0.0, 111.19508) == pytest.approx((1.0, 125.0), abs=1e-6)
    # Due east along the equator.
    assert destination(0.0, 179.5, 90.0, 111.19508) == pytest.approx((0.0, -179.5), abs=1e-6)  # wraps the antimeridian
    assert initial_bearing_deg(0.0, 125.0, 1.0, 125.0) == pytest.approx(0.0)
    assert initial_bearing_deg(0.0, 125.0, 0.0, 126.0) == pytest.approx(90.0)
    lat, lon = destination(*HODO, 80.0, 900.0)
    assert distance_km(*HODO, lat, lon) == pytest.approx(900.0, rel=1e-9)
    assert initial_bearing_deg(*HODO, lat, lon) == pytest.approx(80.0, abs=1e-9)


def test_ground_track_spacing_and_ends() -> None:
    track = ground_track(*HODO, 80.0, 900.0, 5.0)
    assert len(track) == 181 and track[0] == pytest.approx(HODO)
    steps = [distance_km(*a, *b) for a, b in zip(track, track[1:])]
    assert max(steps) == pytest.approx(5.0, abs=1e-6) and min(steps) == pytest.approx(5.0, abs=1e-6)


def test_october_2022_hwasong_12_overflies_japan() -> None:
    # 4 Oct 2022 (JST): Hwasong-12 from Mupyong-ni over Aomori, ~4,600 km, ~1,000 km apogee.
    alert = one_alert(detection(lat=MUPYONG_NI[0], lon=MUPYONG_NI[1], azimuth_deg=84.0, range_km=4600.0, apogee_km=970.0))
    e = alert.evidence
    assert e["range_class"] == "IRBM" and e["overflies_japan"] is True
    assert e["overflown_islands"] == ["Honshu"] and 1000.0 < e["first_overflight_km"] < 1300.0
    assert e["impact_in_japan_eez"] is False  # it came down ~3,000 km east of Japan
    assert alert.severity == "critical" and "overflight_of_japan" in e["severity_reasons"]
    assert "overflew Japan (Honshu)" in alert.summary


def test_shot_into_the_sea_of_japan_inside_the_eez_is_critical() -> None:
    # 900 km east-north-east from Hodo: ~150 km off Akita, inside Japan's EEZ. SRBM by range, yet critical.
    alert = one_alert(detection(lat=HODO[0], lon=HODO[1], azimuth_deg=80.0, range_km=900.0, apogee_km=150.0))
    e = alert.evidence
    assert e["range_class"] == "SRBM" and e["overflies_japan"] is False
    assert e["impact_in_japan_eez"] is True and e["impact_on_japan_land"] is False
    assert e["impact_basis"] == "track_end" and e["impact_distance_to_japan_land_km"] == pytest.approx(148.0, abs=10.0)
    assert alert.severity == "critical" and "impact_in_japan_eez" in e["severity_reasons"]


def test_shot_into_the_sea_of_japan_outside_the_eez_is_not() -> None:
    alert = one_alert(detection(lat=HODO[0], lon=HODO[1], azimuth_deg=80.0, range_km=400.0, apogee_km=60.0))
    assert alert.evidence["impact_in_japan_eez"] is False and alert.evidence["track_enters_japan_eez"] is False
    assert alert.severity == "medium"


def test_hwasong_15_lands_about_250_km_west_of_aomori_in_the_eez() -> None:
    # CNS: 28 Nov 2017, Pyongsong, bearing 76, 950 km; Japan MoD: ~250 km west of Aomori, in the EEZ.
    e = one_alert(detection(lat=39.282, lon=125.869, azimuth_deg=76.0, range_km=950.0, apogee_km=4475.0)).evidence
    assert e["impact_in_japan_eez"] is True
    assert e["impact_distance_to_japan_land_km"] == pytest.approx(250.0, abs=20.0)


def test_a_reported_impact_point_wins_over_azimuth_and_range() -> None:
    e = one_alert(detection(azimuth_deg=330.0, range_km=950.0, impact_lat=40.75, impact_lon=137.0)).evidence
    assert e["impact_basis"] == "reported" and e["track_basis"] == "impact_point"
    assert (e["impact_lat"], e["impact_lon"]) == (40.75, 137.0) and e["impact_in_japan_eez"] is True


def test_no_track_without_azimuth_or_impact() -> None:
    e = one_alert(detection(range_km=950.0)).evidence
    assert e["track_basis"] is None and e["overflies_japan"] is None and e["impact_in_japan_eez"] is None


def test_packaged_outlines_place_known_points() -> None:
    ref = load_launch_reference()
    assert ref.japan_land.containing(35.68, 139.69) == ["Honshu"]  # Tokyo
    assert ref.japan_land.containing(43.06, 141.35) == ["Hokkaido"]  # Sapporo
    assert ref.japan_land.containing(33.59, 130.40) == ["Kyushu"]  # Fukuoka
    assert ref.japan_land.containing(26.21, 127.68) == ["Okinawa"]  # Naha
    assert ref.japan_land.containing(37.5, 133.0) == []  # Sea of Japan
    assert ref.japan_eez.containing(35.68, 139.69) == ["Japan EEZ"]  # the EEZ outline includes the land
    assert ref.japan_eez.containing(39.0, 131.5) == []  # closer to Korea than to Japan
    assert ref.japan_eez.containing(37.5, 129.4) == []  # the Korean coast
    assert ref.korea_land.containing(39.03, 125.75) == ["Korean Peninsula"]  # Pyongyang
    assert ref.korea_land.containing(37.57, 126.98) == ["Korean Peninsula"]  # Seoul


def test_every_launch_site_but_the_slbm_ones_is_on_land() -> None:
    ref = load_launch_reference()
    off = {s.site_id for s in ref.sites if not ref.korea_land.containing(s.lat, s.lon)}
    assert off == {"yonghung-bay"}  # an SLBM site in Wonsan's bay


def test_launch_point_at_sea() -> None:
    ref = load_launch_reference()
    at_sea = assess(39.9, 128.7, None, None, None, None, ref, 5.0, 10.0)
    assert at_sea.launch_at_sea and at_sea.launch_offshore_km == pytest.approx(35.0, abs=10.0)
    near_coast = assess(39.9, 128.7, None, None, None, None, ref, 5.0, 50.0)
    assert not near_coast.launch_at_sea  # within the margin
    inland = assess(39.03, 125.75, None, None, None, None, ref, 5.0, 10.0)
    assert inland.launch_on_land and inland.launch_offshore_km == 0.0 and not inland.launch_at_sea


def test_packaged_outlines_are_the_hand_built_ones() -> None:
    """japan.geojson and korea.geojson hold exactly the rings typed into the build module."""
    from streams.launch.build_data import JAPAN, KOREA, geojson_ring

    for name, source in (("japan.geojson", JAPAN), ("korea.geojson", KOREA)):
        document = json.loads((ROOT / "streams" / "data" / name).read_text(encoding="utf-8"))
        land = {f["properties"]["name"]: f["geometry"]["coordinates"][0] for f in document["features"] if f["properties"]["kind"] == "land"}
        assert land == {island: geojson_ring(points) for island, points in source.items()}
    ref = load_launch_reference()
    assert len(ref.japan_land) == 24 and len(ref.japan_eez) == 1 and len(ref.sites) == 55
