"""Trajectory maths on a spherical Earth without drag, against numbers worked by hand.

Hand checks (R = 6,371.0088 km, mu = 398,600.4418 km^3/s^2):

- 10,000 km minimum-energy: psi/2 = 10,000 / (2 R) = 0.784805 rad (pi/4 - 0.000593), so
  sin = 0.707107 - 0.707107 x 0.000593 = 0.706688 and Q = 2 x 0.706688 / 1.706688 = 0.82814;
  gamma = (pi - psi)/4 = (3.141593 - 1.569610)/4 = 0.392996 rad = 22.517 deg.
- Hwasong-15, 28 Nov 2017 (apogee 4,475 km, range 950 km): psi/2 = 0.0745563 rad, cos = 0.997222;
  r_a = 10,846.01; e = 4,475 / (10,846.01 - 6,371.01 x 0.997222) = 4,475 / 4,492.71 = 0.99606;
  a = r_a / (1 + e) = 5,433.7; Q = 2 - R/a = 0.82750; v = sqrt(Q mu / R) = 7.195 km/s;
  max range = 2 R asin(Q / (2 - Q)) = 2 R asin(0.70576) = 9,983 km.
- A vertical shot to 200 km: Q = 2h / (R + h) = 0.060873, max range = 2 R asin(Q/(2 - Q)) = 400.0 km
  (the flat-Earth rule: speed for height h flies 2h).
"""

from __future__ import annotations

import math

import pytest

from streams.launch.trajectory import (
    EARTH_RADIUS_KM,
    HALF_CIRCUMFERENCE_KM,
    PEAK_MIN_ENERGY_APOGEE_KM,
    PEAK_MIN_ENERGY_RANGE_KM,
    apogee_km,
    ellipse_through,
    ground_range_km,
    max_range_km,
    min_energy_apogee_km,
    min_energy_flight_path_angle_deg,
    min_energy_q,
    min_energy_range_for_apogee_km,
    vertical_q,
)


@pytest.mark.parametrize(
    ("range_km", "expected_apogee_km"),
    [(300.0, 74.0), (1000.0, 240.0), (3000.0, 655.0), (5500.0, 1040.0), (10_000.0, 1320.0)],
)
def test_min_energy_apogee_matches_the_domain_table(range_km: float, expected_apogee_km: float) -> None:
    assert min_energy_apogee_km(range_km) == pytest.approx(expected_apogee_km, abs=1.5)


def test_min_energy_q_and_angle_by_hand() -> None:
    assert min_energy_q(10_000.0) == pytest.approx(0.82814, abs=5e-5)
    assert min_energy_flight_path_angle_deg(10_000.0) == pytest.approx(22.517, abs=1e-3)  # (pi - psi)/4
    assert min_energy_flight_path_angle_deg(1e-6) == pytest.approx(45.0)  # flat-Earth limit


def test_short_range_apogee_is_a_quarter_of_the_range() -> None:
    assert min_energy_apogee_km(10.0) == pytest.approx(2.5, rel=1e-3)  # flat Earth: h = R_g / 4 at 45 deg


def test_range_equation_inverts_min_energy() -> None:
    for range_km in (300.0, 1000.0, 3000.0, 5500.0, 10_000.0, 15_000.0):
        q, gamma = min_energy_q(range_km), min_energy_flight_path_angle_deg(range_km)
        assert ground_range_km(q, gamma) == pytest.approx(range_km, rel=1e-9)
        assert max_range_km(q) == pytest.approx(range_km, rel=1e-9)
        assert apogee_km(q, gamma) == pytest.approx(min_energy_apogee_km(range_km))


def test_apogee_to_range_inverse() -> None:
    for range_km in (300.0, 1000.0, 3000.0, 5500.0, 9000.0):
        assert min_energy_range_for_apogee_km(min_energy_apogee_km(range_km)) == pytest.approx(range_km, rel=1e-6)
    assert PEAK_MIN_ENERGY_APOGEE_KM == pytest.approx(1319.5, abs=0.5)
    assert PEAK_MIN_ENERGY_RANGE_KM == pytest.approx(10_008.0, abs=20.0)
    assert min_energy_range_for_apogee_km(1400.0) is None  # no minimum-energy trajectory climbs so high


def test_hwasong_15_by_hand() -> None:
    fit = ellipse_through(950.0, 4475.0)
    assert fit.eccentricity == pytest.approx(0.99606, abs=1e-5)
    assert fit.semi_major_axis_km == pytest.approx(5433.7, abs=0.1)
    assert fit.q == pytest.approx(0.82750, abs=1e-5)
    assert fit.burnout_speed_km_s == pytest.approx(7.195, abs=1e-3)
    assert fit.max_range_km == pytest.approx(9983.0, abs=2.0)
    assert not fit.orbital
    # Its ellipse is steep (85 deg) and takes ~50 min burnout to re-entry; the reported 53-54 min
    # include the powered flight.
    assert fit.flight_path_angle_deg == pytest.approx(84.83, abs=0.01)
    assert 45 * 60 < fit.flight_time_s < 54 * 60


def test_the_issue_figures_for_hwasong_15_reach_10000_km() -> None:
    assert ellipse_through(960.0, 4500.0).max_range_km >= 10_000.0


def test_ellipse_through_a_min_energy_pair_gives_back_its_range_and_angle() -> None:
    for range_km in (1000.0, 5500.0):
        fit = ellipse_through(range_km, min_energy_apogee_km(range_km))
        assert fit.max_range_km == pytest.approx(range_km, rel=1e-9)
        assert fit.flight_path_angle_deg == pytest.approx(min_energy_flight_path_angle_deg(range_km), abs=1e-9)
        assert ground_range_km(fit.q, fit.flight_path_angle_deg) == pytest.approx(range_km, rel=1e-9)


def test_vertical_shot_by_hand() -> None:
    assert vertical_q(200.0) == pytest.approx(0.060873, abs=1e-6)
    assert max_range_km(vertical_q(200.0)) == pytest.approx(400.0, abs=0.5)


def test_orbital_speed_reaches_anywhere() -> None:
    fit = ellipse_through(1001.0, 7687.0)  # Hwasong-19, 30 Oct 2024: Q > 1 with burnout on the surface
    assert fit.orbital and fit.q > 1.0
    assert fit.max_range_km == HALF_CIRCUMFERENCE_KM == pytest.approx(math.pi * EARTH_RADIUS_KM)


@pytest.mark.parametrize(("call", "args"), [(ellipse_through, (0.0, 100.0)), (ellipse_through, (100.0, 0.0)), (min_energy_q, (25_000.0,)), (vertical_q, (-1.0,)), (max_range_km, (0.0,))])
def test_bad_inputs_raise(call, args) -> None:
    with pytest.raises(ValueError):
        call(*args)
