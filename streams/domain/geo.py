"""Spherical-earth geometry in metres and degrees; accurate to ~0.5 %, enough for AIS distances."""

from __future__ import annotations

import math

EARTH_RADIUS_M = 6_371_008.8  # IUGG mean radius
METRES_PER_NM = 1852.0
KN_PER_M_S = 3600.0 / METRES_PER_NM


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1 = math.radians(lat1)
    phi2 = math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def initial_bearing_deg(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Azimuth (0-360, clockwise from north) of the great circle from point 1 towards point 2."""
    phi1 = math.radians(lat1)
    phi2 = math.radians(lat2)
    dlmb = math.radians(lon2 - lon1)
    y = math.sin(dlmb) * math.cos(phi2)
    x = math.cos(phi1) * math.sin(phi2) - math.sin(phi1) * math.cos(phi2) * math.cos(dlmb)
    return math.degrees(math.atan2(y, x)) % 360.0


def destination(lat: float, lon: float, azimuth_deg: float, distance_m: float) -> tuple[float, float]:
    """The point `distance_m` along the great circle leaving (lat, lon) at `azimuth_deg` (the direct
    problem on a sphere); longitude normalised to -180..180."""
    phi1 = math.radians(lat)
    lmb1 = math.radians(lon)
    theta = math.radians(azimuth_deg)
    delta = distance_m / EARTH_RADIUS_M
    sin_phi2 = math.sin(phi1) * math.cos(delta) + math.cos(phi1) * math.sin(delta) * math.cos(theta)
    phi2 = math.asin(max(-1.0, min(1.0, sin_phi2)))
    lmb2 = lmb1 + math.atan2(math.sin(theta) * math.sin(delta) * math.cos(phi1), math.cos(delta) - math.sin(phi1) * sin_phi2)
    return math.degrees(phi2), (math.degrees(lmb2) + 540.0) % 360.0 - 180.0


def point_in_polygon(lat: float, lon: float, ring: tuple[tuple[float, float], ...]) -> bool:
    """Even-odd rule over a ring of (lon, lat) vertices, as GeoJSON orders them."""
    inside = False
    n = len(ring)
    j = n - 1
    for i in range(n):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside
