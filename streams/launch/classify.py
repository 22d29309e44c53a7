"""Range class and kind of a launch.

Range class (SRBM/MRBM/IRBM/ICBM) comes from an estimated *full* range, `estimate_full_range`:

- range and apogee known, apogee/range above `lofted_ratio`: a lofted shot. Its full range is the
  maximum range at the burnout speed of the ellipse through (range, apogee) (`trajectory`), e.g. the
  Hwasong-15 test of 28 Nov 2017 (4,475 km apogee, 950 km range) -> ~9,980 km: ICBM;
- range known otherwise: the range itself (a flight on a standard or depressed trajectory);
- apogee only: the range of the minimum-energy trajectory with that apogee; above ~1,319 km no
  minimum-energy trajectory climbs that high, so the range at the speed of a vertical shot to that
  apogee is used (a lower bound: any trajectory reaching it is at least that fast);
- neither: no estimate and no class.

Kind: "satellite" when the report names a space launch vehicle or its satellite, or the launch is
from a space launch site (Sohae, Tonghae) heading south; "sea" when the launch is from a site where
submarine-launched missiles have been fired (Sinpo, Yonghung Bay, Taechon Reservoir), or from a
point at sea away from any known site; "ballistic" otherwise. A source's own missile type
(`reported_type`) is never used, so the class can be compared with it.

    >>> estimate = estimate_full_range(950.0, 4475.0, 0.3)
    >>> estimate.lofted, round(estimate.full_range_km, -1), range_class(estimate.full_range_km, (1000.0, 3000.0, 5500.0))
    (True, 9980.0, 'ICBM')
"""

from __future__ import annotations

from dataclasses import dataclass

from streams.launch.events import LaunchDetection
from streams.launch.geography import GeoFacts
from streams.launch.reference import SiteMatch
from streams.launch.trajectory import (
    EllipseFit,
    ellipse_through,
    max_range_km,
    min_energy_range_for_apogee_km,
    vertical_q,
)

KINDS = ("ballistic", "satellite", "sea")
RANGE_BASES = ("lofted_ellipse", "reported_range", "apogee_min_energy", "apogee_vertical_lower_bound", "none")


@dataclass(frozen=True, slots=True)
class RangeEstimate:
    full_range_km: float | None
    basis: str
    """One of `RANGE_BASES`."""
    lofted: bool
    apogee_range_ratio: float | None
    fit: EllipseFit | None
    """The ellipse through (range, apogee) when both are known and positive, lofted or not."""


def estimate_full_range(range_km: float | None, apogee_km: float | None, lofted_ratio: float) -> RangeEstimate:
    has_range = range_km is not None and range_km > 0.0
    has_apogee = apogee_km is not None and apogee_km > 0.0
    ratio = apogee_km / range_km if has_range and has_apogee else None  # type: ignore[operator]
    fit = ellipse_through(range_km, apogee_km) if ratio is not None else None  # type: ignore[arg-type]
    if ratio is not None and fit is not None and ratio > lofted_ratio:
        return RangeEstimate(max(range_km, fit.max_range_km), "lofted_ellipse", True, ratio, fit)  # type: ignore[type-var]
    if has_range:
        return RangeEstimate(range_km, "reported_range", False, ratio, fit)
    if has_apogee:
        assert apogee_km is not None
        standard = min_energy_range_for_apogee_km(apogee_km)
        if standard is not None:
            return RangeEstimate(standard, "apogee_min_energy", False, None, None)
        return RangeEstimate(max_range_km(vertical_q(apogee_km)), "apogee_vertical_lower_bound", False, None, None)
    return RangeEstimate(None, "none", False, None, None)


def range_class(full_range_km: float | None, bounds_km: tuple[float, float, float]) -> str | None:
    """SRBM < bounds[0] <= MRBM < bounds[1] <= IRBM <= bounds[2] < ICBM; None without a range."""
    if full_range_km is None:
        return None
    srbm_max, mrbm_max, irbm_max = bounds_km
    if full_range_km < srbm_max:
        return "SRBM"
    if full_range_km < mrbm_max:
        return "MRBM"
    if full_range_km <= irbm_max:
        return "IRBM"
    return "ICBM"


@dataclass(frozen=True, slots=True)
class Classification:
    kind: str
    kind_basis: tuple[str, ...]
    """Why the kind: e.g. "launch_vehicle_name:Unha-3", "space_site_southward:sohae@181deg",
    "slbm_site:sinpo", "launch_point_at_sea:42km_offshore"; empty for "ballistic"."""
    range_class: str | None
    estimate: RangeEstimate


def _names_launch_vehicle(name: str | None, vehicles: tuple[str, ...]) -> str | None:
    if not name:
        return None
    lowered = name.lower()
    for vehicle in vehicles:
        if lowered.startswith(vehicle.lower()):
            return vehicle
    return None


def classify(
    detection: LaunchDetection,
    site: SiteMatch | None,
    geo: GeoFacts,
    lofted_ratio: float,
    class_bounds_km: tuple[float, float, float],
    satellite_azimuth_deg: tuple[float, float],
    launch_vehicle_names: tuple[str, ...],
) -> Classification:
    estimate = estimate_full_range(detection.range_km, detection.apogee_km, lofted_ratio)
    satellite: list[str] = []
    if _names_launch_vehicle(detection.missile_name, launch_vehicle_names):
        satellite.append(f"launch_vehicle_name:{detection.missile_name}")
    low, high = satellite_azimuth_deg
    if site is not None and site.site.space_launch_site and detection.azimuth_deg is not None and low <= detection.azimuth_deg <= high:
        satellite.append(f"space_site_southward:{site.site.site_id}@{detection.azimuth_deg:g}deg")
    sea: list[str] = []
    if site is not None and site.site.slbm_site:
        sea.append(f"slbm_site:{site.site.site_id}")
    if site is None and geo.launch_at_sea:
        sea.append(f"launch_point_at_sea:{geo.launch_offshore_km:.0f}km_offshore")
    if satellite:
        kind, basis = "satellite", tuple(satellite)
    elif sea:
        kind, basis = "sea", tuple(sea)
    else:
        kind, basis = "ballistic", ()
    return Classification(kind, basis, range_class(estimate.full_range_km, class_bounds_km), estimate)
