"""Reference geography and registries as plain in-memory objects (loaded by `streams.refdata`)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from streams.domain.geo import haversine_m, point_in_polygon


@dataclass(frozen=True, slots=True)
class Port:
    name: str
    country: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class NearestPort:
    port: Port
    distance_m: float


class PortIndex:
    """Nearest-port look-up over a 1-degree grid, so a query touches a few dozen ports, not thousands."""

    def __init__(self, ports: list[Port]) -> None:
        self._ports = list(ports)
        self._cells: dict[tuple[int, int], list[Port]] = {}
        for port in self._ports:
            self._cells.setdefault((int(port.lat // 1), _lon_cell(int(port.lon // 1))), []).append(port)

    def __len__(self) -> int:
        return len(self._ports)

    def in_countries(self, countries: tuple[str, ...] | list[str]) -> list[Port]:
        """The ports of these countries (World Port Index country names, e.g. "North Korea")."""
        wanted = set(countries)
        return [port for port in self._ports if port.country in wanted]

    def nearest(self, lat: float, lon: float, max_rings: int = 8) -> NearestPort | None:
        """Nearest port, searched ring by ring of cells; past `max_rings` degrees, a full scan."""
        cell_lat, cell_lon = int(lat // 1), int(lon // 1)
        # Narrowest width of a 1-degree cell near this latitude: a ring k cells out is at least
        # (k - 1) widths away, so once that exceeds the best distance no further ring can win.
        # Near a pole the width goes to 0, so the search never stops early and ends in a full scan.
        cell_width_m = 111_000.0 * math.cos(math.radians(min(90.0, abs(lat) + max_rings)))
        best: NearestPort | None = None
        for ring in range(max_rings + 1):
            if best is not None and (ring - 1) * cell_width_m > best.distance_m:
                return best
            for dlat in range(-ring, ring + 1):
                for dlon in range(-ring, ring + 1):
                    if max(abs(dlat), abs(dlon)) != ring:
                        continue
                    # Cells wrap at the antimeridian: 179.9E and 179.9W are neighbours.
                    for port in self._cells.get((cell_lat + dlat, _lon_cell(cell_lon + dlon)), ()):
                        best = _nearer(best, port, haversine_m(lat, lon, port.lat, port.lon))
        if best is not None and max_rings * cell_width_m > best.distance_m:
            return best
        for port in self._ports:
            best = _nearer(best, port, haversine_m(lat, lon, port.lat, port.lon))
        return best


def _lon_cell(cell_lon: int) -> int:
    """Longitude cell index wrapped into -180..179."""
    return (cell_lon + 180) % 360 - 180


def _nearer(best: NearestPort | None, port: Port, distance_m: float) -> NearestPort:
    if best is None or distance_m < best.distance_m:
        return NearestPort(port, distance_m)
    return best


@dataclass(frozen=True, slots=True)
class Area:
    """A named polygon (GeoJSON ring order: (lon, lat)) with its bounding box for a cheap pre-test."""

    name: str
    ring: tuple[tuple[float, float], ...]
    bbox: tuple[float, float, float, float] = field(init=False, compare=False)
    """(min_lon, min_lat, max_lon, max_lat), computed once: a ground track tests thousands of points."""

    def __post_init__(self) -> None:
        lons = [p[0] for p in self.ring]
        lats = [p[1] for p in self.ring]
        object.__setattr__(self, "bbox", (min(lons), min(lats), max(lons), max(lats)))

    def contains(self, lat: float, lon: float) -> bool:
        min_lon, min_lat, max_lon, max_lat = self.bbox
        if not (min_lat <= lat <= max_lat and min_lon <= lon <= max_lon):
            return False
        return point_in_polygon(lat, lon, self.ring)


class AreaSet:
    def __init__(self, areas: list[Area]) -> None:
        self.areas = tuple(areas)
        # One box around every area: most points are far from all of them.
        self.bbox = (
            min((a.bbox[0] for a in self.areas), default=0.0),
            min((a.bbox[1] for a in self.areas), default=0.0),
            max((a.bbox[2] for a in self.areas), default=-1.0),
            max((a.bbox[3] for a in self.areas), default=-1.0),
        )

    def __len__(self) -> int:
        return len(self.areas)

    def containing(self, lat: float, lon: float) -> list[str]:
        min_lon, min_lat, max_lon, max_lat = self.bbox
        if not (min_lat <= lat <= max_lat and min_lon <= lon <= max_lon):
            return []
        return [area.name for area in self.areas if area.contains(lat, lon)]


class FlagRegistry:
    """Flag state inferred from the MMSI's Maritime Identification Digits (ITU-R M.585)."""

    def __init__(self, mid_to_flag: dict[int, str]) -> None:
        self._mid_to_flag = dict(mid_to_flag)

    def flag_of(self, mmsi: int) -> str | None:
        if not 200_000_000 <= mmsi <= 799_999_999:
            return None
        return self._mid_to_flag.get(mmsi // 1_000_000)

    def is_allocated(self, mid: int) -> bool:
        """Whether ITU allocated this MID to an administration."""
        return mid in self._mid_to_flag


@dataclass(frozen=True, slots=True)
class ReferenceData:
    ports: PortIndex
    areas_of_interest: AreaSet
    flags: FlagRegistry
