"""Where a launch went: its ground track on a sphere, overflight of Japan, impact in Japan's EEZ.

The ground track is the great circle from the launch point along the reported azimuth for the
reported range (or to a reported impact point), sampled every `step_km`; a track point inside one
of Japan's land polygons is an overflight (Japan's Ministry of Defense calls a missile that crosses
its territory "overflight" at any altitude: 29 Aug 2017, 15 Sep 2017, 4 Oct 2022). The polygons are
approximate (streams/data/PROVENANCE.md): a track that grazes a coast within ~10 km may go either way.

    >>> lat, lon = destination(40.0, 125.0, 90.0, 111.2)
    >>> round(lat, 2), round(lon, 2)
    (39.99, 126.31)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from streams.domain.geo import destination as geo_destination
from streams.domain.geo import haversine_m, initial_bearing_deg
from streams.domain.reference import Area, AreaSet
from streams.launch.reference import LaunchReference
from streams.launch.trajectory import EARTH_RADIUS_KM

KM_PER_DEG = math.pi * EARTH_RADIUS_KM / 180.0


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km, on the sphere of the trajectory model (the same radius)."""
    return haversine_m(lat1, lon1, lat2, lon2) / 1000.0


def destination(lat: float, lon: float, azimuth_deg: float, dist_km: float) -> tuple[float, float]:
    """The point `dist_km` along the great circle leaving (lat, lon) at `azimuth_deg`."""
    return geo_destination(lat, lon, azimuth_deg, dist_km * 1000.0)


def ground_track(lat: float, lon: float, azimuth_deg: float, range_km: float, step_km: float) -> list[tuple[float, float]]:
    """(lat, lon) points every `step_km` from the launch point along `azimuth_deg`, ending exactly at
    `range_km` (both ends included)."""
    if step_km <= 0.0:
        raise ValueError("step_km must be positive")
    n = max(1, math.ceil(range_km / step_km))
    return [destination(lat, lon, azimuth_deg, range_km * i / n) for i in range(n + 1)]


def distance_to_area_km(lat: float, lon: float, area: Area) -> float:
    """Distance from the point to the area's outline, 0 inside. Edges are measured in a local
    equirectangular projection centred on the point: exact near it, within a few per cent out to
    ~1,000 km, which is all it is used for."""
    if area.contains(lat, lon):
        return 0.0
    kx = KM_PER_DEG * math.cos(math.radians(lat))
    best = math.inf
    ring = area.ring
    for (lon1, lat1), (lon2, lat2) in zip(ring, ring[1:]):
        ax, ay = (lon1 - lon) * kx, (lat1 - lat) * KM_PER_DEG
        bx, by = (lon2 - lon) * kx, (lat2 - lat) * KM_PER_DEG
        dx, dy = bx - ax, by - ay
        length2 = dx * dx + dy * dy
        t = 0.0 if length2 == 0.0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length2))
        best = min(best, math.hypot(ax + t * dx, ay + t * dy))
    return best


def distance_to_areas_km(lat: float, lon: float, areas: AreaSet) -> float | None:
    if not areas.areas:
        return None
    return min(distance_to_area_km(lat, lon, area) for area in areas.areas)


@dataclass(frozen=True, slots=True)
class GeoFacts:
    """Geography of one launch; None where the inputs do not allow the fact."""

    track_basis: str | None
    """"impact_point" (great circle to a reported impact), "azimuth_range", or None (no track)."""
    track_length_km: float | None
    track_points: int
    impact_lat: float | None
    impact_lon: float | None
    impact_basis: str | None
    """"reported" or "track_end" (launch point + azimuth + range)."""
    overflies_japan: bool | None
    overflown_islands: tuple[str, ...]
    first_overflight_km: float | None
    """Distance along the track of its first point over Japanese land."""
    track_enters_japan_eez: bool | None
    impact_in_japan_eez: bool | None
    impact_on_japan_land: bool | None
    impact_distance_to_japan_land_km: float | None
    launch_on_land: bool
    launch_offshore_km: float
    """Distance from the launch point to Korean or Japanese land (0 on land)."""
    launch_at_sea: bool
    """Off every land outline by at least the configured margin (other countries' land is not
    modelled: DPRK launches come from the peninsula or its waters)."""


def assess(
    launch_lat: float,
    launch_lon: float,
    azimuth_deg: float | None,
    range_km: float | None,
    impact_lat: float | None,
    impact_lon: float | None,
    reference: LaunchReference,
    step_km: float,
    offshore_margin_km: float,
) -> GeoFacts:
    track: list[tuple[float, float]] = []
    track_length: float | None = None
    track_basis: str | None = None
    impact_basis: str | None = None
    if impact_lat is not None and impact_lon is not None:
        track_length = distance_km(launch_lat, launch_lon, impact_lat, impact_lon)
        impact_basis = "reported"
        if track_length > 0.0:
            heading = initial_bearing_deg(launch_lat, launch_lon, impact_lat, impact_lon)
            track = ground_track(launch_lat, launch_lon, heading, track_length, step_km)
            track[-1] = (impact_lat, impact_lon)
            track_basis = "impact_point"
    elif azimuth_deg is not None and range_km is not None and range_km > 0.0:
        track = ground_track(launch_lat, launch_lon, azimuth_deg, range_km, step_km)
        track_length = range_km
        impact_lat, impact_lon = track[-1]
        track_basis, impact_basis = "azimuth_range", "track_end"
    overflies: bool | None = None
    islands: list[str] = []
    first_km: float | None = None
    enters_eez: bool | None = None
    if track:
        step = track_length / (len(track) - 1) if track_length and len(track) > 1 else 0.0
        enters_eez = False
        for index, (lat, lon) in enumerate(track):
            over = reference.japan_land.containing(lat, lon)
            if over:
                if first_km is None:
                    first_km = index * step
                islands.extend(name for name in over if name not in islands)
            if not enters_eez and reference.japan_eez.containing(lat, lon):
                enters_eez = True
        overflies = bool(islands)
    in_eez = on_land = None
    impact_distance = None
    if impact_lat is not None and impact_lon is not None:
        in_eez = bool(reference.japan_eez.containing(impact_lat, impact_lon))
        on_land = bool(reference.japan_land.containing(impact_lat, impact_lon))
        impact_distance = distance_to_areas_km(impact_lat, impact_lon, reference.japan_land)
    on_land_at_launch = bool(reference.korea_land.containing(launch_lat, launch_lon) or reference.japan_land.containing(launch_lat, launch_lon))
    if on_land_at_launch:
        offshore = 0.0
    else:
        distances = [d for d in (distance_to_areas_km(launch_lat, launch_lon, reference.korea_land),
                                 distance_to_areas_km(launch_lat, launch_lon, reference.japan_land)) if d is not None]
        offshore = min(distances) if distances else math.inf
    return GeoFacts(
        track_basis=track_basis,
        track_length_km=track_length,
        track_points=len(track),
        impact_lat=impact_lat,
        impact_lon=impact_lon,
        impact_basis=impact_basis,
        overflies_japan=overflies,
        overflown_islands=tuple(islands),
        first_overflight_km=first_km,
        track_enters_japan_eez=enters_eez,
        impact_in_japan_eez=in_eez,
        impact_on_japan_land=on_land,
        impact_distance_to_japan_land_km=impact_distance,
        launch_on_land=on_land_at_launch,
        launch_offshore_km=offshore,
        launch_at_sea=not on_land_at_launch and offshore >= offshore_margin_km,
    )
