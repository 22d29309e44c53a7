"""The packaged reference data and its loader (streams/refdata.py, streams/data/)."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import pytest

from streams.domain.geo import haversine_m
from streams.domain.reference import Port, PortIndex
from streams.errors import UserError
from streams.refdata import load_areas, load_reference_data

DPRK = "Democratic People's Republic of Korea"
ROK = "Korea (Republic of)"
HONG_KONG = "China (People's Republic of) - Hong Kong (Special Administrative Region of China)"


@pytest.fixture(scope="module")
def reference():
    return load_reference_data()


def test_default_load_is_cached(reference) -> None:
    assert load_reference_data() is reference


def test_all_ports_are_loaded(reference) -> None:
    assert len(reference.ports) == 3768


def test_nampo_is_nearest_to_the_taedong_estuary(reference) -> None:
    nearest = reference.ports.nearest(38.7, 125.3)
    assert nearest is not None
    assert (nearest.port.name, nearest.port.country) == ("Nampo", "North Korea")
    assert 5_000 < nearest.distance_m < 15_000  # Nampo (WPI 38.7167N 125.4E) is ~8.9 km east


def _brute_force(ports: list[Port], lat: float, lon: float) -> float:
    return min(haversine_m(lat, lon, p.lat, p.lon) for p in ports)


def test_port_index_agrees_with_a_full_scan_worldwide(reference) -> None:
    ports = list(reference.ports._ports)
    rng = random.Random(20240301)
    points = [(math.degrees(math.asin(rng.uniform(-1, 1))), rng.uniform(-180, 180)) for _ in range(200)]
    # Where a 1-degree grid goes wrong: across the antimeridian (Fiji, Tonga, Bering Strait, Aleutians)
    # and near the poles.
    points += [(-17.0, -179.95), (-16.5, -179.99), (-19.0, -179.99), (51.9, -179.66), (65.0, 179.99), (62.6, -177.2),
               (89.9, 10.0), (-89.9, -70.0), (85.0, 100.0), (38.7, 125.3)]
    for lat, lon in points:
        found = reference.ports.nearest(lat, lon)
        assert found is not None
        assert found.distance_m == pytest.approx(_brute_force(ports, lat, lon), abs=1e-6), (lat, lon, found.port.name)


def test_port_index_wraps_at_the_antimeridian() -> None:
    west_of_line = Port("Taveuni", "Fiji", -16.8, 179.95)
    index = PortIndex([west_of_line, Port("Far away", "Tonga", -21.1, -175.2)])
    found = index.nearest(-16.8, -179.95)
    assert found is not None and found.port == west_of_line
    assert found.distance_m == pytest.approx(haversine_m(-16.8, -179.95, -16.8, 179.95))


@pytest.mark.parametrize(
    ("mmsi", "flag"),
    [(445012000, DPRK), (440123450, ROK), (441987650, ROK), (477995300, HONG_KONG), (0, None), (123456789, None), (999000001, None)],
)
def test_flag_of(reference, mmsi: int, flag: str | None) -> None:
    assert reference.flags.flag_of(mmsi) == flag


def test_a_mid_shared_by_three_territories_names_all_three(reference) -> None:
    flag = reference.flags.flag_of(306000001)
    assert flag is not None and flag.count("Netherlands (Kingdom of the)") == 3 and "Curaçao" in flag


@pytest.mark.parametrize(
    ("lat", "lon", "names"),
    [
        (35.5, 123.5, {"Yellow Sea"}),
        (30.0, 125.5, {"East China Sea"}),
        (39.3, 128.5, {"DPRK waters (East Sea)"}),  # off Wonsan
        (38.9, 124.9, {"Korea Bay", "Yellow Sea", "DPRK waters (West Sea)"}),
        (35.68, 139.77, set()),  # Tokyo
        (37.97, 124.68, {"Yellow Sea"}),  # Baengnyeong (ROK): outside the DPRK West Sea box
    ],
)
def test_areas_of_interest(reference, lat: float, lon: float, names: set[str]) -> None:
    assert set(reference.areas_of_interest.containing(lat, lon)) == names


def test_packaged_areas_are_well_formed() -> None:
    document = json.loads((Path(__file__).parents[2] / "streams/data/areas_of_interest.geojson").read_text(encoding="utf-8"))
    for feature in document["features"]:
        props = feature["properties"]
        assert props["kind"] == "area_of_interest" and isinstance(props["approximate"], bool) and props["source"]
        (ring,) = feature["geometry"]["coordinates"]
        assert ring[0] == ring[-1] and len(ring) <= 201


# ---------------------------------------------------------------- user areas


def _write(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "areas.geojson"
    path.write_text(json.dumps(document) if not isinstance(document, str) else document, encoding="utf-8")
    return path


def _square(lon: float, lat: float, size: float) -> list[list[float]]:
    return [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]


def test_user_areas_replace_the_packaged_ones(tmp_path: Path) -> None:
    two_boxes = {
        "type": "MultiPolygon",
        "coordinates": [[_square(120, 30, 1)], [_square(130, 40, 1), _square(130.25, 40.25, 0.5)]],
    }
    path = _write(tmp_path, {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Watch boxes"}, "geometry": two_boxes},
        {"type": "Feature", "properties": {"name": "Open ring"}, "geometry": {"type": "Polygon", "coordinates": [_square(0, 0, 1)[:-1]]}},
    ]})
    reference = load_reference_data(path)
    areas = reference.areas_of_interest
    assert [a.name for a in areas.areas] == ["Watch boxes", "Watch boxes", "Open ring"]
    assert areas.containing(30.5, 120.5) == ["Watch boxes"]
    assert areas.containing(40.1, 130.1) == ["Watch boxes"]
    assert areas.containing(40.5, 130.5) == []  # in the hole
    assert areas.containing(0.5, 0.5) == ["Open ring"]
    assert areas.containing(35.5, 123.5) == []  # the packaged Yellow Sea is gone
    assert reference.ports is load_reference_data().ports  # ports and flags are still the packaged ones


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{not json", "not valid JSON"),
        ({"type": "Feature", "properties": {"name": "x"}, "geometry": None}, "FeatureCollection"),
        ({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [_square(0, 0, 1)]}}]}, "no name"),
        ({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": None, "geometry": {"type": "Polygon", "coordinates": [_square(0, 0, 1)]}}]}, "no name"),
        ({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "Nampo"}, "geometry": {"type": "Point", "coordinates": [125.4, 38.7]}}]}, "Polygon or MultiPolygon"),
        ({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "x"}, "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]}}]}, "at least 4"),
        ({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "x"}, "geometry": {"type": "Polygon", "coordinates": [[[38, 125], [39, 125], [39, 126], [38, 125]]]}}]}, "outside lon"),
        ({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "x"}, "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, "a"], [1, 1], [0, 0]]]}}]}, "numbers"),
    ],
)
def test_bad_user_geojson_is_a_user_error(tmp_path: Path, document: object, message: str) -> None:
    path = _write(tmp_path, document)
    with pytest.raises(UserError, match=message) as caught:
        load_areas(path)
    assert str(path) in str(caught.value)


def test_missing_areas_file_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="does not exist"):
        load_reference_data(tmp_path / "nowhere.geojson")
