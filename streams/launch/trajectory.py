"""Ballistic trajectories on a spherical, non-rotating Earth without drag (Kepler ellipses).

The free-flight part of a ballistic missile's path is an arc of a Kepler ellipse with a focus at the
Earth's centre. We put burnout and re-entry on the surface (r = R), ignore the powered and re-entry
phases, the Earth's rotation and the atmosphere. Those simplifications shift ranges by a few per cent
to ~20 % (a real missile burns out 100-300 km up, which adds range), enough for range *classes*.

Notation (Bate, Mueller and White, *Fundamentals of Astrodynamics*, Dover 1971, ch. 6 "Ballistic
missile trajectories", eqs. 6.2-1 to 6.2-20; Wheelon, "Free flight of a ballistic missile", ARS
Journal 29(12), 1959):

- ``R`` Earth radius, ``mu`` its gravitational parameter, ``v`` burnout speed;
- ``Q = v**2 * R / mu``: burnout speed squared over circular-orbit speed squared at the surface
  (Q = 1: orbital speed; Q >= 1 reaches anywhere on Earth);
- ``psi``: free-flight range angle (ground range / R); ``gamma``: flight-path angle above horizontal.

Formulas used here:

1. Range equation (BMW 6.2-7): ``cos(psi/2) = (1 - Q cos^2 gamma) / sqrt(1 + Q (Q - 2) cos^2 gamma)``.
2. Maximum range at a given Q, i.e. the minimum-energy trajectory (BMW 6.2-15, 6.2-16):
   ``sin(psi_max/2) = Q / (2 - Q)`` for Q < 1, reached at ``gamma = (pi - psi)/4``.
   Inverted: the least Q that reaches ``psi`` is ``Q = 2 sin(psi/2) / (1 + sin(psi/2))``.
3. Conic through burnout and apogee: with semi-major axis ``a = R / (2 - Q)`` (vis-viva,
   ``v^2 = mu (2/R - 1/a)``) and eccentricity ``e^2 = 1 - Q (2 - Q) cos^2 gamma``
   (from the angular momentum ``h = R v cos gamma`` and ``p = h^2/mu = a (1 - e^2)``),
   the apogee radius is ``r_a = a (1 + e)``.
4. Ellipse through a given (range, apogee): the trajectory is symmetric about apogee (true anomaly
   nu = pi), so burnout is at ``nu = pi - psi/2``. From ``r = p / (1 + e cos nu)`` at apogee
   (``r_a = p/(1 - e)``) and at burnout (``R = p / (1 - e cos(psi/2))``):
   ``e = (r_a - R) / (r_a - R cos(psi/2))``, ``a = r_a / (1 + e)``, ``Q = 2 - R/a``.
   The burnout speed is ``v = sqrt(Q mu / R)``; the maximum range at that speed is formula 2.
   This is how a *lofted* test (high apogee, short range) is turned into the range the same missile
   would reach on a standard trajectory (e.g. D. Wright, "North Korea's longest missile test yet",
   Union of Concerned Scientists, 28 Nov 2017, for the Hwasong-15).
5. Time of flight along the arc (Kepler's equation, BMW 6.2-19 form): with the eccentric anomaly
   ``E_b`` of burnout (``cos E_b = (1 - R/a)/e``), ``t = 2 sqrt(a^3/mu) (pi - (E_b - e sin E_b))``.

Check values (our functions, tested): minimum-energy apogee for 300 km range is 74 km; 1,000 -> 240;
3,000 -> 655; 5,500 -> 1,041; 10,000 -> 1,319 (the table in the project's DOMAIN notes). The
Hwasong-15 test of 28 Nov 2017 (apogee 4,475 km, range 950 km) needs Q = 0.83 (v = 7.2 km/s), whose
maximum range is 9,980 km; published estimates that add burnout altitude and the Earth's rotation
say 13,000 km.

    >>> round(min_energy_apogee_km(1000.0))
    240
    >>> fit = ellipse_through(950.0, 4475.0)
    >>> round(fit.max_range_km, -1), round(fit.burnout_speed_km_s, 2)
    (9980.0, 7.2)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from streams.domain.geo import EARTH_RADIUS_M

EARTH_RADIUS_KM = EARTH_RADIUS_M / 1000.0
"""IUGG mean Earth radius (the same sphere as `streams.domain.geo`)."""
MU_KM3_S2 = 398_600.4418
"""Earth's gravitational parameter GM (IERS/WGS 84), km^3/s^2."""
HALF_CIRCUMFERENCE_KM = math.pi * EARTH_RADIUS_KM
"""The farthest any point on the sphere can be: what a Q >= 1 (orbital-speed) shot can reach."""


@dataclass(frozen=True, slots=True)
class EllipseFit:
    """The free-flight ellipse through (range, apogee) and what it implies."""

    range_km: float
    apogee_km: float
    q: float
    """Burnout speed squared over circular-orbit speed squared at the surface."""
    eccentricity: float
    semi_major_axis_km: float
    burnout_speed_km_s: float
    flight_path_angle_deg: float
    """Burnout angle above the local horizontal."""
    max_range_km: float
    """Range at this burnout speed on the minimum-energy trajectory (half the circumference if Q >= 1)."""
    orbital: bool
    """Q >= 1: at least circular-orbit speed, so the whole Earth is in reach."""
    flight_time_s: float
    """Burnout to re-entry along this ellipse (no powered phase, so shorter than a reported flight)."""


def _check_range(range_km: float) -> None:
    if not 0.0 < range_km <= HALF_CIRCUMFERENCE_KM:
        raise ValueError(f"range must be in (0, {HALF_CIRCUMFERENCE_KM:.0f}] km, got {range_km}")


def range_angle_rad(range_km: float) -> float:
    return range_km / EARTH_RADIUS_KM


def min_energy_q(range_km: float) -> float:
    """Least Q that reaches `range_km` (formula 2 inverted)."""
    _check_range(range_km)
    s = math.sin(range_angle_rad(range_km) / 2.0)
    return 2.0 * s / (1.0 + s)


def min_energy_flight_path_angle_deg(range_km: float) -> float:
    """Burnout angle of the minimum-energy trajectory: (pi - psi)/4 (45 deg at zero range)."""
    _check_range(range_km)
    return math.degrees((math.pi - range_angle_rad(range_km)) / 4.0)


def apogee_km(q: float, flight_path_angle_deg: float) -> float:
    """Apogee height of the ellipse with burnout parameter `q` and angle `gamma` (formula 3)."""
    if not 0.0 < q < 2.0:
        raise ValueError(f"Q must be in (0, 2) for a bound trajectory, got {q}")
    cos_g = math.cos(math.radians(flight_path_angle_deg))
    a = EARTH_RADIUS_KM / (2.0 - q)
    e = math.sqrt(max(0.0, 1.0 - q * (2.0 - q) * cos_g * cos_g))
    return a * (1.0 + e) - EARTH_RADIUS_KM


def min_energy_apogee_km(range_km: float) -> float:
    """Apogee of the minimum-energy trajectory to `range_km` (300 km -> 74 km, 10,000 -> 1,319)."""
    return apogee_km(min_energy_q(range_km), min_energy_flight_path_angle_deg(range_km))


def max_range_km(q: float) -> float:
    """Farthest ground range at burnout parameter `q` (formula 2); half the circumference if Q >= 1."""
    if q <= 0.0:
        raise ValueError(f"Q must be positive, got {q}")
    if q >= 1.0:
        return HALF_CIRCUMFERENCE_KM
    return 2.0 * math.asin(q / (2.0 - q)) * EARTH_RADIUS_KM


# The minimum-energy apogee peaks near this range; beyond it the curve falls again.
_PEAK_SEARCH_KM = (1.0, HALF_CIRCUMFERENCE_KM)


def _peak_min_energy() -> tuple[float, float]:
    """(range, apogee) where the minimum-energy apogee is highest, by golden-section search."""
    lo, hi = _PEAK_SEARCH_KM
    ratio = (math.sqrt(5.0) - 1.0) / 2.0
    for _ in range(80):
        left = hi - ratio * (hi - lo)
        right = lo + ratio * (hi - lo)
        if min_energy_apogee_km(left) < min_energy_apogee_km(right):
            lo = left
        else:
            hi = right
    peak = (lo + hi) / 2.0
    return peak, min_energy_apogee_km(peak)


PEAK_MIN_ENERGY_RANGE_KM, PEAK_MIN_ENERGY_APOGEE_KM = _peak_min_energy()
"""No minimum-energy trajectory climbs higher than ~1,319 km (reached at ~10,008 km range)."""


def min_energy_range_for_apogee_km(apogee: float) -> float | None:
    """Range of the minimum-energy trajectory with this apogee (the shorter of the two), by bisection;
    None above `PEAK_MIN_ENERGY_APOGEE_KM`, which no minimum-energy trajectory reaches."""
    if apogee <= 0.0:
        raise ValueError(f"apogee must be positive, got {apogee}")
    if apogee > PEAK_MIN_ENERGY_APOGEE_KM:
        return None
    lo, hi = 0.0, PEAK_MIN_ENERGY_RANGE_KM
    for _ in range(100):
        mid = (lo + hi) / 2.0
        if mid > 0.0 and min_energy_apogee_km(mid) > apogee:
            hi = mid
        else:
            lo = mid
    return (lo + hi) / 2.0


def vertical_q(apogee: float) -> float:
    """Q of a vertical shot reaching `apogee` (energy: v^2/2 = mu (1/R - 1/(R + h))): 2h / (R + h).
    Any trajectory with this apogee needs at least this Q."""
    if apogee <= 0.0:
        raise ValueError(f"apogee must be positive, got {apogee}")
    return 2.0 * apogee / (EARTH_RADIUS_KM + apogee)


def ellipse_through(range_km: float, apogee: float) -> EllipseFit:
    """The free-flight ellipse with burnout and re-entry on the surface `range_km` apart and its
    highest point `apogee` km up (formula 4), with the maximum range at its burnout speed."""
    _check_range(range_km)
    if apogee <= 0.0:
        raise ValueError(f"apogee must be positive, got {apogee}")
    half = range_angle_rad(range_km) / 2.0
    r_a = EARTH_RADIUS_KM + apogee
    e = (r_a - EARTH_RADIUS_KM) / (r_a - EARTH_RADIUS_KM * math.cos(half))
    a = r_a / (1.0 + e)
    q = 2.0 - EARTH_RADIUS_KM / a
    # Flight-path angle from the range equation, solved for gamma via the conic at burnout:
    # tan(gamma) = e sin(nu) / (1 + e cos(nu)) with nu the true anomaly of burnout (pi - psi/2).
    nu = math.pi - half
    gamma = math.atan2(e * math.sin(nu), 1.0 + e * math.cos(nu))
    cos_e_b = max(-1.0, min(1.0, (1.0 - EARTH_RADIUS_KM / a) / e))
    e_b = math.acos(cos_e_b)
    flight_time_s = 2.0 * math.sqrt(a**3 / MU_KM3_S2) * (math.pi - (e_b - e * math.sin(e_b)))
    return EllipseFit(
        range_km=range_km,
        apogee_km=apogee,
        q=q,
        eccentricity=e,
        semi_major_axis_km=a,
        burnout_speed_km_s=math.sqrt(q * MU_KM3_S2 / EARTH_RADIUS_KM),
        flight_path_angle_deg=math.degrees(gamma),
        max_range_km=max_range_km(q),
        orbital=q >= 1.0,
        flight_time_s=flight_time_s,
    )


def ground_range_km(q: float, flight_path_angle_deg: float) -> float:
    """Ground range at burnout parameter `q` and angle `gamma` (formula 1); for checking the others."""
    if not 0.0 < q < 1.0:
        raise ValueError(f"Q must be in (0, 1) for a finite range formula, got {q}")
    cos2 = math.cos(math.radians(flight_path_angle_deg)) ** 2
    c = (1.0 - q * cos2) / math.sqrt(1.0 + q * (q - 2.0) * cos2)
    return 2.0 * math.acos(max(-1.0, min(1.0, c))) * EARTH_RADIUS_KM

