"""Load the packaged reference data (`streams/data/`, see its PROVENANCE.md) into domain objects.

- `ports.csv`: NGA World Port Index, 3,768 ports -> `PortIndex`
- `mid_flags.csv`: ITU Maritime Identification Digits -> `FlagRegistry`
- `areas_of_interest.geojson`: named polygons -> `AreaSet` (replaceable by the user's own GeoJSON)

The packaged files are read once per process; a user areas file is read on every call.
"""

from __future__ import annotations

import csv
import json
import math
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from streams.domain.reference import Area, AreaSet, FlagRegistry, Port, PortIndex, ReferenceData
from streams.errors import UserError

_DATA = resources.files("streams") / "data"
PORTS_FILE = "ports.csv"
MID_FLAGS_FILE = "mid_flags.csv"
AREAS_FILE = "areas_of_interest.geojson"


def load_reference_data(areas_path: str | Path | None = None) -> ReferenceData:
    """Ports, flags and areas of interest; `areas_path` replaces the packaged areas.

    Raises `UserError` if `areas_path` is missing or is not a FeatureCollection of named
    Polygon/MultiPolygon features.
    """
    if areas_path is None:
        return _default_reference_data()
    return ReferenceData(ports=load_ports(), areas_of_interest=load_areas(areas_path), flags=load_flags())


@cache
def _default_reference_data() -> ReferenceData:
    return ReferenceData(ports=load_ports(), areas_of_interest=load_areas(), flags=load_flags())


@cache
def load_ports() -> PortIndex:
    with (_DATA / PORTS_FILE).open(encoding="utf-8", newline="") as handle:
        ports = [
            Port(name=row["name"], country=row["country"], lat=float(row["lat"]), lon=float(row["lon"]))
            for row in csv.DictReader(handle)
        ]
    return PortIndex(ports)


@cache
def load_flags() -> FlagRegistry:
    """MID -> flag administration as ITU names it. A MID allocated to several territories
    (306: three parts of the Netherlands Caribbean) maps to their names joined by " / "."""
    names: dict[int, list[str]] = {}
    with (_DATA / MID_FLAGS_FILE).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            names.setdefault(int(row["mid"]), []).append(row["flag"])
    return FlagRegistry({mid: " / ".join(flags) for mid, flags in names.items()})


def load_areas(path: str | Path | None = None) -> AreaSet:
    """Areas of interest from a GeoJSON FeatureCollection (the packaged one when `path` is None).

    Each feature needs a non-empty `properties.name` and a Polygon or MultiPolygon geometry;
    a MultiPolygon becomes one `Area` per polygon, all with the feature's name. Holes are
    honoured; a ring that does not end where it starts is closed.
    """
    if path is None:
        text = (_DATA / AREAS_FILE).read_text(encoding="utf-8")
        where = f"packaged {AREAS_FILE}"
    else:
        where = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise UserError(f"areas file {where} does not exist") from None
        except (OSError, UnicodeDecodeError) as error:
            raise UserError(f"cannot read areas file {where}: {error}") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise UserError(f"areas file {where} is not valid JSON: {error}") from None
    return AreaSet(areas_from_geojson(document, where))


def areas_from_geojson(document: Any, where: str = "GeoJSON") -> list[Area]:
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise UserError(f"{where}: expected a GeoJSON FeatureCollection")
    features = document.get("features")
    if not isinstance(features, list):
        raise UserError(f"{where}: 'features' must be a list")
    areas: list[Area] = []
    for index, feature in enumerate(features):
        at = f"{where}: feature {index}"
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise UserError(f"{at} is not a GeoJSON Feature")
        properties = feature.get("properties")
        name = properties.get("name") if isinstance(properties, dict) else None
        if not isinstance(name, str) or not name.strip():
            raise UserError(f"{at} has no name: set properties.name to a non-empty string")
        at = f"{where}: feature {index} ({name!r})"
        geometry = feature.get("geometry")
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
        if kind == "Polygon":
            polygons = [coordinates]
        elif kind == "MultiPolygon" and isinstance(coordinates, list):
            polygons = coordinates
        else:
            raise UserError(f"{at}: geometry must be a Polygon or MultiPolygon, not {kind!r}")
        for number, polygon in enumerate(polygons):
            areas.append(Area(name=name, ring=_polygon_ring(polygon, f"{at} polygon {number}")))
    return areas


def _polygon_ring(polygon: Any, at: str) -> tuple[tuple[float, float], ...]:
    """One ring for `Area`: the exterior, then each hole followed by a return to the exterior's
    first vertex. Each return edge is walked once each way, so under the even-odd rule the
    joins cancel out and a point in a hole is outside."""
    if not isinstance(polygon, list) or not polygon:
        raise UserError(f"{at}: a polygon is a non-empty list of linear rings")
    rings = [_linear_ring(ring, f"{at} ring {number}") for number, ring in enumerate(polygon)]
    exterior, holes = rings[0], rings[1:]
    joined = list(exterior)
    for hole in holes:
        joined.extend(hole)
        joined.append(exterior[0])
    return tuple(joined)


def _linear_ring(ring: Any, at: str) -> list[tuple[float, float]]:
    if not isinstance(ring, list) or len(ring) < 4:
        raise UserError(f"{at}: a linear ring needs at least 4 [lon, lat] positions")
    points: list[tuple[float, float]] = []
    for position in ring:
        if (
            not isinstance(position, list)
            or len(position) < 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in position[:2])
            or not all(math.isfinite(v) for v in position[:2])
        ):
            raise UserError(f"{at}: positions must be [lon, lat] numbers, got {position!r}")
        lon, lat = float(position[0]), float(position[1])
        if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
            raise UserError(f"{at}: position {position!r} is outside lon -180..180, lat -90..90 (GeoJSON is [lon, lat])")
        points.append((lon, lat))
    if points[0] != points[-1]:
        points.append(points[0])  # RFC 7946 wants closed rings; some real files (GFW's) are not
    return points
