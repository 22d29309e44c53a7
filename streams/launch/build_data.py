"""Rebuild the launch reference data in `streams/data/` (a developer tool; the detector never runs it).

    python -m streams.launch.build_data /work/shared/data

writes

- `launch_sites.csv`: the launch facilities of the CNS North Korea Missile Test Database (as flattened
  in `nk-missile-tests/nk_missile_tests_1984_2026.csv`), with two flags and first-use dates derived
  from the same database;
- `japan.geojson`: Japan's land (hand-built outlines below) and an approximate EEZ computed from it;
- `korea.geojson`: the Korean Peninsula and Jeju (hand-built), for the "launch point at sea" test.

The outlines are hand-built for this project from well-known coastal landmarks (capes, ports, river
mouths) whose coordinates are common knowledge, typed in as (lat, lon); they are accurate to roughly
5-15 km and were not digitised from any map product. The EEZ method is in `eez_mask`. Output is
byte-identical on a re-run. Needs numpy (a dependency of river, which the project installs).
"""

from __future__ import annotations

import csv
import json
import math
import sys
from pathlib import Path

from streams.domain.geo import haversine_m

OUT = Path(__file__).resolve().parents[1] / "data"
EEZ_NM = 200.0
EEZ_KM = EEZ_NM * 1.852
GRID_DEG = 0.1
DENSIFY_KM = 5.0
SIMPLIFY_DEG = 0.1

# ------------------------------------------------------------------------------------------------
# Japan: land outlines, (lat, lon) in order around each island. Disputed features are left out:
# Takeshima/Dokdo (administered by the Republic of Korea), the southern Kurils (administered by
# Russia) and the Senkaku Islands (administered by Japan, claimed by China). Remote Pacific islands
# (Ogasawara, Minamitorishima, Okinotorishima, Daito) are left out too: no DPRK launch goes there,
# and they would only widen the EEZ far to the south-east.

JAPAN: dict[str, list[tuple[float, float]]] = {
    "Hokkaido": [
        (45.52, 141.94), (44.93, 142.58), (44.58, 142.97), (44.35, 143.37), (44.15, 143.85),
        (44.02, 144.28), (43.91, 144.67), (44.07, 145.00), (44.35, 145.33), (44.02, 145.19),
        (43.66, 145.13), (43.33, 145.58), (43.38, 145.82), (43.25, 145.55), (43.03, 144.85),
        (42.98, 144.38), (42.95, 144.07), (42.68, 143.65), (42.28, 143.32), (41.92, 143.25),
        (42.12, 142.93), (42.16, 142.77), (42.33, 142.37), (42.62, 141.60), (42.55, 141.35),
        (42.45, 141.10), (42.32, 140.97), (42.47, 140.87), (42.58, 140.70), (42.51, 140.37),
        (42.25, 140.27), (42.10, 140.58), (42.03, 140.82), (41.80, 141.18), (41.77, 140.72),
        (41.68, 140.43), (41.40, 140.20), (41.43, 140.10), (41.87, 140.12), (42.12, 139.98),
        (42.45, 139.85), (42.70, 140.05), (42.80, 140.23), (42.98, 140.50), (43.33, 140.35),
        (43.20, 140.78), (43.20, 141.00), (43.25, 141.35), (43.60, 141.38), (43.85, 141.52),
        (43.95, 141.63), (44.36, 141.70), (44.73, 141.78), (44.88, 141.74), (45.45, 141.64),
        (45.41, 141.68),
    ],
    "Honshu": [
        (41.53, 140.91), (41.43, 141.46), (40.68, 141.40), (40.52, 141.55), (40.19, 141.80),
        (39.55, 142.07), (39.27, 141.90), (39.03, 141.75), (38.88, 141.62), (38.27, 141.52),
        (38.26, 141.05), (38.03, 140.92), (37.80, 140.97), (37.34, 141.03), (36.95, 140.93),
        (36.58, 140.66), (36.31, 140.58), (35.95, 140.70), (35.70, 140.87), (35.15, 140.32),
        (34.90, 139.89), (35.31, 139.79), (35.60, 139.98), (35.65, 139.78), (35.45, 139.65),
        (35.25, 139.70), (35.13, 139.62), (35.25, 139.15), (35.10, 139.08), (34.60, 138.85),
        (34.75, 138.77), (35.08, 138.85), (35.00, 138.50), (34.60, 138.23), (34.67, 137.73),
        (34.58, 137.02), (35.05, 136.85), (34.72, 136.53), (34.48, 136.85), (34.28, 136.90),
        (34.07, 136.22), (33.72, 136.00), (33.43, 135.76), (33.68, 135.34), (33.88, 135.06),
        (34.22, 135.15), (34.65, 135.43), (34.68, 135.20), (34.64, 134.99), (34.77, 134.68),
        (34.57, 133.95), (34.43, 133.40), (34.40, 133.20), (34.23, 132.56), (34.35, 132.45),
        (34.15, 132.22), (34.03, 131.80), (33.95, 131.25), (33.95, 130.92), (34.42, 131.40),
        (34.68, 131.83), (34.90, 132.07), (35.43, 132.63), (35.57, 133.32), (35.53, 134.22),
        (35.78, 135.23), (35.48, 135.38), (35.67, 136.07), (35.97, 135.97), (36.22, 136.13),
        (36.62, 136.60), (36.90, 136.77), (37.40, 136.90), (37.52, 137.35), (37.05, 136.97),
        (36.85, 136.98), (36.77, 137.22), (37.04, 137.86), (37.18, 138.25), (37.37, 138.55),
        (37.95, 139.05), (38.22, 139.47), (38.55, 139.55), (38.92, 139.82), (39.20, 139.90),
        (39.75, 140.05), (39.98, 139.70), (40.20, 140.00), (40.61, 139.86), (40.78, 140.20),
        (41.00, 140.33), (41.25, 140.35), (41.15, 140.63), (40.83, 140.75), (40.88, 141.13),
        (41.27, 141.17), (41.14, 140.80), (41.43, 140.85),
    ],
    "Shikoku": [
        (34.23, 134.62), (34.07, 134.58), (33.83, 134.75), (33.25, 134.18), (33.50, 133.57),
        (33.38, 133.28), (32.72, 133.02), (32.92, 132.70), (33.22, 132.55), (33.34, 132.02),
        (33.45, 132.42), (33.85, 132.70), (34.08, 133.00), (33.97, 133.28), (34.13, 133.65),
        (34.35, 134.05), (34.23, 134.40),
    ],
    "Kyushu": [
        (33.95, 130.97), (33.78, 131.00), (33.60, 131.20), (33.63, 131.73), (33.28, 131.50),
        (33.25, 131.90), (32.93, 132.08), (32.58, 131.68), (32.42, 131.63), (31.90, 131.45),
        (31.60, 131.38), (31.37, 131.35), (31.47, 131.10), (31.00, 130.66), (31.15, 130.58),
        (31.27, 130.30), (31.72, 130.27), (32.02, 130.20), (32.20, 130.37), (32.50, 130.57),
        (32.68, 130.60), (32.80, 130.60), (32.98, 130.43), (33.15, 130.40), (33.10, 130.10),
        (32.98, 130.18), (32.78, 130.37), (32.60, 130.22), (32.73, 130.20), (32.58, 129.75),
        (32.75, 129.87), (32.88, 129.70), (33.17, 129.72), (33.30, 129.55), (33.55, 129.85),
        (33.45, 129.97), (33.60, 130.38), (33.87, 130.50), (33.90, 130.67),
    ],
    "Okinawa": [
        (26.87, 128.26), (26.70, 128.30), (26.48, 127.98), (26.30, 127.98), (26.16, 127.82),
        (26.08, 127.66), (26.21, 127.66), (26.44, 127.71), (26.50, 127.85), (26.59, 127.97),
        (26.70, 127.86), (26.74, 128.16),
    ],
    "Sado": [(38.33, 138.50), (38.05, 138.57), (37.80, 138.28), (38.00, 138.22), (38.25, 138.35)],
    "Oki (Dogo)": [(36.33, 133.25), (36.20, 133.38), (36.15, 133.25), (36.25, 133.15)],
    "Tsushima": [(34.71, 129.45), (34.40, 129.38), (34.10, 129.30), (34.12, 129.18), (34.45, 129.22), (34.68, 129.30)],
    "Iki": [(33.85, 129.70), (33.72, 129.78), (33.73, 129.65)],
    "Goto (Fukue)": [(32.80, 128.80), (32.62, 128.85), (32.60, 128.62), (32.78, 128.65)],
    "Amakusa": [(32.55, 130.20), (32.20, 130.22), (32.15, 130.00), (32.45, 129.97)],
    "Okushiri": [(42.25, 139.50), (42.05, 139.55), (42.05, 139.42), (42.18, 139.40)],
    "Rishiri": [(45.26, 141.24), (45.18, 141.33), (45.10, 141.24), (45.18, 141.15)],
    "Rebun": [(45.45, 141.03), (45.30, 141.08), (45.30, 140.98)],
    "Tanegashima": [(30.85, 131.05), (30.35, 131.08), (30.40, 130.90), (30.75, 130.95)],
    "Yakushima": [(30.46, 130.53), (30.34, 130.66), (30.23, 130.53), (30.34, 130.40)],
    "Amami Oshima": [(28.53, 129.70), (28.33, 129.60), (28.10, 129.35), (28.20, 129.30), (28.40, 129.45)],
    "Miyakojima": [(24.93, 125.28), (24.72, 125.47), (24.72, 125.25)],
    "Ishigaki": [(24.60, 124.32), (24.33, 124.25), (24.35, 124.08), (24.50, 124.12)],
    "Iriomote": [(24.43, 123.85), (24.27, 123.93), (24.25, 123.70), (24.40, 123.68)],
    "Yonaguni": [(24.48, 123.05), (24.43, 123.05), (24.45, 122.93)],
    "Izu Oshima": [(34.80, 139.40), (34.68, 139.45), (34.70, 139.35)],
    "Miyakejima": [(34.13, 139.53), (34.05, 139.57), (34.05, 139.48)],
    "Hachijojima": [(33.16, 139.78), (33.06, 139.86), (33.08, 139.73)],
}

# ------------------------------------------------------------------------------------------------
# The Korean Peninsula (both Koreas; the northern edge is the Yalu-Tumen border) and Jeju.

KOREA: dict[str, list[tuple[float, float]]] = {
    "Korean Peninsula": [
        (39.83, 124.32), (39.62, 124.62), (39.70, 124.95), (39.50, 125.40), (39.00, 125.15),
        (38.72, 125.10), (38.10, 124.72), (37.93, 125.36), (38.00, 125.70), (37.85, 126.15),
        (37.75, 126.50), (37.45, 126.60), (36.95, 126.80), (36.70, 126.13), (36.35, 126.55),
        (35.98, 126.62), (35.62, 126.47), (35.30, 126.35), (34.80, 126.38), (34.40, 126.15),
        (34.30, 126.53), (34.50, 127.35), (34.72, 127.75), (34.75, 127.95), (34.83, 128.43),
        (34.75, 128.65), (35.08, 129.05), (35.45, 129.38), (36.08, 129.57), (36.40, 129.40),
        (37.00, 129.42), (37.50, 129.12), (37.77, 128.95), (38.20, 128.60), (38.55, 128.42),
        (38.95, 128.00), (39.10, 127.75), (39.17, 127.64), (39.15, 127.50), (39.35, 127.40),
        (39.42, 127.60), (39.76, 127.70), (40.00, 128.22), (40.30, 128.65), (40.45, 128.95),
        (40.65, 129.20), (40.82, 129.75), (41.40, 129.78), (41.75, 129.85), (42.25, 130.30),
        (42.30, 130.70), (42.98, 129.85), (42.00, 128.05), (41.40, 128.20), (41.45, 127.50),
        (41.15, 126.29), (40.45, 124.95), (40.10, 124.40),
    ],
    "Jeju": [(33.52, 126.53), (33.45, 126.92), (33.24, 126.56), (33.21, 126.25), (33.32, 126.16)],
}

# Coasts of Japan's neighbours, for the equidistance (median) line only; not shipped.
NEIGHBOUR_COASTS: dict[str, list[tuple[float, float]]] = {
    "Ulleungdo and Dokdo/Takeshima (ROK-administered)": [(37.50, 130.87), (37.24, 131.87)],
    "Russia: Primorye and Khabarovsk coast": [
        (42.30, 130.70), (42.63, 130.80), (43.00, 131.35), (43.12, 131.90), (42.90, 132.40),
        (42.80, 132.90), (43.30, 134.00), (43.80, 135.30), (44.35, 135.85), (45.05, 136.65),
        (45.90, 137.70), (46.85, 138.30), (47.80, 139.20), (48.97, 140.30), (50.00, 140.50),
        (51.00, 140.80),
    ],
    "Russia: Sakhalin": [
        (51.00, 142.10), (49.00, 142.05), (48.00, 142.20), (47.05, 142.05), (46.60, 141.85),
        (45.90, 142.08), (46.65, 142.75), (46.05, 143.40), (46.80, 143.40), (47.50, 142.90),
        (48.60, 142.90), (49.20, 143.10), (48.80, 144.30), (50.00, 143.70), (51.00, 143.40),
    ],
    "Russia: Kuril Islands (incl. the southern Kurils claimed by Japan)": [
        (43.50, 146.10), (43.62, 145.32), (44.05, 145.60), (44.45, 146.55), (43.80, 146.75),
        (44.55, 146.90), (45.00, 147.80), (45.50, 148.85), (45.85, 149.50), (46.25, 150.50),
        (47.00, 152.10), (48.00, 153.20), (49.00, 154.50), (50.00, 155.30),
    ],
    "China: Liaodong to Fujian": [
        (39.85, 124.10), (39.60, 123.40), (39.30, 122.70), (38.90, 121.65), (38.80, 121.20),
        (37.80, 120.75), (37.55, 121.40), (37.40, 122.70), (36.90, 122.40), (36.10, 120.40),
        (35.40, 119.55), (34.70, 119.40), (33.50, 120.50), (32.30, 121.40), (31.40, 121.90),
        (30.85, 121.95), (30.00, 122.30), (29.00, 121.90), (28.00, 120.90), (27.00, 120.30),
        (26.00, 119.70), (25.00, 118.90), (24.45, 118.10),
    ],
    "Taiwan": [
        (25.30, 121.55), (24.85, 121.90), (24.00, 121.65), (23.00, 121.35), (22.00, 120.85),
        (22.60, 120.30), (23.50, 120.15), (24.50, 120.65), (25.05, 121.00),
    ],
    "Philippines: Batanes and northern Luzon": [(20.45, 121.95), (18.55, 122.20), (18.50, 120.60)],
}


# ------------------------------------------------------------------------------------------------
# Geometry helpers (numpy is imported where needed so `import streams.launch.build_data` stays cheap).


def densify(points: list[tuple[float, float]], closed: bool, step_km: float = DENSIFY_KM) -> list[tuple[float, float]]:
    """Points along the polyline (ring if `closed`), no two consecutive more than `step_km` apart
    (linear in lat/lon between vertices: the edges are short)."""
    pairs = list(zip(points, points[1:] + (points[:1] if closed else [])))
    out: list[tuple[float, float]] = []
    for (lat1, lon1), (lat2, lon2) in pairs:
        n = max(1, math.ceil(haversine_m(lat1, lon1, lat2, lon2) / 1000.0 / step_km))
        out.extend((lat1 + (lat2 - lat1) * i / n, lon1 + (lon2 - lon1) * i / n) for i in range(n))
    if not closed:
        out.append(points[-1])
    return out


def _segments_cross(p, q, r, s) -> bool:
    def side(a, b, c):
        return (c[1] - a[1]) * (b[0] - a[0]) - (b[1] - a[1]) * (c[0] - a[0])

    return side(r, s, p) * side(r, s, q) < 0 and side(p, q, r) * side(p, q, s) < 0


def assert_simple(name: str, ring: list[tuple[float, float]]) -> None:
    """No two non-adjacent edges of the ring cross."""
    edges = list(zip(ring, ring[1:] + ring[:1]))
    for i, (a, b) in enumerate(edges):
        for j in range(i + 2, len(edges)):
            if i == 0 and j == len(edges) - 1:
                continue
            if _segments_cross(a, b, *edges[j]):
                raise SystemExit(f"{name}: edges {i} and {j} cross")


def geojson_ring(points: list[tuple[float, float]]) -> list[list[float]]:
    """(lat, lon) points -> a closed, counterclockwise GeoJSON ring of [lon, lat] (RFC 7946)."""
    ring = [[round(lon, 4), round(lat, 4)] for lat, lon in points]
    area2 = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]))
    if area2 < 0:
        ring.reverse()
    return ring + [ring[0]]


def _min_distance_km(grid_lat, grid_lon, points: list[tuple[float, float]]):
    """Great-circle distance from every grid point to the nearest of `points`, in chunks."""
    import numpy as np

    plat = np.radians(np.array([p[0] for p in points]))
    plon = np.radians(np.array([p[1] for p in points]))
    glat = np.radians(grid_lat.ravel())
    glon = np.radians(grid_lon.ravel())
    best = np.full(glat.shape, np.inf)
    for start in range(0, len(plat), 256):
        a = plat[start : start + 256][None, :]
        b = plon[start : start + 256][None, :]
        h = np.sin((a - glat[:, None]) / 2) ** 2 + np.cos(glat[:, None]) * np.cos(a) * np.sin((b - glon[:, None]) / 2) ** 2
        d = 2 * 6371.0088 * np.arcsin(np.minimum(1.0, np.sqrt(h)))
        best = np.minimum(best, d.min(axis=1))
    return best.reshape(grid_lat.shape)


def _inside(lat: float, lon: float, ring: list[tuple[float, float]]) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        (yi, xi), (yj, xj) = ring[i], ring[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def eez_mask():
    """Grid cells (GRID_DEG) whose centre is Japanese land, or within 200 nm of Japanese land and no
    nearer any neighbour's coast (the equidistance principle of UNCLOS arts. 15 and 74 applied
    everywhere, although real boundaries are negotiated and several are disputed)."""
    import numpy as np

    lats = np.arange(20.0 + GRID_DEG / 2, 50.0, GRID_DEG)
    lons = np.arange(118.0 + GRID_DEG / 2, 156.0, GRID_DEG)
    grid_lon, grid_lat = np.meshgrid(lons, lats)
    japan_coast = [p for ring in JAPAN.values() for p in densify(ring, closed=True)]
    neighbours = [p for ring in KOREA.values() for p in densify(ring, closed=True)]
    neighbours += [p for line in NEIGHBOUR_COASTS.values() for p in densify(line, closed=False)]
    d_japan = _min_distance_km(grid_lat, grid_lon, japan_coast)
    d_other = _min_distance_km(grid_lat, grid_lon, neighbours)
    mask = (d_japan <= EEZ_KM) & (d_japan <= d_other)
    for ring in JAPAN.values():
        lat_lo, lat_hi = min(p[0] for p in ring), max(p[0] for p in ring)
        lon_lo, lon_hi = min(p[1] for p in ring), max(p[1] for p in ring)
        for i in np.nonzero((lats >= lat_lo) & (lats <= lat_hi))[0]:
            for j in np.nonzero((lons >= lon_lo) & (lons <= lon_hi))[0]:
                if _inside(lats[i], lons[j], ring):
                    mask[i, j] = True
    return mask, lats, lons


def trace_outlines(mask, lats, lons) -> list[list[tuple[float, float]]]:
    """Outer boundaries of the cell mask as rings of cell corners (lat, lon), one per connected
    region; holes are dropped (a neighbour's island inside the zone would make one)."""
    rows, cols = mask.shape
    lat0, lon0 = lats[0] - GRID_DEG / 2, lons[0] - GRID_DEG / 2

    def cell(i: int, j: int) -> bool:
        return 0 <= i < rows and 0 <= j < cols and bool(mask[i, j])

    # Directed boundary edges with the region on the left, between corner (i, j) = (row, col) points.
    edges: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for i in range(rows):
        for j in range(cols):
            if not mask[i, j]:
                continue
            if not cell(i - 1, j):
                edges.setdefault((i, j), []).append((i, j + 1))
            if not cell(i, j + 1):
                edges.setdefault((i, j + 1), []).append((i + 1, j + 1))
            if not cell(i + 1, j):
                edges.setdefault((i + 1, j + 1), []).append((i + 1, j))
            if not cell(i, j - 1):
                edges.setdefault((i + 1, j), []).append((i, j))
    rings: list[list[tuple[int, int]]] = []
    while edges:
        start = min(edges)
        ring = [start]
        here = start
        while True:
            nexts = edges[here]
            step = nexts.pop(0)
            if not nexts:
                del edges[here]
            if step == start:
                break
            ring.append(step)
            here = step
        rings.append(ring)
    outlines = []
    for ring in rings:
        pts = [(lat0 + i * GRID_DEG, lon0 + j * GRID_DEG) for i, j in ring]
        area2 = sum(x0 * y1 - x1 * y0 for (y0, x0), (y1, x1) in zip(pts, pts[1:] + pts[:1]))
        if area2 > 0:  # region on the left, counterclockwise in (lon, lat): an outer boundary
            outlines.append(pts)
    return outlines


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker on a closed ring (split at its first vertex and the one farthest from it)."""

    def offset(p, a, b):
        dx, dy = b[0] - a[0], b[1] - a[1]
        t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy)))
        return math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy)

    closed = points + points[:1]
    far = max(range(len(closed)), key=lambda i: math.dist(closed[0], closed[i]))
    keep = {0, far, len(closed) - 1}
    stack = [(0, far), (far, len(closed) - 1)]
    while stack:
        first, last = stack.pop()
        best, best_offset = None, tolerance
        for i in range(first + 1, last):
            d = offset(closed[i], closed[first], closed[last])
            if d > best_offset:
                best, best_offset = i, d
        if best is not None:
            keep.add(best)
            stack += [(first, best), (best, last)]
    return [closed[i] for i in sorted(keep) if i < len(points)]


# ------------------------------------------------------------------------------------------------


def build_sites(shared: Path) -> list[dict[str, str]]:
    """One row per facility of the flattened CNS table, except the placeholder facility `unknown`
    (its coordinates are Pyongyang International Airport's, copied)."""
    path = shared / "nk-missile-tests" / "nk_missile_tests_1984_2026.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    sites: dict[str, dict[str, str]] = {}
    types: dict[str, set[str]] = {}
    for row in rows:
        site_id = row["facility"]
        if site_id == "unknown":
            continue
        site = sites.setdefault(site_id, {
            "site_id": site_id, "name": row["facility_name"], "lat": row["facility_lat"], "lon": row["facility_lon"],
            "space_launch_site": str("Satellite Launching" in row["facility_name"]).lower(),
            "slbm_site": "false", "first_launch": row["date"], "launches": "0",
        })
        site["first_launch"] = min(site["first_launch"], row["date"])
        site["launches"] = str(int(site["launches"]) + 1)
        types.setdefault(site_id, set()).add(row["missile_type"])
    for site_id, site in sites.items():
        site["slbm_site"] = str("SLBM" in types[site_id]).lower()
    return sorted(sites.values(), key=lambda s: (s["first_launch"], s["site_id"]))


def write_sites(sites: list[dict[str, str]]) -> None:
    with (OUT / "launch_sites.csv").open("w", encoding="utf-8", newline="") as handle:
        out = csv.DictWriter(handle, fieldnames=list(sites[0]), lineterminator="\n")
        out.writeheader()
        out.writerows(sites)


def _feature(name: str, kind: str, rings: list[list[list[float]]], **props: object) -> dict:
    """A Polygon feature for one ring, a MultiPolygon for several (each ring its own polygon)."""
    if len(rings) == 1:
        geometry = {"type": "Polygon", "coordinates": [rings[0]]}
    else:
        geometry = {"type": "MultiPolygon", "coordinates": [[ring] for ring in rings]}
    return {"type": "Feature", "properties": {"name": name, "kind": kind, "approximate": True, **props}, "geometry": geometry}


def _write_geojson(path: Path, features: list[dict]) -> None:
    lines = ['{"type": "FeatureCollection", "features": [']
    for i, feature in enumerate(features):
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")) + ("," if i < len(features) - 1 else ""))
    lines.append("]}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def build_geography() -> str:
    for name, ring in {**JAPAN, **KOREA}.items():
        assert_simple(name, [(lon, lat) for lat, lon in ring])
    mask, lats, lons = eez_mask()
    outlines = [simplify(ring, SIMPLIFY_DEG) for ring in trace_outlines(mask, lats, lons)]
    outlines = [ring for ring in outlines if len(ring) >= 3]
    for number, ring in enumerate(outlines):
        assert_simple(f"EEZ ring {number}", [(lon, lat) for lat, lon in ring])
    land_source = "hand-built from well-known coastal landmarks, accurate to ~5-15 km; see streams/data/PROVENANCE.md"
    japan = [_feature(name, "land", [geojson_ring(ring)], source=land_source) for name, ring in JAPAN.items()]
    japan.append(_feature(
        "Japan EEZ", "eez", [geojson_ring(ring) for ring in outlines], includes_land=True,
        source=f"computed from the land outlines: within {EEZ_NM:.0f} nm of them and no nearer a neighbour's coast; "
        "approximate, not a legal boundary; see streams/data/PROVENANCE.md",
    ))
    _write_geojson(OUT / "japan.geojson", japan)
    korea = [_feature(name, "land", [geojson_ring(ring)], source=land_source) for name, ring in KOREA.items()]
    _write_geojson(OUT / "korea.geojson", korea)
    vertices = sum(len(r) for r in outlines)
    return f"EEZ: {int(mask.sum())} cells of {GRID_DEG} deg, {len(outlines)} ring(s), {vertices} vertices after simplification ({SIMPLIFY_DEG} deg)"


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    sites = build_sites(Path(argv[0]))
    write_sites(sites)
    print(f"launch_sites.csv: {len(sites)} sites")
    print(build_geography())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
